package dev.lancelet.file.kernels;

import java.util.Arrays;

/**
 * FastLanes bit packing of one block of 1024 unsigned integers, in exactly the transposed layout
 * Lance writes (Lance's {@code lance-bitpacking} crate, a port of spiraldb/fastlanes).
 *
 * <h2>Layout</h2>
 *
 * Let {@code T} be the lane type's width in bits (8, 16, 32 or 64), {@code LANES = 1024 / T}, and
 * {@code W} (0..T) the packed bit width. A packed block is {@code W * LANES} words of type T
 * ({@code 128 * W} bytes, little-endian words), viewed as a {@code W x LANES} matrix: word {@code
 * (w, lane)} is element {@code w * LANES + lane}.
 *
 * <p>Each lane holds {@code T} values, called rows 0..T-1. Row {@code r} of lane {@code l} is the
 * input value with index
 *
 * <pre>  FL_ORDER[r / 8] * 16 + (r % 8) * 128 + l,   FL_ORDER = {0, 4, 2, 6, 1, 5, 3, 7}</pre>
 *
 * Within a lane the rows form one little-endian bit stream of {@code T * W} bits spread over that
 * lane's {@code W} words: row {@code r} occupies stream bits {@code [r*W, r*W + W)}; stream bit
 * {@code k} is bit {@code k % T} of word {@code (k / T, lane)}. A value may straddle two words (low
 * part in the high bits of word {@code k/T}, the rest in the low bits of the next word). {@code W =
 * 0} packs to zero bytes and unpacks to zeros; {@code W = T} is a transposed copy.
 *
 * <h2>Implementation</h2>
 *
 * The loops run row-outer, lane-inner. For a fixed row every lane does the same shift and mask on
 * the same word index, so the inner loop has no branch and no data-dependent index, and C2
 * auto-vectorizes it. The per-row branch (does the value straddle a word?) runs T times per block,
 * not 1024 times, which is why we do not generate one class per bit width (STYLE rule 5): the
 * width-specific work is already hoisted out of the per-value path. Values wider than {@code W}
 * are masked on packing, as Lance does.
 */
public final class FastLanes {
  /** Values per block. */
  public static final int BLOCK = 1024;

  private static final int[] FL_ORDER = {0, 4, 2, 6, 1, 5, 3, 7};
  private static final int[] BASE8 = rowBases(8);
  private static final int[] BASE16 = rowBases(16);
  private static final int[] BASE32 = rowBases(32);
  private static final int[] BASE64 = rowBases(64);

  private FastLanes() {}

  private static int[] rowBases(int t) {
    int[] b = new int[t];
    for (int r = 0; r < t; r++) {
      b[r] = FL_ORDER[r / 8] * 16 + (r % 8) * 128;
    }
    return b;
  }

  /** Number of T-bit words in a block packed at {@code width} bits: {@code 1024 * width / T}. */
  public static int packedWords(int laneBits, int width) {
    return BLOCK / laneBits * width;
  }

  /** Number of bytes in a block packed at {@code width} bits, for any lane type: {@code 128 * width}. */
  public static int packedBytes(int width) {
    return 128 * width;
  }

  /**
   * Index, within the 1024-value block, of the value stored at {@code row} of {@code lane} for a
   * lane type of {@code laneBits} bits.
   */
  public static int valueIndex(int laneBits, int row, int lane) {
    return FL_ORDER[row / 8] * 16 + (row % 8) * 128 + lane;
  }

  private static void checkWidth(int width, int t) {
    if (width < 0 || width > t) {
      throw new IllegalArgumentException(
          "Bit width must be in [0, " + t + "] for " + t + "-bit lanes, got " + width);
    }
  }

  // ---------------------------------------------------------------- 64-bit lanes

