package dev.lancelet.file.v20;

import dev.lancelet.file.container.ContainerWriter;
import dev.lancelet.format.proto.EncodingsV20Protos.ArrayEncoding;
import dev.lancelet.format.proto.EncodingsV20Protos.Binary;
import dev.lancelet.format.proto.EncodingsV20Protos.Buffer;
import dev.lancelet.format.proto.EncodingsV20Protos.FixedSizeList;
import dev.lancelet.format.proto.EncodingsV20Protos.Flat;
import dev.lancelet.format.proto.EncodingsV20Protos.Nullable;
import dev.lancelet.format.proto.EncodingsV20Protos.SimpleStruct;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Encodes Arrow batches as Lance 2.0 pages, as Lance 7.0's 2.0 writer lays them out: one column
 * per field in pre-order, values uncompressed ({@code Flat}), nulls as a {@code SomeNull}
 * validity bitmap, strings as {@code Binary} with u64 end offsets, lists as a {@code List}
 * offsets column followed by their items, structs as a single {@code SimpleStruct} header page.
 * Struct-level nulls cannot be stored in 2.0 and are dropped (children keep their own values).
 *
 * <p>Each column buffers its rows on the heap and becomes a page once about {@code maxPageBytes}
 * are buffered; a list page flushes its items too, so an items page never spans two list pages.
 * Not written (rejected when the writer is created): dictionary-typed fields, blob fields, packed
 * structs, maps and unions.
 */
public final class V20FileEncoder {
  private final ContainerWriter out;
  private final long maxPageBytes;
  private final List<Column> roots = new ArrayList<>();
  private int nextColumn;

  public V20FileEncoder(List<Field> fields, ContainerWriter out, long maxPageBytes) {
    this.out = out;
    this.maxPageBytes = maxPageBytes;
    for (Field f : fields) {
      roots.add(column(f));
    }
  }

  /** Columns a 2.0 file needs for {@code fields}; throws for fields 2.0 writing does not support. */
  public static int numColumns(List<Field> fields) {
    int n = 0;
    for (Field f : fields) {
      n += numColumns(f);
    }
    return n;
  }

  private static int numColumns(Field f) {
    check(f);
    int n = 1;
    if (f.getType() instanceof ArrowType.Struct || f.getType() instanceof ArrowType.List || f.getType() instanceof ArrowType.LargeList) {
      for (Field c : f.getChildren()) {
        n += numColumns(c);
      }
    }
    return n;
  }

