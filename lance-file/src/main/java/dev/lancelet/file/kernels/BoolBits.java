package dev.lancelet.file.kernels;

/**
 * Boolean bitmaps in Arrow order: value {@code i} is bit {@code i % 8} (least significant first) of
 * byte {@code i / 8}. Unused high bits of the last byte are written as zero. Lance's {@code
 * Flat(1)} booleans and validity bitmaps use this order.
 */
public final class BoolBits {
  private BoolBits() {}

  /** Number of bytes holding {@code n} bits. */
  public static int bytesFor(int n) {
    return (n + 7) >>> 3;
  }

  /** Reads bit {@code bitIndex}, counted from bit 0 of {@code src[srcOff]}. */
  public static boolean get(byte[] src, int srcOff, long bitIndex) {
    return ((src[srcOff + (int) (bitIndex >>> 3)] >>> (bitIndex & 7)) & 1) != 0;
  }

  /**
   * Expands {@code n} bits, starting at bit {@code bitOffset} of {@code src[srcOff]}, into {@code
   * dst[dstOff..dstOff+n)}.
   */
  public static void unpack(byte[] src, int srcOff, long bitOffset, boolean[] dst, int dstOff, int n) {
    int i = 0;
    long bit = bitOffset;
    // Align to a byte boundary, then take whole bytes.
    while (i < n && (bit & 7) != 0) {
      dst[dstOff + i++] = get(src, srcOff, bit++);
    }
    int byteIdx = srcOff + (int) (bit >>> 3);
    while (n - i >= 8) {
      int b = src[byteIdx++];
      dst[dstOff + i] = (b & 1) != 0;
      dst[dstOff + i + 1] = (b & 2) != 0;
      dst[dstOff + i + 2] = (b & 4) != 0;
      dst[dstOff + i + 3] = (b & 8) != 0;
      dst[dstOff + i + 4] = (b & 16) != 0;
      dst[dstOff + i + 5] = (b & 32) != 0;
      dst[dstOff + i + 6] = (b & 64) != 0;
      dst[dstOff + i + 7] = (b & 128) != 0;
      i += 8;
    }
    bit = ((long) (byteIdx - srcOff)) << 3;
    while (i < n) {
      dst[dstOff + i++] = get(src, srcOff, bit++);
    }
  }

  /**
   * Packs {@code n} booleans from {@code src[srcOff..]} into {@code bytesFor(n)} bytes at {@code
   * dst[dstOff..]}, least significant bit first. Overwrites those bytes entirely.
   */
  public static void pack(boolean[] src, int srcOff, int n, byte[] dst, int dstOff) {
    int full = n >>> 3;
    int s = srcOff;
    for (int k = 0; k < full; k++, s += 8) {
      int b =
          (src[s] ? 1 : 0)
              | (src[s + 1] ? 2 : 0)
              | (src[s + 2] ? 4 : 0)
              | (src[s + 3] ? 8 : 0)
              | (src[s + 4] ? 16 : 0)
              | (src[s + 5] ? 32 : 0)
              | (src[s + 6] ? 64 : 0)
              | (src[s + 7] ? 128 : 0);
      dst[dstOff + k] = (byte) b;
    }
    int rem = n & 7;
    if (rem != 0) {
      int b = 0;
      for (int j = 0; j < rem; j++) {
        if (src[s + j]) {
          b |= 1 << j;
        }
      }
      dst[dstOff + full] = (byte) b;
    }
  }
}
