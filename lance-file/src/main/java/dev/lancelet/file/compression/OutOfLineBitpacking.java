package dev.lancelet.file.compression;

import static dev.lancelet.file.compression.Checks.checkRange;
import static dev.lancelet.file.compression.Checks.checkUncompressedBits;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.FastLanes;
import dev.lancelet.file.kernels.LittleEndian;

/**
 * Lance's {@code OutOfLineBitpacking}: one bit width for a whole buffer, stored in the encoding
 * description rather than in the data. In 2.1 it compresses mini-block def/rep levels ({@code
 * OOLBP(uncompressed 16 -> Flat(W))}) and, in 2.2+, some layout dictionaries.
 *
 * <h2>Buffer layout</h2>
 *
 * For {@code n} values of {@code T} bits packed at {@code W} bits ({@code 0 <= W <= T}), let
 * {@code wpc = 1024 * W / T} be the T-bit words per packed block, {@code full = n / 1024} and
 * {@code tail = n % 1024}:
 *
 * <pre>
 *   full blocks : full * wpc little-endian T-bit words, each block a FastLanes block (see FastLanes)
 *   tail        : if tail == 0, nothing. Otherwise either
 *                 (a) padded: the tail values followed by zeros up to 1024, packed as one more
 *                     block of wpc words, or
 *                 (b) raw:    the tail values as plain little-endian T-bit words (tail words).
 * </pre>
 *
 * There is no header. The writer picks (a) only if the bits padding costs, {@code W * (1024 -
 * tail)}, are strictly fewer than the bits packing saves, {@code (T - W) * tail}; otherwise (b).
 * The reader, which knows {@code n} and {@code W}, tells them apart by the buffer length: exactly
 * {@code full * wpc + tail} words means (b), anything else means (a). When both layouts have the
 * same length the writer's rule always chose (b), so the inference agrees. Words beyond the ones
 * needed are ignored, as Lance does.
 */
public final class OutOfLineBitpacking {
  private OutOfLineBitpacking() {}

  /** Whether the writer stores a {@code tail}-value remainder padded and packed, not raw. */
  public static boolean tailIsPacked(int uncompressedBits, int width, int tail) {
    if (tail == 0) {
      return false;
    }
    long paddingCost = (long) width * (FastLanes.BLOCK - tail);
    long savings = (long) Math.max(0, uncompressedBits - width) * tail;
    return paddingCost < savings;
  }

  /** Bytes the encoder writes for {@code n} values. */
  public static long encodedBytes(int uncompressedBits, int width, long n) {
    checkUncompressedBits(uncompressedBits);
    checkWidth(uncompressedBits, width);
    long full = n / FastLanes.BLOCK;
    int tail = (int) (n % FastLanes.BLOCK);
    long bytes = full * FastLanes.packedBytes(width);
    if (tail > 0) {
      bytes +=
          tailIsPacked(uncompressedBits, width, tail)
              ? FastLanes.packedBytes(width)
              : (long) tail * (uncompressedBits / 8);
    }
    return bytes;
  }

  private static void checkWidth(int t, int width) {
    if (width < 0 || width > t) {
      throw new IllegalArgumentException(
          "Packed width must be in [0, " + t + "] for " + t + "-bit values, got " + width);
    }
  }

  /** How a validated buffer is laid out: number of packed blocks and whether a raw tail follows. */
  private record Plan(int blocks, boolean rawTail, int tail) {}

  private static Plan plan(int t, int width, byte[] src, int off, int len, int n)
      throws LanceFormatException {
    checkRange(src, off, len);
    if (width < 0 || width > t) {
      throw new LanceFormatException(
          "Out-of-line bitpacking width must be in [0, " + t + "] for " + t + "-bit values, got " + width);
    }
    Checks.checkNonNegativeCount("Out-of-line bitpacking value count", n);
    int wordBytes = t / 8;
    if (len % wordBytes != 0) {
      throw new LanceFormatException(
          "Out-of-line bitpacking buffer of " + t + "-bit words has " + len
              + " bytes, not a multiple of " + wordBytes);
    }
    long words = len / wordBytes;
    long wpc = FastLanes.packedWords(t, width);
    int full = n / FastLanes.BLOCK;
    int tail = n % FastLanes.BLOCK;
    long fullWords = full * wpc;
    boolean rawTail = tail > 0 && words == fullWords + tail;
    long needed = rawTail ? fullWords + tail : fullWords + (tail > 0 ? wpc : 0);
    if (words < needed) {
      throw new LanceFormatException(
          "Out-of-line bitpacking of " + n + " " + t + "-bit values at width " + width
              + " needs " + needed * wordBytes + " bytes (or " + (fullWords + tail) * wordBytes
              + " with a raw tail), got " + len);
    }
    return new Plan(full + (tail > 0 && !rawTail ? 1 : 0), rawTail, tail);
  }

