package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.proto.EncodingsV21Protos.ConstantLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.io.ByteRange;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The search state of one page, built once and kept by the decoder for the life of the reader:
 * what random access needs to turn row numbers into byte ranges without touching the data.
 *
 * <ul>
 *   <li>Mini-block: per chunk, where its bytes start in the data buffer and how many values it
 *       holds (from the chunk metadata, buffer 0); the first row that starts in each chunk and
 *       whether the chunk begins with the tail of an earlier row ("preamble") or ends with the
 *       head of a later one ("trailer"), from the repetition index (the last buffer, {@code
 *       repetition_index_depth + 1} u64 per chunk: rows ended in the chunk, then items left over
 *       after the last complete row); and the decoded dictionary, if any.
 *   <li>Full-zip: where the data buffer starts and either the fixed row stride (fixed width, no
 *       repetition: control word plus value bytes, so row {@code r} is at {@code r * stride}) or
 *       the position and entry width of the row-offset buffer (buffer 1, {@code rows + 1} entries).
 *   <li>Constant / all-null with level buffers: the whole decoded page (levels only, small).
 * </ul>
 */
final class PageIndex {
  final PageLayout layout;
  final ColumnMetadata.Page page;
  final int rows;

  // mini-block
  MiniBlockLayout mini;
  long dataPos;
  /** Byte offset of each chunk in the data buffer, plus the end ({@code chunks + 1} entries). */
  long[] chunkStart;
  /** Values in each chunk. */
  int[] chunkValues;
  /** First row starting in each chunk, plus the page's row count; null when unknown. */
  long[] firstRow;
  /** Chunk starts with the end of a row begun earlier; null when the column has no lists. */
  boolean[] preamble;
  /** Chunk ends with the start of a row that continues; null when the column has no lists. */
  boolean[] trailer;
  Values dictionary;

  // full-zip
  FullZipLayout zip;
  /** Bytes per row for fixed-width full-zip pages without a row-offset buffer, else 0. */
  long stride;
  long repPos;
  int repWidth;

  // constant / all-null: the value when the page stores nothing else, or the whole decoded page
  byte[] constantValue;
  Run whole;

  // blob: the index of the inner (descriptor) layout
  PageIndex inner;

  private PageIndex(PageLayout layout, ColumnMetadata.Page page) throws LanceFormatException {
    this.layout = layout;
    this.page = page;
    if (page.getLength() > Integer.MAX_VALUE - 8) {
      throw new LanceFormatException("Page of " + page.getLength() + " rows is too large");
    }
    this.rows = (int) page.getLength();
  }

  int chunks() {
    return chunkValues.length;
  }

  /** Buffers to read before {@link #build} can run: metadata only, never page data. */
  static void metadataRanges(PageLayout layout, ColumnMetadata.Page page, List<ByteRange> out) throws LanceFormatException {
    switch (layout.getLayoutCase()) {
      case MINI_BLOCK_LAYOUT -> {
        MiniBlockLayout m = layout.getMiniBlockLayout();
        out.add(buffer(page, 0));
        if (m.hasDictionary()) {
          out.add(buffer(page, 2));
        }
        if (m.getRepetitionIndexDepth() > 0) {
          out.add(buffer(page, page.getBufferOffsetsCount() - 1));
        }
      }
      case CONSTANT_LAYOUT -> {
        for (int i = 0; i < page.getBufferOffsetsCount(); i++) {
          out.add(buffer(page, i));
        }
      }
      case BLOB_LAYOUT -> metadataRanges(layout.getBlobLayout().getInnerLayout(), page, out);
      default -> { }
    }
  }

  static ByteRange buffer(ColumnMetadata.Page page, int i) throws LanceFormatException {
    if (i < 0 || i >= page.getBufferOffsetsCount()) {
      throw new LanceFormatException("Page has " + page.getBufferOffsetsCount() + " buffers, buffer " + i + " is missing");
    }
    return new ByteRange(page.getBufferOffsets(i), page.getBufferSizes(i));
  }

