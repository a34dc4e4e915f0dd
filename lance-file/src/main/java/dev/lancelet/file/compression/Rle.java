package dev.lancelet.file.compression;

import static dev.lancelet.file.compression.Checks.checkRange;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Lance's run-length encoding, {@code Rle(values=Flat(8*w), run_lengths=Flat(8*r))}.
 *
 * <h2>Layout</h2>
 *
 * Two buffers. The values buffer holds one {@code w}-byte little-endian value per run ({@code w}
 * = 1, 2, 4 or 8). The run-lengths buffer holds one unsigned little-endian {@code r}-byte count per
 * run, in the same order ({@code r = 1} in format 2.1, which is the only width Lance 7.0 writes;
 * newer writers may use {@code r = 2} or {@code 4}). A run longer than the largest count ({@code
 * 2^(8r) - 1}, i.e. 255 for {@code r = 1}) is split into maximal entries followed by the remainder:
 * a run of 1000 becomes 255, 255, 255, 235.
 *
 * <p><b>Mini-block use.</b> A page is cut into chunks; all chunks append to the same two page-level
 * buffers and each chunk's {@code buffer_sizes} gives the byte sizes of its slice of each buffer.
 * The chunk's value count is not stored in the RLE bytes: it comes from the mini-block chunk
 * metadata ({@code 2^log_num_values} for a non-last chunk, the page remainder for the last). A
 * non-last chunk holds a power-of-two number of values, at most 2048 in Lance 7.0, and at most
 * 8186 bytes of RLE data (values plus lengths).
 *
 * <p><b>Block use</b> (2.2+ def/rep levels): one buffer {@code [u64 LE size of values
 * buffer][values buffer][run-lengths buffer]}.
 *
 * <p><b>Reader tolerance.</b> The Lance 7.0 reader stops once it has produced the expected count,
 * ignoring any further runs, and ignores runs of length 0; it fails only when the runs produce
 * fewer values than expected. Its writer relies on the first rule (a chunk may carry runs past its
 * power-of-two count), so we keep both. Our writer never emits extra runs or zero runs.
 */
public final class Rle {
  /** Largest mini-block chunk payload Lance allows (8 KiB minus 6). */
  public static final int MAX_MINIBLOCK_BYTES = 8 * 1024 - 6;

  /** Values per mini-block chunk Lance 7.0's RLE writer allows. */
  public static final int DEFAULT_MAX_CHUNK_VALUES = 2048;

  private Rle() {}

  private static void checkValueWidth(int bytesPerValue) {
    if (bytesPerValue != 1 && bytesPerValue != 2 && bytesPerValue != 4 && bytesPerValue != 8) {
      throw new IllegalArgumentException("Value width must be 1, 2, 4 or 8 bytes, got " + bytesPerValue);
    }
  }

  /** Widths read from a file: a bad one is a format error, not a caller's bug. */
  private static void checkDecodedWidths(int bytesPerValue, int bytesPerLength) throws LanceFormatException {
    if (bytesPerValue != 1 && bytesPerValue != 2 && bytesPerValue != 4 && bytesPerValue != 8) {
      throw new LanceFormatException("RLE value width must be 1, 2, 4 or 8 bytes, got " + bytesPerValue);
    }
    if (bytesPerLength != 1 && bytesPerLength != 2 && bytesPerLength != 4) {
      throw new LanceFormatException("RLE run-length width must be 1, 2 or 4 bytes, got " + bytesPerLength);
    }
  }

  private static void checkLengthWidth(int bytesPerLength) {
    if (bytesPerLength != 1 && bytesPerLength != 2 && bytesPerLength != 4) {
      throw new IllegalArgumentException("Run-length width must be 1, 2 or 4 bytes, got " + bytesPerLength);
    }
  }

