package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.compression.ByteStreamSplit;
import dev.lancelet.file.compression.Fsst;
import dev.lancelet.file.compression.GeneralCompression;
import dev.lancelet.file.compression.InlineBitpacking;
import dev.lancelet.file.compression.OutOfLineBitpacking;
import dev.lancelet.file.compression.Rle;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.proto.EncodingsV21Protos.BufferCompression;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressionScheme;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import java.util.Arrays;

/**
 * Turns compressed buffers back into {@link Values}, following a {@code CompressiveEncoding}
 * tree. Three contexts, as in Lance: mini-block chunks (several buffers per chunk), whole blocks
 * (def/rep levels, dictionaries) and full-zip per-value data.
 */
final class Decompress {
  /** Largest single decompressed buffer we accept. */
  static final int MAX_BUFFER = Integer.MAX_VALUE - 64;

  private Decompress() {}

  /** A slice of a byte array. */
  record Slice(byte[] a, int off, int len) {
    byte[] copy() {
      return Arrays.copyOfRange(a, off, off + len);
    }
  }

  static String describe(CompressiveEncoding e) {
    if (e == null) {
      return "none";
    }
    switch (e.getCompressionCase()) {
      case FLAT:
        return "Flat(" + e.getFlat().getBitsPerValue() + ")";
      case VARIABLE:
        return "Variable(" + describe(e.getVariable().getOffsets()) + ")";
      case CONSTANT:
        return "Constant";
      case OUT_OF_LINE_BITPACKING:
        return "OutOfLineBitpacking(" + e.getOutOfLineBitpacking().getUncompressedBitsPerValue() + "->" + describe(e.getOutOfLineBitpacking().getValues()) + ")";
      case INLINE_BITPACKING:
        return "InlineBitpacking(" + e.getInlineBitpacking().getUncompressedBitsPerValue() + ")";
      case FSST:
        return "Fsst(" + describe(e.getFsst().getValues()) + ")";
      case DICTIONARY:
        return "Dictionary";
      case RLE:
        return "Rle(" + describe(e.getRle().getValues()) + ", " + describe(e.getRle().getRunLengths()) + ")";
      case BYTE_STREAM_SPLIT:
        return "ByteStreamSplit(" + describe(e.getByteStreamSplit().getValues()) + ")";
      case GENERAL:
        return "General(" + e.getGeneral().getCompression().getScheme().name().replace("COMPRESSION_ALGORITHM_", "") + ", " + describe(e.getGeneral().getValues()) + ")";
      case FIXED_SIZE_LIST:
        return "FixedSizeList(" + e.getFixedSizeList().getItemsPerValue() + ", " + describe(e.getFixedSizeList().getValues()) + ")";
      case PACKED_STRUCT:
        return "PackedStruct(" + e.getPackedStruct().getBitsPerValueList() + ")";
      case VARIABLE_PACKED_STRUCT:
        return "VariablePackedStruct";
      default:
        return "Unknown";
    }
  }

  /**
   * Throws {@link UnsupportedOperationException} for encodings that are valid Lance but that this
   * reader does not decode yet (so they are never mistaken for corruption, nor decoded wrongly).
   */
  static void checkSupported(CompressiveEncoding e, String where) {
    if (e == null) {
      return;
    }
    switch (e.getCompressionCase()) {
      case FIXED_SIZE_LIST -> {
        if (outerFslValidity(e)) {
          throw new UnsupportedOperationException(where + ": nested fixed-size lists with validity on an outer list layer (FixedSizeList has_validity) are not supported yet");
        }
        checkSupported(e.getFixedSizeList().getValues(), where);
      }
      case VARIABLE_PACKED_STRUCT -> {
        if (!plainPackedStruct(e)) {
          throw new UnsupportedOperationException(where + ": variable packed structs whose children are compressed (" + describe(e) + ") are not supported yet; only Flat and Variable children (blob v2 descriptors) are");
        }
      }
      case GENERAL -> checkSupported(e.getGeneral().getValues(), where);
      case FSST -> checkSupported(e.getFsst().getValues(), where);
      case DICTIONARY -> throw new UnsupportedOperationException(where + ": Dictionary as a compressive encoding (never written by Lance 7.0) is not supported yet");
      case RANGE, DELTA -> throw new UnsupportedOperationException(where + ": the " + e.getCompressionCase() + " encoding (newer than Lance 7.0) is not supported yet");
      default -> { }
    }
  }

