package dev.lancelet.file.compression;

import static dev.lancelet.file.compression.Checks.checkRange;
import static dev.lancelet.file.compression.Checks.checkUncompressedBits;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.FastLanes;
import dev.lancelet.file.kernels.LittleEndian;

/**
 * Lance's {@code InlineBitpacking}: the bit width travels inside each mini-block chunk.
 *
 * <h2>Chunk layout</h2>
 *
 * For values of {@code T} bits (8, 16, 32 or 64; the proto's {@code uncompressed_bits_per_value}):
 *
 * <pre>
 *   offset 0        : header, one T-bit little-endian word = packed bit width W (0..T)
 *   offset T/8      : one FastLanes block of 1024 values packed at W bits = 128 * W bytes
 *   total           : T/8 + 128 * W bytes
 * </pre>
 *
 * A chunk always packs exactly 1024 values. A page's last chunk may carry fewer real values; the
 * writer pads it with zeros to 1024 before packing, and the reader learns the real count from the
 * mini-block chunk metadata (a full chunk has {@code log_num_values = 10}; the last chunk has
 * {@code log_num_values = 0} and its count is what remains of the page). {@code W} is chosen per
 * chunk (minimal width of that chunk's values, as unsigned T-bit integers; a negative signed value
 * forces {@code W = T}). A chunk with 0 values may be empty (0 bytes).
 *
 * <p>The 128-bit variant added in format 2.3 (decimal128) is not implemented here.
 */
public final class InlineBitpacking {
  /** Values packed in every chunk (real ones plus zero padding in the last chunk). */
  public static final int CHUNK_VALUES = FastLanes.BLOCK;

  private InlineBitpacking() {}

  /** Size in bytes of a chunk of {@code uncompressedBits}-bit values packed at {@code width} bits. */
  public static int chunkBytes(int uncompressedBits, int width) {
    checkUncompressedBits(uncompressedBits);
    return uncompressedBits / 8 + FastLanes.packedBytes(width);
  }

  /**
   * Reads and validates the bit width of the chunk in {@code src[off..off+len)}.
   *
   * @throws LanceFormatException if the chunk is shorter than its header, the width exceeds T, or
   *     the length is not {@code T/8 + 128 * W}
   */
  public static int readBitWidth(int uncompressedBits, byte[] src, int off, int len)
      throws LanceFormatException {
    Checks.checkDecodedBits(uncompressedBits);
    checkRange(src, off, len);
    int header = uncompressedBits / 8;
    if (len < header) {
      throw new LanceFormatException(
          "Inline bitpacking chunk of " + uncompressedBits + "-bit values needs a " + header
              + "-byte header, but the chunk has " + len + " bytes");
    }
    long width = LittleEndian.getUnsigned(src, off, header);
    if (width < 0 || width > uncompressedBits) {
      throw new LanceFormatException(
          "Inline bitpacking chunk bit width must be in [0, " + uncompressedBits + "], got "
              + Long.toUnsignedString(width));
    }
    int expected = header + FastLanes.packedBytes((int) width);
    if (len != expected) {
      throw new LanceFormatException(
          "Inline bitpacking chunk with bit width " + width + " of " + uncompressedBits
              + "-bit values must be " + expected + " bytes, got " + len);
    }
    return (int) width;
  }

  private static void checkCount(int numValues) throws LanceFormatException {
    if (numValues < 0 || numValues > CHUNK_VALUES) {
      throw new LanceFormatException(
          "Inline bitpacking chunk holds 0 to " + CHUNK_VALUES + " values, asked for " + numValues);
    }
  }

