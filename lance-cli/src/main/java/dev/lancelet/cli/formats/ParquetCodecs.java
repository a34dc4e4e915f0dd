package dev.lancelet.cli.formats;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet page compression in pure Java: zstd, snappy and LZ4 (raw) through aircompressor, gzip
 * through {@code java.util.zip}. Replaces parquet-java's codec factory, which goes through Hadoop
 * and native libraries. LZO, Brotli and Hadoop-framed LZ4 are not supported.
 */
final class ParquetCodecs implements CompressionCodecFactory {
  static final ParquetCodecs INSTANCE = new ParquetCodecs();

  /** The largest uncompressed page we allocate for; a larger size in a header is taken as corruption. */
  static final int MAX_PAGE_BYTES = 1 << 30;

  private ParquetCodecs() {}

  /**
   * The Parquet codec of a {@link WriterOptions#parquetCompression()} name.
   *
   * @throws IllegalArgumentException for an unknown or unsupported name
   */
  static CompressionCodecName codecName(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "zstd" -> CompressionCodecName.ZSTD;
      case "snappy" -> CompressionCodecName.SNAPPY;
      case "gzip" -> CompressionCodecName.GZIP;
      case "lz4_raw", "lz4" -> CompressionCodecName.LZ4_RAW;
      case "none", "uncompressed" -> CompressionCodecName.UNCOMPRESSED;
      default -> throw new IllegalArgumentException(
          "Unknown Parquet compression '" + name + "' (known: zstd, snappy, gzip, lz4_raw, none)");
    };
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Block(codec, null);
      case ZSTD -> new Block(codec, new ZstdCompressor());
      case SNAPPY -> new Block(codec, new SnappyCompressor());
      case LZ4_RAW -> new Block(codec, new Lz4Compressor());
      case GZIP -> new Gzip();
      default -> throw new UnsupportedOperationException("Parquet compression " + codec + " is not supported");
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Unblock(null);
      case ZSTD -> new Unblock(new ZstdDecompressor());
      case SNAPPY -> new Unblock(new SnappyDecompressor());
      case LZ4_RAW -> new Unblock(new Lz4Decompressor());
      case GZIP -> new Ungzip();
      default -> throw new UnsupportedOperationException(
          "Parquet compression " + codec + " is not supported (supported: zstd, snappy, gzip, lz4_raw, none)");
    };
  }

  @Override
  public void release() {}

  private record Block(CompressionCodecName codec, Compressor compressor) implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      if (compressor == null) {
        return bytes;
      }
      byte[] in = bytes.toByteArray();
      byte[] out = new byte[compressor.maxCompressedLength(in.length)];
      int n = compressor.compress(in, 0, in.length, out, 0, out.length);
      return BytesInput.from(out, 0, n);
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {}
  }

  private static final class Gzip implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        bytes.writeAllTo(gz);
      }
      return BytesInput.from(out.toByteArray());
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.GZIP;
    }

    @Override
    public void release() {}
  }

  /** Checks a page's declared size before allocating for it. */
  private static int checkedSize(int uncompressedSize) throws IOException {
    if (uncompressedSize < 0 || uncompressedSize > MAX_PAGE_BYTES) {
      throw new IOException("uncompressed page size " + uncompressedSize + " is out of range [0, " + MAX_PAGE_BYTES
          + "] (corrupt page header?)");
    }
    return uncompressedSize;
  }

  private record Unblock(Decompressor decompressor) implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      if (decompressor == null) {
        return bytes;
      }
      byte[] in = bytes.toByteArray();
      byte[] out = new byte[checkedSize(uncompressedSize)];
      try {
        int n = decompressor.decompress(in, 0, in.length, out, 0, out.length);
        if (n != uncompressedSize) {
          throw new IOException("page decompressed to " + n + " bytes, header says " + uncompressedSize);
        }
      } catch (MalformedInputException | IndexOutOfBoundsException | IllegalArgumentException e) {
        throw new IOException("corrupt compressed page (" + e.getMessage() + ")", e);
      }
      return BytesInput.from(out);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      byte[] out = decompress(BytesInput.from(in), uncompressedSize).toByteArray();
      output.put(out);
    }

    @Override
    public void release() {}
  }

  private static final class Ungzip implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      byte[] out = new byte[checkedSize(uncompressedSize)];
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        int n = in.readNBytes(out, 0, out.length);
        if (n != uncompressedSize || in.read() != -1) {
          throw new IOException("gzip page does not have the " + uncompressedSize + " bytes its header says");
        }
      }
      return BytesInput.from(out);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      output.put(decompress(BytesInput.from(in), uncompressedSize).toByteArray());
    }

    @Override
    public void release() {}
  }
}
