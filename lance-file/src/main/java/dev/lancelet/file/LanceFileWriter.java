package dev.lancelet.file;

import dev.lancelet.io.ObjectStore;
import java.io.IOException;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one Lance file from a stream of Arrow batches. Memory stays bounded: each column's
 * values are buffered only until a page fills, then encoded and written. The file becomes visible
 * under its name when {@link #close()} returns; {@link #abort()} discards it. Not thread-safe.
 */
public final class LanceFileWriter implements AutoCloseable {

  private LanceFileWriter() {}

  /** Starts a file at {@code path} in {@code store} for batches of {@code schema}. */
  public static LanceFileWriter create(
      ObjectStore store, String path, Schema schema, BufferAllocator allocator, WriteOptions options)
      throws IOException {
    throw new UnsupportedOperationException("LanceFileWriter is not implemented yet");
  }

  /** Appends a batch; its schema must equal the writer's. The batch is not retained. */
  public void write(VectorSchemaRoot batch) throws IOException {
    throw new UnsupportedOperationException();
  }

  /** Adds schema-level metadata written into the file's schema. */
  public void addMetadata(Map<String, String> metadata) {
    throw new UnsupportedOperationException();
  }

  /** Rows written so far. */
  public long rowsWritten() {
    throw new UnsupportedOperationException();
  }

  /** Flushes remaining pages, writes metadata and footer, and publishes the file. */
  @Override
  public void close() throws IOException {}

  /** Discards the file. */
  public void abort() throws IOException {}
}