  /**
   * Decodes {@code n} 64-bit values packed at {@code width} bits from {@code src[off..off+len)}
   * into {@code dst[dstOff..dstOff+n)}.
   */
  public static void decode64(byte[] src, int off, int len, int width, int n, long[] dst, int dstOff)
      throws LanceFormatException {
    Plan p = plan(64, width, src, off, len, n);
    Scratch s = Scratch.get();
    int blockBytes = FastLanes.packedBytes(width);
    int words = FastLanes.packedWords(64, width);
    int pos = off;
    int out = dstOff;
    int remaining = n;
    for (int b = 0; b < p.blocks; b++, pos += blockBytes) {
      LittleEndian.readLongs(src, pos, s.packed64, 0, words);
      if (remaining >= FastLanes.BLOCK) {
        FastLanes.unpack64(width, s.packed64, 0, dst, out);
        out += FastLanes.BLOCK;
        remaining -= FastLanes.BLOCK;
      } else {
        FastLanes.unpack64(width, s.packed64, 0, s.values64, 0);
        System.arraycopy(s.values64, 0, dst, out, remaining);
        out += remaining;
        remaining = 0;
      }
    }
    if (p.rawTail) {
      LittleEndian.readLongs(src, pos, dst, out, p.tail);
    }
  }

  /** As {@link #decode64} for 32-bit values. */
  public static void decode32(byte[] src, int off, int len, int width, int n, int[] dst, int dstOff)
      throws LanceFormatException {
    Plan p = plan(32, width, src, off, len, n);
    Scratch s = Scratch.get();
    int blockBytes = FastLanes.packedBytes(width);
    int words = FastLanes.packedWords(32, width);
    int pos = off;
    int out = dstOff;
    int remaining = n;
    for (int b = 0; b < p.blocks; b++, pos += blockBytes) {
      LittleEndian.readInts(src, pos, s.packed32, 0, words);
      if (remaining >= FastLanes.BLOCK) {
        FastLanes.unpack32(width, s.packed32, 0, dst, out);
        out += FastLanes.BLOCK;
        remaining -= FastLanes.BLOCK;
      } else {
        FastLanes.unpack32(width, s.packed32, 0, s.values32, 0);
        System.arraycopy(s.values32, 0, dst, out, remaining);
        out += remaining;
        remaining = 0;
      }
    }
    if (p.rawTail) {
      LittleEndian.readInts(src, pos, dst, out, p.tail);
    }
  }

  /** As {@link #decode64} for 16-bit values (def/rep levels). */
  public static void decode16(byte[] src, int off, int len, int width, int n, short[] dst, int dstOff)
      throws LanceFormatException {
    Plan p = plan(16, width, src, off, len, n);
    Scratch s = Scratch.get();
    int blockBytes = FastLanes.packedBytes(width);
    int words = FastLanes.packedWords(16, width);
    int pos = off;
    int out = dstOff;
    int remaining = n;
    for (int b = 0; b < p.blocks; b++, pos += blockBytes) {
      LittleEndian.readShorts(src, pos, s.packed16, 0, words);
      if (remaining >= FastLanes.BLOCK) {
        FastLanes.unpack16(width, s.packed16, 0, dst, out);
        out += FastLanes.BLOCK;
        remaining -= FastLanes.BLOCK;
      } else {
        FastLanes.unpack16(width, s.packed16, 0, s.values16, 0);
        System.arraycopy(s.values16, 0, dst, out, remaining);
        out += remaining;
        remaining = 0;
      }
    }
    if (p.rawTail) {
      LittleEndian.readShorts(src, pos, dst, out, p.tail);
    }
  }

  /** As {@link #decode64} for 8-bit values. */
  public static void decode8(byte[] src, int off, int len, int width, int n, byte[] dst, int dstOff)
      throws LanceFormatException {
    Plan p = plan(8, width, src, off, len, n);
    Scratch s = Scratch.get();
    int blockBytes = FastLanes.packedBytes(width);
    int pos = off;
    int out = dstOff;
    int remaining = n;
    for (int b = 0; b < p.blocks; b++, pos += blockBytes) {
      if (remaining >= FastLanes.BLOCK) {
        FastLanes.unpack8(width, src, pos, dst, out);
        out += FastLanes.BLOCK;
        remaining -= FastLanes.BLOCK;
      } else {
        FastLanes.unpack8(width, src, pos, s.values8, 0);
        System.arraycopy(s.values8, 0, dst, out, remaining);
        out += remaining;
        remaining = 0;
      }
    }
    if (p.rawTail) {
      System.arraycopy(src, pos, dst, out, p.tail);
    }
  }

