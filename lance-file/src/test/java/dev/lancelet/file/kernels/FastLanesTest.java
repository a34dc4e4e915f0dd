package dev.lancelet.file.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the fast kernels against a bit-at-a-time reference written straight from the layout
 * description in {@link FastLanes}, for every lane type and every bit width.
 */
class FastLanesTest {
  private static final long SEED = 0x5EEDL ^ System.nanoTime();

  /** Reference packer: packs the values bit by bit into a lane-major bit stream. */
  static long[] referencePack(int t, int width, long[] values) {
    int lanes = 1024 / t;
    long[] words = new long[lanes * width];
    long tMask = t == 64 ? -1L : (1L << t) - 1;
    for (int lane = 0; lane < lanes; lane++) {
      for (int row = 0; row < t; row++) {
        long v = values[FastLanes.valueIndex(t, row, lane)];
        for (int b = 0; b < width; b++) {
          if (((v >>> b) & 1) != 0) {
            int streamBit = row * width + b;
            int w = streamBit / t;
            words[w * lanes + lane] |= 1L << (streamBit % t);
          }
        }
      }
    }
    for (int i = 0; i < words.length; i++) {
      words[i] &= tMask;
    }
    return words;
  }

  static long[] randomValues(Random r, int width) {
    long[] v = new long[1024];
    for (int i = 0; i < 1024; i++) {
      long x = r.nextLong();
      v[i] = width == 64 ? x : x & ((1L << width) - 1);
    }
    return v;
  }

  @Test
  void everyWidthEveryLaneTypeMatchesReference() {
    Random r = new Random(SEED);
    for (int t : new int[] {8, 16, 32, 64}) {
      for (int width = 0; width <= t; width++) {
        String ctx = "t=" + t + " width=" + width + " seed=" + SEED;
        long[] values = randomValues(r, width);
        long[] ref = referencePack(t, width, values);
        long[] unpacked = new long[1024];
        long[] packedBack = new long[ref.length];
        int off = 3; // exercise offsets
        switch (t) {
          case 64 -> {
            long[] in = new long[1024 + off];
            System.arraycopy(values, 0, in, off, 1024);
            long[] packed = new long[ref.length + off];
            FastLanes.pack64(width, in, off, packed, off);
            for (int i = 0; i < ref.length; i++) {
              packedBack[i] = packed[off + i];
            }
            long[] out = new long[1024 + off];
            FastLanes.unpack64(width, packed, off, out, off);
            System.arraycopy(out, off, unpacked, 0, 1024);
          }
          case 32 -> {
            int[] in = new int[1024 + off];
            for (int i = 0; i < 1024; i++) {
              in[off + i] = (int) values[i];
            }
            int[] packed = new int[ref.length + off];
            FastLanes.pack32(width, in, off, packed, off);
            for (int i = 0; i < ref.length; i++) {
              packedBack[i] = packed[off + i] & 0xFFFF_FFFFL;
            }
            int[] out = new int[1024 + off];
            FastLanes.unpack32(width, packed, off, out, off);
            for (int i = 0; i < 1024; i++) {
              unpacked[i] = out[off + i] & 0xFFFF_FFFFL;
            }
          }
          case 16 -> {
            short[] in = new short[1024 + off];
            for (int i = 0; i < 1024; i++) {
              in[off + i] = (short) values[i];
            }
            short[] packed = new short[ref.length + off];
            FastLanes.pack16(width, in, off, packed, off);
            for (int i = 0; i < ref.length; i++) {
              packedBack[i] = packed[off + i] & 0xFFFFL;
            }
            short[] out = new short[1024 + off];
            FastLanes.unpack16(width, packed, off, out, off);
            for (int i = 0; i < 1024; i++) {
              unpacked[i] = out[off + i] & 0xFFFFL;
            }
          }
          default -> {
            byte[] in = new byte[1024 + off];
            for (int i = 0; i < 1024; i++) {
              in[off + i] = (byte) values[i];
            }
            byte[] packed = new byte[ref.length + off];
            FastLanes.pack8(width, in, off, packed, off);
            for (int i = 0; i < ref.length; i++) {
              packedBack[i] = packed[off + i] & 0xFFL;
            }
            byte[] out = new byte[1024 + off];
            FastLanes.unpack8(width, packed, off, out, off);
            for (int i = 0; i < 1024; i++) {
              unpacked[i] = out[off + i] & 0xFFL;
            }
          }
        }
        assertThat(packedBack).as("packed words, " + ctx).containsExactly(ref);
        assertThat(unpacked).as("unpacked values, " + ctx).containsExactly(values);
      }
    }
  }

  @Test
  void packMasksBitsAboveWidth() {
    long[] in = new long[1024];
    java.util.Arrays.fill(in, -1L);
    long[] packed = new long[16 * 3];
    FastLanes.pack64(3, in, 0, packed, 0);
    long[] out = new long[1024];
    FastLanes.unpack64(3, packed, 0, out, 0);
    for (long v : out) {
      assertThat(v).isEqualTo(7L);
    }
  }

  @Test
  void knownAnswerSmallCase() {
    // u32 lanes, width 1: value index i = lane + 128 * (row % 8) + 16 * FL_ORDER[row / 8].
    // Setting only value 0 (row 0, lane 0) must set bit 0 of word 0; value 128 (row 1, lane 0)
    // bit 1 of word 0; value 64 (row 8, lane 0, since FL_ORDER[1] = 4) bit 8 of word 0.
    int[] in = new int[1024];
    in[0] = 1;
    in[128] = 1;
    in[64] = 1;
    in[33] = 1; // row 0 of lane 33? no: 33 = lane 1 + 32 (FL_ORDER[2]=2 -> 32) -> row 16 of lane 1
    int[] packed = new int[32];
    FastLanes.pack32(1, in, 0, packed, 0);
    assertThat(packed[0]).isEqualTo((1 << 0) | (1 << 1) | (1 << 8));
    assertThat(packed[1]).isEqualTo(1 << 16);
  }

  @Test
  void bitWidths() {
    assertThat(FastLanes.bitWidth64(new long[] {0, 0}, 0, 2)).isZero();
    assertThat(FastLanes.bitWidth64(new long[] {5, -1}, 0, 2)).isEqualTo(64);
    assertThat(FastLanes.bitWidth32(new int[] {1, 2, 4}, 0, 3)).isEqualTo(3);
    assertThat(FastLanes.bitWidth16(new short[] {(short) 0x8000}, 0, 1)).isEqualTo(16);
    assertThat(FastLanes.bitWidth8(new byte[] {(byte) 0x80, 1}, 1, 1)).isEqualTo(1);
  }
}