  /**
   * Decodes {@code numValues} values of {@code bytesPerValue} bytes into {@code dst[dstOff..]}
   * (little-endian, {@code numValues * bytesPerValue} bytes).
   *
   * @throws LanceFormatException if the buffers are inconsistent (sizes not multiples of the
   *     widths, different run counts) or the runs produce fewer than {@code numValues} values
   */
  public static void decode(
      int bytesPerValue,
      int bytesPerLength,
      byte[] values,
      int valuesOff,
      int valuesLen,
      byte[] lengths,
      int lengthsOff,
      int lengthsLen,
      int numValues,
      byte[] dst,
      int dstOff)
      throws LanceFormatException {
    checkDecodedWidths(bytesPerValue, bytesPerLength);
    checkRange(values, valuesOff, valuesLen);
    checkRange(lengths, lengthsOff, lengthsLen);
    Checks.checkNonNegativeCount("RLE value count", numValues);
    if (numValues == 0) {
      return;
    }
    if (valuesLen % bytesPerValue != 0 || lengthsLen % bytesPerLength != 0) {
      throw new LanceFormatException(
          "RLE values buffer of " + valuesLen + " bytes must be a multiple of " + bytesPerValue
              + " and run-lengths buffer of " + lengthsLen + " bytes a multiple of " + bytesPerLength);
    }
    int runs = valuesLen / bytesPerValue;
    if (runs != lengthsLen / bytesPerLength) {
      throw new LanceFormatException(
          "RLE buffers disagree: " + runs + " values but " + lengthsLen / bytesPerLength + " run lengths");
    }
    int produced = 0;
    int out = dstOff;
    for (int i = 0; i < runs && produced < numValues; i++) {
      long len = LittleEndian.getUnsigned(lengths, lengthsOff + i * bytesPerLength, bytesPerLength);
      int take = (int) Math.min(len, numValues - produced);
      if (take == 0) {
        continue;
      }
      int vpos = valuesOff + i * bytesPerValue;
      switch (bytesPerValue) {
        case 1 -> Arrays.fill(dst, out, out + take, values[vpos]);
        case 2 -> {
          short v = LittleEndian.getShort(values, vpos);
          for (int k = 0; k < take; k++) {
            LittleEndian.putShort(dst, out + 2 * k, v);
          }
        }
        case 4 -> {
          int v = LittleEndian.getInt(values, vpos);
          for (int k = 0; k < take; k++) {
            LittleEndian.putInt(dst, out + 4 * k, v);
          }
        }
        default -> {
          long v = LittleEndian.getLong(values, vpos);
          for (int k = 0; k < take; k++) {
            LittleEndian.putLong(dst, out + 8 * k, v);
          }
        }
      }
      out += take * bytesPerValue;
      produced += take;
    }
    if (produced != numValues) {
      throw new LanceFormatException(
          "RLE runs produced " + produced + " values, expected " + numValues);
    }
  }

  /**
   * Decodes the 2.2+ block form {@code [u64 values size][values][run lengths]} of {@code
   * src[off..off+len)}.
   */
  public static void decodeBlock(
      int bytesPerValue, int bytesPerLength, byte[] src, int off, int len, int numValues, byte[] dst, int dstOff)
      throws LanceFormatException {
    checkRange(src, off, len);
    if (len < 8) {
      throw new LanceFormatException("RLE block needs an 8-byte header, got " + len + " bytes");
    }
    long valuesSize = LittleEndian.getLong(src, off);
    if (valuesSize < 0 || valuesSize > len - 8) {
      throw new LanceFormatException(
          "RLE block values size " + Long.toUnsignedString(valuesSize) + " exceeds the "
              + (len - 8) + " bytes after the header");
    }
    int vs = (int) valuesSize;
    decode(bytesPerValue, bytesPerLength, src, off + 8, vs, src, off + 8 + vs, len - 8 - vs,
        numValues, dst, dstOff);
  }

  /** A page encoded for mini-blocks: the two page-level buffers plus per-chunk slices. */
  public record MiniBlockEncoded(
      byte[] values, byte[] lengths, int[] chunkValuesBytes, int[] chunkLengthsBytes, int[] chunkNumValues) {
    /** Number of chunks. */
    public int numChunks() {
      return chunkNumValues.length;
    }

    /**
     * The chunk's {@code log_num_values} for the mini-block metadata: {@code log2(count)} for every
     * chunk but the last, 0 for the last.
     */
    public int logNumValues(int chunk) {
      return chunk == chunkNumValues.length - 1 ? 0 : Integer.numberOfTrailingZeros(chunkNumValues[chunk]);
    }
  }

