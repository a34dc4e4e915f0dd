package dev.lancelet.file.structural;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.proto.EncodingsV21Protos.BlobLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.ConstantLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.RepDefLayer;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.format.proto.File2Protos.Encoding;
import dev.lancelet.io.ByteRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes whole pages of 2.1+ structural layouts into {@link Run}s.
 *
 * <h2>Mini-block page</h2>
 *
 * Buffers: 0 = chunk metadata, 1 = chunk data, then the dictionary (if {@code dictionary} is set)
 * and the repetition index (if {@code repetition_index_depth > 0}). Chunk metadata has one
 * little-endian word per chunk: u16, or u32 when {@code has_large_chunk}. The low 4 bits are log2
 * of the chunk's value count (ignored for the last chunk, whose count is what is left of the
 * page's {@code num_items}); the remaining high bits hold {@code chunk bytes / 8 - 1}. Chunks are
 * stored back to back in buffer 1. A chunk is:
 *
 * <pre>
 *   u16 number of levels
 *   u16 size of the rep buffer     (only if rep_compression is set)
 *   u16 size of the def buffer     (only if def_compression is set)
 *   u16 (u32 if has_large_chunk) size of each of num_buffers value buffers
 *   zero padding to 8 bytes
 *   rep buffer, padding to 8; def buffer, padding to 8; each value buffer, padding to 8
 * </pre>
 *
 * <h2>Full-zip page</h2>
 *
 * Buffer 0 holds, per item, a control word (1, 2 or 4 bytes; rep in the bits above {@code
 * bits_def}, def in the low {@code bits_def} bits; absent when both widths are 0), then for a
 * visible item either the fixed-width value ({@code bits_per_value}) or, for a valid
 * variable-width item, a length of {@code bits_per_offset} bits and the (per-value compressed)
 * bytes. Buffer 1, when present, has {@code rows + 1} byte offsets of 1, 2, 4 or 8 bytes: where
 * each row starts in buffer 0.
 */
final class PageDecoder {
  private PageDecoder() {}

  static PageLayout layout(String where, ColumnMetadata.Page page) throws LanceFormatException {
    Encoding enc = page.getEncoding();
    if (!enc.hasDirect()) {
      throw new LanceFormatException(where + ": page encoding is " + enc.getLocationCase() + ", only direct encodings are supported");
    }
    try {
      Any any = Any.parseFrom(enc.getDirect().getEncoding());
      if (!any.getTypeUrl().endsWith("lance.encodings21.PageLayout")) {
        throw new LanceFormatException(where + ": page encoding has type " + any.getTypeUrl() + ", expected /lance.encodings21.PageLayout");
      }
      PageLayout layout = PageLayout.parseFrom(any.getValue());
      try {
        EncodingCheck.check(layout);
      } catch (LanceFormatException e) {
        throw new LanceFormatException(where + ": " + e.getMessage(), e);
      }
      return layout;
    } catch (InvalidProtocolBufferException e) {
      throw new LanceFormatException(where + ": page encoding is not a valid PageLayout: " + e.getMessage(), e);
    }
  }

  static String describe(PageLayout l) {
    switch (l.getLayoutCase()) {
      case MINI_BLOCK_LAYOUT: {
        MiniBlockLayout m = l.getMiniBlockLayout();
        StringBuilder sb = new StringBuilder("MiniBlock(values=").append(Decompress.describe(m.getValueCompression()));
        if (m.hasDefCompression()) {
          sb.append(", def=").append(Decompress.describe(m.getDefCompression()));
        }
        if (m.hasRepCompression()) {
          sb.append(", rep=").append(Decompress.describe(m.getRepCompression()));
        }
        if (m.hasDictionary()) {
          sb.append(", dictionary=").append(Decompress.describe(m.getDictionary()));
        }
        return sb.append(")").toString();
      }
      case FULL_ZIP_LAYOUT:
        return "FullZip(values=" + Decompress.describe(l.getFullZipLayout().getValueCompression()) + ", bits_rep=" + l.getFullZipLayout().getBitsRep() + ", bits_def=" + l.getFullZipLayout().getBitsDef() + ")";
      case CONSTANT_LAYOUT:
        return l.getConstantLayout().hasInlineValue() ? "Constant" : "AllNull";
      case BLOB_LAYOUT:
        return "Blob(" + describe(l.getBlobLayout().getInnerLayout()) + ")";
      default:
        return l.getLayoutCase().toString();
    }
  }

