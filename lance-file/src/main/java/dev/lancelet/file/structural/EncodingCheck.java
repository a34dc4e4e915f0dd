package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.ConstantLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;

/**
 * Validates the numbers in a page's encoding protobuf once, when the file is opened, so that no
 * width or count read from metadata reaches a decoder unchecked. Checked per node of the {@code
 * CompressiveEncoding} tree:
 *
 * <table>
 *   <caption>Parameters and the values accepted</caption>
 *   <tr><th>Node</th><th>Accepted</th></tr>
 *   <tr><td>Flat</td><td>bits per value 1, or a multiple of 8 up to 8 MiB</td></tr>
 *   <tr><td>Variable</td><td>offsets of 32 or 64 bits</td></tr>
 *   <tr><td>InlineBitpacking, OutOfLineBitpacking</td><td>uncompressed width 8, 16, 32 or 64;
 *       out-of-line packed width at most the uncompressed width</td></tr>
 *   <tr><td>Rle</td><td>values of 8, 16, 32 or 64 bits; run lengths of 8, 16 or 32 bits</td></tr>
 *   <tr><td>ByteStreamSplit</td><td>values of 16, 32 or 64 bits</td></tr>
 *   <tr><td>FixedSizeList</td><td>1 to 2^24 items per value, total width up to 8 MiB</td></tr>
 *   <tr><td>PackedStruct</td><td>fields of a multiple of 8 bits, total up to 8 MiB</td></tr>
 * </table>
 *
 * Per layout: mini-block rep/def levels are 8 or 16 bits wide, dictionary indices 8 to 64 bits,
 * and {@code num_buffers} covers the value encoding's buffers; full-zip rep and def widths are at
 * most 16 bits each; constant-layout levels are 8 or 16 bits wide. Nodes a decoder does not
 * support are left to it (it names them in its error).
 */
final class EncodingCheck {
  /** Largest value width in bits (8 MiB per value), as {@code Decompress.bytesOf} allows. */
  static final long MAX_BITS = 8L * (1 << 20);

  static final long MAX_ITEMS_PER_VALUE = 1L << 24;

  private EncodingCheck() {}

  static void check(PageLayout l) throws LanceFormatException {
    switch (l.getLayoutCase()) {
      case MINI_BLOCK_LAYOUT -> {
        MiniBlockLayout m = l.getMiniBlockLayout();
        if (m.hasRepCompression()) {
          levels("repetition", m.getRepCompression());
        }
        if (m.hasDefCompression()) {
          levels("definition", m.getDefCompression());
        }
        node(m.getValueCompression());
        if (m.hasDictionary()) {
          node(m.getDictionary());
          long ib = Decompress.fixedBits(m.getValueCompression());
          if (ib != 8 && ib != 16 && ib != 32 && ib != 64) {
            throw new LanceFormatException("Dictionary indices must be 8, 16, 32 or 64 bits wide, the value encoding "
                + Decompress.describe(m.getValueCompression()) + " gives " + ib);
          }
        }
        int need = miniBlockBuffers(m.getValueCompression());
        if (m.getNumBuffers() < need) {
          throw new LanceFormatException("Mini-block value encoding " + Decompress.describe(m.getValueCompression())
              + " needs " + need + " buffers per chunk, num_buffers is " + m.getNumBuffers());
        }
      }
      case FULL_ZIP_LAYOUT -> {
        FullZipLayout z = l.getFullZipLayout();
        if (z.getBitsRep() > 16 || z.getBitsDef() > 16 || z.getBitsRep() < 0 || z.getBitsDef() < 0) {
          throw new LanceFormatException("Full-zip control word widths must be at most 16 bits each, got bits_rep "
              + Integer.toUnsignedString(z.getBitsRep()) + " and bits_def " + Integer.toUnsignedString(z.getBitsDef()));
        }
        node(z.getValueCompression());
      }
      case CONSTANT_LAYOUT -> {
        ConstantLayout c = l.getConstantLayout();
        if (c.hasRepCompression()) {
          levels("repetition", c.getRepCompression());
        }
        if (c.hasDefCompression()) {
          levels("definition", c.getDefCompression());
        }
      }
      case BLOB_LAYOUT -> check(l.getBlobLayout().getInnerLayout());
      default -> { }
    }
  }

  private static void levels(String what, CompressiveEncoding e) throws LanceFormatException {
    node(e);
    long bits = Decompress.fixedBits(e);
    if (bits != 8 && bits != 16) {
      throw new LanceFormatException("The " + what + " level encoding " + Decompress.describe(e) + " must give 8- or 16-bit levels, gives " + bits);
    }
  }

