package dev.lancelet.table.format;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.zstd.ZstdDecompressor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * Decompresses ZSTD-compressed Arrow IPC buffers in pure Java (Lance writes its {@code .arrow}
 * deletion files with ZSTD body compression). Compression is not offered: Lancelet writes those
 * files uncompressed, which every Arrow reader accepts.
 */
final class ZstdIpcCodec extends AbstractCompressionCodec {

  /** A factory handing out this codec for ZSTD and the no-op codec otherwise. */
  static final CompressionCodec.Factory FACTORY = new CompressionCodec.Factory() {
    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType type) {
      return switch (type) {
        case ZSTD -> new ZstdIpcCodec();
        case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
        default -> throw new IllegalArgumentException("Arrow IPC compression " + type + " is not supported (only ZSTD)");
      };
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
      return createCodec(type);
    }
  };

  /** Largest buffer we agree to inflate (a deletion file holds at most 2^32 u32 values). */
  private static final long MAX_BUFFER = 1L << 31;

  @Override
  protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
    throw new UnsupportedOperationException("ZSTD compression of Arrow IPC buffers is not implemented");
  }

  @Override
  protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
    long want = readUncompressedLength(compressed);
    if (want < 0 || want >= MAX_BUFFER) {
      throw new IllegalArgumentException("Compressed Arrow buffer claims " + want + " uncompressed bytes");
    }
    long inLen = compressed.writerIndex() - CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
    byte[] in = new byte[(int) inLen];
    compressed.getBytes(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH, in);
    byte[] out = new byte[(int) want];
    int n;
    try {
      n = new ZstdDecompressor().decompress(in, 0, in.length, out, 0, out.length);
    } catch (MalformedInputException e) {
      throw new IllegalArgumentException("Corrupt ZSTD data in an Arrow buffer: " + e.getMessage(), e);
    }
    if (n != want) {
      throw new IllegalArgumentException("ZSTD buffer inflated to " + n + " bytes, expected " + want);
    }
    ArrowBuf buf = allocator.buffer(want);
    buf.setBytes(0, out);
    buf.writerIndex(want);
    return buf;
  }

  @Override
  public CompressionUtil.CodecType getCodecType() {
    return CompressionUtil.CodecType.ZSTD;
  }
}
