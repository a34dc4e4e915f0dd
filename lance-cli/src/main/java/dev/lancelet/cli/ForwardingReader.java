package dev.lancelet.cli;

import dev.lancelet.cli.progress.Progress;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} over another one that hands its batches on with dictionary-encoded
 * columns decoded to plain values, reports rows and bytes to a {@link Progress}, and names the
 * input in read errors. Buffers are shared with the source (reference-counted), not copied. The
 * source stays the caller's to close.
 */
final class ForwardingReader extends ArrowReader {
  private final ArrowReader source;
  private final String name;
  private final Progress progress;
  private final Schema schema;
  private final PlainBatches plain;

  ForwardingReader(ArrowReader source, String name, Progress progress, BufferAllocator allocator) throws IOException {
    super(allocator);
    this.source = source;
    this.name = name;
    this.progress = progress;
    Schema sourceSchema;
    try {
      sourceSchema = source.getVectorSchemaRoot().getSchema();
    } catch (IOException | RuntimeException e) {
      throw e instanceof CliException c ? c : CliException.at(name, e);
    }
    this.plain = PlainBatches.hasDictionaries(sourceSchema) ? new PlainBatches(sourceSchema, source, allocator) : null;
    this.schema = plain == null ? sourceSchema : plain.schema();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    boolean more;
    try {
      more = source.loadNextBatch();
    } catch (IOException | RuntimeException e) {
      throw e instanceof CliException c ? c : CliException.at(name, e);
    }
    if (!more) {
      return false;
    }
    VectorSchemaRoot batch = source.getVectorSchemaRoot();
    if (plain != null) {
      batch = plain.load(batch);
    }
    VectorSchemaRoot target = getVectorSchemaRoot();
    try (ArrowRecordBatch shared = new VectorUnloader(batch).getRecordBatch()) {
      new VectorLoader(target).load(shared);
    }
    if (plain != null) {
      plain.root().clear();
    }
    if (progress != null) {
      progress.addRows(target.getRowCount());
      long bytes = source.bytesRead();
      if (bytes > 0) {
        progress.setBytes(bytes);
      }
    }
    return true;
  }

  @Override
  public long bytesRead() {
    return source.bytesRead();
  }

  @Override
  protected void closeReadSource() {
    if (plain != null) {
      plain.close();
    }
  }

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
