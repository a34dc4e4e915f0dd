package dev.lancelet.file.v20;

import dev.lancelet.file.container.ContainerWriter;
import dev.lancelet.format.proto.EncodingsV20Protos.ArrayEncoding;
import dev.lancelet.format.proto.EncodingsV20Protos.Binary;
import dev.lancelet.format.proto.EncodingsV20Protos.Buffer;
import dev.lancelet.format.proto.EncodingsV20Protos.ColumnEncoding;
import dev.lancelet.format.proto.EncodingsV20Protos.Dictionary;
import dev.lancelet.format.proto.EncodingsV20Protos.PackedStruct;
import dev.lancelet.format.proto.EncodingsV20Protos.FixedSizeList;
import dev.lancelet.format.proto.EncodingsV20Protos.Flat;
import dev.lancelet.format.proto.EncodingsV20Protos.Nullable;
import dev.lancelet.format.proto.EncodingsV20Protos.SimpleStruct;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Encodes Arrow batches as Lance 2.0 pages, as Lance 7.0's 2.0 writer lays them out: one column
 * per field in pre-order, values uncompressed ({@code Flat}), nulls as a {@code SomeNull}
 * validity bitmap, strings as {@code Binary} with u64 end offsets, lists as a {@code List}
 * offsets column followed by their items, structs as a single {@code SimpleStruct} header page.
 * Struct-level nulls cannot be stored in 2.0 and are dropped (children keep their own values).
 *
 * <p>Like Lance, a utf8 page of at least 100 rows with fewer than 100 distinct values (all-null
 * included) becomes a {@code Dictionary} of u8 indices (0 = null) over a {@code Binary} of the
 * distinct values in first-seen order. Dictionary-encoded Arrow input (indices plus a dictionary
 * from a {@link DictionaryProvider}) is stored as {@code Dictionary} pages whose indices keep the
 * field's index width and whose nulls point at a null dictionary item. Blob fields (large_binary
 * with field metadata {@code lance-encoding:blob}) get a {@code ColumnEncoding.Blob} column of
 * {@code PackedStruct} (position, size) descriptors; each value's bytes are written out of line,
 * 64-byte aligned, as the batch arrives.
 *
 * <p>Each column buffers its rows on the heap and becomes a page once about {@code maxPageBytes}
 * are buffered; batches are fed to the columns in slices sized from the bytes per row seen so
 * far, so a large batch becomes several pages and memory stays bounded. A list page flushes its
 * items too, so an items page never spans two list pages. Not written (rejected when the writer
 * is created): packed structs, maps and unions.
 */
public final class V20FileEncoder {
  /** Field metadata key marking a blob field (Lance's legacy blob marker). */
  public static final String BLOB_META_KEY = "lance-encoding:blob";

