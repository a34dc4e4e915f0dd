package dev.lancelet.file;

import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one Lance file (format 2.0 to 2.3). Opening reads the footer and metadata (one tail read
 * in the common case) and validates them; data is read on demand by {@link #scan} and {@link
 * #take}. A reader is safe for concurrent use by several threads; every Arrow buffer it returns
 * comes from the allocator given at open and belongs to the caller.
 */
public final class LanceFileReader implements AutoCloseable {

  private LanceFileReader() {}

  /** Opens {@code path} in {@code store}. */
  public static LanceFileReader open(ObjectStore store, String path, BufferAllocator allocator)
      throws IOException {
    throw new UnsupportedOperationException("LanceFileReader is not implemented yet");
  }

  /** Opens an already open object; the reader closes it when closed. */
  public static LanceFileReader open(ReadableObject object, BufferAllocator allocator)
      throws IOException {
    throw new UnsupportedOperationException("LanceFileReader is not implemented yet");
  }

  /** The file's location, as used in messages. */
  public String location() {
    throw new UnsupportedOperationException();
  }

  /** The format version in the footer (a 0.3 footer reads as 2.0). */
  public LanceFileVersion version() {
    throw new UnsupportedOperationException();
  }

  /** The file's Arrow schema, with its schema-level metadata. */
  public Schema schema() {
    throw new UnsupportedOperationException();
  }

  public long numRows() {
    throw new UnsupportedOperationException();
  }

  /** Schema-level key/value metadata. */
  public Map<String, String> metadata() {
    throw new UnsupportedOperationException();
  }

  /** The physical layout: columns, pages, encodings and sizes. */
  public FileInfo info() {
    throw new UnsupportedOperationException();
  }

  /**
   * Streams the chosen columns and rows as Arrow batches. The returned reader refills one {@link
   * VectorSchemaRoot} per {@code loadNextBatch()}; a caller that keeps a batch must copy or
   * transfer it. Close the returned reader.
   */
  public ArrowReader scan(ScanOptions options) throws IOException {
    throw new UnsupportedOperationException();
  }

  /**
   * Reads the given rows (any order, duplicates allowed) of the given top-level columns (all when
   * null), in the order asked. Only the pages, mini-blocks and byte ranges those rows need are
   * read, coalesced into as few requests as the layout allows. The caller closes the result.
   */
  public VectorSchemaRoot take(long[] rows, List<String> columns) throws IOException {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() throws IOException {}
}