  /** Decodes the first {@code numValues} (0..1024) values of a chunk of 64-bit values. */
  public static void decode64(byte[] src, int off, int len, int numValues, long[] dst, int dstOff)
      throws LanceFormatException {
    checkCount(numValues);
    if (numValues == 0) {
      return;
    }
    int width = readBitWidth(64, src, off, len);
    Scratch s = Scratch.get();
    LittleEndian.readLongs(src, off + 8, s.packed64, 0, FastLanes.packedWords(64, width));
    if (numValues == CHUNK_VALUES) {
      FastLanes.unpack64(width, s.packed64, 0, dst, dstOff);
    } else {
      FastLanes.unpack64(width, s.packed64, 0, s.values64, 0);
      System.arraycopy(s.values64, 0, dst, dstOff, numValues);
    }
  }

  /** Decodes the first {@code numValues} (0..1024) values of a chunk of 32-bit values. */
  public static void decode32(byte[] src, int off, int len, int numValues, int[] dst, int dstOff)
      throws LanceFormatException {
    checkCount(numValues);
    if (numValues == 0) {
      return;
    }
    int width = readBitWidth(32, src, off, len);
    Scratch s = Scratch.get();
    LittleEndian.readInts(src, off + 4, s.packed32, 0, FastLanes.packedWords(32, width));
    if (numValues == CHUNK_VALUES) {
      FastLanes.unpack32(width, s.packed32, 0, dst, dstOff);
    } else {
      FastLanes.unpack32(width, s.packed32, 0, s.values32, 0);
      System.arraycopy(s.values32, 0, dst, dstOff, numValues);
    }
  }

  /** Decodes the first {@code numValues} (0..1024) values of a chunk of 16-bit values. */
  public static void decode16(byte[] src, int off, int len, int numValues, short[] dst, int dstOff)
      throws LanceFormatException {
    checkCount(numValues);
    if (numValues == 0) {
      return;
    }
    int width = readBitWidth(16, src, off, len);
    Scratch s = Scratch.get();
    LittleEndian.readShorts(src, off + 2, s.packed16, 0, FastLanes.packedWords(16, width));
    if (numValues == CHUNK_VALUES) {
      FastLanes.unpack16(width, s.packed16, 0, dst, dstOff);
    } else {
      FastLanes.unpack16(width, s.packed16, 0, s.values16, 0);
      System.arraycopy(s.values16, 0, dst, dstOff, numValues);
    }
  }

  /** Decodes the first {@code numValues} (0..1024) values of a chunk of 8-bit values. */
  public static void decode8(byte[] src, int off, int len, int numValues, byte[] dst, int dstOff)
      throws LanceFormatException {
    checkCount(numValues);
    if (numValues == 0) {
      return;
    }
    int width = readBitWidth(8, src, off, len);
    if (numValues == CHUNK_VALUES) {
      FastLanes.unpack8(width, src, off + 1, dst, dstOff);
    } else {
      Scratch s = Scratch.get();
      FastLanes.unpack8(width, src, off + 1, s.values8, 0);
      System.arraycopy(s.values8, 0, dst, dstOff, numValues);
    }
  }

  /**
   * Decodes the first {@code numValues} values of a chunk of {@code uncompressedBits}-bit values
   * as little-endian bytes ({@code numValues * uncompressedBits / 8} bytes at {@code dst[dstOff..]}),
   * the layout of an Arrow fixed-width buffer.
   */
  public static void decodeToBytes(
      int uncompressedBits, byte[] src, int off, int len, int numValues, byte[] dst, int dstOff)
      throws LanceFormatException {
    Checks.checkDecodedBits(uncompressedBits);
    Scratch s = Scratch.get();
    switch (uncompressedBits) {
      case 8 -> decode8(src, off, len, numValues, dst, dstOff);
      case 16 -> {
        decode16(src, off, len, numValues, s.values16, 0);
        LittleEndian.writeShorts(s.values16, 0, dst, dstOff, numValues);
      }
      case 32 -> {
        decode32(src, off, len, numValues, s.values32, 0);
        LittleEndian.writeInts(s.values32, 0, dst, dstOff, numValues);
      }
      default -> {
        decode64(src, off, len, numValues, s.values64, 0);
        LittleEndian.writeLongs(s.values64, 0, dst, dstOff, numValues);
      }
    }
  }