  private final ContainerWriter out;
  private final long maxPageBytes;
  private final List<Column> roots = new ArrayList<>();
  private int nextColumn;
  /** The dictionaries of the batch being written. */
  private DictionaryProvider dictionaries;

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
    if (f.getDictionary() == null && !isBlob(f)
        && (f.getType() instanceof ArrowType.Struct || f.getType() instanceof ArrowType.List || f.getType() instanceof ArrowType.LargeList)) {
      for (Field c : f.getChildren()) {
        n += numColumns(c);
      }
    }
    return n;
  }

  static boolean isBlob(Field f) {
    return f.getMetadata() != null && f.getMetadata().containsKey(BLOB_META_KEY);
  }

  private static boolean isVarWidth(ArrowType t) {
    return t instanceof ArrowType.Utf8 || t instanceof ArrowType.Binary || t instanceof ArrowType.LargeUtf8
        || t instanceof ArrowType.LargeBinary;
  }

  /**
   * {@code fields} with every dictionary-encoded field given its value type (the type of its
   * dictionary in {@code dictionaries}) while keeping its {@link DictionaryEncoding}: the schema
   * Lance stores ({@code dict:<value>:<index>:false}). A field whose type is already a value type
   * (as in Arrow IPC schemas) is kept.
   *
   * @throws IllegalArgumentException if a dictionary field's dictionary is missing
   */
  public static List<Field> resolveDictionaries(List<Field> fields, DictionaryProvider dictionaries) {
    List<Field> out = new ArrayList<>();
    for (Field f : fields) {
      List<Field> kids = resolveDictionaries(f.getChildren(), dictionaries);
      FieldType ft = f.getFieldType();
      DictionaryEncoding enc = f.getDictionary();
      if (enc != null && f.getType() instanceof ArrowType.Int) {
        org.apache.arrow.vector.dictionary.Dictionary d = dictionaries == null ? null : dictionaries.lookup(enc.getId());
        if (d == null) {
          throw new IllegalArgumentException("Field " + f.getName() + " is dictionary-encoded (id " + enc.getId()
              + ") with index type " + f.getType() + "; pass a DictionaryProvider holding that dictionary so its value type is known");
        }
        ft = new FieldType(ft.isNullable(), d.getVector().getField().getType(), enc, ft.getMetadata());
      }
      out.add(new Field(f.getName(), ft, kids.isEmpty() ? null : kids));
    }
    return out;
  }

  private static void check(Field f) {
    var md = f.getMetadata();
    if (md != null && (md.containsKey("lance-encoding:packed") || "true".equals(md.get("packed")))) {
      throw new UnsupportedOperationException("Writing packed-struct field " + f.getName() + " as Lance 2.0 is not supported");
    }
    if (isBlob(f) && !(f.getType() instanceof ArrowType.LargeBinary)) {
      throw new UnsupportedOperationException("Blob field " + f.getName() + " must be large_binary to be written as Lance 2.0, not " + f.getType());
    }
    if (f.getDictionary() != null) {
      // The vector holds the indices; the value type comes from the dictionary (checked per batch).
      if (!(f.getType() instanceof ArrowType.Int) && !isVarWidth(f.getType())) {
        throw new UnsupportedOperationException("Writing dictionary-typed field " + f.getName() + " with values of type "
            + f.getType() + " as Lance 2.0 is not supported (only utf8/binary dictionaries)");
      }
      return;
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
          || isVarWidth(c.getType()) || c.getDictionary() != null) {
        throw new UnsupportedOperationException("Lance 2.0 stores fixed-size lists of fixed-width values only, not " + f);
      }
      check(c);
    }
  }

  private Column column(Field f) {
    int index = nextColumn++;
    ArrowType t = f.getType();
    if (f.getDictionary() != null) {
      return new DictColumn(index, f);
    }
    if (isBlob(f)) {
      out.setColumnEncoding(index, ColumnEncoding.newBuilder()
          .setBlob(dev.lancelet.format.proto.EncodingsV20Protos.Blob.newBuilder()
              .setInner(ColumnEncoding.newBuilder().setValues(com.google.protobuf.Empty.getDefaultInstance())))
          .build());
      return new BlobColumn(index);
    }
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
    if (isVarWidth(t)) {
      return new BinaryColumn(index, t instanceof ArrowType.Utf8);
    }
    return new ValueColumn(index);
  }

  /** Appends a batch whose first row is file row {@code firstRow}. */
  public void write(VectorSchemaRoot batch, long firstRow) throws IOException {
    write(batch, firstRow, null);
  }

  /**
   * Appends a batch whose first row is file row {@code firstRow}; {@code dictionaries} resolves
   * its dictionary-encoded fields (may be null when there are none).
   */
  public void write(VectorSchemaRoot batch, long firstRow, DictionaryProvider dictionaries) throws IOException {
    this.dictionaries = dictionaries;
    try {
      List<FieldVector> vs = batch.getFieldVectors();
      int n = batch.getRowCount();
      long sliceBytes = Math.max(1, maxPageBytes / 8);
      for (int i = 0; i < roots.size(); i++) {
        Column c = roots.get(i);
        FieldVector v = vs.get(i);
        // Feed the batch in slices of about maxPageBytes / 8, so a page overshoots its size by at
        // most a slice and a big batch becomes several pages.
        int from = 0;
        int step = 256;
        while (from < n) {
          int m = Math.min(step, n - from);
          long before = c.appendedBytes();
          c.append(v, from, m);
          c.maybeFlush();
          from += m;
          long perRow = Math.max(1, (c.appendedBytes() - before) / m);
          step = (int) Math.max(1, Math.min(1 << 16, sliceBytes / perRow));
        }
      }
    } finally {
      this.dictionaries = null;
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
    long written;
    /** Bytes appended so far (an estimate, never reset): sizes the slices a batch is fed in. */
    long appended;

    Column(int index) {
      this.index = index;
    }

    /** Buffers rows {@code [from, from + n)} of {@code v}. */
    abstract void append(FieldVector v, int from, int n) throws IOException;

    abstract long bufferedBytes();

    abstract int bufferedRows();

    long appendedBytes() {
      return appended;
    }

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
      appended += n / 8 + 1;
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
          appended += n / 8;
        }
        case BaseFixedWidthVector fv -> {
          int w = fv.getTypeWidth();
          bits = w * 8;
          byte[] tmp = new byte[n * w];
          fv.getDataBuffer().getBytes((long) from * w, tmp, 0, tmp.length);
          data.write(tmp, 0, tmp.length);
          appended += tmp.length;
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

  /**
   * The {@code Binary} encoding of var-width values: u64 ends (no leading 0), a null storing its
   * end plus {@code last end + 1}, buffers {@code [indicesBuffer, indicesBuffer + 1]}.
   */
  private static ArrayEncoding binary(int indicesBuffer, long adjustment) {
    return ArrayEncoding.newBuilder()
        .setBinary(Binary.newBuilder().setIndices(noNull(flat(64, indicesBuffer))).setBytes(flat(8, indicesBuffer + 1))
            .setNullAdjustment(adjustment))
        .build();
  }

  /** The u64 indices of a {@code Binary}: {@code ends[i]}, plus {@code adjustment} where invalid. */
  private static byte[] binaryIndices(long[] ends, byte[] validBits, int n, long adjustment) {
    byte[] idx = new byte[n * 8];
    for (int i = 0; i < n; i++) {
      long x = ends[i];
      if (validBits != null && (validBits[i >>> 3] & (1 << (i & 7))) == 0) {
        x += adjustment;
      }
      dev.lancelet.file.kernels.LittleEndian.putLong(idx, i * 8, x);
    }
    return idx;
  }

  /** Lance dictionary-encodes a utf8 page with at least this many rows and fewer distinct values. */
  static final int DICTIONARY_THRESHOLD = 100;

  /**
   * Strings and binaries: {@code Binary(NoNull(Flat(64)), Flat(8), null_adjustment)}, or for a
   * low-cardinality utf8 page, {@code Dictionary(NoNull(Flat(8)), Binary)} with 0 meaning null.
   */
  private final class BinaryColumn extends Column {
    private final boolean utf8;
    private long[] ends = new long[64];
    private final BitBuf valid = new BitBuf();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private byte[] scratch = new byte[256];
    private int rows;

    BinaryColumn(int index, boolean utf8) {
      super(index);
      this.utf8 = utf8;
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
      ArrowBuf dataBuf = ((VariableWidthFieldVector) v).getDataBuffer();
      long last = rows == 0 ? 0 : ends[rows - 1];
      for (int i = 0; i < n; i++) {
        int r = from + i;
        boolean isValid = !v.isNull(r);
        long s = ow == 4 ? offs.getInt((long) r * 4) : offs.getLong((long) r * 8);
        long e = ow == 4 ? offs.getInt((long) (r + 1) * 4) : offs.getLong((long) (r + 1) * 8);
        int len = isValid ? Math.toIntExact(e - s) : 0;
        if (len > 0) {
          if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
          }
          dataBuf.getBytes(s, scratch, 0, len);
          bytes.write(scratch, 0, len);
        }
        last += len;
        if (rows == ends.length) {
          ends = Arrays.copyOf(ends, rows * 2);
        }
        ends[rows++] = last;
        valid.add(isValid);
        appended += len + 8;
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
      int n = rows;
      rows = 0;
      byte[] data = bytes.toByteArray();
      bytes.reset();
      byte[] vbits = valid.take();
      if (utf8 && n >= DICTIONARY_THRESHOLD && dictionaryPage(data, vbits, n)) {
        return;
      }
      long adjustment = n == 0 ? 1 : ends[n - 1] + 1;
      page(List.of(binaryIndices(ends, vbits, n, adjustment), data), binary(0, adjustment), n);
    }

    /**
     * Writes the page as Lance's low-cardinality dictionary if it has fewer than {@link
     * #DICTIONARY_THRESHOLD} distinct non-null values; false (nothing written) otherwise.
     */
    private boolean dictionaryPage(byte[] data, byte[] vbits, int n) throws IOException {
      int[] table = new int[256]; // open addressing: item + 1, 0 = empty
      int[] itemRow = new int[DICTIONARY_THRESHOLD];
      int items = 0;
      byte[] codes = new byte[n];
      for (int i = 0; i < n; i++) {
        if ((vbits[i >>> 3] & (1 << (i & 7))) == 0) {
          continue; // code 0 = null
        }
        long s = i == 0 ? 0 : ends[i - 1];
        int len = (int) (ends[i] - s);
        int h = 1;
        for (int k = 0; k < len; k++) {
          h = 31 * h + data[(int) s + k];
        }
        h ^= h >>> 16;
        int slot = h & (table.length - 1);
        int item;
        while (true) {
          int t = table[slot];
          if (t == 0) {
            if (items == DICTIONARY_THRESHOLD - 1) {
              return false; // too many distinct values
            }
            itemRow[items] = i;
            item = items++;
            table[slot] = item + 1;
            break;
          }
          int r = itemRow[t - 1];
          long rs = r == 0 ? 0 : ends[r - 1];
          int rlen = (int) (ends[r] - rs);
          if (rlen == len && Arrays.equals(data, (int) rs, (int) rs + len, data, (int) s, (int) s + len)) {
            item = t - 1;
            break;
          }
          slot = (slot + 1) & (table.length - 1);
        }
        codes[i] = (byte) (item + 1);
      }
      // Items in first-seen order; with no value at all, one null item (as Lance writes).
      ByteArrayOutputStream itemBytes = new ByteArrayOutputStream();
      long[] itemEnds = new long[Math.max(items, 1)];
      byte[] itemValid = null;
      for (int k = 0; k < items; k++) {
        int r = itemRow[k];
        long rs = r == 0 ? 0 : ends[r - 1];
        itemBytes.write(data, (int) rs, (int) (ends[r] - rs));
        itemEnds[k] = itemBytes.size();
      }
      int numItems = items;
      if (items == 0) {
        itemValid = new byte[1];
        numItems = 1;
      }
      long adjustment = (numItems == 0 ? 0 : itemEnds[numItems - 1]) + 1;
      ArrayEncoding enc = ArrayEncoding.newBuilder()
          .setDictionary(Dictionary.newBuilder().setIndices(noNull(flat(8, 0))).setItems(binary(1, adjustment))
              .setNumDictionaryItems(numItems))
          .build();
      page(List.of(codes, binaryIndices(itemEnds, itemValid, numItems, adjustment), itemBytes.toByteArray()), enc, n);
      return true;
    }
  }

  /**
   * A dictionary-encoded Arrow field: {@code Dictionary(NoNull(Flat(index bits)), Binary)}. The
   * page's items are the distinct batch dictionaries it saw, one after another; null rows point at
   * a null item (the first null dictionary value, or one appended), as Lance stores them.
   */
  private final class DictColumn extends Column {
    private final Field field;
    private long[] keys = new long[64];
    private final BitBuf valid = new BitBuf();
    private int rows;
    // The page's items.
    private long[] itemEnds = new long[64];
    private final BitBuf itemValid = new BitBuf();
    private final ByteArrayOutputStream itemBytes = new ByteArrayOutputStream();
    private int items;
    /** Batch dictionaries already in the page's items, with where they start and their size. */
    private final IdentityHashMap<ValueVector, long[]> seen = new IdentityHashMap<>();
    private byte[] scratch = new byte[256];
    /**
     * Items the index type addresses (8/16-bit indices), or 0 when no page can outgrow it. Lance
     * 7.0 widens overflowing indices to u32, which its reader then takes for indices of the
     * field's type (wrong values); instead a page takes a row only while the distinct values its
     * rows use (null counting as one) fit, and a page whose concatenated items would not fit
     * keeps only those distinct values (see {@link #flush}).
     */
    private final int capacity;
    /** Distinct valid values the page's rows use. */
    private final java.util.HashSet<java.nio.ByteBuffer> distinct = new java.util.HashSet<>();
    /** A row of the page is null (or points at a null item). */
    private boolean usesNull;
    /** The dictionary whose entries {@link #counted} describes, and which of them are counted. */
    private FieldVector countedDict;
    private boolean[] counted;

    DictColumn(int index, Field field) {
      super(index);
      this.field = field;
      ArrowType.Int t = field.getDictionary().getIndexType();
      this.capacity = t.getBitWidth() > 16 ? 0 : t.getIsSigned() ? 1 << (t.getBitWidth() - 1) : 1 << t.getBitWidth();
    }

    /**
     * Whether a row pointing at entry {@code key} of {@code dv} (-1 for a null row) keeps the
     * page's distinct values within {@link #capacity}; counts it if so (an empty page takes any).
     */
    private boolean fits(FieldVector dv, long key) {
      if (countedDict != dv) {
        countedDict = dv;
        counted = new boolean[dv.getValueCount()];
      }
      if (key >= 0 && counted[(int) key]) {
        return true;
      }
      boolean isNull = key < 0 || dv.isNull((int) key);
      java.nio.ByteBuffer b = null;
      boolean isNew;
      if (isNull) {
        isNew = !usesNull;
      } else {
        b = java.nio.ByteBuffer.wrap(((VariableWidthFieldVector) dv).get((int) key));
        isNew = !distinct.contains(b);
      }
      if (isNew && rows > 0 && distinct.size() + (usesNull ? 1 : 0) + 1 > capacity) {
        return false;
      }
      if (isNull) {
        usesNull = true;
      } else {
        distinct.add(b);
      }
      if (key >= 0) {
        counted[(int) key] = true;
      }
      return true;
    }

    /** Forgets the page's distinct values (after a flush). */
    private void resetCount() {
      distinct.clear();
      usesNull = false;
      if (counted != null) {
        Arrays.fill(counted, false);
      }
    }

    @Override
    void append(FieldVector v, int from, int n) throws IOException {
      DictionaryEncoding enc = field.getDictionary();
      org.apache.arrow.vector.dictionary.Dictionary d = dictionaries == null ? null : dictionaries.lookup(enc.getId());
      if (d == null) {
        throw new IllegalArgumentException("No dictionary with id " + enc.getId() + " for dictionary-encoded field "
            + field.getName() + "; pass a DictionaryProvider to LanceFileWriter.create or write");
      }
      if (!(v instanceof BaseIntVector iv)) {
        throw new UnsupportedOperationException("Cannot write " + v.getField() + " as Lance 2.0 dictionary indices");
      }
      FieldVector dv = d.getVector();
      long base = itemsOf(dv);
      int size = dv.getValueCount();
      for (int i = 0; i < n; i++) {
        int r = from + i;
        boolean isValid = !v.isNull(r);
        long key = 0;
        if (isValid) {
          key = iv.getValueAsLong(r);
          if (key < 0 || key >= size) {
            throw new IllegalArgumentException("Field " + field.getName() + " row " + r + ": index " + key
                + " is outside its dictionary of " + size + " values");
          }
        }
        if (capacity > 0 && !fits(dv, isValid ? key : -1)) {
          flush();
          base = itemsOf(dv);
          fits(dv, isValid ? key : -1);
        }
        if (isValid) {
          key += base;
        }
        if (rows == keys.length) {
          keys = Arrays.copyOf(keys, rows * 2);
        }
        keys[rows++] = key;
        valid.add(isValid);
      }
      appended += 8L * n;
    }

    /** Where {@code dv}'s values start in the page's items, adding them if not there yet. */
    private long itemsOf(FieldVector dv) {
      long[] at = seen.get(dv);
      if (at != null && at[1] == dv.getValueCount() && sameItems(dv, (int) at[0])) {
        return at[0];
      }
      ArrowBuf offs;
      int ow;
      if (dv instanceof BaseVariableWidthVector vv) {
        offs = vv.getOffsetBuffer();
        ow = 4;
      } else if (dv instanceof BaseLargeVariableWidthVector vv) {
        offs = vv.getOffsetBuffer();
        ow = 8;
      } else {
        throw new UnsupportedOperationException("Dictionary of field " + field.getName() + " has values of type "
            + dv.getField().getType() + "; Lance 2.0 writing supports utf8/binary dictionaries only");
      }
      ArrowBuf data = ((VariableWidthFieldVector) dv).getDataBuffer();
      long start = items;
      for (int i = 0; i < dv.getValueCount(); i++) {
        boolean isValid = !dv.isNull(i);
        long s = ow == 4 ? offs.getInt((long) i * 4) : offs.getLong((long) i * 8);
        long e = ow == 4 ? offs.getInt((long) (i + 1) * 4) : offs.getLong((long) (i + 1) * 8);
        int len = isValid ? Math.toIntExact(e - s) : 0;
        if (len > 0) {
          if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
          }
          data.getBytes(s, scratch, 0, len);
          itemBytes.write(scratch, 0, len);
        }
        addItem(isValid);
        appended += len + 8;
      }
      seen.put(dv, new long[] {start, dv.getValueCount()});
      return start;
    }

    private void addItem(boolean isValid) {
      if (items == itemEnds.length) {
        itemEnds = Arrays.copyOf(itemEnds, items * 2);
      }
      itemEnds[items++] = itemBytes.size();
      itemValid.add(isValid);
    }

    /** Whether the page's items from {@code start} still equal {@code dv}'s values. */
    private boolean sameItems(FieldVector dv, int start) {
      byte[] all = null;
      for (int i = 0; i < dv.getValueCount(); i++) {
        int k = start + i;
        boolean itemIsValid = (itemValid.bits[k >>> 3] & (1 << (k & 7))) != 0;
        if (itemIsValid == dv.isNull(i)) {
          return false;
        }
        if (!itemIsValid) {
          continue;
        }
        byte[] value = ((VariableWidthFieldVector) dv).get(i);
        long s = k == 0 ? 0 : itemEnds[k - 1];
        if (value.length != itemEnds[k] - s) {
          return false;
        }
        if (all == null) {
          all = itemBytes.toByteArray();
        }
        if (!Arrays.equals(all, (int) s, (int) itemEnds[k], value, 0, value.length)) {
          return false;
        }
      }
      return true;
    }

    @Override
    long bufferedBytes() {
      return 8L * rows + itemBytes.size() + 8L * items;
    }

    /**
     * Replaces the page's items (its batch dictionaries one after another) by the distinct items
     * the page's {@code n} rows use, in item order, one null item at most, and re-maps the keys.
     * Called when the items (plus a possible null item) would outgrow the index type.
     */
    private void mergeItems(int n) {
      boolean[] used = new boolean[items];
      for (int i = 0; i < n; i++) {
        if ((valid.bits[i >>> 3] & (1 << (i & 7))) != 0) {
          used[(int) keys[i]] = true;
        }
      }
      byte[] all = itemBytes.toByteArray();
      long[] oldEnds = itemEnds;
      byte[] oldValid = itemValid.take();
      int oldItems = items;
      itemBytes.reset();
      itemEnds = new long[64];
      items = 0;
      seen.clear();
      java.util.HashMap<java.nio.ByteBuffer, Integer> ids = new java.util.HashMap<>();
      int nullId = -1;
      int[] remap = new int[oldItems];
      for (int k = 0; k < oldItems; k++) {
        if (!used[k]) {
          continue;
        }
        if ((oldValid[k >>> 3] & (1 << (k & 7))) == 0) {
          if (nullId < 0) {
            nullId = items;
            addItem(false);
          }
          remap[k] = nullId;
          continue;
        }
        int s = k == 0 ? 0 : (int) oldEnds[k - 1];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all, s, (int) oldEnds[k] - s);
        Integer id = ids.get(b);
        if (id == null) {
          id = items;
          ids.put(b, id);
          itemBytes.write(all, s, (int) oldEnds[k] - s);
          addItem(true);
        }
        remap[k] = id;
      }
      for (int i = 0; i < n; i++) {
        if ((valid.bits[i >>> 3] & (1 << (i & 7))) != 0) {
          keys[i] = remap[(int) keys[i]];
        }
      }
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
      int n = rows;
      rows = 0;
      if (capacity > 0) {
        resetCount();
        boolean nullItem = false;
        for (int k = 0; k < items && !nullItem; k++) {
          nullItem = (itemValid.bits[k >>> 3] & (1 << (k & 7))) == 0;
        }
        if ((long) items + (valid.nulls > 0 && !nullItem ? 1 : 0) > capacity) {
          mergeItems(n);
        }
      }
      byte[] vbits = valid.take();
      int nulls = 0;
      for (int i = 0; i < n; i++) {
        if ((vbits[i >>> 3] & (1 << (i & 7))) == 0) {
          nulls++;
        }
      }
      if (nulls == n) {
        // Lance: an all-null page has one null item, every index 0.
        itemBytes.reset();
        items = 0;
        itemValid.take();
        addItem(false);
        Arrays.fill(keys, 0, n, 0);
      } else if (nulls > 0) {
        long nullItem = -1;
        for (int k = 0; k < items && nullItem < 0; k++) {
          if ((itemValid.bits[k >>> 3] & (1 << (k & 7))) == 0) {
            nullItem = k;
          }
        }
        if (nullItem < 0) {
          nullItem = items;
          addItem(false);
        }
        for (int i = 0; i < n; i++) {
          if ((vbits[i >>> 3] & (1 << (i & 7))) == 0) {
            keys[i] = nullItem;
          }
        }
      }
      ArrowType.Int indexType = field.getDictionary().getIndexType();
      int bits = indexType.getBitWidth();
      long max = bits == 64 ? Long.MAX_VALUE : indexType.getIsSigned() ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
      if (items - 1 > max) {
        // Cannot happen: pages are cut before their distinct values outgrow an 8/16-bit index.
        throw new IllegalStateException("Page dictionary of field " + field.getName() + " has " + items
            + " items, more than its " + bits + "-bit index type addresses");
      }
      int w = bits / 8;
      byte[] kb = new byte[n * w];
      for (int i = 0; i < n; i++) {
        long k = keys[i];
        for (int b = 0; b < w; b++) {
          kb[i * w + b] = (byte) (k >>> (8 * b));
        }
      }
      int numItems = items;
      byte[] ivbits = itemValid.take();
      long adjustment = itemEnds[numItems - 1] + 1;
      byte[] ib = binaryIndices(itemEnds, ivbits, numItems, adjustment);
      byte[] data = itemBytes.toByteArray();
      itemBytes.reset();
      items = 0;
      seen.clear();
      ArrayEncoding enc = ArrayEncoding.newBuilder()
          .setDictionary(Dictionary.newBuilder().setIndices(noNull(flat(bits, 0))).setItems(binary(1, adjustment))
              .setNumDictionaryItems(numItems))
          .build();
      page(List.of(kb, ib, data), enc, n);
    }
  }

  /**
   * A blob field: each value's bytes go out of line as they arrive; the pages hold {@code
   * PackedStruct([NoNull(Flat(64)), NoNull(Flat(64))])} (position, size) descriptors, with (0, 0)
   * for an empty value and (1, 0) for null.
   */
  private final class BlobColumn extends Column {
    private long[] desc = new long[128];
    private int rows;
    private byte[] scratch = new byte[256];

    BlobColumn(int index) {
      super(index);
    }

    @Override
    void append(FieldVector v, int from, int n) throws IOException {
      if (!(v instanceof BaseLargeVariableWidthVector vv)) {
        throw new UnsupportedOperationException("Cannot write " + v.getField() + " as a Lance 2.0 blob (large_binary needed)");
      }
      ArrowBuf offs = vv.getOffsetBuffer();
      ArrowBuf data = vv.getDataBuffer();
      for (int i = 0; i < n; i++) {
        int r = from + i;
        long pos;
        long size;
        if (v.isNull(r)) {
          pos = 1;
          size = 0;
        } else {
          long s = offs.getLong((long) r * 8);
          size = offs.getLong((long) (r + 1) * 8) - s;
          if (size == 0) {
            pos = 0;
          } else {
            int len = Math.toIntExact(size);
            if (scratch.length < len) {
              scratch = new byte[Math.max(len, scratch.length * 2)];
            }
            data.getBytes(s, scratch, 0, len);
            pos = out.writeBuffer(scratch, 0, len);
          }
        }
        if (2 * rows + 2 > desc.length) {
          desc = Arrays.copyOf(desc, desc.length * 2);
        }
        desc[2 * rows] = pos;
        desc[2 * rows + 1] = size;
        rows++;
      }
      appended += 16L * n;
    }

    @Override
    long bufferedBytes() {
      return 16L * rows;
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
      int n = rows;
      rows = 0;
      byte[] buf = new byte[n * 16];
      for (int i = 0; i < 2 * n; i++) {
        dev.lancelet.file.kernels.LittleEndian.putLong(buf, i * 8, desc[i]);
      }
      ArrayEncoding enc = ArrayEncoding.newBuilder()
          .setPackedStruct(PackedStruct.newBuilder().addInner(noNull(flat(64, 0))).addInner(noNull(flat(64, 0)))
              .setBuffer(Buffer.newBuilder().setBufferIndex(0).setBufferType(Buffer.BufferType.page)))
          .build();
      page(List.of(buf), enc, n);
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
    long appendedBytes() {
      long n = 0;
      for (Column k : kids) {
        n += k.appendedBytes();
      }
      return n;
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
      appended += 8L * n;
    }

    @Override
    long appendedBytes() {
      return appended + items.appendedBytes();
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