  static String layoutName(PageLayout l) {
    switch (l.getLayoutCase()) {
      case MINI_BLOCK_LAYOUT:
        return "MiniBlock";
      case FULL_ZIP_LAYOUT:
        return "FullZip";
      case CONSTANT_LAYOUT:
        return l.getConstantLayout().hasInlineValue() ? "Constant" : "AllNull";
      case BLOB_LAYOUT:
        return "Blob";
      default:
        return l.getLayoutCase().toString();
    }
  }


  private static int pad8(int off) {
    return (off + 7) & ~7;
  }

  // ------------------------------------------------------------------ mini-block



  /**
   * Decodes chunks {@code c0..c1} of a mini-block page whose bytes (contiguous, as in the data
   * buffer) start at {@code a[off]}. For list columns the levels and values of a row begun before
   * {@code c0} (preamble) and of a row continuing after {@code c1} (trailer) are dropped, so the
   * run holds exactly the rows {@code ix.firstRow[c0]} onwards that end inside the span.
   */
  static Run decodeSpan(Leaf leaf, PageIndex ix, int c0, int c1, byte[] a, int off) throws LanceFormatException {
    return decodeSpan(leaf, ix, c0, c1, a, off, null);
  }

  /**
   * As above; with {@code pick} (one chunk of a leaf without lists only: sorted chunk-relative
   * rows) the run holds just those rows, in that order.
   */
  static Run decodeSpan(Leaf leaf, PageIndex ix, int c0, int c1, byte[] a, int off, int[] pick) throws LanceFormatException {
    if (pick != null && (c0 != c1 || leaf.hasLists() || ix.mini.hasRepCompression())) {
      throw new IllegalArgumentException("pick needs one chunk of a column without lists");
    }
    MiniBlockLayout m = ix.mini;
    boolean large = m.getHasLargeChunk();
    boolean hasRep = m.hasRepCompression();
    boolean hasDef = m.hasDefCompression();
    int nbuf = Math.toIntExact(m.getNumBuffers());
    if (nbuf < 0 || nbuf > 64) {
      throw new LanceFormatException("Mini-block num_buffers " + nbuf + " is out of range");
    }
    int nchunks = c1 - c0 + 1;
    Values single = null;
    Values[] parts = nchunks > 1 ? new Values[nchunks] : null;
    short[][] reps = hasRep ? new short[nchunks][] : null;
    short[][] defs = hasDef ? new short[nchunks][] : null;
    int totalLevels = 0;
    int[] sizes = new int[nbuf];
    Decompress.Slice[] vbufs = new Decompress.Slice[nbuf];
    for (int c = c0; c <= c1; c++) {
      int base = off + (int) (ix.chunkStart[c] - ix.chunkStart[c0]);
      int end = off + (int) (ix.chunkStart[c + 1] - ix.chunkStart[c0]);
      int nvals = ix.chunkValues[c];
      int p = base;
      check(base, chunkHeader(hasRep, hasDef, nbuf, large), end, c);
      int numLevels = LittleEndian.getUnsignedShort(a, p);
      p += 2;
      int repSize = 0;
      int defSize = 0;
      if (hasRep) {
        repSize = LittleEndian.getUnsignedShort(a, p);
        p += 2;
      }
      if (hasDef) {
        defSize = LittleEndian.getUnsignedShort(a, p);
        p += 2;
      }
      for (int b = 0; b < nbuf; b++) {
        sizes[b] = large ? (int) Math.min(Integer.MAX_VALUE, LittleEndian.getUnsignedInt(a, p)) : LittleEndian.getUnsignedShort(a, p);
        p += large ? 4 : 2;
      }
      p = base + pad8(p - base);
      Decompress.Slice repSlice = null;
      Decompress.Slice defSlice = null;
      if (hasRep) {
        check(p, repSize, end, c);
        repSlice = new Decompress.Slice(a, p, repSize);
        p = base + pad8(p + repSize - base);
      }
      if (hasDef) {
        check(p, defSize, end, c);
        defSlice = new Decompress.Slice(a, p, defSize);
        p = base + pad8(p + defSize - base);
      }
      for (int b = 0; b < nbuf; b++) {
        check(p, sizes[b], end, c);
        vbufs[b] = new Decompress.Slice(a, p, sizes[b]);
        p = base + pad8(p + sizes[b] - base);
      }
      Values v = pick == null ? Decompress.miniBlock(m.getValueCompression(), vbufs, nvals) : Decompress.miniBlock(m.getValueCompression(), vbufs, nvals, pick);
      if (parts != null) {
        parts[c - c0] = v;
      } else {
        single = v;
      }
      if (hasRep) {
        reps[c - c0] = Decompress.levels(m.getRepCompression(), repSlice, numLevels);
      }
      if (hasDef) {
        short[] d = Decompress.levels(m.getDefCompression(), defSlice, numLevels);
        if (pick != null) {
          short[] sub = new short[pick.length];
          for (int i = 0; i < pick.length; i++) {
            if (pick[i] >= d.length) {
              throw new LanceFormatException("Row " + pick[i] + " is outside a chunk of " + d.length + " levels");
            }
            sub[i] = d[pick[i]];
          }
          d = sub;
        }
        defs[c - c0] = d;
      }
      totalLevels += (hasRep || hasDef) ? (pick != null ? pick.length : numLevels) : 0;
    }
    Values values = parts != null ? Values.concat(parts) : single;
    short[] rep = hasRep ? concat(reps, totalLevels) : null;
    short[] def = hasDef ? mapDefs(concat(defs, totalLevels), m.getLayersList(), leaf) : null;
    if (!hasDef) {
      LevelMap.map(m.getLayersList(), leaf.isList());
    }
    boolean cutHead = ix.preamble != null && ix.preamble[c0];
    boolean cutTail = ix.trailer != null && ix.trailer[c1];
    if ((cutHead || cutTail) && rep != null) {
      int maxRep = leaf.maxRep();
      int maxVis = leaf.maxVisibleDef();
      int from = 0;
      if (cutHead) {
        while (from < rep.length && rep[from] != maxRep) {
          from++;
        }
      }
      int to = rep.length;
      if (cutTail) {
        to = rep.length - 1;
        while (to > from && rep[to] != maxRep) {
          to--;
        }
        if (to < from || (to < rep.length && rep[to] != maxRep)) {
          to = from;
        }
      }
      int vFrom = 0;
      for (int i = 0; i < from; i++) {
        if (def == null || def[i] <= maxVis) {
          vFrom++;
        }
      }
      int vTo = vFrom;
      for (int i = from; i < to; i++) {
        if (def == null || def[i] <= maxVis) {
          vTo++;
        }
      }
      rep = java.util.Arrays.copyOfRange(rep, from, to);
      def = def == null ? null : java.util.Arrays.copyOfRange(def, from, to);
      Values.Builder cut = new Values.Builder();
      cut.append(values, vFrom, vTo);
      values = cut.build(values.bytesPerValue);
    }
    if (ix.dictionary != null) {
      values = applyDictionary(values, ix.dictionary);
    }
    return new Run(rep, def, values, leaf.maxRep(), leaf.maxVisibleDef());
  }