  /**
   * True for a {@code VariablePackedStruct} whose children are stored as they are: byte-aligned
   * {@code Flat} values with a matching {@code bits_per_value}, or {@code Variable} values behind a
   * 32- or 64-bit length prefix. Each row is then the children's bytes one after the other (what
   * Lance writes for blob v2 descriptors), so a full-zip value needs no decompression.
   */
  static boolean plainPackedStruct(CompressiveEncoding e) {
    if (e.getCompressionCase() != CompressiveEncoding.CompressionCase.VARIABLE_PACKED_STRUCT
        || e.getVariablePackedStruct().getFieldsCount() == 0) {
      return false;
    }
    for (var f : e.getVariablePackedStruct().getFieldsList()) {
      CompressiveEncoding v = f.getValue();
      switch (f.getLayoutCase()) {
        case BITS_PER_VALUE -> {
          if (v.getCompressionCase() != CompressiveEncoding.CompressionCase.FLAT || f.getBitsPerValue() % 8 != 0
              || f.getBitsPerValue() <= 0 || f.getBitsPerValue() > 1024 || v.getFlat().getBitsPerValue() != f.getBitsPerValue()) {
            return false;
          }
        }
        case BITS_PER_LENGTH -> {
          if (v.getCompressionCase() != CompressiveEncoding.CompressionCase.VARIABLE
              || (f.getBitsPerLength() != 32 && f.getBitsPerLength() != 64)) {
            return false;
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * True if a FixedSizeList layer other than the innermost (the one directly above the item
   * encoding) has validity: those are validity bitmaps of inner lists, which we do not decode.
   */
  private static boolean outerFslValidity(CompressiveEncoding e) {
    while (e.getCompressionCase() == CompressiveEncoding.CompressionCase.FIXED_SIZE_LIST) {
      CompressiveEncoding inner = e.getFixedSizeList().getValues();
      if (e.getFixedSizeList().getHasValidity() && inner.getCompressionCase() == CompressiveEncoding.CompressionCase.FIXED_SIZE_LIST) {
        return true;
      }
      e = inner;
    }
    return false;
  }

  /**
   * Items per value of a FixedSizeList encoding whose innermost layer has validity (the items of
   * the innermost list are nullable), or 0 if no layer has validity. {@link #checkSupported}
   * refuses validity on other layers.
   */
  static int fslValidityItems(CompressiveEncoding e) {
    long dim = 1;
    while (e.getCompressionCase() == CompressiveEncoding.CompressionCase.FIXED_SIZE_LIST) {
      dim *= e.getFixedSizeList().getItemsPerValue();
      if (e.getFixedSizeList().getHasValidity()) {
        return (int) dim;
      }
      e = e.getFixedSizeList().getValues();
    }
    return 0;
  }

  /** Unpacks {@code n} bits (LSB first) of a validity bitmap. */
  private static boolean[] bits(Slice s, int n, String what) throws LanceFormatException {
    if ((n + 7L) / 8 > s.len) {
      throw new LanceFormatException(what + " of " + s.len + " bytes is too short for " + n + " items");
    }
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = ((s.a[s.off + (i >>> 3)] >>> (i & 7)) & 1) != 0;
    }
    return out;
  }

  /**
   * Splits {@code n} full-zip fixed-size-list values with item validity, each {@code
   * ceil(dim/8)} bytes of validity bitmap (LSB first) then {@code dim} items, into values and
   * item validity. {@code bpv} is the page's bytes per value.
   */
  static Values unzipFslValidity(CompressiveEncoding e, byte[] a, int n, int bpv) throws LanceFormatException {
    int dim = fslValidityItems(e);
    long bits = fixedBits(e);
    if (bits <= 0 || bits % 8 != 0) {
      throw new LanceFormatException("Full-zip " + describe(e) + " needs byte-wide items");
    }
    int vb = (dim + 7) / 8;
    int w = (int) (bits / 8);
    if ((long) vb + w != bpv) {
      throw new LanceFormatException("Full-zip " + describe(e) + " values are " + (vb + w) + " bytes (validity and items), the page says " + bpv);
    }
    if ((long) n * bpv > a.length) {
      throw new LanceFormatException("Full-zip buffer of " + a.length + " bytes is too short for " + n + " values");
    }
    byte[] data = new byte[Math.multiplyExact(n, w)];
    boolean[] valid = new boolean[Math.multiplyExact(n, dim)];
    for (int i = 0; i < n; i++) {
      int p = i * bpv;
      for (int k = 0; k < dim; k++) {
        valid[i * dim + k] = ((a[p + (k >>> 3)] >>> (k & 7)) & 1) != 0;
      }
      System.arraycopy(a, p + vb, data, i * w, w);
    }
    return Values.fixed(n, w, data).withItemValidity(dim, valid);
  }

  static LanceFormatException unsupported(String ctx, CompressiveEncoding e) {
    return new LanceFormatException("Unsupported " + ctx + " encoding " + describe(e));
  }

  /** Fixed width in bits that a fixed-width encoding produces, or -1 for variable width. */
  static long fixedBits(CompressiveEncoding e) {
    switch (e.getCompressionCase()) {
      case FLAT:
        return e.getFlat().getBitsPerValue();
      case INLINE_BITPACKING:
        return e.getInlineBitpacking().getUncompressedBitsPerValue();
      case OUT_OF_LINE_BITPACKING:
        return e.getOutOfLineBitpacking().getUncompressedBitsPerValue();
      case RLE:
        return fixedBits(e.getRle().getValues());
      case BYTE_STREAM_SPLIT:
        return fixedBits(e.getByteStreamSplit().getValues());
      case GENERAL:
        return fixedBits(e.getGeneral().getValues());
      case FIXED_SIZE_LIST:
        return e.getFixedSizeList().getItemsPerValue() * fixedBits(e.getFixedSizeList().getValues());
      case PACKED_STRUCT: {
        long s = 0;
        for (long b : e.getPackedStruct().getBitsPerValueList()) {
          s += b;
        }
        return s;
      }
      default:
        return -1;
    }
  }

  private static int bytesOf(long bits, CompressiveEncoding e) throws LanceFormatException {
    if (bits == 1) {
      return 1;
    }
    if (bits <= 0 || bits % 8 != 0 || bits > 8L * (1 << 20)) {
      throw new LanceFormatException("Unsupported value width of " + bits + " bits in " + describe(e));
    }
    return (int) (bits / 8);
  }

  /** Copies {@code n} fixed values (or unpacks {@code n} bits to one byte each when bits == 1). */
  private static Values flat(long bits, Slice s, int n, CompressiveEncoding e) throws LanceFormatException {
    if (bits == 1) {
      if ((n + 7) / 8 > s.len) {
        throw new LanceFormatException("Flat(1) buffer of " + s.len + " bytes is too short for " + n + " values");
      }
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) ((s.a[s.off + (i >>> 3)] >>> (i & 7)) & 1);
      }
      return Values.fixed(n, 1, out);
    }
    int w = bytesOf(bits, e);
    long need = (long) n * w;
    if (need > s.len) {
      throw new LanceFormatException(describe(e) + " buffer of " + s.len + " bytes is too short for " + n + " values (" + need + " bytes)");
    }
    return Values.fixed(n, w, Arrays.copyOfRange(s.a, s.off, s.off + (int) need));
  }

  static byte[] general(BufferCompression c, Slice s) throws LanceFormatException {
    CompressionScheme scheme = c.getScheme();
    switch (scheme) {
      case COMPRESSION_ALGORITHM_ZSTD:
        return GeneralCompression.zstdDecompress(s.a, s.off, s.len, MAX_BUFFER);
      case COMPRESSION_ALGORITHM_LZ4:
        return GeneralCompression.lz4Decompress(s.a, s.off, s.len, MAX_BUFFER);
      default:
        throw new LanceFormatException("Unsupported general compression scheme " + scheme);
    }
  }

  // ------------------------------------------------------------------ mini-block

  /** Decodes one mini-block chunk's value buffers into {@code n} values. */
  static Values miniBlock(CompressiveEncoding e, Slice[] bufs, int n) throws LanceFormatException {
    int need = EncodingCheck.miniBlockBuffers(e);
    if (bufs.length < need) {
      throw new LanceFormatException("Mini-block encoding " + describe(e) + " needs " + need + " buffers per chunk, the chunk has " + bufs.length);
    }
    switch (e.getCompressionCase()) {
      case FLAT:
        if (e.getFlat().hasData()) {
          return flat(e.getFlat().getBitsPerValue(), wrap(general(e.getFlat().getData(), bufs[0])), n, e);
        }
        return flat(e.getFlat().getBitsPerValue(), bufs[0], n, e);
      case FIXED_SIZE_LIST: {
        long bits = fixedBits(e);
        int dim = fslValidityItems(e);
        if (dim > 0) {
          // Buffers: the item validity bitmap (n * dim bits, LSB first), then the items.
          int items = Math.multiplyExact(n, dim);
          boolean[] valid = bits(bufs[0], items, "Fixed-size list item validity");
          CompressiveEncoding leaf = e;
          while (leaf.getCompressionCase() == CompressiveEncoding.CompressionCase.FIXED_SIZE_LIST) {
            leaf = leaf.getFixedSizeList().getValues();
          }
          Values inner = miniBlock(leaf, Arrays.copyOfRange(bufs, 1, bufs.length), items);
          return Values.fixed(n, bytesOf(bits, e), inner.data).withItemValidity(dim, valid);
        }
        Values inner = miniBlock(e.getFixedSizeList().getValues(), bufs, Math.multiplyExact(n, (int) e.getFixedSizeList().getItemsPerValue()));
        return Values.fixed(n, bytesOf(bits, e), inner.data);
      }
      case PACKED_STRUCT:
        return flat(fixedBits(e), bufs[0], n, e);
      case INLINE_BITPACKING: {
        int ubits = (int) e.getInlineBitpacking().getUncompressedBitsPerValue();
        int w = ubits / 8;
        byte[] out = new byte[Math.multiplyExact(n, w)];
        if (n > 0) {
          if (n > InlineBitpacking.CHUNK_VALUES) {
            throw new LanceFormatException("Inline bitpacking chunk cannot hold " + n + " values");
          }
          InlineBitpacking.decodeToBytes(ubits, bufs[0].a, bufs[0].off, bufs[0].len, n, out, 0);
        }
        return Values.fixed(n, w, out);
      }
      case RLE: {
        int w = bytesOf(fixedBits(e.getRle().getValues()), e);
        int lw = bytesOf(fixedBits(e.getRle().getRunLengths()), e);
        byte[] out = new byte[Math.multiplyExact(n, w)];
        if (bufs.length < 2) {
          throw new LanceFormatException("RLE mini-block needs 2 buffers, got " + bufs.length);
        }
        Rle.decode(w, lw, bufs[0].a, bufs[0].off, bufs[0].len, bufs[1].a, bufs[1].off, bufs[1].len, n, out, 0);
        return Values.fixed(n, w, out);
      }
      case BYTE_STREAM_SPLIT: {
        int w = bytesOf(fixedBits(e), e);
        byte[] out = new byte[Math.multiplyExact(n, w)];
        ByteStreamSplit.decode(w, bufs[0].a, bufs[0].off, Math.min(bufs[0].len, n * w), n, out, 0);
        return Values.fixed(n, w, out);
      }
      case VARIABLE: {
        long obits = fixedBits(e.getVariable().getOffsets());
        return variableChunk(bufs[0], n, obits);
      }
      case FSST: {
        Values inner = miniBlock(e.getFsst().getValues(), bufs, n);
        return fsst(e.getFsst().getSymbolTable(), inner);
      }
      case GENERAL: {
        Slice[] copy = bufs.clone();
        copy[0] = wrap(general(e.getGeneral().getCompression(), bufs[0]));
        return miniBlock(e.getGeneral().getValues(), copy, n);
      }
      default:
        throw unsupported("mini-block", e);
    }
  }

  static Slice wrap(byte[] b) {
    return new Slice(b, 0, b.length);
  }

  private static Values fsst(com.google.protobuf.ByteString table, Values inner) throws LanceFormatException {
    Fsst.LargeStrings s = Fsst.decompress(symbolTable(table), inner.data, inner.offsets, 0, inner.count);
    return Values.variable(inner.count, s.offsets(), s.data());
  }

  /** The last parsed symbol table, keyed by the identity of its bytes in the page's encoding. */
  private record ParsedTable(com.google.protobuf.ByteString key, Fsst.SymbolTable table) {}

  private static volatile ParsedTable lastTable;

  /** Parses an FSST symbol table, reusing the last parse when the same page asks again. */
  static Fsst.SymbolTable symbolTable(com.google.protobuf.ByteString bytes) throws LanceFormatException {
    ParsedTable t = lastTable;
    if (t != null && t.key() == bytes) {
      return t.table();
    }
    byte[] b = bytes.toByteArray();
    Fsst.SymbolTable parsed = Fsst.SymbolTable.parse(b, 0, b.length);
    lastTable = new ParsedTable(bytes, parsed);
    return parsed;
  }

  /**
   * As {@link #miniBlock(CompressiveEncoding, Slice[], int)}, keeping only the values at the sorted
   * indexes {@code pick}. FSST strings are picked before decompression, so a take decompresses only
   * the strings it returns.
   */
  static Values miniBlock(CompressiveEncoding e, Slice[] bufs, int n, int[] pick) throws LanceFormatException {
    if (e.getCompressionCase() == CompressiveEncoding.CompressionCase.FSST && bufs.length >= EncodingCheck.miniBlockBuffers(e)) {
      Values inner = miniBlock(e.getFsst().getValues(), bufs, n);
      return fsst(e.getFsst().getSymbolTable(), inner.pick(pick));
    }
    if (e.getCompressionCase() == CompressiveEncoding.CompressionCase.FLAT && !e.getFlat().hasData()
        && e.getFlat().getBitsPerValue() % 8 == 0 && bufs.length >= 1) {
      // Plain values: copy only the asked ones.
      int w = bytesOf(e.getFlat().getBitsPerValue(), e);
      Slice s = bufs[0];
      if ((long) n * w > s.len) {
        throw new LanceFormatException(describe(e) + " buffer of " + s.len + " bytes is too short for " + n + " values (" + (long) n * w + " bytes)");
      }
      byte[] out = new byte[Math.multiplyExact(pick.length, w)];
      for (int i = 0; i < pick.length; i++) {
        int r = pick[i];
        if (r < 0 || r >= n) {
          throw new LanceFormatException("Row " + r + " is outside a block of " + n + " values");
        }
        System.arraycopy(s.a, s.off + r * w, out, i * w, w);
      }
      return Values.fixed(pick.length, w, out);
    }
    return miniBlock(e, bufs, n).pick(pick);
  }

  /** A mini-block Variable chunk: {@code n+1} absolute offsets (u32 or u64) then the bytes. */
  private static Values variableChunk(Slice s, int n, long obits) throws LanceFormatException {
    int ow = (int) (obits / 8);
    if (ow != 4 && ow != 8) {
      throw new LanceFormatException("Variable offsets must be 32 or 64 bits, got " + obits);
    }
    if ((long) (n + 1) * ow > s.len) {
      throw new LanceFormatException("Variable chunk of " + s.len + " bytes cannot hold " + (n + 1) + " offsets");
    }
    long[] offs = new long[n + 1];
    for (int i = 0; i <= n; i++) {
      offs[i] = ow == 4 ? LittleEndian.getUnsignedInt(s.a, s.off + 4 * i) : LittleEndian.getLong(s.a, s.off + 8 * i);
    }
    long base = offs[0];
    for (int i = 0; i <= n; i++) {
      if (offs[i] < base || offs[i] > s.len || (i > 0 && offs[i] < offs[i - 1])) {
        throw new LanceFormatException("Variable chunk offset " + i + " = " + offs[i] + " is out of order or past the " + s.len + "-byte chunk");
      }
    }
    // Rebase only after checking: comparing a rebased offset with a raw one let decreasing offsets through.
    for (int i = 0; i <= n; i++) {
      offs[i] -= base;
    }
    byte[] data = Arrays.copyOfRange(s.a, s.off + (int) base, s.off + (int) (base + offs[n]));
    return Values.variable(n, offs, data);
  }

  // ------------------------------------------------------------------ block

  /** Decodes a whole-buffer ("block") encoding of {@code n} values. */
  static Values block(CompressiveEncoding e, Slice s, int n) throws LanceFormatException {
    switch (e.getCompressionCase()) {
      case FLAT:
        if (e.getFlat().hasData()) {
          return flat(e.getFlat().getBitsPerValue(), wrap(general(e.getFlat().getData(), s)), n, e);
        }
        return flat(e.getFlat().getBitsPerValue(), s, n, e);
      case FIXED_SIZE_LIST:
        return Values.fixed(n, bytesOf(fixedBits(e), e), block(e.getFixedSizeList().getValues(), s, Math.multiplyExact(n, (int) e.getFixedSizeList().getItemsPerValue())).data);
      case OUT_OF_LINE_BITPACKING: {
        int ubits = (int) e.getOutOfLineBitpacking().getUncompressedBitsPerValue();
        int width = (int) fixedBits(e.getOutOfLineBitpacking().getValues());
        int w = bytesOf(ubits, e);
        byte[] out = new byte[Math.multiplyExact(n, w)];
        switch (ubits) {
          case 8 -> OutOfLineBitpacking.decode8(s.a, s.off, s.len, width, n, out, 0);
          case 16 -> {
            short[] v = new short[n];
            OutOfLineBitpacking.decode16(s.a, s.off, s.len, width, n, v, 0);
            LittleEndian.writeShorts(v, 0, out, 0, n);
          }
          case 32 -> {
            int[] v = new int[n];
            OutOfLineBitpacking.decode32(s.a, s.off, s.len, width, n, v, 0);
            LittleEndian.writeInts(v, 0, out, 0, n);
          }
          case 64 -> {
            long[] v = new long[n];
            OutOfLineBitpacking.decode64(s.a, s.off, s.len, width, n, v, 0);
            LittleEndian.writeLongs(v, 0, out, 0, n);
          }
          default -> throw unsupported("block", e);
        }
        return Values.fixed(n, w, out);
      }
      case RLE: {
        int w = bytesOf(fixedBits(e.getRle().getValues()), e);
        int lw = bytesOf(fixedBits(e.getRle().getRunLengths()), e);
        byte[] out = new byte[Math.multiplyExact(n, w)];
        Rle.decodeBlock(w, lw, s.a, s.off, s.len, n, out, 0);
        return Values.fixed(n, w, out);
      }
      case CONSTANT: {
        byte[] v = e.getConstant().getValue().toByteArray();
        if (v.length == 0) {
          throw unsupported("block (empty constant)", e);
        }
        byte[] out = new byte[Math.multiplyExact(n, v.length)];
        for (int i = 0; i < n; i++) {
          System.arraycopy(v, 0, out, i * v.length, v.length);
        }
        return Values.fixed(n, v.length, out);
      }
      case VARIABLE:
        return variableBlock(s, n);
      case GENERAL:
        return block(e.getGeneral().getValues(), wrap(general(e.getGeneral().getCompression(), s)), n);
      case FSST: {
        Values inner = block(e.getFsst().getValues(), s, n);
        return fsst(e.getFsst().getSymbolTable(), inner);
      }
      case INLINE_BITPACKING: {
        // Consecutive chunks of 1024 values.
        int ubits = (int) e.getInlineBitpacking().getUncompressedBitsPerValue();
        int w = ubits / 8;
        byte[] out = new byte[Math.multiplyExact(n, w)];
        int pos = s.off;
        int end = s.off + s.len;
        for (int done = 0; done < n; done += InlineBitpacking.CHUNK_VALUES) {
          if (pos + w > end) {
            throw new LanceFormatException("Inline bitpacking block of " + s.len + " bytes ends before chunk " + done / InlineBitpacking.CHUNK_VALUES + " of " + n + " values");
          }
          long width = LittleEndian.getUnsigned(s.a, pos, w);
          if (width < 0 || width > ubits) {
            throw new LanceFormatException("Inline bitpacking chunk bit width " + Long.toUnsignedString(width) + " is outside [0, " + ubits + "]");
          }
          int len = InlineBitpacking.chunkBytes(ubits, (int) width);
          if (pos + len > end) {
            throw new LanceFormatException("Inline bitpacking block is truncated");
          }
          InlineBitpacking.decodeToBytes(ubits, s.a, pos, len, Math.min(InlineBitpacking.CHUNK_VALUES, n - done), out, done * w);
          pos += len;
        }
        return Values.fixed(n, w, out);
      }
      default:
        throw unsupported("block", e);
    }
  }

  /**
   * The block form of Variable: {@code [u32 bits_per_offset][u32 bytes_start]} (or u64 for 64-bit
   * offsets), then {@code n+1} offsets relative to the first, then the bytes at {@code bytes_start}.
   */
  private static Values variableBlock(Slice s, int n) throws LanceFormatException {
    if (s.len < 8) {
      throw new LanceFormatException("Variable block of " + s.len + " bytes has no header");
    }
    int bits = LittleEndian.getInt(s.a, s.off);
    int ow;
    long bytesStart;
    int offStart;
    if (bits == 32) {
      ow = 4;
      bytesStart = LittleEndian.getUnsignedInt(s.a, s.off + 4);
      offStart = 8;
    } else if (bits == 64 && s.len >= 16) {
      ow = 8;
      bytesStart = LittleEndian.getLong(s.a, s.off + 8);
      offStart = 16;
    } else {
      throw new LanceFormatException("Variable block has unsupported offset width " + bits + " (old-style header?)");
    }
    if (bytesStart < offStart || bytesStart > s.len || (bytesStart - offStart) / ow < n + 1) {
      throw new LanceFormatException("Variable block data start " + bytesStart + " is inconsistent with " + n + " values in " + s.len + " bytes");
    }
    long[] offs = new long[n + 1];
    for (int i = 0; i <= n; i++) {
      int p = s.off + offStart + ow * i;
      offs[i] = ow == 4 ? LittleEndian.getUnsignedInt(s.a, p) : LittleEndian.getLong(s.a, p);
    }
    long base = offs[0];
    long dataLen = s.len - bytesStart;
    for (int i = 0; i <= n; i++) {
      offs[i] -= base;
      if (offs[i] < 0 || offs[i] > dataLen || (i > 0 && offs[i] < offs[i - 1])) {
        throw new LanceFormatException("Variable block offset " + i + " is out of order or past the data");
      }
    }
    byte[] data = Arrays.copyOfRange(s.a, s.off + (int) bytesStart + (int) base, s.off + (int) bytesStart + (int) (base + offs[n]));
    return Values.variable(n, offs, data);
  }

  /** Decodes {@code n} rep or def levels (16-bit values) from a block encoding. */
  static short[] levels(CompressiveEncoding e, Slice s, int n) throws LanceFormatException {
    Values v = block(e, s, n);
    short[] out = new short[n];
    if (v.bytesPerValue == 2) {
      LittleEndian.readShorts(v.data, 0, out, 0, n);
    } else if (v.bytesPerValue == 1) {
      for (int i = 0; i < n; i++) {
        out[i] = (short) (v.data[i] & 0xff);
      }
    } else {
      throw new LanceFormatException("Levels must be 8 or 16 bits wide, got " + (8 * v.bytesPerValue));
    }
    return out;
  }
}
