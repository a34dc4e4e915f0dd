package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.IoScheduler;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;

/**
 * Dataset scans (their filtered gathers included) read at bulk priority and takes at interactive
 * priority, counted by the scheduler of a real S3 store (S3Proxy on loopback).
 */
class DatasetIoPriorityTest {

  private static long scanRows(Dataset ds, ScanBuilder scan) throws Exception {
    long rows = 0;
    try (ArrowReader r = scan.open()) {
      while (r.loadNextBatch()) {
        rows += r.getVectorSchemaRoot().getRowCount();
      }
    }
    return rows;
  }

  @Test
  void scansAreBulkAndTakesAreInteractive() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    String uri = "s3://" + S3ProxyServer.BUCKET + "/datasets/" + UUID.randomUUID() + "/p.lance";
    // Files well above the 64 KiB an S3 open prefetches, so their data takes ranged GETs.
    try (BufferAllocator alloc = new RootAllocator(); S3ObjectStore store = S3ObjectStore.connect(uri, s3.options())) {
      try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 30_000, alloc);
          RootsReader in = new RootsReader(alloc, ReferenceDatasets.ID_NAME, List.of(b));
          Dataset ds = Dataset.write(in, store, WriteOptions.builder().maxRowsPerFile(10_000).allocator(alloc).build())) {
        assertThat(ds.fragments()).hasSize(3);
      }
      IoScheduler sched = store.ioScheduler();
      try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(alloc).build())) {
        IoScheduler.Stats before = sched.stats();
        assertThat(scanRows(ds, ds.newScan())).isEqualTo(30_000);
        IoScheduler.Stats scanned = sched.stats();
        assertThat(scanned.startedBulk()).as("a scan reads its data at bulk priority").isGreaterThan(before.startedBulk());

        try (VectorSchemaRoot t = ds.take(new long[] {29_999, 5, 15_000}, List.of("id", "name"))) {
          assertThat(t.getVector("id").getObject(0)).isEqualTo(29_999L);
          assertThat(t.getVector("id").getObject(2)).isEqualTo(15_000L);
        }
        IoScheduler.Stats taken = sched.stats();
        assertThat(taken.startedInteractive()).as("a take reads at interactive priority").isGreaterThan(scanned.startedInteractive());
        assertThat(taken.startedBulk()).as("a take reads nothing at bulk priority").isEqualTo(scanned.startedBulk());

        // A sparse filter on another column: the projected column is gathered for the matches only, at bulk priority.
        assertThat(scanRows(ds, ds.newScan().columns("name").filter("id = 17 OR id = 20017"))).isEqualTo(2);
        IoScheduler.Stats filtered = sched.stats();
        assertThat(filtered.startedBulk()).isGreaterThan(taken.startedBulk());
        // Its interactive reads are file opens only (a footer GET per open; the filter and the gather may each open
        // the fragment's file): were the gather interactive, it would add at least one GET per matching fragment.
        long plainOpens = scanned.startedInteractive() - before.startedInteractive();
        assertThat(filtered.startedInteractive() - taken.startedInteractive()).isLessThanOrEqualTo(2 * plainOpens);
        assertThat(filtered.peakRequests()).isLessThanOrEqualTo(sched.limits().maxRequests());
        assertThat(filtered.inFlightRequests()).isZero();
      }
    }
  }
}
