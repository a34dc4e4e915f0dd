package dev.lancelet.table;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.file.schema.LanceSchemaConverter;
import dev.lancelet.table.format.TableSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Writes rows read from a dataset back with their dictionary-typed columns ({@code
 * dict:<value>:<index>:<ordered>}) dictionary-encoded again, so a rewritten data file keeps the
 * column's Lance logical type. Scans give such columns as values; each batch written gets, per
 * such column, a dictionary of its distinct values in first-seen order and indices of the
 * column's index type.
 *
 * <p>Only top-level columns of utf8, large_utf8, binary or large_binary values are handled; others
 * are refused. With 8- or 16-bit indices a data file takes rows only while each such column's
 * distinct values (null counting as one) fit the index type ({@link #fit}): lance-core returns one
 * dictionary per batch, and cannot read a batch whose values the index type does not address.
 */
final class DictionaryRewriter implements AutoCloseable {
  private record Column(int index, DictionaryEncoding encoding, Field valueField) {}

  /** Per column: values the index type addresses (0 = no limit kept) and the current file's values. */
  private final int[] capacity;
  private final List<java.util.Set<ByteBuffer>> fileValues = new ArrayList<>();
  /** Per column: the current file has a null. */
  private final boolean[] fileNull;

  private final List<Column> columns;
  private final Schema writerSchema;
  private final BufferAllocator allocator;
  private final DictionaryProvider.MapDictionaryProvider empty = new DictionaryProvider.MapDictionaryProvider();

  private DictionaryRewriter(List<Column> columns, Schema writerSchema, BufferAllocator allocator) {
    this.columns = columns;
    this.writerSchema = writerSchema;
    this.allocator = allocator;
    this.capacity = new int[columns.size()];
    this.fileNull = new boolean[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      ArrowType.Int t = columns.get(i).encoding().getIndexType();
      capacity[i] = t.getBitWidth() > 16 ? 0 : t.getIsSigned() ? 1 << (t.getBitWidth() - 1) : 1 << t.getBitWidth();
      fileValues.add(new java.util.HashSet<>());
    }
  }

  /**
   * A rewriter for batches of {@code arrow} (the schema scans of {@code schema} produce), or null
   * when no column is dictionary-typed.
   *
   * @param what the operation and dataset, for messages
   * @throws UnsupportedOperationException for a nested dictionary column or one of other values
   */
  static DictionaryRewriter of(TableSchema schema, Schema arrow, BufferAllocator allocator, String what) {
    List<Column> cols = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    List<LanceField> top = schema.topLevel();
    for (int i = 0; i < top.size(); i++) {
      LanceField lf = top.get(i);
      Field f = arrow.getFields().get(i);
      for (LanceField c : lf.children()) {
        refuseNested(c, what);
      }
      if (!lf.logicalType().startsWith("dict:")) {
        fields.add(f);
        continue;
      }
      ArrowType vt = f.getType();
      if (!(vt instanceof ArrowType.Utf8 || vt instanceof ArrowType.LargeUtf8 || vt instanceof ArrowType.Binary
          || vt instanceof ArrowType.LargeBinary)) {
        throw new UnsupportedOperationException(what + " is not supported: dictionary column '" + lf.name()
            + "' has " + vt + " values; only string and binary dictionaries are rewritten");
      }
      String[] parts = lf.logicalType().split(":", -1);
      ArrowType it = parts.length == 4 ? LanceSchemaConverter.primitive(parts[2]) : null;
      if (!(it instanceof ArrowType.Int idx)) {
        throw new UnsupportedOperationException(what + " is not supported: dictionary column '" + lf.name()
            + "' has logical type '" + lf.logicalType() + "' without an integer index type");
      }
      DictionaryEncoding enc = new DictionaryEncoding(cols.size(), Boolean.parseBoolean(parts[3]), idx);
      Map<String, String> md = f.getMetadata() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(f.getMetadata());
      md.remove(LanceFileReader.DICTIONARY_TYPE_KEY);
      fields.add(new Field(f.getName(), new FieldType(f.isNullable(), idx, enc, md.isEmpty() ? null : md), null));
      cols.add(new Column(i, enc, new Field(f.getName(), FieldType.nullable(vt), null)));
    }
    if (cols.isEmpty()) {
      return null;
    }
    DictionaryRewriter r = new DictionaryRewriter(List.copyOf(cols), new Schema(fields, arrow.getCustomMetadata()),
        allocator);
    for (Column c : cols) {
      FieldVector v = c.valueField().createVector(allocator);
      v.allocateNew();
      v.setValueCount(0);
      r.empty.put(new Dictionary(v, c.encoding()));
    }
    return r;
  }

  private static void refuseNested(LanceField f, String what) {
    if (f.logicalType().startsWith("dict:")) {
      throw new UnsupportedOperationException(what + " is not supported: nested column '" + f.name()
          + "' is dictionary-encoded, which Lancelet does not rewrite yet");
    }
    for (LanceField c : f.children()) {
      refuseNested(c, what);
    }
  }

  /** The schema to create writers with (dictionary columns as indices with their encoding). */
  Schema writerSchema() {
    return writerSchema;
  }

  /** Empty dictionaries of the right value types, to create writers with. */
  DictionaryProvider dictionaries() {
    return empty;
  }

  /** Starts a new data file: no values counted yet. */
  void newFile() {
    for (java.util.Set<ByteBuffer> v : fileValues) {
      v.clear();
    }
    java.util.Arrays.fill(fileNull, false);
  }

  /**
   * How many of rows {@code [off, off + max)} of {@code batch} the current data file can take:
   * the longest run keeping, for every column with 8- or 16-bit indices, the file's distinct
   * values (null counting as one) within what the index type addresses. Counts the values of the
   * rows it admits, which the caller must then write to the file. 0 means the file is full (never
   * for a new file: one row adds at most one value per column).
   */
  int fit(VectorSchemaRoot batch, int off, int max) {
    int end = off + max;
    for (int c = 0; c < columns.size(); c++) {
      if (capacity[c] == 0) {
        continue;
      }
      FieldVector src = batch.getVector(columns.get(c).index());
      java.util.Set<ByteBuffer> seen = fileValues.get(c);
      java.util.Set<ByteBuffer> added = new java.util.HashSet<>();
      boolean nullNow = fileNull[c];
      for (int r = off; r < end; r++) {
        boolean isNew;
        ByteBuffer b = null;
        if (src.isNull(r)) {
          isNew = !nullNow;
        } else {
          b = ByteBuffer.wrap(bytes(src, r));
          isNew = !seen.contains(b) && !added.contains(b);
        }
        if (isNew) {
          if (seen.size() + added.size() + (nullNow ? 1 : 0) + 1 > capacity[c]) {
            end = r;
            break;
          }
          if (b == null) {
            nullNow = true;
          } else {
            added.add(b);
          }
        }
      }
    }
    for (int c = 0; c < columns.size(); c++) {
      if (capacity[c] == 0) {
        continue;
      }
      FieldVector src = batch.getVector(columns.get(c).index());
      for (int r = off; r < end; r++) {
        if (src.isNull(r)) {
          fileNull[c] = true;
        } else {
          fileValues.get(c).add(ByteBuffer.wrap(bytes(src, r)));
        }
      }
    }
    return end - off;
  }

  /** Writes {@code batch} (values as scans give them; left as it is) to {@code w}. */
  void write(LanceFileWriter w, VectorSchemaRoot batch) throws IOException {
    write(w, batch, Map.of());
  }

  /**
   * {@link #write(LanceFileWriter, VectorSchemaRoot)} with blob v2 values copied from handles (see
   * {@link LanceFileWriter#write(VectorSchemaRoot, DictionaryProvider, Map)}); empty for none.
   */
  void write(LanceFileWriter w, VectorSchemaRoot batch, Map<String, List<dev.lancelet.file.blob.BlobHandle>> blobs)
      throws IOException {
    writePiece(w, batch, 0, batch.getRowCount(), blobs);
  }

  private static byte[] bytes(FieldVector v, int i) {
    if (v instanceof BaseVariableWidthVector b) {
      return b.get(i);
    }
    return ((BaseLargeVariableWidthVector) v).get(i);
  }

  private void writePiece(LanceFileWriter w, VectorSchemaRoot batch, int start, int end,
      Map<String, List<dev.lancelet.file.blob.BlobHandle>> blobs) throws IOException {
    int len = end - start;
    List<FieldVector> out = new ArrayList<>();
    DictionaryProvider.MapDictionaryProvider dicts = new DictionaryProvider.MapDictionaryProvider();
    List<FieldVector> dictVectors = new ArrayList<>();
    try {
      int next = 0;
      for (int i = 0; i < batch.getFieldVectors().size(); i++) {
        FieldVector src = batch.getVector(i);
        Column c = next < columns.size() && columns.get(next).index() == i ? columns.get(next++) : null;
        if (c == null) {
          TransferPair tp = src.getTransferPair(allocator);
          tp.splitAndTransfer(start, len);
          out.add((FieldVector) tp.getTo());
          continue;
        }
        FieldVector idx = writerSchema.getFields().get(i).createVector(allocator);
        out.add(idx);
        FieldVector dict = c.valueField().createVector(allocator);
        dictVectors.add(dict);
        idx.setInitialCapacity(len);
        idx.allocateNew();
        dict.allocateNew();
        Map<ByteBuffer, Integer> ids = new HashMap<>();
        for (int r = 0; r < len; r++) {
          if (src.isNull(start + r)) {
            continue; // validity starts cleared
          }
          byte[] b = bytes(src, start + r);
          Integer id = ids.get(ByteBuffer.wrap(b));
          if (id == null) {
            id = ids.size();
            ids.put(ByteBuffer.wrap(b), id);
            if (dict instanceof BaseVariableWidthVector d) {
              d.setSafe(id, b);
            } else {
              ((BaseLargeVariableWidthVector) dict).setSafe(id, b);
            }
          }
          ((BaseIntVector) idx).setWithPossibleTruncate(r, id);
        }
        idx.setValueCount(len);
        dict.setValueCount(ids.size());
        dicts.put(new Dictionary(dict, c.encoding()));
      }
      try (VectorSchemaRoot root = new VectorSchemaRoot(writerSchema.getFields(), out, len)) {
        out = null;
        if (blobs.isEmpty()) {
          w.write(root, dicts);
        } else {
          w.write(root, dicts, blobs);
        }
      }
    } finally {
      Batches.closeAll(out);
      Batches.closeAll(dictVectors);
    }
  }

  @Override
  public void close() {
    List<FieldVector> vs = new ArrayList<>();
    for (long id : empty.getDictionaryIds()) {
      vs.add(empty.lookup(id).getVector());
    }
    Batches.closeAll(vs);
  }
}
