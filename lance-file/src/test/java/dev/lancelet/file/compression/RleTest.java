package dev.lancelet.file.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RleTest {
  private static final long SEED = System.nanoTime();

  private static byte[] runny(Random r, int n, int w, int maxRun) {
    byte[] out = new byte[n * w];
    int i = 0;
    while (i < n) {
      long v = r.nextLong();
      int len = 1 + r.nextInt(maxRun);
      for (int k = 0; k < len && i < n; k++, i++) {
        LittleEndian.putUnsigned(out, i * w, w, v);
      }
    }
    return out;
  }

  @Test
  void miniBlockRoundTripRespectsChunkRules() throws Exception {
    Random r = new Random(SEED);
    for (int w : new int[] {1, 2, 4, 8}) {
      for (int rl : new int[] {1, 2, 4}) {
        for (int n : new int[] {1, 2, 3, 255, 256, 257, 1009, 2048, 2049, 7919, 20011}) {
          for (int maxRun : new int[] {1, 3, 300, 5000}) {
            String ctx = "w=" + w + " r=" + rl + " n=" + n + " maxRun=" + maxRun + " seed=" + SEED;
            byte[] data = runny(r, n, w, maxRun);
            Rle.MiniBlockEncoded enc = Rle.encodeMiniBlock(w, rl, 2048, data, 0, n);
            byte[] back = new byte[n * w];
            int vPos = 0;
            int lPos = 0;
            int out = 0;
            for (int c = 0; c < enc.numChunks(); c++) {
              int count = enc.chunkNumValues()[c];
              int bytes = enc.chunkValuesBytes()[c] + enc.chunkLengthsBytes()[c];
              assertThat(bytes).as(ctx).isLessThanOrEqualTo(Rle.MAX_MINIBLOCK_BYTES);
              assertThat(count).as(ctx).isLessThanOrEqualTo(2048);
              if (c < enc.numChunks() - 1) {
                assertThat(Integer.bitCount(count)).as(ctx + " chunk " + c).isEqualTo(1);
                assertThat(1 << enc.logNumValues(c)).as(ctx).isEqualTo(count);
              } else {
                assertThat(enc.logNumValues(c)).isZero();
              }
              Rle.decode(w, rl, enc.values(), vPos, enc.chunkValuesBytes()[c], enc.lengths(), lPos,
                  enc.chunkLengthsBytes()[c], count, back, out);
              vPos += enc.chunkValuesBytes()[c];
              lPos += enc.chunkLengthsBytes()[c];
              out += count * w;
            }
            assertThat(out).as(ctx).isEqualTo(n * w);
            assertThat(back).as(ctx).containsExactly(data);

            byte[] block = Rle.encodeBlock(w, rl, data, 0, n);
            byte[] back2 = new byte[n * w + 3];
            Rle.decodeBlock(w, rl, block, 0, block.length, n, back2, 3);
            assertThat(java.util.Arrays.copyOfRange(back2, 3, back2.length)).as(ctx).containsExactly(data);
          }
        }
      }
    }
  }

  @Test
  void longRunsSplitAt255() {
    byte[] data = new byte[4 * 1300];
    for (int i = 0; i < 1000; i++) {
      LittleEndian.putInt(data, 4 * i, 42);
    }
    for (int i = 1000; i < 1300; i++) {
      LittleEndian.putInt(data, 4 * i, 100);
    }
    Rle.MiniBlockEncoded enc = Rle.encodeMiniBlock(4, data, 0, 1300);
    assertThat(enc.numChunks()).isEqualTo(1);
    assertThat(enc.lengths()).containsExactly((byte) 255, (byte) 255, (byte) 255, (byte) 235, (byte) 255, (byte) 45);
    assertThat(enc.values().length).isEqualTo(24);
    assertThat(LittleEndian.getInt(enc.values(), 12)).isEqualTo(42);
    assertThat(LittleEndian.getInt(enc.values(), 16)).isEqualTo(100);
  }

  @Test
  void decoderStopsAtExpectedCountAndSkipsZeroRuns() throws Exception {
    byte[] values = {7, 0, 9};
    byte[] lengths = {3, 0, 10};
    byte[] out = new byte[5];
    Rle.decode(1, 1, values, 0, 3, lengths, 0, 3, 5, out, 0);
    assertThat(out).containsExactly(7, 7, 7, 9, 9);
  }

  @Test
  void decoderRejectsInconsistentBuffers() {
    byte[] values = new byte[8];
    byte[] lengths = {1, 1};
    assertThatThrownBy(() -> Rle.decode(4, 1, values, 0, 7, lengths, 0, 2, 2, new byte[8], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("multiple of 4");
    assertThatThrownBy(() -> Rle.decode(4, 1, values, 0, 8, lengths, 0, 1, 2, new byte[8], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("2 values but 1 run lengths");
    assertThatThrownBy(() -> Rle.decode(4, 1, values, 0, 8, lengths, 0, 2, 3, new byte[12], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("produced 2 values, expected 3");
    byte[] block = new byte[12];
    LittleEndian.putLong(block, 0, 100);
    assertThatThrownBy(() -> Rle.decodeBlock(4, 1, block, 0, 12, 1, new byte[4], 0))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("exceeds");
    LittleEndian.putLong(block, 0, -1);
    assertThatThrownBy(() -> Rle.decodeBlock(4, 1, block, 0, 12, 1, new byte[4], 0))
        .isInstanceOf(LanceFormatException.class);
  }
}