  static short[] concat(short[][] parts, int total) {
    if (parts.length == 1 && parts[0].length == total) {
      return parts[0];
    }
    short[] out = new short[total];
    int p = 0;
    for (short[] s : parts) {
      System.arraycopy(s, 0, out, p, s.length);
      p += s.length;
    }
    return out;
  }

  /** Bytes of a mini-block chunk header: level count, level sizes, then one size per buffer. */
  private static int chunkHeader(boolean hasRep, boolean hasDef, int nbuf, boolean large) {
    return 2 + (hasRep ? 2 : 0) + (hasDef ? 2 : 0) + nbuf * (large ? 4 : 2);
  }

  private static void check(int off, int len, int end, int chunk) throws LanceFormatException {
    if (len < 0 || off + len > end) {
      throw new LanceFormatException("Buffer of " + len + " bytes at chunk offset " + off + " runs past the end of chunk " + chunk);
    }
  }

  static short[] concat(List<short[]> parts, int total) {
    short[] out = new short[total];
    int p = 0;
    for (short[] s : parts) {
      System.arraycopy(s, 0, out, p, s.length);
      p += s.length;
    }
    return p == total ? out : java.util.Arrays.copyOf(out, p);
  }

  static short[] mapDefs(short[] def, List<RepDefLayer> layers, Leaf leaf) throws LanceFormatException {
    short[] map = LevelMap.map(layers, leaf.isList());
    for (int i = 0; i < def.length; i++) {
      int d = def[i];
      if (d < 0 || d >= map.length) {
        throw new LanceFormatException("Definition level " + d + " exceeds the page's maximum " + (map.length - 1));
      }
      def[i] = map[d];
    }
    return def;
  }

