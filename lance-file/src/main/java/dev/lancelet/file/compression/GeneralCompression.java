package dev.lancelet.file.compression;

import static dev.lancelet.file.compression.Checks.checkRange;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Lance's general-purpose buffer codecs ({@code General(ZSTD|LZ4, inner)}), with Lance's framing,
 * on pure-Java aircompressor.
 *
 * <h2>zstd</h2>
 *
 * Written as {@code [u64 LE uncompressed length][zstd frame(s)]}. Read in two forms: (1) that
 * length-prefixed form, decompressed into exactly the announced length; (2) a bare zstd stream
 * (older writers), recognised when the buffer is shorter than 8 bytes or starts with the zstd
 * magic {@code 28 B5 2F FD} and byte 4 has bit {@code 0x10} clear (Lance's test; a length prefix
 * whose low bytes happen to spell the magic is told apart this way). An empty buffer decodes to
 * nothing. Lance writes level 0 (zstd's default); aircompressor has a single fixed level, and
 * the level is not recorded in the bytes.
 *
 * <h2>lz4</h2>
 *
 * {@code [u32 LE uncompressed length][LZ4 block]}: the raw block format (not the LZ4 frame
 * format), as the lz4 crate's block API writes it with a prepended size.
 *
 * <p>Where they apply: in mini-blocks, each chunk's first buffer is compressed on its own; in
 * full-zip, each value is compressed on its own; for block compression, the whole buffer.
 * Decompression refuses outputs larger than {@code maxOutput} bytes (and than the format's own
 * expansion bound) before allocating, and allocates what a length prefix claims only up to
 * {@link #trustedAllocation}; a larger claim is first checked against the data (LZ4: the block's
 * sequence headers; zstd: the frame's content size, or a decode into a growing buffer). Every
 * exception aircompressor throws on bad input becomes a {@link LanceFormatException}.
 */
public final class GeneralCompression {
  /** Largest expansion zstd can produce: a 4-byte RLE block of up to 128 KiB. */
  private static final long ZSTD_MAX_RATIO = 32 * 1024 + 1;
  /** Largest expansion of an LZ4 block (255 bytes of match per length byte). */
  private static final long LZ4_MAX_RATIO = 256;

  private static final int ZSTD_MAGIC = 0xFD2FB528;

  private GeneralCompression() {}

  /** zstd-compresses {@code src[off..off+len)} in Lance's length-prefixed form. */
  public static byte[] zstdCompress(byte[] src, int off, int len) {
    checkRange(src, off, len);
    ZstdCompressor c = new ZstdCompressor();
    byte[] out = new byte[8 + c.maxCompressedLength(len)];
    LittleEndian.putLong(out, 0, len);
    int n = c.compress(src, off, len, out, 8, out.length - 8);
    return java.util.Arrays.copyOf(out, 8 + n);
  }

  /** Whether Lance's reader would treat these bytes as a bare zstd stream (no length prefix). */
  static boolean isBareZstd(byte[] src, int off, int len) {
    if (len < 8) {
      return true;
    }
    return LittleEndian.getInt(src, off) == ZSTD_MAGIC && (src[off + 4] & 0x10) == 0;
  }

  /**
   * Decompresses a zstd buffer in either Lance form (see class doc).
   *
   * @param maxOutput the largest output the caller accepts
   * @throws LanceFormatException on malformed data, a length larger than allowed, or a decoded
   *     size different from the prefix
   */
  public static byte[] zstdDecompress(byte[] src, int off, int len, int maxOutput) throws LanceFormatException {
    checkRange(src, off, len);
    if (len == 0) {
      return new byte[0];
    }
    long bound = Math.min(maxOutput, ZSTD_MAX_RATIO * len);
    if (isBareZstd(src, off, len)) {
      return readBareZstd(src, off, len, 0, bound);
    }
    long expected = LittleEndian.getLong(src, off);
    if (expected < 0 || expected > bound) {
      throw new LanceFormatException(
          "zstd buffer of " + len + " bytes announces " + Long.toUnsignedString(expected)
              + " uncompressed bytes; the limit is " + bound);
    }
    if (expected == 0 && len == 8) {
      return new byte[0];
    }
    long frameSize;
    try {
      frameSize = ZstdDecompressor.getDecompressedSize(src, off + 8, len - 8);
    } catch (RuntimeException e) {
      throw new LanceFormatException("Malformed zstd frame header (" + len + " bytes): " + e.getMessage(), e);
    }
    if (frameSize > expected) {
      throw new LanceFormatException(
          "zstd buffer announces " + expected + " uncompressed bytes but its frame header says " + frameSize);
    }
    if (frameSize != expected && expected > trustedAllocation(len)) {
      // Neither the frame header nor the ratio vouches for the prefix: let the output grow with
      // what the data really holds instead of allocating what the prefix claims.
      byte[] out = readBareZstd(src, off + 8, len - 8, 8, expected);
      if (out.length != expected) {
        throw new LanceFormatException("zstd buffer announces " + expected + " uncompressed bytes but holds " + out.length);
      }
      return out;
    }
    byte[] out = new byte[(int) expected];
    int n;
    try {
      n = new ZstdDecompressor().decompress(src, off + 8, len - 8, out, 0, out.length);
    } catch (RuntimeException e) {
      // aircompressor reports malformed input as MalformedInputException, and some as other
      // runtime exceptions; all of them mean the bytes are not valid zstd.
      throw new LanceFormatException("Malformed zstd data (" + len + " bytes): " + e, e);
    }
    if (n != expected) {
      throw new LanceFormatException("zstd buffer announces " + expected + " uncompressed bytes but holds " + n);
    }
    return out;
  }

  /**
   * The largest output allocated up front on the word of a length prefix alone: 1 MiB, or 64
   * times the compressed size. A larger claim is checked against the data before it is believed.
   */
  static long trustedAllocation(int compressedLen) {
    return Math.max(1L << 20, 64L * compressedLen);
  }

  /** Streams a zstd frame sequence of {@code len} bytes ({@code prefix} bytes after the buffer start, for messages). */
  private static byte[] readBareZstd(byte[] src, int off, int len, int prefix, long bound) throws LanceFormatException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(src, off, len))) {
      int n;
      while ((n = in.read(buf, 0, buf.length)) > 0) {
        if (out.size() + (long) n > bound) {
          throw new LanceFormatException("zstd stream of " + (len + prefix) + " bytes expands past the limit of " + bound);
        }
        out.write(buf, 0, n);
      }
    } catch (LanceFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new LanceFormatException("Malformed zstd stream (" + (len + prefix) + " bytes): " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** lz4-compresses {@code src[off..off+len)} as {@code [u32 LE length][LZ4 block]}. */
  public static byte[] lz4Compress(byte[] src, int off, int len) {
    checkRange(src, off, len);
    Lz4Compressor c = new Lz4Compressor();
    byte[] out = new byte[4 + c.maxCompressedLength(len)];
    LittleEndian.putInt(out, 0, len);
    int n = c.compress(src, off, len, out, 4, out.length - 4);
    return java.util.Arrays.copyOf(out, 4 + n);
  }

  /**
   * Decompresses {@code [u32 LE length][LZ4 block]}.
   *
   * @throws LanceFormatException if the buffer is shorter than 4 bytes, the length exceeds the
   *     limit, the block is malformed, or it decodes to a different length
   */
  public static byte[] lz4Decompress(byte[] src, int off, int len, int maxOutput) throws LanceFormatException {
    checkRange(src, off, len);
    if (len < 4) {
      throw new LanceFormatException("LZ4 buffer needs a 4-byte length prefix, got " + len + " bytes");
    }
    long expected = LittleEndian.getUnsignedInt(src, off);
    long bound = Math.min(maxOutput, LZ4_MAX_RATIO * len + 16);
    if (expected > bound) {
      throw new LanceFormatException(
          "LZ4 buffer of " + len + " bytes announces " + expected + " uncompressed bytes; the limit is " + bound);
    }
    if (expected == 0 && len == 4) {
      return new byte[0];
    }
    if (expected > trustedAllocation(len)) {
      // Count what the block really decodes to (one pass over its sequence headers) before
      // allocating what the prefix claims.
      long actual = lz4DecodedLength(src, off + 4, len - 4, expected);
      if (actual != expected) {
        throw new LanceFormatException("LZ4 buffer announces " + expected + " uncompressed bytes but its block "
            + (actual < 0 ? "is malformed or decodes to more" : "decodes to " + actual));
      }
    }
    byte[] out = new byte[(int) expected];
    int n;
    try {
      n = new Lz4Decompressor().decompress(src, off + 4, len - 4, out, 0, out.length);
    } catch (RuntimeException e) {
      // MalformedInputException, or another runtime exception on input aircompressor does not expect.
      throw new LanceFormatException("Malformed LZ4 block (" + len + " bytes): " + e, e);
    }
    if (n != expected) {
      throw new LanceFormatException("LZ4 buffer announces " + expected + " uncompressed bytes but holds " + n);
    }
    return out;
  }

  /**
   * The number of bytes the LZ4 block {@code src[off..off+len)} decodes to, from its sequence
   * headers alone (token, literal length, literals skipped, offset, match length), or -1 if the
   * block is malformed or decodes to more than {@code limit}.
   */
  static long lz4DecodedLength(byte[] src, int off, int len, long limit) {
    int p = off;
    int end = off + len;
    long total = 0;
    while (p < end) {
      int token = src[p++] & 0xFF;
      long lit = token >>> 4;
      if (lit == 15) {
        int b;
        do {
          if (p >= end) {
            return -1;
          }
          b = src[p++] & 0xFF;
          lit += b;
        } while (b == 255);
      }
      if (lit > end - p) {
        return -1;
      }
      p += (int) lit;
      total += lit;
      if (p == end) {
        break; // the last sequence has literals only
      }
      if (p + 2 > end) {
        return -1;
      }
      p += 2; // match offset
      long match = (token & 0xF) + 4L;
      if ((token & 0xF) == 15) {
        int b;
        do {
          if (p >= end) {
            return -1;
          }
          b = src[p++] & 0xFF;
          match += b;
        } while (b == 255);
      }
      total += match;
      if (total > limit) {
        return -1;
      }
    }
    return total > limit ? -1 : total;
  }
}
