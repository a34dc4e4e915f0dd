package dev.lancelet.table.testing;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** An {@link ArrowReader} over batches held in memory (not closed by the reader). */
public class RootsReader extends ArrowReader {
  private final Schema schema;
  private final List<VectorSchemaRoot> roots;
  private int next;

  private final org.apache.arrow.vector.dictionary.DictionaryProvider provided;

  public RootsReader(BufferAllocator allocator, Schema schema, List<VectorSchemaRoot> roots) {
    this(allocator, schema, roots, null);
  }

  /** A reader whose dictionary-encoded fields are resolved through {@code dictionaries} (not closed). */
  public RootsReader(BufferAllocator allocator, Schema schema, List<VectorSchemaRoot> roots,
      org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries) {
    super(allocator);
    this.schema = schema;
    this.roots = roots;
    this.provided = dictionaries;
  }

  @Override
  public org.apache.arrow.vector.dictionary.Dictionary lookup(long id) {
    return provided != null ? provided.lookup(id) : super.lookup(id);
  }

  @Override
  public java.util.Set<Long> getDictionaryIds() {
    return provided != null ? provided.getDictionaryIds() : super.getDictionaryIds();
  }

  @Override
  public boolean loadNextBatch() throws java.io.IOException {
    if (next >= roots.size()) {
      return false;
    }
    VectorSchemaRoot src = roots.get(next++);
    try (ArrowRecordBatch rb = new VectorUnloader(src).getRecordBatch()) {
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
