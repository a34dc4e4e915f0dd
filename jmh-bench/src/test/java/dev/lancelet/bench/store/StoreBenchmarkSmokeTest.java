package dev.lancelet.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the object-store benchmarks' methods on a 2,000-row, 100-fragment dataset on local disk and
 * on S3Proxy, setup self-checks included (both engines must agree there), and checks that
 * Lancelet's I/O counters move: a take needs fewer bytes than a scan, reads at least what it needs
 * (over-read only from merged gaps and prefetched tails), and sends requests.
 */
class StoreBenchmarkSmokeTest {
  private static final long ROWS = 2_000;

  @Test
  void takeAndScanOnBothStores() throws Exception {
    for (String store : new String[] {"local", "s3"}) {
      StoreTakeBenchmark take = new StoreTakeBenchmark();
      take.rows = ROWS;
      take.store = store;
      take.n = 100;
      take.setUp();
      IoCounters takeIo = new IoCounters();
      try {
        assertThat(take.lancelet(takeIo)).isEqualTo(100);
        assertThat(take.lanceCore()).isEqualTo(100);
        assertThat(take.lancelet(takeIo)).isEqualTo(100);
      } finally {
        take.tearDown();
      }
      assertThat(takeIo.ops).isEqualTo(2);
      assertThat(takeIo.requests).as("requests on %s", store).isPositive();
      assertThat(takeIo.bytesNeeded).as("bytes needed on %s", store).isPositive();
      assertThat(takeIo.regionsNeeded).as("regions needed on %s", store).isPositive();

      StoreScanBenchmark scan = new StoreScanBenchmark();
      scan.rows = ROWS;
      scan.store = store;
      scan.setUp();
      IoCounters scanIo = new IoCounters();
      try {
        assertThat(scan.lancelet(scanIo)).isEqualTo(ROWS);
        assertThat(scan.lanceCore()).isEqualTo(ROWS);
      } finally {
        scan.tearDown();
      }
      assertThat(scanIo.ops).isEqualTo(1);
      assertThat(scanIo.requests).as("requests on %s", store).isPositive();
      assertThat(scanIo.bytesRead).as("bytes read by a scan on %s", store).isGreaterThanOrEqualTo(scanIo.bytesNeeded);
      assertThat(scanIo.bytesNeeded).as("a scan needs more than a take on %s", store).isGreaterThan(takeIo.bytesNeeded / takeIo.ops);
    }
  }
}