  /**
   * Unpacks one block: reads {@code 16 * width} words from {@code packed[packedOff..]} and writes
   * 1024 values to {@code out[outOff..]}.
   */
  public static void unpack64(int width, long[] packed, int packedOff, long[] out, int outOff) {
    checkWidth(width, 64);
    if (width == 0) {
      Arrays.fill(out, outOff, outOff + BLOCK, 0L);
      return;
    }
    final int lanes = 16;
    final long mask = width == 64 ? -1L : (1L << width) - 1;
    for (int row = 0; row < 64; row++) {
      int bit = row * width;
      int shift = bit & 63;
      int p = packedOff + (bit >>> 6) * lanes;
      int o = outOff + BASE64[row];
      if (shift + width <= 64) {
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] = (packed[p + lane] >>> shift) & mask;
        }
      } else {
        int up = 64 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] = ((packed[p + lane] >>> shift) | (packed[p + lanes + lane] << up)) & mask;
        }
      }
    }
  }

  /**
   * Packs one block: reads 1024 values from {@code in[inOff..]} and writes {@code 16 * width} words
   * to {@code packed[packedOff..]} (every one of them is overwritten).
   */
  public static void pack64(int width, long[] in, int inOff, long[] packed, int packedOff) {
    checkWidth(width, 64);
    if (width == 0) {
      return;
    }
    final int lanes = 16;
    final long mask = width == 64 ? -1L : (1L << width) - 1;
    for (int row = 0; row < 64; row++) {
      int bit = row * width;
      int shift = bit & 63;
      int p = packedOff + (bit >>> 6) * lanes;
      int i = inOff + BASE64[row];
      if (shift == 0) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] = in[i + lane] & mask;
        }
      } else if (shift + width <= 64) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] |= (in[i + lane] & mask) << shift;
        }
      } else {
        int down = 64 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          long v = in[i + lane] & mask;
          packed[p + lane] |= v << shift;
          packed[p + lanes + lane] = v >>> down;
        }
      }
    }
  }

  // ---------------------------------------------------------------- 32-bit lanes

  /** Unpacks one block of 32-bit lanes ({@code 32 * width} words) into 1024 values. */
  public static void unpack32(int width, int[] packed, int packedOff, int[] out, int outOff) {
    checkWidth(width, 32);
    if (width == 0) {
      Arrays.fill(out, outOff, outOff + BLOCK, 0);
      return;
    }
    final int lanes = 32;
    final int mask = width == 32 ? -1 : (1 << width) - 1;
    for (int row = 0; row < 32; row++) {
      int bit = row * width;
      int shift = bit & 31;
      int p = packedOff + (bit >>> 5) * lanes;
      int o = outOff + BASE32[row];
      if (shift + width <= 32) {
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] = (packed[p + lane] >>> shift) & mask;
        }
      } else {
        int up = 32 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] = ((packed[p + lane] >>> shift) | (packed[p + lanes + lane] << up)) & mask;
        }
      }
    }
  }

  /** Packs 1024 values into one block of 32-bit lanes ({@code 32 * width} words, all overwritten). */
  public static void pack32(int width, int[] in, int inOff, int[] packed, int packedOff) {
    checkWidth(width, 32);
    if (width == 0) {
      return;
    }
    final int lanes = 32;
    final int mask = width == 32 ? -1 : (1 << width) - 1;
    for (int row = 0; row < 32; row++) {
      int bit = row * width;
      int shift = bit & 31;
      int p = packedOff + (bit >>> 5) * lanes;
      int i = inOff + BASE32[row];
      if (shift == 0) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] = in[i + lane] & mask;
        }
      } else if (shift + width <= 32) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] |= (in[i + lane] & mask) << shift;
        }
      } else {
        int down = 32 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          int v = in[i + lane] & mask;
          packed[p + lane] |= v << shift;
          packed[p + lanes + lane] = v >>> down;
        }
      }
    }
  }

  // ---------------------------------------------------------------- 16-bit lanes

  /** Unpacks one block of 16-bit lanes ({@code 64 * width} words) into 1024 values. */
  public static void unpack16(int width, short[] packed, int packedOff, short[] out, int outOff) {
    checkWidth(width, 16);
    if (width == 0) {
      Arrays.fill(out, outOff, outOff + BLOCK, (short) 0);
      return;
    }
    final int lanes = 64;
    final int mask = (1 << width) - 1;
    for (int row = 0; row < 16; row++) {
      int bit = row * width;
      int shift = bit & 15;
      int p = packedOff + (bit >>> 4) * lanes;
      int o = outOff + BASE16[row];
      if (shift + width <= 16) {
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] = (short) (((packed[p + lane] & 0xFFFF) >>> shift) & mask);
        }
      } else {
        int up = 16 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] =
              (short)
                  ((((packed[p + lane] & 0xFFFF) >>> shift) | ((packed[p + lanes + lane] & 0xFFFF) << up))
                      & mask);
        }
      }
    }
  }

  /** Packs 1024 values into one block of 16-bit lanes ({@code 64 * width} words, all overwritten). */
  public static void pack16(int width, short[] in, int inOff, short[] packed, int packedOff) {
    checkWidth(width, 16);
    if (width == 0) {
      return;
    }
    final int lanes = 64;
    final int mask = (1 << width) - 1;
    for (int row = 0; row < 16; row++) {
      int bit = row * width;
      int shift = bit & 15;
      int p = packedOff + (bit >>> 4) * lanes;
      int i = inOff + BASE16[row];
      if (shift == 0) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] = (short) (in[i + lane] & mask);
        }
      } else if (shift + width <= 16) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] = (short) (packed[p + lane] | ((in[i + lane] & mask) << shift));
        }
      } else {
        int down = 16 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          int v = in[i + lane] & mask;
          packed[p + lane] = (short) (packed[p + lane] | (v << shift));
          packed[p + lanes + lane] = (short) (v >>> down);
        }
      }
    }
  }

  // ---------------------------------------------------------------- 8-bit lanes

  /** Unpacks one block of 8-bit lanes ({@code 128 * width} bytes) into 1024 values. */
  public static void unpack8(int width, byte[] packed, int packedOff, byte[] out, int outOff) {
    checkWidth(width, 8);
    if (width == 0) {
      Arrays.fill(out, outOff, outOff + BLOCK, (byte) 0);
      return;
    }
    final int lanes = 128;
    final int mask = (1 << width) - 1;
    for (int row = 0; row < 8; row++) {
      int bit = row * width;
      int shift = bit & 7;
      int p = packedOff + (bit >>> 3) * lanes;
      int o = outOff + BASE8[row];
      if (shift + width <= 8) {
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] = (byte) (((packed[p + lane] & 0xFF) >>> shift) & mask);
        }
      } else {
        int up = 8 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          out[o + lane] =
              (byte)
                  ((((packed[p + lane] & 0xFF) >>> shift) | ((packed[p + lanes + lane] & 0xFF) << up))
                      & mask);
        }
      }
    }
  }

  /** Packs 1024 values into one block of 8-bit lanes ({@code 128 * width} bytes, all overwritten). */
  public static void pack8(int width, byte[] in, int inOff, byte[] packed, int packedOff) {
    checkWidth(width, 8);
    if (width == 0) {
      return;
    }
    final int lanes = 128;
    final int mask = (1 << width) - 1;
    for (int row = 0; row < 8; row++) {
      int bit = row * width;
      int shift = bit & 7;
      int p = packedOff + (bit >>> 3) * lanes;
      int i = inOff + BASE8[row];
      if (shift == 0) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] = (byte) (in[i + lane] & mask);
        }
      } else if (shift + width <= 8) {
        for (int lane = 0; lane < lanes; lane++) {
          packed[p + lane] = (byte) (packed[p + lane] | ((in[i + lane] & mask) << shift));
        }
      } else {
        int down = 8 - shift;
        for (int lane = 0; lane < lanes; lane++) {
          int v = in[i + lane] & mask;
          packed[p + lane] = (byte) (packed[p + lane] | (v << shift));
          packed[p + lanes + lane] = (byte) (v >>> down);
        }
      }
    }
  }

  // ---------------------------------------------------------------- helpers for encoders

  /** Smallest bit width holding every value of {@code in[off..off+n)} as unsigned 64-bit. */
  public static int bitWidth64(long[] in, int off, int n) {
    long or = 0;
    for (int i = 0; i < n; i++) {
      or |= in[off + i];
    }
    return 64 - Long.numberOfLeadingZeros(or);
  }

  /** Smallest bit width holding every value of {@code in[off..off+n)} as unsigned 32-bit. */
  public static int bitWidth32(int[] in, int off, int n) {
    int or = 0;
    for (int i = 0; i < n; i++) {
      or |= in[off + i];
    }
    return 32 - Integer.numberOfLeadingZeros(or);
  }

  /** Smallest bit width holding every value of {@code in[off..off+n)} as unsigned 16-bit. */
  public static int bitWidth16(short[] in, int off, int n) {
    int or = 0;
    for (int i = 0; i < n; i++) {
      or |= in[off + i] & 0xFFFF;
    }
    return 32 - Integer.numberOfLeadingZeros(or);
  }

  /** Smallest bit width holding every value of {@code in[off..off+n)} as unsigned 8-bit. */
  public static int bitWidth8(byte[] in, int off, int n) {
    int or = 0;
    for (int i = 0; i < n; i++) {
      or |= in[off + i] & 0xFF;
    }
    return 32 - Integer.numberOfLeadingZeros(or);
  }
}