  private static long maxRun(int bytesPerLength) {
    return bytesPerLength == 4 ? 0xFFFF_FFFFL : (1L << (8 * bytesPerLength)) - 1;
  }

  /** Encoded bytes (values plus lengths) of {@code src} values {@code [from, to)}. */
  private static long encodedSize(int w, int r, byte[] src, int off, int from, int to) {
    long max = maxRun(r);
    long size = 0;
    int i = from;
    while (i < to) {
      long v = LittleEndian.getUnsigned(src, off + i * w, w);
      int j = i + 1;
      while (j < to && LittleEndian.getUnsigned(src, off + j * w, w) == v) {
        j++;
      }
      size += ((j - i + max - 1) / max) * (w + r);
      i = j;
    }
    return size;
  }

  private static void appendRuns(
      int w, int r, byte[] src, int off, int from, int to, ByteArrayOutputStream values, ByteArrayOutputStream lengths) {
    long max = maxRun(r);
    byte[] vb = new byte[8];
    byte[] lb = new byte[4];
    int i = from;
    while (i < to) {
      long v = LittleEndian.getUnsigned(src, off + i * w, w);
      int j = i + 1;
      while (j < to && LittleEndian.getUnsigned(src, off + j * w, w) == v) {
        j++;
      }
      long len = j - i;
      LittleEndian.putUnsigned(vb, 0, w, v);
      while (len > 0) {
        long entry = Math.min(len, max);
        values.write(vb, 0, w);
        LittleEndian.putUnsigned(lb, 0, r, entry);
        lengths.write(lb, 0, r);
        len -= entry;
      }
      i = j;
    }
  }

  /**
   * Encodes {@code n} little-endian values of {@code bytesPerValue} bytes from {@code src[off..]}
   * for mini-blocks, with 1-byte run lengths and Lance 7.0's chunk limits (2048 values, 8186
   * bytes). See {@link #encodeMiniBlock(int, int, int, byte[], int, int)}.
   */
  public static MiniBlockEncoded encodeMiniBlock(int bytesPerValue, byte[] src, int off, int n) {
    return encodeMiniBlock(bytesPerValue, 1, DEFAULT_MAX_CHUNK_VALUES, src, off, n);
  }

  /**
   * Encodes {@code n} values for mini-blocks. Each chunk takes all remaining values if there are
   * at most {@code maxChunkValues} (a power of two) and they encode in at most {@link
   * #MAX_MINIBLOCK_BYTES}; otherwise the largest power-of-two prefix that fits. Chunks hold exactly
   * their value count (no extra runs).
   */
  public static MiniBlockEncoded encodeMiniBlock(
      int bytesPerValue, int bytesPerLength, int maxChunkValues, byte[] src, int off, int n) {
    checkValueWidth(bytesPerValue);
    checkLengthWidth(bytesPerLength);
    if (maxChunkValues < 2 || Integer.bitCount(maxChunkValues) != 1) {
      throw new IllegalArgumentException("Chunk value limit must be a power of two >= 2, got " + maxChunkValues);
    }
    // Worst case one run fits: w + r <= 12 bytes, far under the byte limit, so progress is certain.
    ByteArrayOutputStream values = new ByteArrayOutputStream();
    ByteArrayOutputStream lengths = new ByteArrayOutputStream();
    int[] vb = new int[16];
    int[] lb = new int[16];
    int[] counts = new int[16];
    int chunks = 0;
    int pos = 0;
    while (pos < n) {
      int remaining = n - pos;
      int take;
      if (remaining <= maxChunkValues
          && encodedSize(bytesPerValue, bytesPerLength, src, off, pos, n) <= MAX_MINIBLOCK_BYTES) {
        take = remaining;
      } else {
        take = Integer.highestOneBit(Math.min(remaining, maxChunkValues));
        while (take > 1
            && encodedSize(bytesPerValue, bytesPerLength, src, off, pos, pos + take) > MAX_MINIBLOCK_BYTES) {
          take >>>= 1;
        }
      }
      int v0 = values.size();
      int l0 = lengths.size();
      appendRuns(bytesPerValue, bytesPerLength, src, off, pos, pos + take, values, lengths);
      if (chunks == counts.length) {
        vb = Arrays.copyOf(vb, chunks * 2);
        lb = Arrays.copyOf(lb, chunks * 2);
        counts = Arrays.copyOf(counts, chunks * 2);
      }
      vb[chunks] = values.size() - v0;
      lb[chunks] = lengths.size() - l0;
      counts[chunks] = take;
      chunks++;
      pos += take;
    }
    return new MiniBlockEncoded(
        values.toByteArray(),
        lengths.toByteArray(),
        Arrays.copyOf(vb, chunks),
        Arrays.copyOf(lb, chunks),
        Arrays.copyOf(counts, chunks));
  }

