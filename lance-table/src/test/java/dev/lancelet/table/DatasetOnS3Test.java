package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.ConditionalPutProbe;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.lance.ReadOptions;
import org.lance.WriteParams;

/**
 * A dataset on a real S3 server (S3Proxy on loopback), committed in turn by Lancelet and by
 * lance-core (Rust object_store, with its own conditional PUTs) on the same bucket and prefix.
 */
class DatasetOnS3Test {

  private static void lanceCoreAppend(String uri, long start, int n, S3ProxyServer s3) throws Exception {
    try (BufferAllocator ref = new RootAllocator();
        VectorSchemaRoot batch = ReferenceDatasets.idNameBatch(start, n, ref);
        RootsReader in = new RootsReader(ref, ReferenceDatasets.ID_NAME, List.of(batch));
        org.lance.Dataset ds =
            org.lance.Dataset.write().allocator(ref).reader(in).uri(uri).mode(WriteParams.WriteMode.APPEND)
                .storageOptions(s3.options()).execute()) {
      ds.version();
    }
  }

  @Test
  void lanceletAndLanceCoreTakeTurnsCommittingOnS3() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    String uri = "s3://" + S3ProxyServer.BUCKET + "/datasets/" + UUID.randomUUID() + "/d.lance";
    try (BufferAllocator alloc = new RootAllocator(); S3ObjectStore store = S3ObjectStore.connect(uri, s3.options())) {
      ConditionalPutProbe.requireEnforced(store);

      // v1: Lancelet creates the dataset, three data files.
      try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 1000, alloc);
          RootsReader in = new RootsReader(alloc, ReferenceDatasets.ID_NAME, List.of(b));
          Dataset ds = Dataset.write(in, store, WriteOptions.builder().maxRowsPerFile(400).allocator(alloc).build())) {
        assertThat(ds.version()).isEqualTo(1);
        assertThat(ds.fragments()).hasSize(3);
      }

      // v2: lance-core appends through its own S3 client.
      lanceCoreAppend(uri, 1000, 500, s3);

      // v3: Lancelet reads v2 and appends.
      try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(alloc).build())) {
        assertThat(ds.version()).isEqualTo(2);
        assertThat(ds.countRows()).isEqualTo(1500);
      }
      try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(1500, 300, alloc);
          RootsReader in = new RootsReader(alloc, ReferenceDatasets.ID_NAME, List.of(b));
          Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(alloc).build())) {
        assertThat(ds.version()).isEqualTo(3);
        assertThat(ds.countRows()).isEqualTo(1800);
        try (VectorSchemaRoot t = ds.take(new long[] {0, 1200, 1799}, List.of("id"))) {
          assertThat(t.getVector("id").getObject(0)).isEqualTo(0L);
          assertThat(t.getVector("id").getObject(1)).isEqualTo(1200L);
          assertThat(t.getVector("id").getObject(2)).isEqualTo(1799L);
        }
      }

      // lance-core opens what Lancelet committed last.
      try (BufferAllocator ref = new RootAllocator();
          org.lance.Dataset ds =
              org.lance.Dataset.open(ref, uri, new ReadOptions.Builder().setStorageOptions(s3.options()).build())) {
        assertThat(ds.version()).isEqualTo(3);
        assertThat(ds.countRows()).isEqualTo(1800);
      }
    }
  }
}
