package dev.lancelet.file.structural;

import dev.lancelet.file.FileDecoder;
import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.ArrayList;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import dev.lancelet.io.ByteRange;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reader for the structural encodings of format 2.1 and later: one physical column per leaf field,
 * structure in rep/def levels. Random access and scans share one path: the first touch of a leaf
 * loads a {@link PageIndex} per page (kept for the reader's life), then every request turns rows
 * into the few byte ranges that hold them ({@link RowFetch}), reads those with one coalesced call
 * per phase and decodes only them.
 */
public final class StructuralDecoder implements FileDecoder {
  /** The factory registered for 2.1, 2.2 and 2.3. */
  public static final FileDecoder.Factory FACTORY = StructuralDecoder::new;

  private final ReadableObject obj;
  private final String location;
  private final List<LanceField> fields;
  private final List<List<Leaf>> leavesByField;
  private final List<Leaf> allLeaves;
  private final PageLayout[][] layouts;
  /** Search cache: per column, the index of each page; filled on first use, kept until close. */
  private final AtomicReferenceArray<PageIndex[]> indexes;
  /** Columns this reader cannot decode yet, with the reason; reading them throws. */
  private final java.util.Map<Integer, String> unsupported;

  private StructuralDecoder(Context ctx) throws IOException {
    this.leavesByField = new ArrayList<>();
    this.allLeaves = new ArrayList<>();
    this.unsupported = new java.util.HashMap<>();
    this.obj = ctx.object();
    this.location = ctx.object().location();
    this.fields = ctx.fields();
    List<ColumnMetadata> cols = ctx.metadata().columns();
    int[] next = {0};
    for (LanceField f : fields) {
      List<Leaf> leaves = new ArrayList<>();
      collect(f, f.name(), new ArrayList<>(), cols, next, leaves, ctx.metadata().descriptor().getLength());
      leavesByField.add(leaves);
      allLeaves.addAll(leaves);
    }
    if (next[0] != cols.size()) {
      throw LanceFormatException.at(location, "the schema has %d leaf fields but the file has %d columns", next[0], cols.size());
    }
    layouts = new PageLayout[cols.size()][];
    indexes = new AtomicReferenceArray<>(cols.size());
    for (Leaf l : allLeaves) {
      int np = l.meta().getPagesCount();
      layouts[l.column()] = new PageLayout[np];
      for (int p = 0; p < np; p++) {
        layouts[l.column()][p] = PageDecoder.layout(where(l, p), l.meta().getPages(p));
        String bad = BlobV2Fill.isDescriptor(l.field()) ? BlobV2Fill.checkLayout(layouts[l.column()][p]) : null;
        if (bad != null && !unsupported.containsKey(l.column())) {
          unsupported.put(l.column(), "Column " + l.path() + " (blob v2 descriptors) page " + p + " is " + bad + ", which this reader does not decode");
        }
      }
    }
  }

  /** A decoder over the same file and state (page search cache included) reading through {@code obj}. */
  private StructuralDecoder(StructuralDecoder base, ReadableObject obj) {
    this.obj = obj;
    this.location = base.location;
    this.fields = base.fields;
    this.leavesByField = base.leavesByField;
    this.allLeaves = base.allLeaves;
    this.layouts = base.layouts;
    this.indexes = base.indexes;
    this.unsupported = base.unsupported;
  }

  /** This decoder reading at {@code priority}; it shares this one's caches. */
  @Override
  public FileDecoder withPriority(IoPriority priority) {
    ReadableObject view = obj.withPriority(priority);
    return view == obj ? this : new StructuralDecoder(this, view);
  }

  private String where(Leaf l, int page) {
    return location + ": column " + l.column() + " (" + l.path() + ") page " + page;
  }

  private void collect(LanceField f, String path, List<Boolean> outer, List<ColumnMetadata> cols, int[] next, List<Leaf> out, long numRows)
      throws LanceFormatException {
    List<Boolean> layers = new ArrayList<>(outer);
    layers.add(0, f.isList()); // innermost first
    boolean packed = f.isStruct() && "true".equals(f.metadata().get("lance-encoding:packed"));
    if (f.isLeaf() || packed) {
      int col = next[0]++;
      if (col >= cols.size()) {
        throw LanceFormatException.at(location, "field %s needs column %d but the file has only %d columns", path, col, cols.size());
      }
      boolean blobV2 = packed && BlobV2Fill.isDescriptor(f);
      if (blobV2) {
        layers.add(0, false); // the descriptor's own (all-valid) item layer below the struct's
      }
      boolean[] isList = new boolean[layers.size()];
      for (int i = 0; i < isList.length; i++) {
        isList[i] = layers.get(i);
      }
      ColumnMetadata cm = cols.get(col);
      long[] starts = new long[cm.getPagesCount() + 1];
      for (int p = 0; p < cm.getPagesCount(); p++) {
        starts[p + 1] = Math.addExact(starts[p], cm.getPages(p).getLength());
      }
      if (starts[cm.getPagesCount()] != numRows) {
        throw LanceFormatException.at(location, "column %d (%s) pages hold %d rows but the file has %d", col, path, starts[cm.getPagesCount()], numRows);
      }
      out.add(new Leaf(col, path, f, isList, width(f.arrow()), cm, starts));
      if (packed && blobV2 && isList.length > 2) {
        unsupported.put(col, "Column " + path + " is a blob v2 descriptor inside a list or struct; only top-level blob v2 columns are supported");
      } else if (packed && !blobV2) {
        unsupported.put(col, "Column " + path + " is a packed struct" + ("true".equals(f.metadata().get("lance-encoding:blob")) ? " of blob v2 descriptors (lance.blob.v2)" : "") + ", which this reader does not decode yet");
      } else if (f.arrow().getType() instanceof ArrowType.FixedSizeList && width(f.arrow()) < 0) {
        unsupported.put(col, "Column " + path + " is a fixed-size list of " + f.arrow().getChildren().get(0).getType() + ", only fixed-size lists of fixed-width values are supported");
      }
      return;
    }
    for (LanceField c : f.children()) {
      collect(c, path + "." + c.name(), layers, cols, next, out, numRows);
    }
  }

  /** Bytes per value of a fixed-width leaf (booleans: 1), -1 for variable width. */
  static int width(Field f) {
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Bool) {
      return 1;
    }
    if (t instanceof ArrowType.Int i) {
      return i.getBitWidth() / 8;
    }
    if (t instanceof ArrowType.FloatingPoint fp) {
      switch (fp.getPrecision()) {
        case HALF:
          return 2;
        case SINGLE:
          return 4;
        default:
          return 8;
      }
    }
    if (t instanceof ArrowType.Date d) {
      return d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? 4 : 8;
    }
    if (t instanceof ArrowType.Time tm) {
      return tm.getBitWidth() / 8;
    }
    if (t instanceof ArrowType.Timestamp || t instanceof ArrowType.Duration) {
      return 8;
    }
    if (t instanceof ArrowType.Decimal d) {
      return d.getBitWidth() / 8;
    }
    if (t instanceof ArrowType.FixedSizeBinary b) {
      return b.getByteWidth();
    }
    if (t instanceof ArrowType.FixedSizeList fl) {
      int w = width(f.getChildren().get(0));
      return w < 0 ? -1 : w * fl.getListSize();
    }
    return -1;
  }

  // ------------------------------------------------------------------ search cache

  /** The page indexes of a leaf, loading those of every page of the leaf on first use. */
  private PageIndex[] indexes(Leaf leaf) throws IOException {
    PageIndex[] ix = indexes.get(leaf.column());
    if (ix == null) {
      loadIndexes(List.of(leaf));
      ix = indexes.get(leaf.column());
    }
    return ix;
  }

  /**
   * Loads the search state of every page of the given leaves that has none yet, reading all the
   * metadata buffers they need (chunk metadata, dictionaries, repetition indexes) in one call.
   */
  private void loadIndexes(List<Leaf> leaves) throws IOException {
    for (Leaf l : leaves) {
      String why = unsupported.get(l.column());
      if (why != null) {
        throw new UnsupportedOperationException(location + ": " + why);
      }
    }
    List<Leaf> missing = new ArrayList<>();
    List<ByteRange> ranges = new ArrayList<>();
    List<int[]> counts = new ArrayList<>();
    for (Leaf l : leaves) {
      if (indexes.get(l.column()) != null || missing.contains(l)) {
        continue;
      }
      missing.add(l);
      int np = l.meta().getPagesCount();
      int[] c = new int[np];
      for (int p = 0; p < np; p++) {
        int before = ranges.size();
        try {
          PageIndex.metadataRanges(layouts[l.column()][p], l.meta().getPages(p), ranges);
        } catch (LanceFormatException e) {
          throw new LanceFormatException(where(l, p) + ": " + e.getMessage(), e);
        }
        c[p] = ranges.size() - before;
      }
      counts.add(c);
    }
    if (missing.isEmpty()) {
      return;
    }
    List<ByteBuffer> bufs = ranges.isEmpty() ? List.of() : obj.readRanges(ranges);
    int pos = 0;
    for (int i = 0; i < missing.size(); i++) {
      Leaf l = missing.get(i);
      int np = l.meta().getPagesCount();
      PageIndex[] ix = new PageIndex[np];
      for (int p = 0; p < np; p++) {
        int n = counts.get(i)[p];
        try {
          ix[p] = PageIndex.build(l, layouts[l.column()][p], l.meta().getPages(p), bufs.subList(pos, pos + n));
        } catch (LanceFormatException e) {
          throw new LanceFormatException(where(l, p) + ": " + e.getMessage(), e);
        } catch (UnsupportedOperationException e) {
          throw new UnsupportedOperationException(location + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          throw LanceFormatException.wrapUnexpected(where(l, p) + ": corrupt page metadata (" + e + ")", e);
        }
        pos += n;
      }
      indexes.compareAndSet(l.column(), null, ix);
    }
  }

  /** Runs fetches, naming the file (and the column and page when only one) in errors. */
  private void execute(List<RowFetch> fetches) throws IOException {
    try {
      RowFetch.execute(obj, fetches);
    } catch (LanceFormatException e) {
      throw new LanceFormatException(location + ": " + fetchWhere(fetches) + e.getMessage(), e);
    } catch (UnsupportedOperationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw LanceFormatException.wrapUnexpected(location + ": " + fetchWhere(fetches) + "corrupt page data (" + e + ")", e);
    }
  }

  private static String fetchWhere(List<RowFetch> fetches) {
    if (fetches.size() == 1) {
      RowFetch f = fetches.get(0);
      return "column " + f.leaf.column() + " (" + f.leaf.path() + "): ";
    }
    return "";
  }

  private void fill(int fieldIdx, List<VectorFill.Decoded> decoded, FieldVector out) throws LanceFormatException {
    try {
      if (BlobV2Fill.isDescriptor(fields.get(fieldIdx))) {
        BlobV2Fill.fill(out, decoded.get(0));
        return;
      }
      VectorFill.fill(out, fields.get(fieldIdx), decoded.iterator());
    } catch (LanceFormatException e) {
      throw new LanceFormatException(location + ": field " + fields.get(fieldIdx).name() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw LanceFormatException.wrapUnexpected(location + ": field " + fields.get(fieldIdx).name() + ": inconsistent levels (" + e + ")", e);
    }
  }

  // ------------------------------------------------------------------ scan

  /**
   * Per-leaf scan state: the last decoded stretch (whole mini-block chunks, or the rows of one
   * batch of a full-zip page) and the rows it covers. Each batch reads only the chunks or row
   * ranges it needs, so memory is bounded by the batch, not the page.
   */
  private final class LeafCursor {
    final Leaf leaf;
    long row;
    final long end;
    Run run;
    long runFirst;
    long runEnd;

    LeafCursor(Leaf leaf, long start, long end) {
      this.leaf = leaf;
      this.row = start;
      this.end = end;
    }

    /**
     * Fills {@code v} with the next {@code n} rows by reading the value bytes straight into its
     * Arrow buffer, when every page in the way is a full-zip page of fixed-width values without
     * levels (each row is exactly its value's bytes) and the vector is a flat fixed-width vector
     * or a fixed-size list of one. Returns false, having changed nothing, otherwise.
     */
    boolean nextDirect(int n, FieldVector v) throws IOException {
      int w = leaf.width();
      if (leaf.hasLists() || leaf.field().arrow().getType() instanceof ArrowType.Bool) {
        return false;
      }
      if (w <= 0) {
        return nextMini(Math.min(end, row + n), v);
      }
      BaseFixedWidthVector items;
      if (v instanceof FixedSizeListVector fl && fl.getDataVector() instanceof BaseFixedWidthVector c && !(c instanceof BitVector)) {
        items = c;
      } else if (v instanceof BaseFixedWidthVector fv && !(v instanceof BitVector)) {
        items = null;
      } else {
        return false;
      }
      long stop = Math.min(end, row + n);
      if (stop <= row) {
        return false;
      }
      PageIndex[] ix = indexes(leaf);
      long[] ps = leaf.pageStart();
      boolean zip = true;
      for (int p = leaf.pageOf(row); p < ix.length && ps[p] < stop; p++) {
        if (!direct(ix[p], w)) {
          zip = false;
          break;
        }
      }
      if (!zip) {
        return nextMini(stop, v);
      }
      int rows = (int) (stop - row);
      long bytes = (long) rows * w;
      BufferAllocator a = v.getAllocator();
      ArrowBuf buf = a.buffer(Math.max(bytes, 1));
      try {
        long at = 0;
        long r = row;
        while (r < stop) {
          int p = leaf.pageOf(r);
          long to = Math.min(stop, ps[p + 1]);
          long len = (to - r) * w;
          try {
            obj.readInto(ix[p].dataPos + (r - ps[p]) * w, buf.nioBuffer(at, Math.toIntExact(len)));
          } catch (java.io.EOFException e) {
            throw new LanceFormatException(where(leaf, p) + ": " + e.getMessage(), e);
          }
          at += len;
          r = to;
        }
        if (items != null) {
          FixedSizeListVector fl = (FixedSizeListVector) v;
          int dim = ((ArrowType.FixedSizeList) fl.getField().getType()).getListSize();
          VectorFill.loadDirect(items, Math.multiplyExact(rows, dim), buf);
          VectorFill.loadDirect(fl, rows, null);
        } else {
          VectorFill.loadDirect(v, rows, buf);
        }
      } finally {
        buf.close();
      }
      row = stop;
      run = null;
      return true;
    }

    /**
     * Fills {@code v} with rows up to {@code stop} through {@link MiniScan} when every page in the
     * way is a mini-block page it can decode; returns false, having changed nothing, otherwise.
     */
    private boolean nextMini(long stop, FieldVector v) throws IOException {
      if (stop <= row) {
        return false;
      }
      PageIndex[] ix = indexes(leaf);
      long[] ps = leaf.pageStart();
      if (miniOk == null) {
        miniOk = new byte[ix.length];
      }
      for (int p = leaf.pageOf(row); p < ix.length && ps[p] < stop; p++) {
        if (miniOk[p] == 0) {
          miniOk[p] = MiniScan.eligible(leaf, ix[p], v) ? (byte) 1 : (byte) 2;
        }
        if (miniOk[p] != 1) {
          return false;
        }
      }
      if (mini == null) {
        mini = new MiniScan();
      }
      mini.fill(obj, leaf, ix, row, stop, v, p -> where(leaf, p));
      row = stop;
      run = null;
      return true;
    }

    /** Per page: 0 not checked yet, 1 {@link MiniScan} can decode it, 2 it cannot. */
    private byte[] miniOk;
    private MiniScan mini;

    /** A full-zip page whose rows are exactly {@code w} value bytes each. */
    private boolean direct(PageIndex ix, int w) throws LanceFormatException {
      FullZipLayout z = ix.zip;
      if (z == null || z.getDetailsCase() != FullZipLayout.DetailsCase.BITS_PER_VALUE || z.getBitsRep() != 0 || z.getBitsDef() != 0
          || ix.stride != w || z.getBitsPerValue() != 8L * w || ix.repWidth != 0
          // items with validity interleave a bitmap with the values: never a plain copy
          || (z.getValueCompression().hasFixedSizeList() && z.getValueCompression().getFixedSizeList().getHasValidity())) {
        return false;
      }
      LevelMap.map(z.getLayersList(), leaf.isList());
      return true;
    }

    private static int[] range(int from, int to) {
      int[] rows = new int[to - from];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      return rows;
    }

    /**
     * Rows {@code from} and {@code to - 1} and the first row of every chunk between: enough for a
     * mini-block fetch to name the one span of chunks that holds all of [from, to).
     */
    private static int[] chunkRows(long[] firstRow, int from, int to) {
      int lo = 0;
      int hi = firstRow.length - 2;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (firstRow[mid] <= from) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      if (lo + 1 >= firstRow.length - 1 || firstRow[lo + 1] >= to) {
        // One chunk: every row, so that a one-chunk fetch (which may decode only the asked rows) has them all.
        return range(from, to);
      }
      int[] out = new int[8];
      int k = 0;
      out[k++] = from;
      for (int c = lo + 1; c < firstRow.length - 1 && firstRow[c] < to; c++) {
        if (firstRow[c] > out[k - 1]) {
          if (k == out.length) {
            out = java.util.Arrays.copyOf(out, k * 2);
          }
          out[k++] = (int) firstRow[c];
        }
      }
      if (to - 1 > out[k - 1]) {
        if (k == out.length) {
          out = java.util.Arrays.copyOf(out, k + 1);
        }
        out[k++] = to - 1;
      }
      return java.util.Arrays.copyOf(out, k);
    }

    VectorFill.Decoded next(int n) throws IOException {
      long stop = Math.min(end, row + n);
      LeafPiece piece = new LeafPiece(leaf.hasLists(), leaf.width(), (int) Math.max(0, stop - row));
      PageIndex[] ix = indexes(leaf);
      while (row < stop) {
        if (run == null || row < runFirst || row >= runEnd) {
          run = null; // release the previous stretch before reading the next
          int p = leaf.pageOf(row);
          long ps = leaf.pageStart()[p];
          int from = (int) (row - ps);
          int to = (int) (Math.min(stop, leaf.pageStart()[p + 1]) - ps);
          int[] rows = ix[p].layout.getLayoutCase() == PageLayout.LayoutCase.MINI_BLOCK_LAYOUT && ix[p].firstRow != null
              ? chunkRows(ix[p].firstRow, from, to)
              : range(from, to);
          Run[] runOf = new Run[rows.length];
          int[] rowIn = new int[rows.length];
          execute(List.of(RowFetch.create(leaf, ix[p], rows, rows.length, runOf, rowIn, 0).stretch()));
          run = runOf[0];
          runFirst = row - rowIn[0];
          runEnd = runFirst + run.numRows;
          int last = rows.length - 1;
          if (rowIn[last] != rowIn[0] + (rows[last] - rows[0]) || runOf[last] != run) {
            throw new LanceFormatException(where(leaf, p) + ": rows " + row + ".." + (ps + to) + " did not decode as one stretch");
          }
        }
        long take = Math.min(stop, runEnd) - row;
        int local = (int) (row - runFirst);
        piece.append(run, local, local + (int) take);
        row += take;
      }
      return new VectorFill.Decoded(leaf, piece.rep(), piece.def(), piece.values());
    }
  }

  /** One set of leaf cursors over the scanned fields; decodes any batch it is pointed at. */
  private final class Batches {
    final List<Integer> fieldIdx;
    final List<List<LeafCursor>> cursors = new ArrayList<>();

    Batches(List<Integer> fieldIdx, long start, long end) {
      this.fieldIdx = fieldIdx;
      for (int fi : fieldIdx) {
        List<LeafCursor> lc = new ArrayList<>();
        for (Leaf l : leavesByField.get(fi)) {
          lc.add(new LeafCursor(l, start, end));
        }
        cursors.add(lc);
      }
    }

    /** Fills {@code out} with rows {@code [at, at + numRows)}. */
    void decode(long at, int numRows, List<FieldVector> out) throws IOException {
      for (int i = 0; i < fieldIdx.size(); i++) {
        List<LeafCursor> lcs = cursors.get(i);
        for (LeafCursor c : lcs) {
          c.row = at; // a kept stretch is reused only if it covers the new position
        }
        if (lcs.size() == 1 && fields.get(fieldIdx.get(i)).isLeaf()) {
          try {
            if (lcs.get(0).nextDirect(numRows, out.get(i))) {
              continue;
            }
          } catch (LanceFormatException | UnsupportedOperationException e) {
            throw e;
          } catch (IOException e) {
            throw e;
          } catch (RuntimeException e) {
            throw LanceFormatException.wrapUnexpected(location + ": field " + fields.get(fieldIdx.get(i)).name() + ": corrupt page data (" + e + ")", e);
          }
        }
        List<VectorFill.Decoded> decoded = new ArrayList<>();
        for (LeafCursor c : lcs) {
          decoded.add(c.next(numRows));
        }
        fill(fieldIdx.get(i), decoded, out.get(i));
      }
    }
  }

  /** A batch a helper thread decodes while the caller's thread decodes the one before it. */
  private record Ahead(long start, int rows, Workers.Job<List<FieldVector>> result) {
    /** Waits for the batch and releases it (after an error or when the scan closes early). */
    void discard() {
      if (result.claim()) {
        return; // never started
      }
      try {
        for (FieldVector v : result.join()) {
          v.close();
        }
      } catch (IOException | RuntimeException e) {
        // the batch failed: nothing to release
      }
    }
  }

  /**
   * Opens a cursor over rows {@code [start, end)}. With a helper thread available, batches are
   * decoded in pairs: while the caller's thread decodes batch {@code i}, a helper decodes batch
   * {@code i + 1} into vectors of its own, which the next call hands over (transfers) without
   * further work. At most one batch is decoded ahead, so memory stays bounded by two batches.
   */
  @Override
  public Cursor scan(List<Integer> fieldIdx, long start, long end) throws IOException {
    List<Leaf> leaves = new ArrayList<>();
    for (int fi : fieldIdx) {
      leaves.addAll(leavesByField.get(fi));
    }
    if (end > start) {
      loadIndexes(leaves);
    }
    Batches mine = new Batches(fieldIdx, start, end);
    Batches helper = Workers.HELPERS > 0 ? new Batches(fieldIdx, start, end) : null;
    return new Cursor() {
      long pos = start;
      Ahead ahead;

      @Override
      public void next(int numRows, List<FieldVector> out) throws IOException {
        if (ahead != null) {
          Ahead a = ahead;
          ahead = null;
          if (a.start() == pos && a.rows() == numRows && a.result().claim()) {
            // The helpers were busy (other readers): decode it here after all.
            helper.decode(pos, numRows, out);
            pos += numRows;
            return;
          }
          if (a.start() == pos && a.rows() == numRows) {
            List<FieldVector> got = a.result().join();
            try {
              for (int i = 0; i < got.size(); i++) {
                FieldVector target = out.get(i);
                target.clear();
                got.get(i).makeTransferPair(target).transfer();
              }
            } finally {
              for (FieldVector v : got) {
                v.close();
              }
            }
            pos += numRows;
            return;
          }
          a.discard();
        }
        long nextStart = pos + numRows;
        if (helper != null && numRows > 0 && nextStart < end) {
          int n2 = (int) Math.min(numRows, end - nextStart);
          List<org.apache.arrow.vector.types.pojo.Field> fs = new ArrayList<>();
          List<BufferAllocator> as = new ArrayList<>();
          for (FieldVector v : out) {
            fs.add(v.getField());
            as.add(v.getAllocator());
          }
          ahead = new Ahead(nextStart, n2, Workers.submit(() -> {
            List<FieldVector> vs = new ArrayList<>();
            boolean ok = false;
            try {
              for (int i = 0; i < fs.size(); i++) {
                vs.add(fs.get(i).createVector(as.get(i)));
              }
              helper.decode(nextStart, n2, vs);
              ok = true;
              return vs;
            } finally {
              if (!ok) {
                vs.forEach(FieldVector::close);
              }
            }
          }));
        }
        try {
          mine.decode(pos, numRows, out);
        } catch (IOException | RuntimeException | Error e) {
          if (ahead != null) {
            ahead.discard();
            ahead = null;
          }
          throw e;
        }
        pos += numRows;
      }

      @Override
      public void close() {
        if (ahead != null) {
          ahead.discard();
          ahead = null;
        }
      }
    };
  }

  // ------------------------------------------------------------------ take

  /** Fetch results of one leaf: for each distinct asked row, its run and row inside it. */
  private record Fetched(Leaf leaf, Run[] runOf, int[] rowIn) {}

  @Override
  public void take(long[] rows, List<Integer> fieldIdx, List<FieldVector> out) throws IOException {
    // Distinct rows in file order; each asked row finds its slot by binary search.
    long[] u = rows.clone();
    java.util.Arrays.sort(u);
    int k = 0;
    for (int i = 0; i < u.length; i++) {
      if (i == 0 || u[i] != u[i - 1]) {
        u[k++] = u[i];
      }
    }
    long total = allLeaves.isEmpty() ? 0 : allLeaves.get(0).pageStart()[allLeaves.get(0).pageStart().length - 1];
    if (k > 0 && (u[0] < 0 || u[k - 1] >= total)) {
      long bad = u[0] < 0 ? u[0] : u[k - 1];
      throw new IndexOutOfBoundsException("Row " + bad + " is outside the file's " + total + " rows");
    }
    List<Leaf> leaves = new ArrayList<>();
    for (int fi : fieldIdx) {
      leaves.addAll(leavesByField.get(fi));
    }
    loadIndexes(leaves);
    final int distinct = k;
    if (Workers.HELPERS > 0 && fieldIdx.size() > 1 && (long) k * leaves.size() >= PARALLEL_TAKE_ROWS) {
      // Many rows of several fields: each field fetches and decodes on its own, in parallel,
      // widest first (a wide column's rows are most of the bytes and requests).
      Integer[] order = new Integer[fieldIdx.size()];
      long[] cost = new long[order.length];
      for (int f = 0; f < order.length; f++) {
        order[f] = f;
        for (Leaf l : leavesByField.get(fieldIdx.get(f))) {
          cost[f] += l.width() > 0 ? l.width() : 64;
        }
      }
      java.util.Arrays.sort(order, (a, b) -> Long.compare(cost[b], cost[a]));
      List<Workers.Task<Void>> tasks = new ArrayList<>();
      for (int f : order) {
        tasks.add(() -> {
          takeFields(List.of(fieldIdx.get(f)), List.of(out.get(f)), rows, u, distinct);
          return null;
        });
      }
      Workers.runAll(tasks);
      return;
    }
    takeFields(fieldIdx, out, rows, u, k);
  }

  /** Take from several leaves at once: below this many (distinct rows x leaves) one thread does all. */
  private static final long PARALLEL_TAKE_ROWS = 256;

  /** Fetches the distinct sorted rows {@code u[0..k)} of the given fields with one read per phase, then fills {@code out}. */
  private void takeFields(List<Integer> fieldIdx, List<FieldVector> out, long[] rows, long[] u, int k) throws IOException {
    List<Leaf> leaves = new ArrayList<>();
    for (int fi : fieldIdx) {
      leaves.addAll(leavesByField.get(fi));
    }
    List<RowFetch> fetches = new ArrayList<>();
    List<Fetched> fetched = new ArrayList<>();
    for (Leaf l : leaves) {
      PageIndex[] ix = indexes(l);
      Run[] runOf = new Run[k];
      int[] rowIn = new int[k];
      fetched.add(new Fetched(l, runOf, rowIn));
      long[] ps = l.pageStart();
      int i = 0;
      while (i < k) {
        int p = l.pageOf(u[i]);
        long pageEnd = ps[p + 1];
        int j = i;
        while (j < k && u[j] < pageEnd) {
          j++;
        }
        int[] pr = new int[j - i];
        for (int q = i; q < j; q++) {
          pr[q - i] = (int) (u[q] - ps[p]);
        }
        try {
          fetches.add(RowFetch.create(l, ix[p], pr, pr.length, runOf, rowIn, i));
        } catch (LanceFormatException e) {
          throw new LanceFormatException(where(l, p) + ": " + e.getMessage(), e);
        }
        i = j;
      }
    }
    execute(fetches);
    int li = 0;
    for (int f = 0; f < fieldIdx.size(); f++) {
      List<VectorFill.Decoded> decoded = new ArrayList<>();
      for (int n = leavesByField.get(fieldIdx.get(f)).size(); n > 0; n--) {
        decoded.add(gather(fetched.get(li++), rows, u, k));
      }
      fill(fieldIdx.get(f), decoded, out.get(f));
    }
  }

  /** Appends the asked rows in the asked order, copying runs of neighbouring rows at once. */
  private static VectorFill.Decoded gather(Fetched f, long[] rows, long[] u, int k) throws LanceFormatException {
    Leaf leaf = f.leaf();
    LeafPiece piece = new LeafPiece(leaf.hasLists(), leaf.width(), rows.length);
    Run cur = null;
    int from = 0;
    int to = 0;
    for (long r : rows) {
      int pos = java.util.Arrays.binarySearch(u, 0, k, r);
      Run run = f.runOf()[pos];
      int in = f.rowIn()[pos];
      if (run == cur && in == to) {
        to++;
        continue;
      }
      if (cur != null) {
        piece.append(cur, from, to);
      }
      cur = run;
      from = in;
      to = in + 1;
    }
    if (cur != null) {
      piece.append(cur, from, to);
    }
    return new VectorFill.Decoded(leaf, piece.rep(), piece.def(), piece.values());
  }

  // ------------------------------------------------------------------ legacy blob descriptors

  @Override
  public long[] legacyBlobDescriptors(long[] rows, int fieldIdx) throws IOException {
    List<Leaf> ls = leavesByField.get(fieldIdx);
    if (ls.size() != 1 || !fields.get(fieldIdx).isLeaf()) {
      throw new IllegalArgumentException("Field " + fields.get(fieldIdx).name() + " of " + location + " is not a blob column");
    }
    Leaf leaf = ls.get(0);
    loadIndexes(ls);
    PageIndex[] ix = indexes(leaf);
    for (int p = 0; p < ix.length; p++) {
      if (ix[p].layout.getLayoutCase() != PageLayout.LayoutCase.BLOB_LAYOUT) {
        throw new IllegalArgumentException(where(leaf, p) + " is a " + ix[p].layout.getLayoutCase() + " page, not a blob page");
      }
    }
    long total = leaf.pageStart()[leaf.pageStart().length - 1];
    long[] u = rows.clone();
    java.util.Arrays.sort(u);
    int k = 0;
    for (int i = 0; i < u.length; i++) {
      if (i == 0 || u[i] != u[i - 1]) {
        u[k++] = u[i];
      }
    }
    if (k > 0 && (u[0] < 0 || u[k - 1] >= total)) {
      throw new IndexOutOfBoundsException("Row " + (u[0] < 0 ? u[0] : u[k - 1]) + " is outside the file's " + total + " rows");
    }
    Leaf descLeaf = PageDecoder.descriptorLeaf(leaf);
    Run[] runOf = new Run[k];
    int[] rowIn = new int[k];
    List<RowFetch> fetches = new ArrayList<>();
    long[] ps = leaf.pageStart();
    int i = 0;
    while (i < k) {
      int p = leaf.pageOf(u[i]);
      int j = i;
      while (j < k && u[j] < ps[p + 1]) {
        j++;
      }
      int[] pr = new int[j - i];
      for (int q = i; q < j; q++) {
        pr[q - i] = (int) (u[q] - ps[p]);
      }
      fetches.add(RowFetch.create(descLeaf, ix[p].inner, pr, pr.length, runOf, rowIn, i));
      i = j;
    }
    execute(fetches);
    long[] out = new long[2 * rows.length];
    for (int r = 0; r < rows.length; r++) {
      int pos = java.util.Arrays.binarySearch(u, 0, k, rows[r]);
      LeafPiece piece = new LeafPiece(false, 16);
      piece.append(runOf[pos], rowIn[pos], rowIn[pos] + 1);
      Values v = piece.values();
      if (v.count != 1 || v.bytesPerValue != 16) {
        throw LanceFormatException.at(location, "column %d (%s): blob descriptor of row %d did not decode as one 16-byte value", leaf.column(), leaf.path(), rows[r]);
      }
      out[2 * r] = dev.lancelet.file.kernels.LittleEndian.getLong(v.data, 0);
      out[2 * r + 1] = dev.lancelet.file.kernels.LittleEndian.getLong(v.data, 8);
    }
    return out;
  }

  // ------------------------------------------------------------------ info

  @Override
  public List<FileInfo.ColumnInfo> columns() {
    List<FileInfo.ColumnInfo> out = new ArrayList<>();
    for (Leaf l : allLeaves) {
      List<FileInfo.PageInfo> pages = new ArrayList<>();
      for (int p = 0; p < l.meta().getPagesCount(); p++) {
        ColumnMetadata.Page pg = l.meta().getPages(p);
        List<FileInfo.BufferInfo> bufs = new ArrayList<>();
        for (int b = 0; b < pg.getBufferOffsetsCount(); b++) {
          bufs.add(new FileInfo.BufferInfo(pg.getBufferOffsets(b), pg.getBufferSizes(b)));
        }
        PageLayout lay = layouts[l.column()][p];
        pages.add(new FileInfo.PageInfo(l.pageStart()[p], pg.getLength(), PageDecoder.layoutName(lay), PageDecoder.describe(lay), bufs));
      }
      out.add(new FileInfo.ColumnInfo(l.column(), l.path(), "Structural", pages));
    }
    return out;
  }
}
