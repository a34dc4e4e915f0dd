package dev.lancelet.bench.table;

import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} over batches generated before the trial. Each batch is loaded into the
 * reader's root by reference (the buffers are retained, not copied), so the same batches can be
 * read again by the next invocation, and both engines receive the original, aligned buffers (the
 * reference engine's JNI writer needs them).
 */
final class BatchListReader extends ArrowReader {
  private final Schema schema;
  private final List<VectorSchemaRoot> batches;
  private int next;

  BatchListReader(BufferAllocator allocator, Schema schema, List<VectorSchemaRoot> batches) {
    super(allocator);
    this.schema = schema;
    this.batches = batches;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    if (next >= batches.size()) {
      return false;
    }
    VectorSchemaRoot b = batches.get(next++);
    try (ArrowRecordBatch rb = new VectorUnloader(b).getRecordBatch()) {
      new VectorLoader(getVectorSchemaRoot()).load(rb);
    }
    return true;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