  /** Replaces dictionary indices (unsigned little-endian ints of any width) by the entries. */
  static Values applyDictionary(Values idx, Values dict) throws LanceFormatException {
    Values.Builder b = new Values.Builder();
    int w = idx.bytesPerValue;
    for (int i = 0; i < idx.count; i++) {
      long k = LittleEndian.getUnsigned(idx.data, i * w, w);
      if (k < 0 || k >= dict.count) {
        // Null slots may carry any index; clamp them to an empty value.
        if (dict.count == 0) {
          b.appendNulls(dict.bytesPerValue, 1);
          continue;
        }
        k = 0;
      }
      b.append(dict, (int) k, (int) k + 1);
    }
    return b.build(dict.bytesPerValue);
  }

  // ------------------------------------------------------------------ constant / all-null

  /** A constant page from all its buffers (none for the plain constant and all-null forms). */
  /**
   * A constant page (2.2+; in 2.1 only the all-null form). What the page holds depends on
   * whether the layout carries an inline value and on the number of page buffers:
   *
   * <pre>
   *   inline value, 0 buffers   the value in every row, no levels
   *   inline value, 2 buffers   the value; buffer 0 = rep levels, buffer 1 = def levels
   *   no inline,    1 buffer    buffer 0 = the value's bytes (variable-width or wider than 32 B)
   *   no inline,    3 buffers   buffer 0 = the value; buffer 1 = rep, buffer 2 = def
   *   no inline,    0 buffers   all null (no levels: every row null at the first nullable layer)
   *   no inline,    2 buffers   all null, with rep and def levels (lists with nulls and empties)
   * </pre>
   *
   * Levels without a compression are raw u16, one per level.
   */
  static Run constant(Leaf leaf, ColumnMetadata.Page page, ConstantLayout c, List<byte[]> bufs) throws LanceFormatException {
    int numBuffers = page.getBufferOffsetsCount();
    boolean inline = c.hasInlineValue();
    boolean bufferValue = !inline && (numBuffers == 1 || numBuffers == 3);
    if (!inline && !bufferValue && numBuffers != 0 && numBuffers != 2) {
      throw new LanceFormatException("Constant page without an inline value has " + numBuffers
          + " buffers; expected 0 or 2 (all null) or 1 or 3 (value in buffer 0)");
    }
    if (inline && numBuffers != 0 && numBuffers != 2) {
      throw new LanceFormatException("Constant page with an inline value has " + numBuffers + " buffers; expected 0 or 2");
    }
    byte[] value = inline ? c.getInlineValue().toByteArray() : bufferValue ? bufferedConstant(bufs.get(0), leaf) : null;
    int levelBase = bufferValue ? 1 : 0;
    boolean hasLevels = numBuffers - levelBase == 2
        && (bufs.get(levelBase).length > 0 || bufs.get(levelBase + 1).length > 0);
    if (!hasLevels) {
      return constantRows(leaf, c, value, Math.toIntExact(page.getLength()));
    }
    byte[] rb = bufs.get(levelBase);
    byte[] db = bufs.get(levelBase + 1);
    short[] rep = null;
    short[] def = null;
    if (rb.length > 0) {
      rep = c.hasRepCompression()
          ? Decompress.levels(c.getRepCompression(), Decompress.wrap(rb), Math.toIntExact(c.getNumRepValues()))
          : raw16(rb);
    }
    if (db.length > 0) {
      def = c.hasDefCompression()
          ? Decompress.levels(c.getDefCompression(), Decompress.wrap(db), Math.toIntExact(c.getNumDefValues()))
          : raw16(db);
      def = mapDefs(def, c.getLayersList(), leaf);
    }
    int n = rep != null ? rep.length : (def != null ? def.length : Math.toIntExact(page.getLength()));
    int vis = 0;
    for (int i = 0; i < n; i++) {
      if (def == null || def[i] <= leaf.maxVisibleDef()) {
        vis++;
      }
    }
    return new Run(rep, def, constantValues(leaf, value, vis), leaf.maxRep(), leaf.maxVisibleDef());
  }