  private static void check(Field f) {
    if (f.getDictionary() != null) {
      throw new UnsupportedOperationException("Writing dictionary-typed field " + f.getName() + " as Lance 2.0 is not supported");
    }
    var md = f.getMetadata();
    if (md != null && (md.containsKey("lance-encoding:blob") || md.containsKey("lance-encoding:packed") || "true".equals(md.get("packed")))) {
      throw new UnsupportedOperationException("Writing blob or packed-struct field " + f.getName() + " as Lance 2.0 is not supported");
    }
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Map || t instanceof ArrowType.Union || t instanceof ArrowType.ListView
        || t instanceof ArrowType.LargeListView || t instanceof ArrowType.RunEndEncoded || t instanceof ArrowType.Utf8View
        || t instanceof ArrowType.BinaryView) {
      throw new UnsupportedOperationException("Field " + f.getName() + " of type " + t + " cannot be written as Lance 2.0");
    }
    if (t instanceof ArrowType.FixedSizeList) {
      Field c = f.getChildren().get(0);
      if (c.getType() instanceof ArrowType.Struct || c.getType() instanceof ArrowType.List || c.getType() instanceof ArrowType.LargeList
          || c.getType() instanceof ArrowType.Utf8 || c.getType() instanceof ArrowType.Binary
          || c.getType() instanceof ArrowType.LargeUtf8 || c.getType() instanceof ArrowType.LargeBinary) {
        throw new UnsupportedOperationException("Lance 2.0 stores fixed-size lists of fixed-width values only, not " + f);
      }
      check(c);
    }
  }

  private Column column(Field f) {
    int index = nextColumn++;
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Struct) {
      List<Column> kids = new ArrayList<>();
      for (Field c : f.getChildren()) {
        kids.add(column(c));
      }
      return new StructColumn(index, kids);
    }
    if (t instanceof ArrowType.List || t instanceof ArrowType.LargeList) {
      return new ListColumn(index, column(f.getChildren().get(0)));
    }
    if (t instanceof ArrowType.Utf8 || t instanceof ArrowType.Binary || t instanceof ArrowType.LargeUtf8 || t instanceof ArrowType.LargeBinary) {
      return new BinaryColumn(index);
    }
    return new ValueColumn(index);
  }

  /** Appends a batch whose first row is file row {@code firstRow}. */
  public void write(VectorSchemaRoot batch, long firstRow) throws IOException {
    List<FieldVector> vs = batch.getFieldVectors();
    int n = batch.getRowCount();
    for (int i = 0; i < roots.size(); i++) {
      roots.get(i).append(vs.get(i), 0, n);
      roots.get(i).maybeFlush();
    }
  }

  /** Flushes every column's remaining rows; call once, before the container's {@code finish}. */
  public void finish() throws IOException {
    for (Column c : roots) {
      c.finishColumn();
    }
  }

  // ------------------------------------------------------------------ columns

  private abstract class Column {
    final int index;
    long pageFirstRow;
    long written;

    Column(int index) {
      this.index = index;
    }

    /** Buffers rows {@code [from, from + n)} of {@code v}. */
    abstract void append(FieldVector v, int from, int n) throws IOException;

    abstract long bufferedBytes();

    abstract int bufferedRows();

    /** Writes the buffered rows as one page (no-op when empty). */
    abstract void flush() throws IOException;

    void maybeFlush() throws IOException {
      if (bufferedBytes() >= maxPageBytes) {
        flush();
      }
    }

    void finishColumn() throws IOException {
      flush();
    }

    void page(List<byte[]> buffers, ArrayEncoding enc, int rows) throws IOException {
      out.writePage(index, buffers, enc, written, rows);
      written += rows;
    }
  }

  /** Heap bitmap + count of set bits. */
  private static final class BitBuf {
    byte[] bits = new byte[64];
    int n;
    int nulls;

    void add(boolean valid) {
      if ((n >>> 3) >= bits.length) {
        bits = java.util.Arrays.copyOf(bits, bits.length * 2);
      }
      if (valid) {
        bits[n >>> 3] |= (byte) (1 << (n & 7));
      } else {
        nulls++;
      }
      n++;
    }

    byte[] take() {
      byte[] out = java.util.Arrays.copyOf(bits, (n + 7) >>> 3);
      bits = new byte[64];
      n = 0;
      nulls = 0;
      return out;
    }
  }

  private static ArrayEncoding flat(long bits, int buffer) {
    return ArrayEncoding.newBuilder()
        .setFlat(Flat.newBuilder().setBitsPerValue(bits).setBuffer(Buffer.newBuilder().setBufferIndex(buffer).setBufferType(Buffer.BufferType.page)))
        .build();
  }

  private static ArrayEncoding noNull(ArrayEncoding values) {
    return ArrayEncoding.newBuilder().setNullable(Nullable.newBuilder().setNoNulls(Nullable.NoNull.newBuilder().setValues(values))).build();
  }

  private static ArrayEncoding someNull(ArrayEncoding validity, ArrayEncoding values) {
    return ArrayEncoding.newBuilder()
        .setNullable(Nullable.newBuilder().setSomeNulls(Nullable.SomeNull.newBuilder().setValidity(validity).setValues(values)))
        .build();
  }

  private static ArrayEncoding allNull() {
    return ArrayEncoding.newBuilder().setNullable(Nullable.newBuilder().setAllNulls(Nullable.AllNull.getDefaultInstance())).build();
  }

  /**
   * Fixed-width values (including booleans, {@code Null} and fixed-size lists of fixed-width
   * values, flattened): {@code NoNull(Flat)}, {@code SomeNull(Flat(1), Flat)} or {@code AllNull}.
   */
  private final class ValueColumn extends Column {
    /** One level per fixed-size-list nesting plus the values: validity and data of each. */
    private final List<BitBuf> validity = new ArrayList<>();
    private final List<int[]> dims = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private BitBuf bools;
    private int bits = -1;
    private int rows;

    ValueColumn(int index) {
      super(index);
    }

    @Override
    void append(FieldVector v, int from, int n) {
      appendLevel(v, from, n, 0);
      rows += n;
    }

    private void appendLevel(FieldVector v, int from, int n, int level) {
      while (validity.size() <= level) {
        validity.add(new BitBuf());
      }
      BitBuf vb = validity.get(level);
      for (int i = 0; i < n; i++) {
        vb.add(!v.isNull(from + i) && !(v instanceof NullVector));
      }
      switch (v) {
        case FixedSizeListVector fl -> {
          int dim = fl.getListSize();
          if (dims.size() <= level) {
            dims.add(new int[] {dim});
          }
          appendLevel(fl.getDataVector(), from * dim, n * dim, level + 1);
        }
        case BitVector bv -> {
          bits = 1;
          if (bools == null) {
            bools = new BitBuf();
          }
          for (int i = 0; i < n; i++) {
            bools.add(bv.isSet(from + i) != 0 && bv.get(from + i) != 0);
          }
        }
        case BaseFixedWidthVector fv -> {
          int w = fv.getTypeWidth();
          bits = w * 8;
          byte[] tmp = new byte[n * w];
          fv.getDataBuffer().getBytes((long) from * w, tmp, 0, tmp.length);
          data.write(tmp, 0, tmp.length);
        }
        case NullVector nv -> bits = 0;
        default -> throw new UnsupportedOperationException("Cannot write " + v.getField() + " as Lance 2.0 values");
      }
    }

    @Override
    long bufferedBytes() {
      return data.size() + (bools == null ? 0 : bools.n / 8);
    }

    @Override
    int bufferedRows() {
      return rows;
    }

    @Override
    void flush() throws IOException {
      if (rows == 0) {
        return;
      }
      List<byte[]> buffers = new ArrayList<>();
      byte[] values = bits == 1 ? bools.take() : data.toByteArray();
      data.reset();
      ArrayEncoding enc = level(0, buffers, values);
      int n = rows;
      rows = 0;
      for (BitBuf b : validity) {
        b.take();
      }
      page(buffers, enc, n);
    }

    /** The encoding of nesting level {@code level}, adding its buffers (validity first, as Lance does). */
    private ArrayEncoding level(int level, List<byte[]> buffers, byte[] values) {
      BitBuf vb = validity.get(level);
      if (level == 0 && vb.nulls == vb.n) {
        return allNull();
      }
      int validityIndex = -1;
      byte[] validityBits = null;
      if (vb.nulls > 0) {
        validityIndex = buffers.size();
        validityBits = java.util.Arrays.copyOf(vb.bits, (vb.n + 7) >>> 3);
        buffers.add(validityBits);
      }
      ArrayEncoding inner;
      if (level < dims.size()) {
        inner = ArrayEncoding.newBuilder()
            .setFixedSizeList(FixedSizeList.newBuilder().setDimension(dims.get(level)[0]).setItems(level(level + 1, buffers, values)))
            .build();
      } else {
        int idx = buffers.size();
        buffers.add(values);
        inner = flat(bits, idx);
      }
      return validityIndex < 0 ? noNull(inner) : someNull(flat(1, validityIndex), inner);
    }
  }

  /** Strings and binaries: {@code Binary(NoNull(Flat(64)), Flat(8), null_adjustment)}. */
  private final class BinaryColumn extends Column {
    private long[] ends = new long[64];
    private final BitBuf valid = new BitBuf();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int rows;

    BinaryColumn(int index) {
      super(index);
    }

    @Override
    void append(FieldVector v, int from, int n) {
      ArrowBuf offs;
      int ow;
      if (v instanceof BaseVariableWidthVector vv) {
        offs = vv.getOffsetBuffer();
        ow = 4;
      } else if (v instanceof BaseLargeVariableWidthVector vv) {
        offs = vv.getOffsetBuffer();
        ow = 8;
      } else {
        throw new UnsupportedOperationException("Cannot write " + v.getField() + " as Lance 2.0 binary");
      }
      ArrowBuf dataBuf = ((org.apache.arrow.vector.VariableWidthFieldVector) v).getDataBuffer();
      long last = rows == 0 ? 0 : ends[rows - 1];
      for (int i = 0; i < n; i++) {
        int r = from + i;
        boolean isValid = !v.isNull(r);
        long s = ow == 4 ? offs.getInt((long) r * 4) : offs.getLong((long) r * 8);
        long e = ow == 4 ? offs.getInt((long) (r + 1) * 4) : offs.getLong((long) (r + 1) * 8);
        long len = isValid ? e - s : 0;
        if (len > 0) {
          byte[] tmp = new byte[Math.toIntExact(len)];
          dataBuf.getBytes(s, tmp, 0, tmp.length);
          bytes.write(tmp, 0, tmp.length);
        }
        last += len;
        if (rows == ends.length) {
          ends = java.util.Arrays.copyOf(ends, rows * 2);
        }
        ends[rows++] = last;
        valid.add(isValid);
      }
    }

    @Override
    long bufferedBytes() {
      return bytes.size() + 8L * rows;
    }

    @Override
    int bufferedRows() {
      return rows;
    }

    @Override
    void flush() throws IOException {
      if (rows == 0) {
        return;
      }
      long adjustment = ends[rows - 1] + 1;
      byte[] idx = new byte[rows * 8];
      byte[] vbits = valid.take();
      for (int i = 0; i < rows; i++) {
        long x = ends[i];
        if ((vbits[i >>> 3] & (1 << (i & 7))) == 0) {
          x += adjustment;
        }
        dev.lancelet.file.kernels.LittleEndian.putLong(idx, i * 8, x);
      }
      byte[] data = bytes.toByteArray();
      bytes.reset();
      ArrayEncoding enc = ArrayEncoding.newBuilder()
          .setBinary(Binary.newBuilder().setIndices(noNull(flat(64, 0))).setBytes(flat(8, 1)).setNullAdjustment(adjustment))
          .build();
      int n = rows;
      rows = 0;
      page(List.of(idx, data), enc, n);
    }
  }

  /** A struct: the children's columns plus one {@code SimpleStruct} header page written at the end. */
  private final class StructColumn extends Column {
    private final List<Column> kids;
    private long rows;

    StructColumn(int index, List<Column> kids) {
      super(index);
      this.kids = kids;
    }

    @Override
    void append(FieldVector v, int from, int n) throws IOException {
      StructVector s = (StructVector) v;
      List<FieldVector> cs = s.getChildrenFromFields();
      for (int i = 0; i < kids.size(); i++) {
        kids.get(i).append(cs.get(i), from, n);
      }
      rows += n;
    }

    @Override
    void maybeFlush() throws IOException {
      for (Column k : kids) {
        k.maybeFlush();
      }
    }

    @Override
    long bufferedBytes() {
      return 0;
    }

    @Override
    int bufferedRows() {
      return 0;
    }

    @Override
    void flush() throws IOException {
      for (Column k : kids) {
        k.flush();
      }
    }

    @Override
    void finishColumn() throws IOException {
      // The reference reader expects exactly one header page covering every row.
      out.writePage(index, List.of(), ArrayEncoding.newBuilder().setStruct(SimpleStruct.getDefaultInstance()).build(), 0, rows);
      for (Column k : kids) {
        k.finishColumn();
      }
    }
  }

  /**
   * A list: per page, u64 ends relative to the page's first item (no leading 0); a null list
   * stores its end plus {@code null_offset_adjustment} (= items in the page + 1).
   */
  private final class ListColumn extends Column {
    private final Column items;
    private long[] ends = new long[64];
    private final BitBuf valid = new BitBuf();
    private int rows;

    ListColumn(int index, Column items) {
      super(index);
      this.items = items;
    }

    @Override
    void append(FieldVector v, int from, int n) throws IOException {
      ArrowBuf offs;
      int ow;
      FieldVector child;
      if (v instanceof ListVector l) {
        offs = l.getOffsetBuffer();
        ow = 4;
        child = l.getDataVector();
      } else if (v instanceof LargeListVector l) {
        offs = l.getOffsetBuffer();
        ow = 8;
        child = l.getDataVector();
      } else {
        throw new UnsupportedOperationException("Cannot write " + v.getField() + " as a Lance 2.0 list");
      }
      long last = rows == 0 ? 0 : ends[rows - 1];
      long first = n == 0 ? 0 : (ow == 4 ? offs.getInt((long) from * 4) : offs.getLong((long) from * 8));
      long end = first;
      for (int i = 0; i < n; i++) {
        int r = from + i;
        long s = ow == 4 ? offs.getInt((long) r * 4) : offs.getLong((long) r * 8);
        long e = ow == 4 ? offs.getInt((long) (r + 1) * 4) : offs.getLong((long) (r + 1) * 8);
        boolean isValid = !v.isNull(r);
        // A null list keeps whatever items its offsets span, as the reference writer does.
        last += e - s;
        end = e;
        if (rows == ends.length) {
          ends = java.util.Arrays.copyOf(ends, rows * 2);
        }
        ends[rows++] = last;
        valid.add(isValid);
      }
      if (end > first) {
        items.append(child, Math.toIntExact(first), Math.toIntExact(end - first));
      }
    }

    @Override
    void maybeFlush() throws IOException {
      if (bufferedBytes() >= maxPageBytes) {
        flush();
      } else {
        items.maybeFlush();
      }
    }

    @Override
    long bufferedBytes() {
      return 8L * rows;
    }

    @Override
    int bufferedRows() {
      return rows;
    }

    @Override
    void flush() throws IOException {
      if (rows == 0) {
        return;
      }
      long numItems = ends[rows - 1];
      long adjustment = numItems + 1;
      byte[] vbits = valid.take();
      byte[] buf = new byte[rows * 8];
      for (int i = 0; i < rows; i++) {
        long x = ends[i];
        if ((vbits[i >>> 3] & (1 << (i & 7))) == 0) {
          x += adjustment;
        }
        dev.lancelet.file.kernels.LittleEndian.putLong(buf, i * 8, x);
      }
      ArrayEncoding enc = ArrayEncoding.newBuilder()
          .setList(dev.lancelet.format.proto.EncodingsV20Protos.List.newBuilder()
              .setOffsets(noNull(flat(64, 0))).setNullOffsetAdjustment(adjustment).setNumItems(numItems))
          .build();
      int n = rows;
      rows = 0;
      page(List.of(buf), enc, n);
      // An items page must not be shared by two list pages.
      items.flush();
    }

    @Override
    void finishColumn() throws IOException {
      flush();
      items.finishColumn();
    }
  }
}
