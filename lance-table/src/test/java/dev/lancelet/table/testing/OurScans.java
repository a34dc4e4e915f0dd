package dev.lancelet.table.testing;

import dev.lancelet.table.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Collects a Lancelet scan into caller-owned roots. */
public final class OurScans {
  private OurScans() {}

  public static List<VectorSchemaRoot> scan(Dataset ds, List<String> columns, boolean rowId, boolean rowAddr,
      BufferAllocator allocator) throws Exception {
    List<VectorSchemaRoot> out = new ArrayList<>();
    try (ArrowReader r = ds.newScan().columns(columns).withRowId(rowId).withRowAddress(rowAddr).batchSize(1000).open()) {
      while (r.loadNextBatch()) {
        out.add(ReferenceDatasets.copy(r.getVectorSchemaRoot(), allocator));
      }
    }
    return out;
  }

  public static void closeAll(List<VectorSchemaRoot> roots) {
    roots.forEach(VectorSchemaRoot::close);
  }
}