  /**
   * {@code rows} rows of a constant page that stores no levels: {@code value} in each (null
   * {@code value}: every row null at the first nullable layer).
   */
  static Run constantRows(Leaf leaf, ConstantLayout c, byte[] value, int rows) throws LanceFormatException {
    short[] map = LevelMap.map(c.getLayersList(), leaf.isList());
    short[] rep = null;
    short[] def = null;
    if (value == null) {
      if (map.length < 2) {
        throw new LanceFormatException("All-null page has no nullable layer in " + c.getLayersList());
      }
      def = new short[rows];
      java.util.Arrays.fill(def, map[1]);
    }
    if (leaf.hasLists()) {
      rep = new short[rows];
      java.util.Arrays.fill(rep, (short) leaf.maxRep());
    }
    return new Run(rep, def, constantValues(leaf, value, rows), leaf.maxRep(), leaf.maxVisibleDef());
  }

  private static Values constantValues(Leaf leaf, byte[] value, int numValues) throws LanceFormatException {
    if (value != null && leaf.width() < 0) {
      long[] offsets = new long[numValues + 1];
      byte[] data = new byte[Math.multiplyExact(numValues, value.length)];
      for (int i = 0; i < numValues; i++) {
        System.arraycopy(value, 0, data, i * value.length, value.length);
        offsets[i + 1] = (long) (i + 1) * value.length;
      }
      return Values.variable(numValues, offsets, data);
    }
    if (value != null) {
      if (badWidth(value, leaf)) {
        throw new LanceFormatException("Constant value of " + value.length + " bytes does not match the " + leaf.width() + "-byte type");
      }
      byte[] data = new byte[Math.multiplyExact(numValues, value.length)];
      for (int i = 0; i < numValues; i++) {
        System.arraycopy(value, 0, data, i * value.length, value.length);
      }
      return Values.fixed(numValues, value.length, data);
    }
    Values.Builder b = new Values.Builder();
    b.appendNulls(leaf.width() >= 0 ? leaf.width() : -1, numValues);
    return b.build(leaf.width());
  }