  private static void checkEncodeCount(int n) {
    if (n < 1 || n > CHUNK_VALUES) {
      throw new IllegalArgumentException("A chunk encodes 1 to " + CHUNK_VALUES + " values, got " + n);
    }
  }

  /**
   * Encodes {@code n} (1..1024) values as one chunk at their minimal bit width, padding with zeros
   * to 1024. Writes {@code chunkBytes(64, W)} bytes (at most 8 + 8192) at {@code dst[dstOff..]}.
   *
   * @return the number of bytes written
   */
  public static int encode64(long[] src, int off, int n, byte[] dst, int dstOff) {
    checkEncodeCount(n);
    int width = FastLanes.bitWidth64(src, off, n);
    Scratch s = Scratch.get();
    long[] block = src;
    int blockOff = off;
    if (n < CHUNK_VALUES) {
      System.arraycopy(src, off, s.values64, 0, n);
      java.util.Arrays.fill(s.values64, n, CHUNK_VALUES, 0L);
      block = s.values64;
      blockOff = 0;
    }
    FastLanes.pack64(width, block, blockOff, s.packed64, 0);
    LittleEndian.putLong(dst, dstOff, width);
    LittleEndian.writeLongs(s.packed64, 0, dst, dstOff + 8, FastLanes.packedWords(64, width));
    return chunkBytes(64, width);
  }

  /** As {@link #encode64} for 32-bit values; at most 4 + 4096 bytes. */
  public static int encode32(int[] src, int off, int n, byte[] dst, int dstOff) {
    checkEncodeCount(n);
    int width = FastLanes.bitWidth32(src, off, n);
    Scratch s = Scratch.get();
    int[] block = src;
    int blockOff = off;
    if (n < CHUNK_VALUES) {
      System.arraycopy(src, off, s.values32, 0, n);
      java.util.Arrays.fill(s.values32, n, CHUNK_VALUES, 0);
      block = s.values32;
      blockOff = 0;
    }
    FastLanes.pack32(width, block, blockOff, s.packed32, 0);
    LittleEndian.putInt(dst, dstOff, width);
    LittleEndian.writeInts(s.packed32, 0, dst, dstOff + 4, FastLanes.packedWords(32, width));
    return chunkBytes(32, width);
  }

  /** As {@link #encode64} for 16-bit values; at most 2 + 2048 bytes. */
  public static int encode16(short[] src, int off, int n, byte[] dst, int dstOff) {
    checkEncodeCount(n);
    int width = FastLanes.bitWidth16(src, off, n);
    Scratch s = Scratch.get();
    short[] block = src;
    int blockOff = off;
    if (n < CHUNK_VALUES) {
      System.arraycopy(src, off, s.values16, 0, n);
      java.util.Arrays.fill(s.values16, n, CHUNK_VALUES, (short) 0);
      block = s.values16;
      blockOff = 0;
    }
    FastLanes.pack16(width, block, blockOff, s.packed16, 0);
    LittleEndian.putShort(dst, dstOff, width);
    LittleEndian.writeShorts(s.packed16, 0, dst, dstOff + 2, FastLanes.packedWords(16, width));
    return chunkBytes(16, width);
  }

  /** As {@link #encode64} for 8-bit values; at most 1 + 1024 bytes. */
  public static int encode8(byte[] src, int off, int n, byte[] dst, int dstOff) {
    checkEncodeCount(n);
    int width = FastLanes.bitWidth8(src, off, n);
    Scratch s = Scratch.get();
    byte[] block = src;
    int blockOff = off;
    if (n < CHUNK_VALUES) {
      System.arraycopy(src, off, s.values8, 0, n);
      java.util.Arrays.fill(s.values8, n, CHUNK_VALUES, (byte) 0);
      block = s.values8;
      blockOff = 0;
    }
    dst[dstOff] = (byte) width;
    FastLanes.pack8(width, block, blockOff, dst, dstOff + 1);
    return chunkBytes(8, width);
  }
}