  /**
   * Encodes {@code n} 64-bit values at {@code width} bits. Values must fit in {@code width} bits
   * (higher bits are dropped in packed blocks but kept in a raw tail, so the caller must pick a
   * width covering every value, e.g. {@link FastLanes#bitWidth64}).
   */
  public static byte[] encode64(long[] src, int off, int n, int width) {
    checkWidth(64, width);
    byte[] dst = new byte[Math.toIntExact(encodedBytes(64, width, n))];
    Scratch s = Scratch.get();
    int words = FastLanes.packedWords(64, width);
    int full = n / FastLanes.BLOCK;
    int tail = n % FastLanes.BLOCK;
    int pos = 0;
    for (int b = 0; b < full; b++) {
      FastLanes.pack64(width, src, off + b * FastLanes.BLOCK, s.packed64, 0);
      LittleEndian.writeLongs(s.packed64, 0, dst, pos, words);
      pos += words * 8;
    }
    int tailOff = off + full * FastLanes.BLOCK;
    if (tailIsPacked(64, width, tail)) {
      System.arraycopy(src, tailOff, s.values64, 0, tail);
      java.util.Arrays.fill(s.values64, tail, FastLanes.BLOCK, 0L);
      FastLanes.pack64(width, s.values64, 0, s.packed64, 0);
      LittleEndian.writeLongs(s.packed64, 0, dst, pos, words);
    } else if (tail > 0) {
      LittleEndian.writeLongs(src, tailOff, dst, pos, tail);
    }
    return dst;
  }

  /** As {@link #encode64} for 32-bit values. */
  public static byte[] encode32(int[] src, int off, int n, int width) {
    checkWidth(32, width);
    byte[] dst = new byte[Math.toIntExact(encodedBytes(32, width, n))];
    Scratch s = Scratch.get();
    int words = FastLanes.packedWords(32, width);
    int full = n / FastLanes.BLOCK;
    int tail = n % FastLanes.BLOCK;
    int pos = 0;
    for (int b = 0; b < full; b++) {
      FastLanes.pack32(width, src, off + b * FastLanes.BLOCK, s.packed32, 0);
      LittleEndian.writeInts(s.packed32, 0, dst, pos, words);
      pos += words * 4;
    }
    int tailOff = off + full * FastLanes.BLOCK;
    if (tailIsPacked(32, width, tail)) {
      System.arraycopy(src, tailOff, s.values32, 0, tail);
      java.util.Arrays.fill(s.values32, tail, FastLanes.BLOCK, 0);
      FastLanes.pack32(width, s.values32, 0, s.packed32, 0);
      LittleEndian.writeInts(s.packed32, 0, dst, pos, words);
    } else if (tail > 0) {
      LittleEndian.writeInts(src, tailOff, dst, pos, tail);
    }
    return dst;
  }

  /** As {@link #encode64} for 16-bit values (def/rep levels). */
  public static byte[] encode16(short[] src, int off, int n, int width) {
    checkWidth(16, width);
    byte[] dst = new byte[Math.toIntExact(encodedBytes(16, width, n))];
    Scratch s = Scratch.get();
    int words = FastLanes.packedWords(16, width);
    int full = n / FastLanes.BLOCK;
    int tail = n % FastLanes.BLOCK;
    int pos = 0;
    for (int b = 0; b < full; b++) {
      FastLanes.pack16(width, src, off + b * FastLanes.BLOCK, s.packed16, 0);
      LittleEndian.writeShorts(s.packed16, 0, dst, pos, words);
      pos += words * 2;
    }
    int tailOff = off + full * FastLanes.BLOCK;
    if (tailIsPacked(16, width, tail)) {
      System.arraycopy(src, tailOff, s.values16, 0, tail);
      java.util.Arrays.fill(s.values16, tail, FastLanes.BLOCK, (short) 0);
      FastLanes.pack16(width, s.values16, 0, s.packed16, 0);
      LittleEndian.writeShorts(s.packed16, 0, dst, pos, words);
    } else if (tail > 0) {
      LittleEndian.writeShorts(src, tailOff, dst, pos, tail);
    }
    return dst;
  }

  /** As {@link #encode64} for 8-bit values. */
  public static byte[] encode8(byte[] src, int off, int n, int width) {
    checkWidth(8, width);
    byte[] dst = new byte[Math.toIntExact(encodedBytes(8, width, n))];
    Scratch s = Scratch.get();
    int full = n / FastLanes.BLOCK;
    int tail = n % FastLanes.BLOCK;
    int pos = 0;
    for (int b = 0; b < full; b++) {
      FastLanes.pack8(width, src, off + b * FastLanes.BLOCK, dst, pos);
      pos += FastLanes.packedBytes(width);
    }
    int tailOff = off + full * FastLanes.BLOCK;
    if (tailIsPacked(8, width, tail)) {
      System.arraycopy(src, tailOff, s.values8, 0, tail);
      java.util.Arrays.fill(s.values8, tail, FastLanes.BLOCK, (byte) 0);
      FastLanes.pack8(width, s.values8, 0, dst, pos);
    } else if (tail > 0) {
      System.arraycopy(src, tailOff, dst, pos, tail);
    }
    return dst;
  }
}
