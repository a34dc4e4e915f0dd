package dev.lancelet.file.encoding.write;

import dev.lancelet.file.kernels.FastLanes;
import dev.lancelet.file.kernels.LittleEndian;
import java.util.Arrays;

/**
 * Statistics of a fixed-width page (values of 1, 2, 4 or 8 bytes, compared and measured as
 * unsigned little-endian integers) gathered block by block while the page fills, so choosing
 * between RLE, bit packing and flat needs no further pass over the page: the number of runs
 * (maximal stretches of equal values) and the bit width of each 1024-value chunk.
 */
final class FixedStats {
  private final int width;
  private long runs;
  private long last;
  private long[] chunkOr = new long[16];
  private int items;

  FixedStats(int width) {
    this.width = width;
  }

  /** Adds the {@code count} values of page items {@code [first, first + count)} in {@code page}. */
  void scan(byte[] page, int first, int count) {
    if (first != items) {
      throw new IllegalStateException("Statistics expected item " + items + ", got " + first);
    }
    int end = first + count;
    int i = first;
    if (i < end && items == 0) {
      last = first(page);
      runs = 1;
    }
    long prev = last;
    long r = runs;
    while (i < end) {
      int ch = i >>> 10;
      int stop = Math.min(end, (ch + 1) << 10);
      if (ch >= chunkOr.length) {
        chunkOr = Arrays.copyOf(chunkOr, Math.max(ch + 1, chunkOr.length * 2));
      }
      long or = 0;
      switch (width) {
        case 8 -> {
          for (; i < stop; i++) {
            long v = LittleEndian.getLong(page, 8 * i);
            or |= v;
            r += v != prev ? 1 : 0;
            prev = v;
          }
        }
        case 4 -> {
          for (; i < stop; i++) {
            long v = LittleEndian.getInt(page, 4 * i) & 0xFFFFFFFFL;
            or |= v;
            r += v != prev ? 1 : 0;
            prev = v;
          }
        }
        case 2 -> {
          for (; i < stop; i++) {
            long v = LittleEndian.getShort(page, 2 * i) & 0xFFFFL;
            or |= v;
            r += v != prev ? 1 : 0;
            prev = v;
          }
        }
        default -> {
          for (; i < stop; i++) {
            long v = page[i] & 0xFFL;
            or |= v;
            r += v != prev ? 1 : 0;
            prev = v;
          }
        }
      }
      chunkOr[ch] |= or;
    }
    last = prev;
    runs = r;
    items = end;
  }

  private long first(byte[] page) {
    return switch (width) {
      case 8 -> LittleEndian.getLong(page, 0);
      case 4 -> LittleEndian.getInt(page, 0) & 0xFFFFFFFFL;
      case 2 -> LittleEndian.getShort(page, 0) & 0xFFFFL;
      default -> page[0] & 0xFFL;
    };
  }

  /** Values seen. */
  int items() {
    return items;
  }

  /** Number of runs of equal values. */
  long runs() {
    return runs;
  }

  /** Bit width (0..64) of the values of 1024-value chunk {@code chunk}. */
  int chunkWidth(int chunk) {
    return 64 - Long.numberOfLeadingZeros(chunkOr[chunk]);
  }

  /** Number of 1024-value chunks. */
  int chunks() {
    return (items + FastLanes.BLOCK - 1) / FastLanes.BLOCK;
  }
}