  /**
   * Encodes {@code n} values in the 2.2+ block form {@code [u64 values size][values][run
   * lengths]}.
   */
  public static byte[] encodeBlock(int bytesPerValue, int bytesPerLength, byte[] src, int off, int n) {
    checkValueWidth(bytesPerValue);
    checkLengthWidth(bytesPerLength);
    ByteArrayOutputStream values = new ByteArrayOutputStream();
    ByteArrayOutputStream lengths = new ByteArrayOutputStream();
    appendRuns(bytesPerValue, bytesPerLength, src, off, 0, n, values, lengths);
    byte[] out = new byte[8 + values.size() + lengths.size()];
    LittleEndian.putLong(out, 0, values.size());
    System.arraycopy(values.toByteArray(), 0, out, 8, values.size());
    System.arraycopy(lengths.toByteArray(), 0, out, 8 + values.size(), lengths.size());
    return out;
  }

  /** Number of runs (before splitting long runs) in {@code n} values: the writer's RLE statistic. */
  public static int countRuns(int bytesPerValue, byte[] src, int off, int n) {
    checkValueWidth(bytesPerValue);
    if (n == 0) {
      return 0;
    }
    int runs = 1;
    long prev = LittleEndian.getUnsigned(src, off, bytesPerValue);
    for (int i = 1; i < n; i++) {
      long v = LittleEndian.getUnsigned(src, off + i * bytesPerValue, bytesPerValue);
      if (v != prev) {
        runs++;
        prev = v;
      }
    }
    return runs;
  }

  /**
   * As {@link #countRuns(int, byte[], int, int)}, but stops counting once {@code limit} runs are
   * seen (returns {@code limit} then): enough for a threshold test, and a pass over only part of
   * the values when runs are many.
   */
  public static int countRuns(int bytesPerValue, byte[] src, int off, int n, int limit) {
    checkValueWidth(bytesPerValue);
    if (n == 0) {
      return 0;
    }
    int runs = 1;
    if (bytesPerValue == 8) {
      long prev = LittleEndian.getLong(src, off);
      for (int i = 1; i < n && runs < limit; i++) {
        long v = LittleEndian.getLong(src, off + 8 * i);
        if (v != prev) {
          runs++;
          prev = v;
        }
      }
    } else if (bytesPerValue == 4) {
      int prev = LittleEndian.getInt(src, off);
      for (int i = 1; i < n && runs < limit; i++) {
        int v = LittleEndian.getInt(src, off + 4 * i);
        if (v != prev) {
          runs++;
          prev = v;
        }
      }
    } else {
      long prev = LittleEndian.getUnsigned(src, off, bytesPerValue);
      for (int i = 1; i < n && runs < limit; i++) {
        long v = LittleEndian.getUnsigned(src, off + i * bytesPerValue, bytesPerValue);
        if (v != prev) {
          runs++;
          prev = v;
        }
      }
    }
    return Math.min(runs, limit);
  }
}