  /** Buffers per mini-block chunk that {@code Decompress.miniBlock} reads for {@code e}. */
  static int miniBlockBuffers(CompressiveEncoding e) {
    return switch (e.getCompressionCase()) {
      case RLE -> 2;
      case FIXED_SIZE_LIST -> (e.getFixedSizeList().getHasValidity() ? 1 : 0) + miniBlockBuffers(e.getFixedSizeList().getValues());
      case FSST -> miniBlockBuffers(e.getFsst().getValues());
      case GENERAL -> Math.max(1, miniBlockBuffers(e.getGeneral().getValues()));
      default -> 1;
    };
  }

  private static void oneOf(String what, long bits, CompressiveEncoding e, long... allowed) throws LanceFormatException {
    for (long a : allowed) {
      if (bits == a) {
        return;
      }
    }
    throw new LanceFormatException(what + " in " + Decompress.describe(e) + " must be one of " + java.util.Arrays.toString(allowed) + " bits, got " + Long.toUnsignedString(bits));
  }

  /** Checks one node and everything under it. */
  static void node(CompressiveEncoding e) throws LanceFormatException {
    switch (e.getCompressionCase()) {
      case FLAT -> {
        long b = e.getFlat().getBitsPerValue();
        if (b != 1 && (b <= 0 || b % 8 != 0 || b > MAX_BITS)) {
          throw new LanceFormatException("Flat bits per value must be 1 or a multiple of 8 up to " + MAX_BITS + ", got " + Long.toUnsignedString(b));
        }
      }
      case VARIABLE -> {
        node(e.getVariable().getOffsets());
        oneOf("Offset width", Decompress.fixedBits(e.getVariable().getOffsets()), e, 32, 64);
      }
      case INLINE_BITPACKING -> oneOf("Uncompressed width", e.getInlineBitpacking().getUncompressedBitsPerValue(), e, 8, 16, 32, 64);
      case OUT_OF_LINE_BITPACKING -> {
        long u = e.getOutOfLineBitpacking().getUncompressedBitsPerValue();
        oneOf("Uncompressed width", u, e, 8, 16, 32, 64);
        // The values are Flat(packed width): any width from 0 to u, not a byte width.
        long w = Decompress.fixedBits(e.getOutOfLineBitpacking().getValues());
        if (w < 0 || w > u) {
          throw new LanceFormatException("Packed width in " + Decompress.describe(e) + " must be in [0, " + u + "], got " + w);
        }
      }
      case RLE -> {
        node(e.getRle().getValues());
        node(e.getRle().getRunLengths());
        oneOf("Value width", Decompress.fixedBits(e.getRle().getValues()), e, 8, 16, 32, 64);
        oneOf("Run-length width", Decompress.fixedBits(e.getRle().getRunLengths()), e, 8, 16, 32);
      }
      case BYTE_STREAM_SPLIT -> {
        node(e.getByteStreamSplit().getValues());
        oneOf("Value width", Decompress.fixedBits(e.getByteStreamSplit().getValues()), e, 16, 32, 64);
      }
      case FIXED_SIZE_LIST -> {
        long items = e.getFixedSizeList().getItemsPerValue();
        if (items < 1 || items > MAX_ITEMS_PER_VALUE) {
          throw new LanceFormatException("Fixed-size list of " + Long.toUnsignedString(items) + " items per value is outside [1, " + MAX_ITEMS_PER_VALUE + "]");
        }
        node(e.getFixedSizeList().getValues());
        long inner = Decompress.fixedBits(e.getFixedSizeList().getValues());
        if (inner > 0 && inner * items > MAX_BITS) {
          throw new LanceFormatException("Fixed-size list values of " + items + " x " + inner + " bits exceed " + MAX_BITS + " bits");
        }
      }
      case PACKED_STRUCT -> {
        long total = 0;
        for (long b : e.getPackedStruct().getBitsPerValueList()) {
          if (b <= 0 || b % 8 != 0 || b > MAX_BITS) {
            throw new LanceFormatException("Packed struct field width must be a multiple of 8 bits up to " + MAX_BITS + ", got " + Long.toUnsignedString(b));
          }
          total += b;
          if (total > MAX_BITS) {
            throw new LanceFormatException("Packed struct of more than " + MAX_BITS + " bits per value");
          }
        }
      }
      case FSST -> node(e.getFsst().getValues());
      case GENERAL -> node(e.getGeneral().getValues());
      default -> { }
    }
  }
}
