package dev.lancelet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow IPC test data: int64, nullable utf8, float64, fixed_size_list&lt;float32, 4&gt;, nullable
 * list&lt;utf8&gt; and a dictionary-encoded utf8 column, in several batches. Rows are rendered as
 * column-name to text maps so files written different ways compare directly.
 */
final class ArrowFixtures {
  static final String[] COLORS = {"red", "green", "blue"};
  static final DictionaryEncoding COLOR_ENCODING = new DictionaryEncoding(7L, false, new ArrowType.Int(32, true));

  private ArrowFixtures() {}

  static Schema schema(boolean dictionaryColors) {
    Field item = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Field tag = new Field("item", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
    return new Schema(List.of(
        new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
        new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
        new Field("score", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
        new Field("vec", FieldType.notNullable(new ArrowType.FixedSizeList(4)), List.of(item)),
        new Field("tags", FieldType.nullable(ArrowType.List.INSTANCE), List.of(tag)),
        dictionaryColors
            ? new Field("color", new FieldType(true, COLOR_ENCODING.getIndexType(), COLOR_ENCODING), null)
            : new Field("color", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
  }

  /** Writes {@code batches} batches of {@code rowsPerBatch} rows, color dictionary-encoded, as an IPC file or stream. */
  static Path writeIpc(Path file, boolean stream, int batches, int rowsPerBatch, BufferAllocator allocator) throws IOException {
    try (VarCharVector colors = new VarCharVector("colors", allocator);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema(true), allocator);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int k = 0; k < COLORS.length; k++) {
        colors.setSafe(k, COLORS[k].getBytes(StandardCharsets.UTF_8));
      }
      colors.setValueCount(COLORS.length);
      DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
      provider.put(new Dictionary(colors, COLOR_ENCODING));
      try (ArrowWriter w = stream ? new ArrowStreamWriter(root, provider, ch) : new ArrowFileWriter(root, provider, ch)) {
        w.start();
        for (int b = 0; b < batches; b++) {
          fill(root, (long) b * rowsPerBatch, rowsPerBatch);
          w.writeBatch();
        }
        w.end();
      }
    }
    return file;
  }

  /** Fills rows {@code [start, start + n)}; the color column is filled as indices or values to match the root's schema. */
  static void fill(VectorSchemaRoot root, long start, int n) {
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    Float8Vector score = (Float8Vector) root.getVector("score");
    FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
    Float4Vector vecItems = (Float4Vector) vec.getDataVector();
    ListVector tags = (ListVector) root.getVector("tags");
    VarCharVector tagItems = (VarCharVector) tags.getDataVector();
    FieldVector color = root.getVector("color");
    int tagCount = 0;
    for (int i = 0; i < n; i++) {
      long r = start + i;
      id.setSafe(i, r * 3 - 7);
      if (r % 7 == 3) {
        name.setNull(i);
      } else {
        name.setSafe(i, ("name-" + r + "-" + "x".repeat((int) (r % 5))).getBytes(StandardCharsets.UTF_8));
      }
      score.setSafe(i, r / 8.0 - 100);
      vec.setNotNull(i);
      for (int k = 0; k < 4; k++) {
        vecItems.setSafe(i * 4 + k, (float) (r + k * 0.25));
      }
      if (r % 5 == 0) {
        tags.setNull(i);
      } else {
        int off = tags.startNewValue(i);
        int count = (int) (r % 3);
        for (int k = 0; k < count; k++) {
          tagItems.setSafe(off + k, ("t" + (r + k) % 11).getBytes(StandardCharsets.UTF_8));
        }
        tags.endValue(i, count);
        tagCount = off + count;
      }
      int c = (int) (r % 4);
      if (color instanceof IntVector indices) {
        if (c == 3) {
          indices.setNull(i);
        } else {
          indices.setSafe(i, c);
        }
      } else {
        VarCharVector values = (VarCharVector) color;
        if (c == 3) {
          values.setNull(i);
        } else {
          values.setSafe(i, COLORS[c].getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    vecItems.setValueCount(n * 4);
    tagItems.setValueCount(tagCount);
    root.setRowCount(n);
  }

  /** The rows {@link #writeIpc} writes, rendered, with color as plain values. */
  static List<Map<String, String>> expectedRows(long total, BufferAllocator allocator) {
    List<Map<String, String>> out = new ArrayList<>();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(false), allocator)) {
      fill(root, 0, (int) total);
      render(root, null, out);
    }
    return out;
  }

  /** Reads an IPC file or stream and renders its rows, decoding dictionary columns. */
  static List<Map<String, String>> readRows(Path file, BufferAllocator allocator) throws IOException {
    List<Map<String, String>> out = new ArrayList<>();
    boolean isFile = file.toString().endsWith(".arrow");
    try (InputStream in = isFile ? null : Files.newInputStream(file);
        ArrowReader reader = isFile
            ? new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator)
            : new ArrowStreamReader(in, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        render(root, reader, out);
      }
    }
    return out;
  }

  /** The schema of an IPC file (.arrow) or stream (.arrows). */
  static Schema schemaOf(Path file, BufferAllocator allocator) throws IOException {
    boolean isFile = file.toString().endsWith(".arrow");
    try (InputStream in = isFile ? null : Files.newInputStream(file);
        ArrowReader reader = isFile
            ? new ArrowFileReader(FileChannel.open(file, StandardOpenOption.READ), allocator)
            : new ArrowStreamReader(in, allocator)) {
      return reader.getVectorSchemaRoot().getSchema();
    }
  }

  private static void render(VectorSchemaRoot root, DictionaryProvider dictionaries, List<Map<String, String>> out) {
    List<ValueVector> columns = new ArrayList<>();
    List<ValueVector> decoded = new ArrayList<>();
    try {
      for (FieldVector v : root.getFieldVectors()) {
        DictionaryEncoding enc = v.getField().getDictionary();
        if (enc == null) {
          columns.add(v);
        } else {
          ValueVector d = DictionaryEncoder.decode(v, dictionaries.lookup(enc.getId()));
          decoded.add(d);
          columns.add(d);
        }
      }
      for (int i = 0; i < root.getRowCount(); i++) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
          ValueVector v = columns.get(c);
          row.put(root.getSchema().getFields().get(c).getName(), v.isNull(i) ? "null" : String.valueOf(v.getObject(i)));
        }
        out.add(row);
      }
    } finally {
      decoded.forEach(ValueVector::close);
    }
  }
}