  /** Builds the index from the buffers {@link #metadataRanges} asked for, in that order. */
  static PageIndex build(Leaf leaf, PageLayout layout, ColumnMetadata.Page page, List<ByteBuffer> bufs) throws LanceFormatException {
    PageIndex ix = new PageIndex(layout, page);
    switch (layout.getLayoutCase()) {
      case MINI_BLOCK_LAYOUT -> ix.buildMini(leaf, layout.getMiniBlockLayout(), page, bufs);
      case FULL_ZIP_LAYOUT -> ix.buildZip(leaf, layout.getFullZipLayout(), page);
      case CONSTANT_LAYOUT -> ix.buildConstant(leaf, layout.getConstantLayout(), page, bufs);
      case BLOB_LAYOUT -> {
        Leaf desc = PageDecoder.descriptorLeaf(leaf);
        ix.inner = build(desc, layout.getBlobLayout().getInnerLayout(), page, bufs);
        if (ix.inner.mini == null) {
          throw new LanceFormatException("Blob descriptors in a " + layout.getBlobLayout().getInnerLayout().getLayoutCase() + " layout are not supported");
        }
      }
      case SPARSE_LAYOUT -> throw new UnsupportedOperationException(
          "Column " + leaf.path() + ": the sparse page layout (newer than Lance 7.0) is not supported yet");
      default -> throw new LanceFormatException("Unsupported page layout " + layout.getLayoutCase());
    }
    return ix;
  }