  /**
   * The value of a constant page kept in buffer 0: a one-value array serialized as {@code u32 n},
   * {@code n x u32} buffer lengths, then the n buffers back to back. A variable-width value has
   * two buffers, offsets {@code [start, end]} (u32 or u64 each) and the bytes; a fixed-width value
   * has one buffer of the value's width.
   */
  static byte[] bufferedConstant(byte[] b, Leaf leaf) throws LanceFormatException {
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (b.length < 4) {
      throw new LanceFormatException("Constant value buffer of " + b.length + " bytes is too short");
    }
    long n = Integer.toUnsignedLong(bb.getInt(0));
    if (n < 1 || n > 2 || 4 + 4 * n > b.length) {
      throw new LanceFormatException("Constant value buffer says it holds " + n + " buffers in " + b.length + " bytes");
    }
    int[] lens = new int[(int) n];
    long total = 4 + 4 * n;
    for (int i = 0; i < n; i++) {
      lens[i] = bb.getInt(4 + 4 * i);
      total += Integer.toUnsignedLong(lens[i]);
      if (lens[i] < 0 || total > b.length) {
        throw new LanceFormatException("Constant value buffer lengths exceed its " + b.length + " bytes");
      }
    }
    int pos = (int) (4 + 4 * n);
    if (leaf.width() >= 0) {
      if (n != 1 || lens[0] != leaf.width()) {
        throw new LanceFormatException("Constant value of a " + leaf.width() + "-byte type has buffers of " + java.util.Arrays.toString(lens) + " bytes");
      }
      return java.util.Arrays.copyOfRange(b, pos, pos + lens[0]);
    }
    if (n != 2 || (lens[0] != 8 && lens[0] != 16)) {
      throw new LanceFormatException("Variable-width constant value has buffers of " + java.util.Arrays.toString(lens) + " bytes; expected offsets of 8 or 16 bytes and data");
    }
    long start = lens[0] == 8 ? Integer.toUnsignedLong(bb.getInt(pos)) : bb.getLong(pos);
    long end = lens[0] == 8 ? Integer.toUnsignedLong(bb.getInt(pos + 4)) : bb.getLong(pos + 8);
    if (start < 0 || end < start || end > lens[1]) {
      throw new LanceFormatException("Variable-width constant value has offsets [" + start + ", " + end + ") outside its " + lens[1] + " data bytes");
    }
    int data = pos + lens[0];
    return java.util.Arrays.copyOfRange(b, data + (int) start, data + (int) end);
  }

  private static boolean badWidth(byte[] value, Leaf leaf) {
    return value.length != leaf.width() && !(leaf.width() == 1 && value.length == 1);
  }

  private static short[] raw16(byte[] b) {
    short[] s = new short[b.length / 2];
    LittleEndian.readShorts(b, 0, s, 0, s.length);
    return s;
  }

  // ------------------------------------------------------------------ full-zip


