package dev.lancelet.cli.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Common parts of the writers: schema check per batch, row count, abort deletes the file. */
abstract class AbstractBatchWriter implements BatchWriter {
  protected final Path path;
  protected final String file;
  protected final Schema schema;
  protected long rows;
  private boolean closed;

  AbstractBatchWriter(Path path, String file, Schema schema) throws FormatException {
    this.path = path;
    this.file = file;
    this.schema = schema;
    for (Field f : schema.getFields()) {
      checkNoDictionary(f);
    }
  }

  private void checkNoDictionary(Field f) throws FormatException {
    if (f.getDictionary() != null) {
      throw new FormatException(file, -1, "column '" + f.getName() + "' is dictionary-encoded; decode it first");
    }
    for (Field c : f.getChildren()) {
      checkNoDictionary(c);
    }
  }

  @Override
  public final void write(VectorSchemaRoot batch) throws IOException {
    if (closed) {
      throw new IllegalStateException(file + ": writer is closed");
    }
    List<Field> got = batch.getSchema().getFields();
    if (!sameShape(got, schema.getFields())) {
      throw new IllegalArgumentException(file + ": batch schema " + batch.getSchema()
          + " differs from the writer's " + schema);
    }
    writeBatch(batch);
    rows += batch.getRowCount();
  }

  private static boolean sameShape(List<Field> a, List<Field> b) {
    return sameShape(a, b, false);
  }

  /** Names and types equal; item names of list-like fields are not compared (Arrow Java varies them). */
  private static boolean sameShape(List<Field> a, List<Field> b, boolean ignoreNames) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int k = 0; k < a.size(); k++) {
      Field x = a.get(k);
      Field y = b.get(k);
      if ((!ignoreNames && !x.getName().equals(y.getName())) || !x.getType().equals(y.getType())) {
        return false;
      }
      ArrowType t = x.getType();
      boolean listy = t instanceof ArrowType.List || t instanceof ArrowType.LargeList
          || t instanceof ArrowType.FixedSizeList;
      if (!sameShape(x.getChildren(), y.getChildren(), listy)) {
        return false;
      }
    }
    return true;
  }

  protected abstract void writeBatch(VectorSchemaRoot batch) throws IOException;

  /** Finishes the file. */
  protected abstract void finish() throws IOException;

  /** Releases resources without finishing. */
  protected abstract void release();

  @Override
  public long rowsWritten() {
    return rows;
  }

  @Override
  public final void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean ok = false;
    try {
      finish();
      ok = true;
    } finally {
      if (!ok) {
        release();
      }
    }
  }

  @Override
  public final void abort() {
    if (!closed) {
      closed = true;
      try {
        release();
      } catch (RuntimeException ignored) {
        // the caller is already handling a failure
      }
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }
}
