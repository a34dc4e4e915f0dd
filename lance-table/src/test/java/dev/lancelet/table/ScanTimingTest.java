package dev.lancelet.table;

import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.table.testing.ReferenceDatasets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

/**
 * A rough side-by-side timing of a full dataset scan (not a JMH benchmark; excluded from the
 * default run). Run: {@code ./build -q -o -pl lance-table -am test -Dtest=ScanTimingTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest.excludedGroups=none}.
 */
@Tag("bench")
class ScanTimingTest {
  @TempDir Path dir;

  @Test
  void fullScan() throws Exception {
    Schema schema = TypeCatalog.schemaOf(List.of(TypeCatalog.get("int64"), TypeCatalog.get("utf8"), TypeCatalog.get("float64"),
        TypeCatalog.get("list_int32")));
    String uri = dir.resolve("t.lance").toString();
    try (BufferAllocator a = new RootAllocator();
        RandomData.Batches b = RandomData.builder(1).rows(100_000).batches(20).nulls(RandomData.Nulls.RANDOM_10).build(schema, a)) {
      ReferenceDatasets.write(uri, schema, b.roots(), ReferenceDatasets.Params.create().maxRowsPerFile(250_000));
    }
    for (int round = 0; round < 4; round++) {
      long t0 = System.nanoTime();
      long ours = 0;
      try (Dataset ds = Dataset.open(uri); ArrowReader r = ds.newScan().batchSize(8192).open()) {
        while (r.loadNextBatch()) {
          ours += r.getVectorSchemaRoot().getRowCount();
        }
      }
      long t1 = System.nanoTime();
      long theirs = 0;
      try (BufferAllocator a = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, a);
          LanceScanner s = ds.newScan(new ScanOptions.Builder().batchSize(8192).build()); ArrowReader r = s.scanBatches()) {
        while (r.loadNextBatch()) {
          theirs += r.getVectorSchemaRoot().getRowCount();
        }
      }
      long t2 = System.nanoTime();
      long files = 0;
      try (Dataset ds = Dataset.open(uri); BufferAllocator a = new RootAllocator()) {
        for (var f : ds.fragments()) {
          try (dev.lancelet.file.LanceFileReader fr = dev.lancelet.file.LanceFileReader.open(ds.store(),
              f.files().get(0).datasetPath(), a);
              ArrowReader r = fr.scan(dev.lancelet.file.ScanOptions.builder().batchSize(8192).build())) {
            while (r.loadNextBatch()) {
              files += r.getVectorSchemaRoot().getRowCount();
            }
          }
        }
      }
      long t3 = System.nanoTime();
      System.out.printf("TIMING round %d: lance-file readers alone, sequential: %d rows %.0f ms%n", round, files, (t3 - t2) / 1e6);
      System.out.printf("TIMING round %d: lancelet %d rows %.0f ms, lance-core %d rows %.0f ms, ratio %.2f%n", round, ours,
          (t1 - t0) / 1e6, theirs, (t2 - t1) / 1e6, (double) (t2 - t1) / (t1 - t0));
    }
  }
}