  static Run unzip(Leaf leaf, FullZipLayout z, byte[] data, int start, int end) throws LanceFormatException {
    int bitsRep = z.getBitsRep();
    int bitsDef = z.getBitsDef();
    int total = bitsRep + bitsDef;
    int cw = total == 0 ? 0 : total <= 8 ? 1 : total <= 16 ? 2 : 4;
    int defMask = (1 << bitsDef) - 1;
    List<RepDefLayer> layers = z.getLayersList();
    // Highest page-level def that still has a value slot: levels of item layers before the first list.
    int pageMaxVisible = 0;
    for (RepDefLayer l : layers) {
      if (LevelMap.isList(l)) {
        break;
      }
      if (l == RepDefLayer.REPDEF_NULLABLE_ITEM) {
        pageMaxVisible++;
      }
    }
    boolean fixed = z.getDetailsCase() == FullZipLayout.DetailsCase.BITS_PER_VALUE;
    CompressiveEncoding enc = z.getValueCompression();
    int bpv = fixed ? Math.toIntExact(z.getBitsPerValue() / 8) : 0;
    int lenBytes = fixed ? 0 : z.getBitsPerOffset() / 8;
    if (fixed && (z.getBitsPerValue() % 8 != 0 || bpv <= 0)) {
      throw new LanceFormatException("Full-zip values of " + z.getBitsPerValue() + " bits are not supported");
    }
    if (!fixed && lenBytes != 1 && lenBytes != 2 && lenBytes != 4 && lenBytes != 8) {
      throw new LanceFormatException("Full-zip length width of " + z.getBitsPerOffset() + " bits is not supported");
    }
    boolean itemValidity = fixed && Decompress.fslValidityItems(enc) > 0;
    if (fixed && cw == 0 && !itemValidity) {
      // No levels and no item validity: the values are the bytes themselves, back to back.
      int len = end - start;
      if (len % bpv != 0) {
        throw new LanceFormatException("Full-zip value at " + (start + len / bpv * bpv) + " runs past the page");
      }
      LevelMap.map(layers, leaf.isList());
      byte[] vals = start == 0 && end == data.length ? data : java.util.Arrays.copyOfRange(data, start, end);
      return new Run(null, null, Values.fixed(len / bpv, bpv, vals), leaf.maxRep(), leaf.maxVisibleDef());
    }
    int guess = Math.max(16, fixed ? (end - start) / (cw + bpv) + 1 : 64);
    short[] rep = new short[guess];
    short[] def = new short[guess];
    int n = 0;
    byte[] out = new byte[fixed ? Math.max(0, end - start) : Math.max(64, end - start)];
    int outLen = 0;
    int nFixed = 0;
    long[] offs = fixed ? null : new long[guess + 1];
    int nVar = 0;
    boolean raw = enc.getCompressionCase() == CompressiveEncoding.CompressionCase.VARIABLE || Decompress.plainPackedStruct(enc);
    int p = start;
    while (p < end) {
      int r = 0;
      int d = 0;
      if (cw > 0) {
        if (p + cw > end) {
          throw new LanceFormatException("Full-zip control word at " + p + " runs past the page");
        }
        long word = LittleEndian.getUnsigned(data, p, cw);
        p += cw;
        r = (int) (word >>> bitsDef);
        d = (int) (word & defMask);
      }
      if (n == rep.length) {
        rep = java.util.Arrays.copyOf(rep, n * 2);
        def = java.util.Arrays.copyOf(def, n * 2);
      }
      rep[n] = (short) r;
      def[n] = (short) d;
      n++;
      boolean visible = d <= pageMaxVisible;
      if (!visible) {
        continue;
      }
      if (fixed) {
        if (p + bpv > end) {
          throw new LanceFormatException("Full-zip value at " + p + " runs past the page");
        }
        System.arraycopy(data, p, out, outLen, bpv);
        outLen += bpv;
        p += bpv;
        nFixed++;
      } else {
        if (nVar + 2 > offs.length) {
          offs = java.util.Arrays.copyOf(offs, offs.length * 2);
        }
        if (d == 0) {
          if (p + lenBytes > end) {
            throw new LanceFormatException("Full-zip length at " + p + " runs past the page");
          }
          long len = LittleEndian.getUnsigned(data, p, lenBytes);
          p += lenBytes;
          if (len < 0 || len > end - p) {
            throw new LanceFormatException("Full-zip value of " + len + " bytes at " + p + " runs past the page");
          }
          if (raw) {
            if (out.length - outLen < len) {
              out = java.util.Arrays.copyOf(out, (int) Math.min(Decompress.MAX_BUFFER, Math.max(2L * out.length, outLen + len)));
            }
            System.arraycopy(data, p, out, outLen, (int) len);
            outLen += (int) len;
          } else {
            byte[] value = perValue(enc, data, p, (int) len);
            if (out.length - outLen < value.length) {
              out = java.util.Arrays.copyOf(out, (int) Math.min(Decompress.MAX_BUFFER, Math.max(2L * out.length, (long) outLen + value.length)));
            }
            System.arraycopy(value, 0, out, outLen, value.length);
            outLen += value.length;
          }
          p += (int) len;
        }
        offs[nVar + 1] = outLen;
        nVar++;
      }
    }
    Values values = fixed && Decompress.fslValidityItems(enc) > 0
        ? Decompress.unzipFslValidity(enc, out, nFixed, bpv)
        : fixed
        ? Values.fixed(nFixed, bpv, outLen == out.length ? out : java.util.Arrays.copyOf(out, outLen))
        : Values.variable(nVar, java.util.Arrays.copyOf(offs, nVar + 1), java.util.Arrays.copyOf(out, outLen));
    short[] repOut = bitsRep > 0 ? java.util.Arrays.copyOf(rep, n) : null;
    short[] defOut = bitsDef > 0 ? mapDefs(java.util.Arrays.copyOf(def, n), layers, leaf) : null;
    if (bitsDef == 0) {
      LevelMap.map(layers, leaf.isList());
    }
    if (!fixed && cw == 0) {
      // no levels: one item per row
    }
    return new Run(repOut, defOut, values, leaf.maxRep(), leaf.maxVisibleDef());
  }