  static byte[] bytes(ByteBuffer b) {
    if (b.hasArray() && b.arrayOffset() + b.position() == 0 && b.remaining() == b.array().length) {
      return b.array();
    }
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  private void buildMini(Leaf leaf, MiniBlockLayout m, ColumnMetadata.Page page, List<ByteBuffer> bufs) throws LanceFormatException {
    Decompress.checkSupported(m.getValueCompression(), "Column " + leaf.path());
    this.mini = m;
    ByteRange data = buffer(page, 1);
    this.dataPos = data.offset();
    byte[] meta = bytes(bufs.get(0));
    boolean large = m.getHasLargeChunk();
    int ww = large ? 4 : 2;
    if (meta.length % ww != 0) {
      throw new LanceFormatException("Chunk metadata of " + meta.length + " bytes is not a multiple of " + ww);
    }
    int n = meta.length / ww;
    long items = m.getNumItems() > 0 ? m.getNumItems() : page.getLength();
    chunkStart = new long[n + 1];
    chunkValues = new int[n];
    long counted = 0;
    for (int c = 0; c < n; c++) {
      long word = large ? LittleEndian.getUnsignedInt(meta, c * 4) : LittleEndian.getUnsignedShort(meta, c * 2);
      int log = (int) (word & 0xF);
      long nvals;
      if (c < n - 1) {
        if (log == 0) {
          throw new LanceFormatException("Non-final chunk " + c + " of " + n + " has log_num_values 0");
        }
        nvals = 1L << log;
      } else {
        nvals = items - counted;
      }
      counted += nvals;
      if (nvals < 0 || counted > items) {
        throw new LanceFormatException("Chunks hold more values (" + counted + ") than the page's " + items);
      }
      chunkValues[c] = (int) nvals;
      chunkStart[c + 1] = chunkStart[c] + ((word >>> 4) + 1) * 8;
    }
    if (counted != items) {
      throw new LanceFormatException("Chunks hold " + counted + " values, the page says " + items);
    }
    if (chunkStart[n] > data.length()) {
      throw new LanceFormatException("Chunks need " + chunkStart[n] + " bytes but the data buffer has " + data.length());
    }
    int next = 1;
    if (m.hasDictionary()) {
      long nd = m.getNumDictionaryItems();
      if (nd < 0 || nd > Integer.MAX_VALUE - 8) {
        throw new LanceFormatException("Dictionary of " + nd + " items is too large");
      }
      byte[] d = bytes(bufs.get(next++));
      dictionary = Decompress.block(m.getDictionary(), new Decompress.Slice(d, 0, d.length), (int) nd);
    }
    if (!leaf.hasLists()) {
      firstRow = new long[n + 1];
      for (int c = 0; c < n; c++) {
        firstRow[c + 1] = firstRow[c] + chunkValues[c];
      }
      if (firstRow[n] != rows) {
        throw new LanceFormatException("Chunks hold " + firstRow[n] + " values for " + rows + " rows without lists");
      }
    } else if (m.getRepetitionIndexDepth() > 0) {
      byte[] r = bytes(bufs.get(next));
      int stride = Math.toIntExact(m.getRepetitionIndexDepth()) + 1;
      if (r.length != (long) n * stride * 8) {
        throw new LanceFormatException("Repetition index of " + r.length + " bytes does not hold " + stride + " u64 for each of " + n + " chunks");
      }
      firstRow = new long[n + 1];
      preamble = new boolean[n];
      trailer = new boolean[n];
      boolean pre = false;
      for (int c = 0; c < n; c++) {
        long ends = LittleEndian.getLong(r, c * stride * 8);
        long partial = LittleEndian.getLong(r, c * stride * 8 + 8);
        boolean tr = partial > 0;
        long starts = ends + (tr ? 1 : 0) - (pre ? 1 : 0);
        if (ends < 0 || partial < 0 || starts < 0) {
          throw new LanceFormatException("Repetition index entry " + c + " (" + ends + ", " + partial + ") is inconsistent");
        }
        preamble[c] = pre;
        trailer[c] = tr;
        firstRow[c + 1] = firstRow[c] + starts;
        pre = tr;
      }
      if (firstRow[n] != rows) {
        throw new LanceFormatException("Repetition index counts " + firstRow[n] + " rows, the page has " + rows);
      }
    }
  }

  private void buildZip(Leaf leaf, FullZipLayout z, ColumnMetadata.Page page) throws LanceFormatException {
    Decompress.checkSupported(z.getValueCompression(), "Column " + leaf.path());
    this.zip = z;
    ByteRange data = buffer(page, 0);
    this.dataPos = data.offset();
    boolean fixed = z.getDetailsCase() == FullZipLayout.DetailsCase.BITS_PER_VALUE;
    if (page.getBufferOffsetsCount() > 1) {
      long len = page.getBufferSizes(1);
      long entries = (long) rows + 1;
      if (len % entries != 0) {
        throw new LanceFormatException("Full-zip row offsets of " + len + " bytes do not divide into " + entries + " entries");
      }
      repWidth = (int) (len / entries);
      if (repWidth != 1 && repWidth != 2 && repWidth != 4 && repWidth != 8) {
        throw new LanceFormatException("Full-zip row offsets of " + repWidth + " bytes are not supported");
      }
      repPos = page.getBufferOffsets(1);
    } else if (fixed && z.getBitsRep() == 0) {
      if (z.getBitsPerValue() % 8 != 0 || z.getBitsPerValue() <= 0) {
        throw new LanceFormatException("Full-zip values of " + z.getBitsPerValue() + " bits are not supported");
      }
      int bits = z.getBitsRep() + z.getBitsDef();
      int cw = bits == 0 ? 0 : bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
      stride = cw + z.getBitsPerValue() / 8;
      if (Math.multiplyExact(stride, (long) rows) != data.length()) {
        throw new LanceFormatException("Full-zip page of " + rows + " rows of " + stride + " bytes should hold " + stride * rows + " bytes, it has " + data.length());
      }
    } else {
      throw new LanceFormatException("Full-zip page without row offsets needs fixed-width values and no repetition");
    }
  }

  private void buildConstant(Leaf leaf, ConstantLayout c, ColumnMetadata.Page page, List<ByteBuffer> bufs) throws LanceFormatException {
    if (page.getBufferOffsetsCount() == 0) {
      if (c.hasInlineValue()) {
        constantValue = c.getInlineValue().toByteArray();
      }
      return; // rows are made on demand, as many as asked
    }
    List<byte[]> raw = new java.util.ArrayList<>(bufs.size());
    for (ByteBuffer b : bufs) {
      raw.add(bytes(b));
    }
    whole = PageDecoder.constant(leaf, page, c, raw);
    if (whole.numRows != rows) {
      throw new LanceFormatException("Constant page decoded " + whole.numRows + " rows, the page says " + rows);
    }
  }
}
