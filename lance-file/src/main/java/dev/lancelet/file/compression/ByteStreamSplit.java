package dev.lancelet.file.compression;

import static dev.lancelet.file.compression.Checks.checkRange;

import dev.lancelet.file.LanceFormatException;

/**
 * Byte-stream-split: a reordering, not a compression, of {@code n} fixed-width values of {@code w}
 * bytes (Lance writes it for 32- and 64-bit values; 16-bit works the same way).
 *
 * <h2>Layout (per mini-block chunk)</h2>
 *
 * {@code w} streams of {@code n} bytes each, stream {@code j} holding byte {@code j} (little-endian
 * position) of every value: encoded byte {@code j * n + i} = byte {@code j} of value {@code i}. The
 * buffer is exactly {@code n * w} bytes. Each mini-block chunk is split on its own (Lance cuts
 * chunks of 1024 values for 32-bit and 512 for 64-bit; the last chunk holds the rest), so {@code
 * n} is the chunk's value count.
 */
public final class ByteStreamSplit {
  private ByteStreamSplit() {}

  private static void checkWidth(int w) {
    if (w != 2 && w != 4 && w != 8) {
      throw new IllegalArgumentException("Byte-stream-split value width must be 2, 4 or 8 bytes, got " + w);
    }
  }

  /** Values per mini-block chunk Lance uses for {@code bytesPerValue}-byte values (4 -> 1024, 8 -> 512). */
  public static int chunkValues(int bytesPerValue) {
    checkWidth(bytesPerValue);
    return 4096 / bytesPerValue;
  }

  /**
   * Splits {@code n} values of {@code w} bytes from {@code src[srcOff..]} into {@code n * w} bytes
   * at {@code dst[dstOff..]}.
   */
  public static void encode(int w, byte[] src, int srcOff, int n, byte[] dst, int dstOff) {
    checkWidth(w);
    for (int j = 0; j < w; j++) {
      int d = dstOff + j * n;
      int s = srcOff + j;
      for (int i = 0; i < n; i++) {
        dst[d + i] = src[s + i * w];
      }
    }
  }

  /**
   * Joins the {@code w} streams in {@code src[srcOff..srcOff+len)} back into {@code n} values at
   * {@code dst[dstOff..]}.
   *
   * @throws LanceFormatException if {@code len != n * w}
   */
  public static void decode(int w, byte[] src, int srcOff, int len, int n, byte[] dst, int dstOff)
      throws LanceFormatException {
    if (w != 2 && w != 4 && w != 8) {
      throw new LanceFormatException("Byte-stream-split value width must be 2, 4 or 8 bytes, got " + w);
    }
    checkRange(src, srcOff, len);
    Checks.checkNonNegativeCount("Byte-stream-split value count", n);
    if ((long) n * w != len) {
      throw new LanceFormatException(
          "Byte-stream-split of " + n + " values of " + w + " bytes needs " + (long) n * w
              + " bytes, got " + len);
    }
    for (int j = 0; j < w; j++) {
      int s = srcOff + j * n;
      int d = dstOff + j;
      for (int i = 0; i < n; i++) {
        dst[d + i * w] = src[s + i];
      }
    }
  }
}