  /** Decompresses one full-zip variable-width value. */
  private static byte[] perValue(CompressiveEncoding e, byte[] data, int off, int len) throws LanceFormatException {
    switch (e.getCompressionCase()) {
      case VARIABLE:
        return java.util.Arrays.copyOfRange(data, off, off + len);
      case GENERAL:
        return Decompress.general(e.getGeneral().getCompression(), new Decompress.Slice(data, off, len));
      case FSST: {
        byte[] table = e.getFsst().getSymbolTable().toByteArray();
        dev.lancelet.file.compression.Fsst.LargeStrings s =
            dev.lancelet.file.compression.Fsst.decompress(
                dev.lancelet.file.compression.Fsst.SymbolTable.parse(table, 0, table.length),
                java.util.Arrays.copyOfRange(data, off, off + len), new long[] {0, len}, 0, 1);
        return java.util.Arrays.copyOf(s.data(), (int) s.offsets()[1]);
      }
      default:
        throw Decompress.unsupported("full-zip variable-width", e);
    }
  }

  // ------------------------------------------------------------------ blob (legacy)


  /** The leaf as which a blob page's (position, size) descriptors decode. */
  static Leaf descriptorLeaf(Leaf leaf) {
    return new Leaf(leaf.column(), leaf.path(), leaf.field(), new boolean[] {false}, 16, leaf.meta(), leaf.pageStart());
  }

  /** Payload ranges of decoded blob descriptors; nulls and empty values have none. */
  static final class BlobPlan {
    final int n;
    final short[] def;
    boolean anyDef;
    final int[] which;
    final List<ByteRange> ranges = new ArrayList<>();

    BlobPlan(int n) {
      this.n = n;
      this.def = new short[n];
      this.which = new int[n];
    }
  }

  static BlobPlan blobPlan(Leaf leaf, Run desc) throws LanceFormatException {
    if (leaf.hasLists()) {
      throw new LanceFormatException("Blob columns inside lists are not supported");
    }
    if (desc.values.bytesPerValue != 16) {
      throw new LanceFormatException("Blob descriptions must be 16 bytes (position, size), got " + desc.values.bytesPerValue);
    }
    int n = desc.values.count;
    BlobPlan p = new BlobPlan(n);
    for (int i = 0; i < n; i++) {
      long position = LittleEndian.getLong(desc.values.data, 16 * i);
      long size = LittleEndian.getLong(desc.values.data, 16 * i + 8);
      p.which[i] = -1;
      if (size == 0) {
        if (position != 0) {
          // A null: the position carries (definition level << 16) | repetition level.
          long def = position >>> 16;
          long rep = position & 0xFFFF;
          if (def == 0 || def > Short.MAX_VALUE || rep != 0) {
            throw new LanceFormatException("Blob " + i + " is a null with levels 0x" + Long.toHexString(position)
                + " (expected a definition level in bits 16 and up, repetition 0)");
          }
          p.def[i] = (short) def;
          p.anyDef = true;
        }
      } else {
        if (position < 0 || size < 0 || size > Integer.MAX_VALUE - 16) {
          throw new LanceFormatException("Blob " + i + " at [" + position + ", +" + size + ") is out of range");
        }
        p.which[i] = p.ranges.size();
        p.ranges.add(new ByteRange(position, size));
      }
    }
    return p;
  }

  static Run blobRun(Leaf leaf, BlobLayout b, BlobPlan p, List<ByteBuffer> payloads) throws LanceFormatException {
    long total = 0;
    for (ByteBuffer bb : payloads) {
      total += bb.remaining();
    }
    if (total > Decompress.MAX_BUFFER) {
      throw new LanceFormatException("Blob payloads of " + total + " bytes do not fit one batch; take fewer rows");
    }
    byte[] data = new byte[(int) total];
    long[] offs = new long[p.n + 1];
    int at = 0;
    for (int i = 0; i < p.n; i++) {
      if (p.which[i] >= 0) {
        ByteBuffer bb = payloads.get(p.which[i]);
        int len = bb.remaining();
        bb.duplicate().get(data, at, len);
        at += len;
      }
      offs[i + 1] = at;
    }
    short[] mapped = p.anyDef ? mapDefs(p.def, b.getLayersList(), leaf) : null;
    return new Run(null, mapped, Values.variable(p.n, offs, data), leaf.maxRep(), leaf.maxVisibleDef());
  }
}
