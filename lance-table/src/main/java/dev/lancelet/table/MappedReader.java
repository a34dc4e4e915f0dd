package dev.lancelet.table;

import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} whose batches are computed on demand by {@link #next()}, for feeding
 * rewritten rows to the data file writer one batch at a time. Empty batches are skipped.
 */
abstract class MappedReader extends ArrowReader {
  private final Schema schema;

  MappedReader(BufferAllocator allocator, Schema schema) {
    super(allocator);
    this.schema = schema;
  }

  private java.util.Map<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> pendingBlobs = java.util.Map.of();
  private java.util.Map<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> blobs = java.util.Map.of();

  /**
   * Called by {@link #next()} for the batch it is about to return: per blob v2 column, one handle
   * per row on the blob to copy for rows whose struct sets neither {@code data} nor {@code uri}
   * (see {@link dev.lancelet.file.LanceFileWriter#write(VectorSchemaRoot, java.util.Map)}).
   */
  final void setBlobSources(java.util.Map<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> sources) {
    pendingBlobs = sources;
  }

  /** The blob sources of the batch loaded last (empty when it has none). */
  final java.util.Map<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> blobSources() {
    return blobs;
  }

  /** The next batch (owned by the caller, with {@link #readSchema()}'s fields in order), or null at the end. */
  abstract VectorSchemaRoot next() throws IOException;

  @Override
  public final boolean loadNextBatch() throws IOException {
    while (true) {
      VectorSchemaRoot b = next();
      var sources = pendingBlobs;
      pendingBlobs = java.util.Map.of();
      blobs = java.util.Map.of();
      if (b == null) {
        return false;
      }
      try {
        if (b.getRowCount() == 0) {
          continue;
        }
        VectorSchemaRoot root = getVectorSchemaRoot();
        for (int i = 0; i < schema.getFields().size(); i++) {
          FieldVector target = root.getVector(i);
          target.clear();
          b.getVector(i).makeTransferPair(target).transfer();
        }
        root.setRowCount(b.getRowCount());
        blobs = sources;
        return true;
      } finally {
        b.close();
      }
    }
  }

  @Override
  protected final Schema readSchema() {
    return schema;
  }

  @Override
  protected void closeReadSource() {
    // the sources belong to the caller
  }

  @Override
  public long bytesRead() {
    return 0;
  }
}
