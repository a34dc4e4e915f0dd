package dev.lancelet.file.v20;

import dev.lancelet.file.FileDecoder;
import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.container.FileMetadata;
import dev.lancelet.file.schema.LanceSchemaConverter;
import dev.lancelet.format.proto.EncodingsV20Protos.ColumnEncoding;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Decodes the columns of a Lance 2.0 file (footer version 0.3) into Arrow vectors.
 *
 * <p>The caller parses the container (footer, column metadata, global buffers, schema) and hands
 * over the file's Arrow schema and column metadata. Columns are assigned to fields in pre-order,
 * one per field: a struct's header column comes before its children's, a list's offsets column
 * before its items', and a packed struct or blob field takes a single column. Every page encoding
 * is parsed and checked here, once; data is read on demand, and only the byte ranges needed for
 * the rows asked for are fetched (2.0 {@code Flat} buffers are randomly accessible).
 *
 * <p>Dictionary-typed fields are decoded to their value type, so {@link #schema()} may differ
 * from the schema passed in. Struct-level nulls are not stored in 2.0: every struct row reads as
 * valid. Thread-safe: readers hold no per-read state.
 */
public final class V20FileDecoder implements FileDecoder {
  /**
   * Plugs the 2.0 decoder into {@link dev.lancelet.file.LanceFileReader}: register it with {@code
   * LanceFileReader.registerDecoder(LanceFileVersion.V2_0, V20FileDecoder.FACTORY)}.
   */
  public static final FileDecoder.Factory FACTORY = ctx -> open(ctx.object(), ctx.metadata());

  private final List<ColumnMetadata> columnMetadata;
  private final List<String> columnNames;
  private final PageIo io;
  private final Schema schema;
  private final FieldReader[] readers;
  private final long numRows;

  private V20FileDecoder(PageIo io, Schema schema, FieldReader[] readers, long numRows, List<ColumnMetadata> columns, List<String> names) {
    this.columnMetadata = columns;
    this.columnNames = names;
    this.io = io;
    this.schema = schema;
    this.readers = readers;
    this.numRows = numRows;
  }

  /**
   * Binds the decoder to a file.
   *
   * @param object the open file; not closed by the decoder
   * @param fileSize the file's size in bytes
   * @param fileSchema the file's schema (every field, in file order)
   * @param columns the file's column metadata, in column order
   * @param numRows the row count from the file descriptor
   * @param globalBufferPos positions of the global buffers
   * @param globalBufferSize sizes of the global buffers
   * @throws LanceFormatException if the columns do not match the schema or any page encoding is
   *     malformed or unsupported
   */
  public static V20FileDecoder open(
      ReadableObject object,
      long fileSize,
      Schema fileSchema,
      List<ColumnMetadata> columns,
      long numRows,
      long[] globalBufferPos,
      long[] globalBufferSize)
      throws LanceFormatException {
    PageIo io = new PageIo(object, fileSize);
    PageBuffers.checkExtents(io, globalBufferPos, globalBufferSize, "global buffer table");
    Builder b = new Builder(io, columns, globalBufferPos, globalBufferSize);
    List<Field> outFields = new ArrayList<>();
    FieldReader[] readers = new FieldReader[fileSchema.getFields().size()];
    for (int i = 0; i < readers.length; i++) {
      Field f = valueField(fileSchema.getFields().get(i));
      readers[i] = b.field(fileSchema.getFields().get(i), f, f.getName());
      if (readers[i].numRows() != numRows) {
        throw io.corrupt("field %s has %d rows but the file has %d", f.getName(), readers[i].numRows(), numRows);
      }
      outFields.add(f);
    }
    if (b.next != columns.size()) {
      throw io.corrupt("the schema uses %d columns but the file has %d", b.next, columns.size());
    }
    return new V20FileDecoder(io, new Schema(outFields, fileSchema.getCustomMetadata()), readers, numRows, columns, b.names);
  }

  /**
   * Binds the decoder to a file whose container has been parsed; the schema comes from the file
   * descriptor.
   */
  public static V20FileDecoder open(ReadableObject object, FileMetadata meta) throws LanceFormatException {
    Schema schema;
    try {
      schema = LanceSchemaConverter.toArrow(
          meta.descriptor().getSchema().getFieldsList(), meta.descriptor().getSchema().getMetadataMap());
    } catch (LanceFormatException e) {
      throw new LanceFormatException(meta.location() + ": invalid schema: " + e.getMessage(), e);
    }
    long[] pos = new long[meta.numGlobalBuffers()];
    long[] size = new long[pos.length];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = meta.globalBufferOffset(i);
      size[i] = meta.globalBufferSize(i);
    }
    return open(object, meta.fileSize(), schema, meta.columns(), meta.descriptor().getLength(), pos, size);
  }

  /** The schema of what this decoder returns (dictionary fields carry their value type). */
  public Schema schema() {
    return schema;
  }

  public long numRows() {
    return numRows;
  }

  /**
   * Reads rows {@code [start, end)} of the given top-level fields (indices into {@link #schema()};
   * all when null). The caller closes the result.
   */
  public VectorSchemaRoot readRange(long start, long end, int[] fields, BufferAllocator allocator) throws IOException {
    if (start < 0 || end < start || end > numRows) {
      throw new IllegalArgumentException("Row range [" + start + ", " + end + ") is outside the file's " + numRows + " rows");
    }
    long[] ranges = start == end ? new long[0] : new long[] {start, end};
    return readRanges(ranges, fields, allocator);
  }

  /**
   * Reads the given rows (any order, duplicates allowed) of the given top-level fields, in the
   * order asked. Only the pages and byte ranges those rows need are read. The caller closes the
   * result.
   */
  public VectorSchemaRoot take(long[] rows, int[] fields, BufferAllocator allocator) throws IOException {
    long[] sorted = rows.clone();
    Arrays.sort(sorted);
    int unique = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= numRows) {
        throw new IllegalArgumentException("Row " + sorted[i] + " is outside the file's " + numRows + " rows");
      }
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[unique++] = sorted[i];
      }
    }
    long[] ranges = new long[8];
    int n = 0;
    for (int i = 0; i < unique; i++) {
      long r = sorted[i];
      if (n > 0 && ranges[n - 1] == r) {
        ranges[n - 1] = r + 1;
      } else {
        if (n == ranges.length) {
          ranges = Arrays.copyOf(ranges, n * 2);
        }
        ranges[n++] = r;
        ranges[n++] = r + 1;
      }
    }
    VectorSchemaRoot sortedRoot = readRanges(Arrays.copyOf(ranges, n), fields, allocator);
    boolean inOrder = unique == rows.length;
    for (int i = 1; inOrder && i < rows.length; i++) {
      inOrder = rows[i] > rows[i - 1];
    }
    if (inOrder) {
      return sortedRoot;
    }
    // Put the rows back in the order asked, duplicates included: one index per output row.
    int[] idx = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      idx[i] = Arrays.binarySearch(sorted, 0, unique, rows[i]);
    }
    try (sortedRoot) {
      List<FieldVector> out = new ArrayList<>();
      boolean ok = false;
      try {
        for (FieldVector src : sortedRoot.getFieldVectors()) {
          FieldVector dst = src.getField().createVector(allocator);
          out.add(dst);
          Gather.gather(src, idx, rows.length, dst);
        }
        VectorSchemaRoot root = new VectorSchemaRoot(out);
        root.setRowCount(rows.length);
        ok = true;
        return root;
      } finally {
        if (!ok) {
          out.forEach(FieldVector::close);
        }
      }
    }
  }

  private VectorSchemaRoot readRanges(long[] ranges, int[] fields, BufferAllocator allocator) throws IOException {
    int[] chosen = fields;
    if (chosen == null) {
      chosen = new int[readers.length];
      for (int i = 0; i < chosen.length; i++) {
        chosen[i] = i;
      }
    }
    List<FieldVector> vectors = new ArrayList<>(chosen.length);
    boolean ok = false;
    try {
      int count = 0;
      for (int fi : chosen) {
        if (fi < 0 || fi >= readers.length) {
          throw new IllegalArgumentException("Field index " + fi + " is outside the schema's " + readers.length + " fields");
        }
        FieldVector v = schema.getFields().get(fi).createVector(allocator);
        vectors.add(v);
        try {
          readers[fi].read(ranges, v);
        } catch (RuntimeException e) {
          throw LanceFormatException.wrapUnexpected(io.location() + ": field " + readers[fi].field.getName() + " is corrupt: " + e, e);
        }
        count = v.getValueCount();
      }
      VectorSchemaRoot root = new VectorSchemaRoot(vectors);
      root.setRowCount(chosen.length == 0 ? (int) Nodes.rowCount(ranges) : count);
      ok = true;
      return root;
    } finally {
      if (!ok) {
        vectors.forEach(FieldVector::close);
      }
    }
  }

  // ------------------------------------------------------------------ FileDecoder (reader plug-in)

  /** Reads {@code ranges} of field {@code fi} into the caller's vector, wrapping stray runtime errors. */
  private void readInto(int fi, long[] ranges, FieldVector out) throws IOException {
    if (fi < 0 || fi >= readers.length) {
      throw new IllegalArgumentException("Field index " + fi + " is outside the schema's " + readers.length + " fields");
    }
    if (out.getField().getDictionary() != null) {
      throw new LanceFormatException(io.location() + ": field " + out.getField().getName()
          + " is dictionary-typed; the 2.0 decoder returns dictionary fields as their value type (see V20FileDecoder.schema())");
    }
    try {
      readers[fi].read(ranges, out);
    } catch (RuntimeException e) {
      throw LanceFormatException.wrapUnexpected(io.location() + ": field " + readers[fi].field.getName() + " is corrupt: " + e, e);
    }
  }

  @Override
  public Cursor scan(List<Integer> fields, long start, long end) {
    if (start < 0 || end < start || end > numRows) {
      throw new IllegalArgumentException("Row range [" + start + ", " + end + ") is outside the file's " + numRows + " rows");
    }
    return new Cursor() {
      long pos = start;

      @Override
      public void next(int n, List<FieldVector> out) throws IOException {
        if (n < 0 || n > end - pos) {
          throw new IllegalArgumentException("Cannot read " + n + " rows: " + (end - pos) + " left");
        }
        long[] ranges = n == 0 ? new long[0] : new long[] {pos, pos + n};
        for (int i = 0; i < fields.size(); i++) {
          readInto(fields.get(i), ranges, out.get(i));
        }
        pos += n;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void take(long[] rows, List<Integer> fields, List<FieldVector> out) throws IOException {
    int[] fi = fields.stream().mapToInt(Integer::intValue).toArray();
    try (VectorSchemaRoot r = take(rows, fi, out.isEmpty() ? null : out.get(0).getAllocator())) {
      for (int i = 0; i < fi.length; i++) {
        FieldVector src = r.getVector(i);
        FieldVector dst = out.get(i);
        dst.clear();
        src.makeTransferPair(dst).transfer();
      }
    }
  }

  /**
   * This decoder with the reads of its scans and takes at {@code priority}: the readers are shared,
   * the priority travels with the calling thread for the length of each call.
   */
  @Override
  public FileDecoder withPriority(IoPriority priority) {
    if (!io.honours(priority)) {
      return this;
    }
    V20FileDecoder base = this;
    return new FileDecoder() {
      @Override
      public Cursor scan(List<Integer> fields, long start, long end) throws IOException {
        Cursor c = base.scan(fields, start, end);
        return new Cursor() {
          @Override
          public void next(int numRows, List<FieldVector> out) throws IOException {
            io.at(priority, () -> {
              c.next(numRows, out);
              return null;
            });
          }

          @Override
          public void close() {
            c.close();
          }
        };
      }

      @Override
      public void take(long[] rows, List<Integer> fields, List<FieldVector> out) throws IOException {
        io.at(priority, () -> {
          base.take(rows, fields, out);
          return null;
        });
      }

      @Override
      public long[] legacyBlobDescriptors(long[] rows, int field) throws IOException {
        return io.at(priority, () -> base.legacyBlobDescriptors(rows, field));
      }

      @Override
      public FileDecoder withPriority(IoPriority p) {
        return base.withPriority(p);
      }

      @Override
      public List<FileInfo.ColumnInfo> columns() throws IOException {
        return base.columns();
      }
    };
  }

  @Override
  public long[] legacyBlobDescriptors(long[] rows, int field) throws IOException {
    if (!(readers[field] instanceof FieldReader.Blob blob)) {
      throw new IllegalArgumentException("Field " + schema.getFields().get(field).getName() + " is not a blob column");
    }
    long[] sorted = rows.clone();
    Arrays.sort(sorted);
    int unique = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= numRows) {
        throw new IndexOutOfBoundsException("Row " + sorted[i] + " is outside the file's " + numRows + " rows");
      }
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[unique++] = sorted[i];
      }
    }
    long[] ranges = new long[2 * unique];
    for (int i = 0; i < unique; i++) {
      ranges[2 * i] = sorted[i];
      ranges[2 * i + 1] = sorted[i] + 1;
    }
    long[] d = blob.descriptors(ranges);
    long[] out = new long[2 * rows.length];
    for (int i = 0; i < rows.length; i++) {
      int k = Arrays.binarySearch(sorted, 0, unique, rows[i]);
      out[2 * i] = d[2 * k];
      out[2 * i + 1] = d[2 * k + 1];
    }
    return out;
  }

  @Override
  public List<FileInfo.ColumnInfo> columns() throws IOException {
    List<FileInfo.ColumnInfo> out = new ArrayList<>();
    for (int c = 0; c < columnMetadata.size(); c++) {
      ColumnMetadata cm = columnMetadata.get(c);
      List<FileInfo.PageInfo> pages = new ArrayList<>();
      long first = 0;
      for (int p = 0; p < cm.getPagesCount(); p++) {
        ColumnMetadata.Page page = cm.getPages(p);
        String where = "column " + c + " page " + p;
        var enc = EncodingTree.pageEncoding(io, page.getEncoding(), where);
        List<FileInfo.BufferInfo> bufs = new ArrayList<>();
        for (int b = 0; b < page.getBufferOffsetsCount() && b < page.getBufferSizesCount(); b++) {
          bufs.add(new FileInfo.BufferInfo(page.getBufferOffsets(b), page.getBufferSizes(b)));
        }
        pages.add(new FileInfo.PageInfo(first, page.getLength(), enc.getArrayEncodingCase().name(), EncodingTree.describe(enc), bufs));
        first += page.getLength();
      }
      ColumnEncoding ce = EncodingTree.columnEncoding(io, cm.getEncoding(), "column " + c);
      out.add(new FileInfo.ColumnInfo(c, columnNames.get(c), ce.hasBlob() ? "Blob" : "Values", pages));
    }
    return out;
  }

  /** The field with dictionary encodings removed, recursively: what the decoder produces. */
  static Field valueField(Field f) {
    List<Field> kids = new ArrayList<>();
    for (Field c : f.getChildren()) {
      kids.add(valueField(c));
    }
    FieldType t = new FieldType(f.isNullable(), f.getType(), null, f.getMetadata());
    return new Field(f.getName(), t, kids);
  }

  /** Walks the schema in pre-order, giving each field its column(s). */
  private static final class Builder {
    final PageIo io;
    final List<ColumnMetadata> columns;
    final long[] filePos;
    final long[] fileSize;
    final List<String> names = new ArrayList<>();
    int next;

    Builder(PageIo io, List<ColumnMetadata> columns, long[] filePos, long[] fileSize) {
      this.io = io;
      this.columns = columns;
      this.filePos = filePos;
      this.fileSize = fileSize;
    }

    /** {@code original} keeps dictionary encodings (they choose the dictionary flavour). */
    FieldReader field(Field original, Field out, String path) throws LanceFormatException {
      int index = next++;
      names.add(path);
      if (index >= columns.size()) {
        throw io.corrupt("field %s needs column %d but the file has only %d columns", out.getName(), index, columns.size());
      }
      ColumnMetadata col = columns.get(index);
      String where = "column " + index + " (field " + out.getName() + ")";
      long[] cpos = col.getBufferOffsetsList().stream().mapToLong(Long::longValue).toArray();
      long[] csize = col.getBufferSizesList().stream().mapToLong(Long::longValue).toArray();
      PageBuffers.checkExtents(io, cpos, csize, where);
      PageBuffers colBufs = new PageBuffers(io, null, null, cpos, csize, filePos, fileSize);
      ColumnEncoding ce = EncodingTree.columnEncoding(io, col.getEncoding(), where);
      if (ce.hasZoneIndex()) {
        throw io.corrupt("%s has a zone-index column encoding, which is not supported", where);
      }
      FieldReader.Pages pages = new FieldReader.Pages(io, col, index, colBufs);
      if (ce.hasBlob()) {
        return new FieldReader.Blob(io, out, pages);
      }
      ArrowType type = out.getType();
      if (type instanceof ArrowType.Struct) {
        if (pages.size() > 0 && pages.encodings[0].hasPackedStruct()) {
          return new FieldReader.Primitive(io, original, pages);
        }
        for (int i = 0; i < pages.size(); i++) {
          if (!pages.encodings[i].hasStruct()) {
            throw io.corrupt("%s: a struct header page must be SimpleStruct, found %s", where, pages.encodings[i].getArrayEncodingCase());
          }
        }
        FieldReader[] kids = new FieldReader[out.getChildren().size()];
        for (int i = 0; i < kids.length; i++) {
          kids[i] = field(original.getChildren().get(i), out.getChildren().get(i), path + "." + out.getChildren().get(i).getName());
        }
        return new FieldReader.Struct(io, out, pages.total, kids);
      }
      if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList) {
        FieldReader items = field(original.getChildren().get(0), out.getChildren().get(0), path + "." + out.getChildren().get(0).getName());
        return new FieldReader.ListField(io, out, pages, items);
      }
      if (type instanceof ArrowType.Map || type instanceof ArrowType.Union || type instanceof ArrowType.ListView
          || type instanceof ArrowType.LargeListView || type instanceof ArrowType.RunEndEncoded) {
        throw io.corrupt("field %s of type %s cannot be stored in a 2.0 file", out.getName(), type);
      }
      for (int i = 0; i < pages.size(); i++) {
        if (pages.encodings[i].hasList()) {
          throw io.corrupt("%s stores %s as a list of bytes (an early 2.0 layout), which is not supported", where, type);
        }
      }
      return new FieldReader.Primitive(io, original, pages);
    }
  }
}
