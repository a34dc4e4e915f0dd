package dev.lancelet.file.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.FastLanes;
import dev.lancelet.file.kernels.LittleEndian;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitpackingTest {
  private static final long SEED = System.nanoTime();
  private static final int[] LENGTHS = {1, 2, 7, 31, 509, 1000, 1023, 1024, 1025, 2047, 2048, 3001, 4099};

  private static long[] values(Random r, int n, int width) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = width == 64 ? r.nextLong() : (r.nextLong() & ((1L << width) - 1));
    }
    // Make sure the top bit of the width is used so the chosen width is exactly `width`.
    if (width > 0) {
      v[r.nextInt(n)] |= 1L << (width - 1);
    }
    return v;
  }

  @Test
  void inlineChunkRoundTripEveryWidthEveryType() throws Exception {
    Random r = new Random(SEED);
    for (int t : new int[] {8, 16, 32, 64}) {
      for (int width = 0; width <= t; width++) {
        for (int n : new int[] {1, 3, 997, 1024}) {
          String ctx = "t=" + t + " width=" + width + " n=" + n + " seed=" + SEED;
          long[] v = values(r, n, width);
          byte[] chunk = new byte[5 + InlineBitpacking.chunkBytes(t, t)];
          int written;
          long[] back = new long[n];
          switch (t) {
            case 64 -> {
              written = InlineBitpacking.encode64(v, 0, n, chunk, 5);
              long[] out = new long[n + 2];
              InlineBitpacking.decode64(chunk, 5, written, n, out, 2);
              System.arraycopy(out, 2, back, 0, n);
            }
            case 32 -> {
              int[] in = new int[n];
              for (int i = 0; i < n; i++) {
                in[i] = (int) v[i];
              }
              written = InlineBitpacking.encode32(in, 0, n, chunk, 5);
              int[] out = new int[n];
              InlineBitpacking.decode32(chunk, 5, written, n, out, 0);
              for (int i = 0; i < n; i++) {
                back[i] = out[i] & 0xFFFFFFFFL;
              }
            }
            case 16 -> {
              short[] in = new short[n];
              for (int i = 0; i < n; i++) {
                in[i] = (short) v[i];
              }
              written = InlineBitpacking.encode16(in, 0, n, chunk, 5);
              short[] out = new short[n];
              InlineBitpacking.decode16(chunk, 5, written, n, out, 0);
              for (int i = 0; i < n; i++) {
                back[i] = out[i] & 0xFFFFL;
              }
            }
            default -> {
              byte[] in = new byte[n];
              for (int i = 0; i < n; i++) {
                in[i] = (byte) v[i];
              }
              written = InlineBitpacking.encode8(in, 0, n, chunk, 5);
              byte[] out = new byte[n];
              InlineBitpacking.decode8(chunk, 5, written, n, out, 0);
              for (int i = 0; i < n; i++) {
                back[i] = out[i] & 0xFFL;
              }
            }
          }
          assertThat(written).as(ctx).isEqualTo(t / 8 + 128 * width);
          assertThat(LittleEndian.getUnsigned(chunk, 5, t / 8)).as(ctx).isEqualTo(width);
          assertThat(back).as(ctx).containsExactly(v);
          // Byte output matches typed output.
          byte[] asBytes = new byte[n * t / 8];
          InlineBitpacking.decodeToBytes(t, chunk, 5, written, n, asBytes, 0);
          for (int i = 0; i < n; i++) {
            assertThat(LittleEndian.getUnsigned(asBytes, i * t / 8, t / 8)).as(ctx).isEqualTo(v[i]);
          }
        }
      }
    }
  }

  @Test
  void inlineChunkBodyIsFastLanesBlockOfZeroPaddedValues() throws Exception {
    int[] in = new int[10];
    for (int i = 0; i < 10; i++) {
      in[i] = i;
    }
    byte[] chunk = new byte[4 + 128 * 4];
    int written = InlineBitpacking.encode32(in, 0, 10, chunk, 0);
    assertThat(written).isEqualTo(4 + 128 * 4);
    int[] padded = new int[1024];
    System.arraycopy(in, 0, padded, 0, 10);
    int[] packed = new int[128];
    FastLanes.pack32(4, padded, 0, packed, 0);
    byte[] expected = new byte[512];
    LittleEndian.writeInts(packed, 0, expected, 0, 128);
    assertThat(java.util.Arrays.copyOfRange(chunk, 4, written)).containsExactly(expected);
  }

  @Test
  void inlineRejectsCorruptChunks() {
    byte[] chunk = new byte[4 + 128 * 3];
    LittleEndian.putInt(chunk, 0, 3);
    assertThatThrownBy(() -> InlineBitpacking.decode32(chunk, 0, chunk.length - 1, 10, new int[10], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("must be 388 bytes, got 387");
    LittleEndian.putInt(chunk, 0, 33);
    assertThatThrownBy(() -> InlineBitpacking.decode32(chunk, 0, chunk.length, 10, new int[10], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("[0, 32], got 33");
    LittleEndian.putInt(chunk, 0, -1);
    assertThatThrownBy(() -> InlineBitpacking.decode32(chunk, 0, chunk.length, 10, new int[10], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("got 4294967295");
    assertThatThrownBy(() -> InlineBitpacking.decode32(chunk, 0, 2, 10, new int[10], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("header");
    assertThatThrownBy(() -> InlineBitpacking.decode32(chunk, 0, chunk.length, 1025, new int[2000], 0))
        .isInstanceOf(LanceFormatException.class);
  }

  @Test
  void outOfLineRoundTripEveryWidthEveryTypeManyLengths() throws Exception {
    Random r = new Random(SEED);
    for (int t : new int[] {8, 16, 32, 64}) {
      for (int width = 0; width <= t; width++) {
        for (int n : LENGTHS) {
          String ctx = "t=" + t + " width=" + width + " n=" + n + " seed=" + SEED;
          long[] v = values(r, n, width);
          long[] back = new long[n];
          byte[] enc;
          switch (t) {
            case 64 -> {
              enc = OutOfLineBitpacking.encode64(v, 0, n, width);
              OutOfLineBitpacking.decode64(enc, 0, enc.length, width, n, back, 0);
            }
            case 32 -> {
              int[] in = new int[n];
              for (int i = 0; i < n; i++) {
                in[i] = (int) v[i];
              }
              enc = OutOfLineBitpacking.encode32(in, 0, n, width);
              int[] out = new int[n];
              OutOfLineBitpacking.decode32(enc, 0, enc.length, width, n, out, 0);
              for (int i = 0; i < n; i++) {
                back[i] = out[i] & 0xFFFFFFFFL;
              }
            }
            case 16 -> {
              short[] in = new short[n];
              for (int i = 0; i < n; i++) {
                in[i] = (short) v[i];
              }
              enc = OutOfLineBitpacking.encode16(in, 0, n, width);
              short[] out = new short[n];
              OutOfLineBitpacking.decode16(enc, 0, enc.length, width, n, out, 0);
              for (int i = 0; i < n; i++) {
                back[i] = out[i] & 0xFFFFL;
              }
            }
            default -> {
              byte[] in = new byte[n];
              for (int i = 0; i < n; i++) {
                in[i] = (byte) v[i];
              }
              enc = OutOfLineBitpacking.encode8(in, 0, n, width);
              byte[] out = new byte[n];
              OutOfLineBitpacking.decode8(enc, 0, enc.length, width, n, out, 0);
              for (int i = 0; i < n; i++) {
                back[i] = out[i] & 0xFFL;
              }
            }
          }
          assertThat((long) enc.length).as(ctx).isEqualTo(OutOfLineBitpacking.encodedBytes(t, width, n));
          assertThat(back).as(ctx).containsExactly(v);
        }
      }
    }
  }

  @Test
  void outOfLineTailChoiceFollowsLanceRule() {
    // 16 -> 1 bit, 10 values: padding costs 1014 bits, packing saves 150 -> raw tail.
    assertThat(OutOfLineBitpacking.encodedBytes(16, 1, 10)).isEqualTo(20);
    // 16 -> 1 bit, 1000 values: padding costs 24 bits, saves 15000 -> packed (128 bytes).
    assertThat(OutOfLineBitpacking.encodedBytes(16, 1, 1000)).isEqualTo(128);
    // 1024 + 3 values, width 2 of 16: raw tail of 3 words.
    assertThat(OutOfLineBitpacking.encodedBytes(16, 2, 1027)).isEqualTo(256 + 6);
    // Full width never pads.
    assertThat(OutOfLineBitpacking.encodedBytes(32, 32, 1500)).isEqualTo(1500 * 4);
  }

  @Test
  void outOfLineDecodesAlwaysPaddedWriterOutput() throws Exception {
    // An older writer always padded the tail; the length inference must still read it.
    short[] v = new short[10];
    for (int i = 0; i < 10; i++) {
      v[i] = (short) (i & 1);
    }
    short[] padded = new short[1024];
    System.arraycopy(v, 0, padded, 0, 10);
    short[] packed = new short[64];
    FastLanes.pack16(1, padded, 0, packed, 0);
    byte[] buf = new byte[128];
    LittleEndian.writeShorts(packed, 0, buf, 0, 64);
    short[] out = new short[10];
    OutOfLineBitpacking.decode16(buf, 0, buf.length, 1, 10, out, 0);
    assertThat(out).containsExactly(v);
  }

  @Test
  void outOfLineRejectsShortBuffers() {
    byte[] buf = new byte[100];
    assertThatThrownBy(() -> OutOfLineBitpacking.decode16(buf, 0, 99, 1, 10, new short[10], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("not a multiple of 2");
    assertThatThrownBy(() -> OutOfLineBitpacking.decode16(buf, 0, 100, 1, 2000, new short[2000], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("needs 256 bytes");
    assertThatThrownBy(() -> OutOfLineBitpacking.decode16(buf, 0, 100, 17, 10, new short[10], 0))
        .isInstanceOf(LanceFormatException.class);
    assertThatThrownBy(() -> OutOfLineBitpacking.decode16(buf, 0, 100, 1, -1, new short[10], 0))
        .isInstanceOf(LanceFormatException.class);
  }
}
