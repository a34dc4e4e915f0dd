package dev.lancelet.file.encoding.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.compression.Rle;
import dev.lancelet.file.kernels.LittleEndian;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FixedStatsTest {
  private static final long SEED = System.nanoTime();

  /**
   * Statistics gathered block by block (random block sizes, crossing 1024-value chunk borders)
   * equal a direct count over the whole page: runs as {@link Rle#countRuns} counts them, and each
   * chunk's bit width as the OR of its unsigned values. Values with long runs, sign bits and
   * small ranges, for every width.
   */
  @Test
  void blockwiseStatisticsEqualWholePageCounts() {
    Random r = new Random(SEED);
    for (int w : new int[] {1, 2, 4, 8}) {
      for (int trial = 0; trial < 20; trial++) {
        int n = 1 + r.nextInt(5000);
        byte[] page = new byte[n * w + r.nextInt(64)];
        long v = r.nextLong();
        for (int i = 0; i < n; i++) {
          switch (r.nextInt(3)) {
            case 0 -> v = r.nextLong();
            case 1 -> v = r.nextInt(1 << r.nextInt(20));
            default -> { } // same value: a run
          }
          LittleEndian.putUnsigned(page, i * w, w, w == 8 ? v : v & ((1L << (8 * w)) - 1));
        }
        FixedStats stats = new FixedStats(w);
        for (int i = 0; i < n; ) {
          int block = Math.min(n - i, 1 + r.nextInt(1500));
          stats.scan(page, i, block);
          i += block;
        }
        String ctx = "w=" + w + " n=" + n + " seed=" + SEED;
        assertThat(stats.items()).as(ctx).isEqualTo(n);
        assertThat(stats.runs()).as(ctx).isEqualTo(Rle.countRuns(w, page, 0, n));
        assertThat(stats.chunks()).as(ctx).isEqualTo((n + 1023) / 1024);
        for (int ch = 0; ch < stats.chunks(); ch++) {
          long or = 0;
          for (int i = ch * 1024; i < Math.min(n, ch * 1024 + 1024); i++) {
            or |= LittleEndian.getUnsigned(page, i * w, w);
          }
          assertThat(stats.chunkWidth(ch)).as("%s chunk %d", ctx, ch).isEqualTo(64 - Long.numberOfLeadingZeros(or));
        }
      }
    }
  }
}
