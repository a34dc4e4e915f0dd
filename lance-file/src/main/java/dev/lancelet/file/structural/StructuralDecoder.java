package dev.lancelet.file.structural;

import dev.lancelet.file.FileDecoder;
import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reader for the structural encodings of format 2.1 and later: one physical column per leaf field,
 * structure in rep/def levels. Pages are decoded whole; a scan keeps at most one decoded page per
 * leaf in memory, a take keeps a small cache of decoded pages.
 */
public final class StructuralDecoder implements FileDecoder {
  /** The factory registered for 2.1, 2.2 and 2.3. */
  public static final FileDecoder.Factory FACTORY = StructuralDecoder::new;

  private final ReadableObject obj;
  private final String location;
  private final List<LanceField> fields;
  private final List<List<Leaf>> leavesByField = new ArrayList<>();
  private final List<Leaf> allLeaves = new ArrayList<>();
  private final PageLayout[][] layouts;

  private StructuralDecoder(Context ctx) throws IOException {
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
    for (Leaf l : allLeaves) {
      int np = l.meta().getPagesCount();
      layouts[l.column()] = new PageLayout[np];
      for (int p = 0; p < np; p++) {
        layouts[l.column()][p] = PageDecoder.layout(where(l, p), l.meta().getPages(p));
      }
    }
  }

  private String where(Leaf l, int page) {
    return location + ": column " + l.column() + " (" + l.path() + ") page " + page;
  }

  private void collect(LanceField f, String path, List<Boolean> outer, List<ColumnMetadata> cols, int[] next, List<Leaf> out, long numRows)
      throws LanceFormatException {
    List<Boolean> layers = new ArrayList<>(outer);
    layers.add(0, f.isList()); // innermost first
    if (f.isLeaf()) {
      int col = next[0]++;
      if (col >= cols.size()) {
        throw LanceFormatException.at(location, "field %s needs column %d but the file has only %d columns", path, col, cols.size());
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

  private Run decodePage(Leaf leaf, int page) throws IOException {
    Run run;
    try {
      run = PageDecoder.decode(obj, leaf, leaf.meta().getPages(page), layouts[leaf.column()][page]);
      LevelCheck.check(run, leaf.isList());
    } catch (LanceFormatException e) {
      throw new LanceFormatException(where(leaf, page) + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw LanceFormatException.wrapUnexpected(where(leaf, page) + ": corrupt page data (" + e + ")", e);
    }
    // Checked here for scan and take alike: a take used to index rows the page did not have.
    long expected = leaf.pageStart()[page + 1] - leaf.pageStart()[page];
    if (run.numRows != expected) {
      throw new LanceFormatException(where(leaf, page) + ": decoded " + run.numRows + " rows, the page says " + expected);
    }
    return run;
  }

  private void fill(int fieldIdx, List<VectorFill.Decoded> decoded, FieldVector out) throws LanceFormatException {
    try {
      VectorFill.fill(out, fields.get(fieldIdx), decoded.iterator());
    } catch (LanceFormatException e) {
      throw new LanceFormatException(location + ": field " + fields.get(fieldIdx).name() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw LanceFormatException.wrapUnexpected(location + ": field " + fields.get(fieldIdx).name() + ": inconsistent levels (" + e + ")", e);
    }
  }

  // ------------------------------------------------------------------ scan

  /** Per-leaf scan state: the current decoded page and the position in it. */
  private final class LeafCursor {
    final Leaf leaf;
    long row;
    final long end;
    int page = -1;
    Run run;

    LeafCursor(Leaf leaf, long start, long end) {
      this.leaf = leaf;
      this.row = start;
      this.end = end;
    }

    VectorFill.Decoded next(int n) throws IOException {
      LeafPiece piece = new LeafPiece(leaf.hasLists(), leaf.width());
      long stop = Math.min(end, row + n);
      while (row < stop) {
        int p = leaf.pageOf(row);
        if (p != page) {
          run = null; // release the previous page before decoding the next
          run = decodePage(leaf, p);
          page = p;
        }
        long pageFirst = leaf.pageStart()[p];
        long pageEnd = leaf.pageStart()[p + 1];
        long take = Math.min(stop, pageEnd) - row;
        int from = (int) (row - pageFirst);
        piece.append(run, from, from + (int) take);
        row += take;
      }
      return new VectorFill.Decoded(leaf, piece.rep(), piece.def(), piece.values());
    }
  }

  @Override
  public Cursor scan(List<Integer> fieldIdx, long start, long end) {
    List<List<LeafCursor>> cursors = new ArrayList<>();
    for (int fi : fieldIdx) {
      List<LeafCursor> lc = new ArrayList<>();
      for (Leaf l : leavesByField.get(fi)) {
        lc.add(new LeafCursor(l, start, end));
      }
      cursors.add(lc);
    }
    return new Cursor() {
      @Override
      public void next(int numRows, List<FieldVector> out) throws IOException {
        for (int i = 0; i < fieldIdx.size(); i++) {
          List<VectorFill.Decoded> decoded = new ArrayList<>();
          for (LeafCursor c : cursors.get(i)) {
            decoded.add(c.next(numRows));
          }
          fill(fieldIdx.get(i), decoded, out.get(i));
        }
      }

      @Override
      public void close() {
        cursors.clear();
      }
    };
  }

  // ------------------------------------------------------------------ take

  @Override
  public void take(long[] rows, List<Integer> fieldIdx, List<FieldVector> out) throws IOException {
    for (int i = 0; i < fieldIdx.size(); i++) {
      List<VectorFill.Decoded> decoded = new ArrayList<>();
      for (Leaf l : leavesByField.get(fieldIdx.get(i))) {
        decoded.add(takeLeaf(l, rows));
      }
      fill(fieldIdx.get(i), decoded, out.get(i));
    }
  }

  private VectorFill.Decoded takeLeaf(Leaf leaf, long[] rows) throws IOException {
    Map<Integer, Run> cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, Run> e) {
        return size() > 4;
      }
    };
    LeafPiece piece = new LeafPiece(leaf.hasLists(), leaf.width());
    long total = leaf.pageStart()[leaf.pageStart().length - 1];
    for (long r : rows) {
      if (r < 0 || r >= total) {
        throw new IndexOutOfBoundsException("Row " + r + " is outside the file's " + total + " rows");
      }
      int p = leaf.pageOf(r);
      Run run = cache.get(p);
      if (run == null) {
        run = decodePage(leaf, p);
        cache.put(p, run);
      }
      int idx = (int) (r - leaf.pageStart()[p]);
      piece.append(run, idx, idx + 1);
    }
    return new VectorFill.Decoded(leaf, piece.rep(), piece.def(), piece.values());
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
