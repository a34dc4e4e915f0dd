package dev.lancelet.file.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.memory.ArrowBuf;
import org.lance.file.LanceFileReader;
import org.lance.file.LanceFileWriter;
import org.lance.util.Range;

/**
 * The reference engine ({@code org.lance:lance-core:7.0.0}, JNI) behind a small, leak-free API.
 *
 * <p>Writes copy every batch into fresh allocations first (the JNI writer panics on buffers that
 * are not aligned, such as slices). Reads deep-copy every batch into the caller's allocator and
 * decode dictionary columns to plain values, then close everything lance-core allocated, so the
 * returned roots are the caller's alone: close them (e.g. with {@link #closeAll}).
 *
 * <p>Versions are data storage versions as lance-core spells them ("2.0", "2.1", "2.2", "2.3",
 * "next", "legacy"); {@code null} means lance-core's default (2.1).
 */
public final class ReferenceLance {

  /** Batch size used by the read methods that do not take one. */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  /** A half-open row range [start, end). */
  public record RowRange(int start, int end) {
    public RowRange {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("Bad row range [" + start + ", " + end + ")");
      }
    }
  }

  private ReferenceLance() {}

  /** Writes {@code batches} (which must match {@code schema}) as one Lance file with lance-core. */
  public static void writeFile(Path path, Schema schema, List<VectorSchemaRoot> batches, String version)
      throws IOException {
    writeFile(path, schema, batches, null, version, Map.of());
  }

  /** Writes generated data (dictionaries included). */
  public static void writeFile(Path path, RandomData.Batches data, String version) throws IOException {
    writeFile(path, data.schema(), data.roots(), data.dictionaries(), version, Map.of());
  }

  /**
   * Writes {@code batches} as one Lance file with lance-core.
   *
   * @param dictionaries dictionaries for dictionary-encoded fields, or null if there are none
   * @param version data storage version, or null for lance-core's default
   * @param schemaMetadata added with {@code addSchemaMetadata} if not empty
   */
  public static void writeFile(
      Path path, Schema schema, List<VectorSchemaRoot> batches, DictionaryProvider dictionaries,
      String version, Map<String, String> schemaMetadata) throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      DictionaryProvider.MapDictionaryProvider dictCopy = new DictionaryProvider.MapDictionaryProvider();
      try {
        if (dictionaries != null) {
          for (long id : dictionaries.getDictionaryIds()) {
            Dictionary d = dictionaries.lookup(id);
            dictCopy.put(new Dictionary(copyVector(d.getVector(), d.getVector().getField(), allocator), d.getEncoding()));
          }
        }
        try (LanceFileWriter writer = LanceFileWriter.open(
            path.toString(), allocator, dictCopy, Optional.ofNullable(version), Map.of())) {
          for (VectorSchemaRoot batch : batches) {
            if (!batch.getSchema().getFields().equals(schema.getFields())) {
              throw new IllegalArgumentException("Batch schema " + batch.getSchema() + " does not match " + schema);
            }
            try (VectorSchemaRoot copy = copyRoot(batch, schema, allocator)) {
              writer.write(copy);
            }
          }
          if (schemaMetadata != null && !schemaMetadata.isEmpty()) {
            writer.addSchemaMetadata(schemaMetadata);
          }
        } catch (IOException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException("lance-core writer failed on " + path, e);
        }
      } finally {
        RandomData.closeDictionaries(dictCopy);
      }
    }
  }

  /** Reads the whole file (all columns if {@code columns} is null) into caller-owned roots. */
  public static List<VectorSchemaRoot> readFile(Path path, List<String> columns, BufferAllocator allocator)
      throws IOException {
    return read(path, columns, null, DEFAULT_BATCH_SIZE, allocator);
  }

  /** Reads the given row ranges (in order) into caller-owned roots. */
  public static List<VectorSchemaRoot> readRanges(
      Path path, List<String> columns, List<RowRange> ranges, BufferAllocator allocator) throws IOException {
    return read(path, columns, ranges, DEFAULT_BATCH_SIZE, allocator);
  }

  /**
   * Reads with lance-core's {@code readAll}; {@code columns} null means every top-level column,
   * {@code ranges} null means the whole file.
   */
  public static List<VectorSchemaRoot> read(
      Path path, List<String> columns, List<RowRange> ranges, int batchSize, BufferAllocator allocator)
      throws IOException {
    List<VectorSchemaRoot> out = new ArrayList<>();
    boolean ok = false;
    try (BufferAllocator refAllocator = new RootAllocator()) {
      LanceFileReader reader = LanceFileReader.open(path.toString(), refAllocator);
      try {
        List<String> cols = columns != null ? columns
            : reader.schema().getFields().stream().map(Field::getName).toList();
        List<Range> lanceRanges = ranges == null ? null
            : ranges.stream().map(r -> Range.of(r.start(), r.end())).toList();
        try (ArrowReader batches = reader.readAll(cols, lanceRanges, batchSize)) {
          while (batches.loadNextBatch()) {
            out.add(materialize(batches.getVectorSchemaRoot(), batches, allocator));
          }
        }
      } finally {
        closeReference(reader);
      }
      ok = true;
      return out;
    } finally {
      if (!ok) {
        closeAll(out);
      }
    }
  }

  /** Row count as lance-core reports it. */
  public static long numRows(Path path) throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      LanceFileReader reader = LanceFileReader.open(path.toString(), allocator);
      try {
        return reader.numRows();
      } finally {
        closeReference(reader);
      }
    }
  }

  /** Arrow schema as lance-core reports it. */
  public static Schema schema(Path path) throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      LanceFileReader reader = LanceFileReader.open(path.toString(), allocator);
      try {
        return reader.schema();
      } finally {
        closeReference(reader);
      }
    }
  }

  /** Closes every root; null-safe. */
  public static void closeAll(List<VectorSchemaRoot> roots) {
    if (roots != null) {
      roots.forEach(VectorSchemaRoot::close);
    }
  }

  /** Total rows in {@code roots}. */
  public static long rowCount(List<VectorSchemaRoot> roots) {
    return roots.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
  }

  // ------------------------------------------------------------------------------------------

  private static void closeReference(AutoCloseable c) throws IOException {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("Closing lance-core " + c.getClass().getSimpleName() + " failed", e);
    }
  }

  /**
   * Deep copy of {@code src} into fresh buffers from {@code allocator}; the copy's schema is
   * {@code schema} (which must describe the same vectors).
   */
  static VectorSchemaRoot copyRoot(VectorSchemaRoot src, Schema schema, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    try {
      for (int c = 0; c < src.getFieldVectors().size(); c++) {
        vectors.add(copyVector(src.getVector(c), schema.getFields().get(c), allocator));
      }
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    return new VectorSchemaRoot(schema.getFields(), vectors, src.getRowCount());
  }

  /**
   * Deep copy of one vector (any nesting) into fresh buffers, buffer by buffer. Arrow Java's
   * {@code copyValueSafe} cannot copy every nesting (e.g. list of fixed-size list), so this goes
   * through {@link VectorUnloader} / {@link VectorLoader} with copied buffers instead.
   *
   * @param field the field of the copy: same physical layout as {@code src}'s, names may differ
   */
  static FieldVector copyVector(FieldVector src, Field field, BufferAllocator allocator) {
    VectorSchemaRoot view = new VectorSchemaRoot(List.of(src)); // not closed: it would close src
    VectorSchemaRoot dst = VectorSchemaRoot.create(new Schema(List.of(field)), allocator);
    try (ArrowRecordBatch batch = new VectorUnloader(view).getRecordBatch()) {
      List<ArrowBuf> copies = new ArrayList<>(batch.getBuffers().size());
      try {
        for (ArrowBuf b : batch.getBuffers()) {
          long n = b.readableBytes();
          // Never hand lance-core an empty buffer: arrow-rs reads offsets[0] of an empty list
          // even when Arrow Java exported a zero-length offsets buffer.
          ArrowBuf c = allocator.buffer(Math.max(n, 8));
          c.setZero(0, c.capacity());
          c.setBytes(0, b, b.readerIndex(), n);
          c.writerIndex(n);
          copies.add(c);
        }
        try (ArrowRecordBatch copied = new ArrowRecordBatch(batch.getLength(), batch.getNodes(), copies)) {
          new VectorLoader(dst).load(copied);
        }
      } finally {
        copies.forEach(ArrowBuf::close);
      }
      FieldVector out = dst.getVector(0);
      return out;
    } catch (RuntimeException e) {
      dst.close();
      throw e;
    }
  }

  /** Copies lance-core's current batch into {@code allocator}, decoding dictionaries. */
  private static VectorSchemaRoot materialize(VectorSchemaRoot batch, DictionaryProvider dicts, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    try {
      for (int c = 0; c < batch.getFieldVectors().size(); c++) {
        FieldVector v = batch.getVector(c);
        Field f = batch.getSchema().getFields().get(c);
        if (f.getDictionary() != null) {
          Dictionary d = dicts.lookup(f.getDictionary().getId());
          Field valueField = d.getVector().getField();
          Field decodedField = new Field(f.getName(),
              new FieldType(f.isNullable(), valueField.getType(), null, f.getMetadata()), valueField.getChildren());
          try (ValueVector decoded = DictionaryEncoder.decode(v, d)) {
            vectors.add(copyVector((FieldVector) decoded, decodedField, allocator));
          }
          fields.add(decodedField);
        } else {
          vectors.add(copyVector(v, f, allocator));
          fields.add(f);
        }
      }
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    return new VectorSchemaRoot(fields, vectors, batch.getRowCount());
  }
}
