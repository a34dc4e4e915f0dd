package dev.lancelet.cli.formats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Helpers of the format tests. */
final class FormatTesting {
  private FormatTesting() {}

  /** Every batch of the reader, copied into roots the caller closes. */
  static List<VectorSchemaRoot> readAll(ArrowReader reader, BufferAllocator allocator) throws IOException {
    List<VectorSchemaRoot> out = new ArrayList<>();
    boolean ok = false;
    try {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        VectorSchemaRoot copy = VectorSchemaRoot.create(root.getSchema(), allocator);
        out.add(copy);
        try (ArrowRecordBatch rb = new VectorUnloader(root).getRecordBatch()) {
          new VectorLoader(copy).load(rb);
        }
      }
      ok = true;
      return out;
    } finally {
      if (!ok) {
        closeAll(out);
      }
    }
  }

  /** Reads the whole file. */
  static List<VectorSchemaRoot> read(Path file, DataFormat format, ReaderOptions options, BufferAllocator allocator)
      throws IOException {
    try (ArrowReader r = Formats.openReader(file, format, options, allocator)) {
      return readAll(r, allocator);
    }
  }

  /** Writes the batches. */
  static void write(Path file, DataFormat format, List<VectorSchemaRoot> batches, WriterOptions options,
      BufferAllocator allocator) throws IOException {
    try (BatchWriter w = Formats.openWriter(file, format, batches.get(0).getSchema(), options, allocator)) {
      for (VectorSchemaRoot b : batches) {
        w.write(b);
      }
    }
  }

  static void closeAll(List<VectorSchemaRoot> roots) {
    for (VectorSchemaRoot r : roots) {
      r.close();
    }
  }

  /** All rows of column {@code c} in canonical Java form. */
  static List<Object> column(List<VectorSchemaRoot> batches, int c) {
    List<Object> out = new ArrayList<>();
    for (VectorSchemaRoot b : batches) {
      FieldVector v = b.getVector(c);
      for (int i = 0; i < b.getRowCount(); i++) {
        out.add(normalize(Values.get(v, i)));
      }
    }
    return out;
  }

  /** Object[] structs as lists, so that equals() compares them by value. */
  static Object normalize(Object v) {
    if (v instanceof Object[] a) {
      List<Object> out = new ArrayList<>();
      for (Object x : a) {
        out.add(normalize(x));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(normalize(x));
      }
      return out;
    }
    if (v instanceof byte[] b) {
      return java.util.HexFormat.of().formatHex(b);
    }
    return v;
  }

  static Field field(String name, ArrowType t) {
    return new Field(name, FieldType.nullable(t), null);
  }

  static Field field(String name, ArrowType t, Field... children) {
    return new Field(name, FieldType.nullable(t), List.of(children));
  }

  static Schema schema(Field... fields) {
    return new Schema(List.of(fields));
  }
}
