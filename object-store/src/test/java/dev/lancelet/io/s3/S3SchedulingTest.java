package dev.lancelet.io.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.ByteRange;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.IoScheduler;
import dev.lancelet.io.ReadableObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The S3 store's {@link IoScheduler} seen from the wire: a {@link FaultProxy} in front of S3Proxy
 * holds the scan's GETs, counts the exchanges open at once and records their arrival order.
 */
@Timeout(120)
class S3SchedulingTest {
  private static final int RANGE = 32 << 10;
  private static final int STRIDE = 128 << 10;
  private static final S3ProxyServer S3 = S3ProxyServer.get();

  private static List<ByteRange> spread(int first, int n) {
    List<ByteRange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ByteRange((long) (first + i) * STRIDE, RANGE));
    }
    return out;
  }

  private static void assertContent(byte[] data, List<ByteRange> ranges, List<ByteBuffer> got) {
    for (int i = 0; i < ranges.size(); i++) {
      ByteBuffer b = got.get(i);
      assertThat(b.remaining()).isEqualTo(RANGE);
      int off = (int) ranges.get(i).offset();
      for (int k = 0; k < RANGE; k += 997) {
        assertThat(b.get(b.position() + k)).isEqualTo(data[off + k]);
      }
    }
  }

  private static boolean isDataGet(FaultProxy.Request r, String key) {
    return r.method().equals("GET") && r.target().contains(key) && r.header("Range") != null && !r.header("Range").startsWith("bytes=-");
  }

  private static List<Future<List<ByteBuffer>>> startScan(ReadableObject scanObject, ExecutorService threads) {
    List<Future<List<ByteBuffer>>> scans = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      List<ByteRange> ranges = spread(t * 16, 16);
      scans.add(threads.submit(() -> scanObject.withPriority(IoPriority.BULK).readRanges(ranges)));
    }
    return scans;
  }

  private static void awaitQueued(IoScheduler s, int bulk, int interactive) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((s.stats().queuedBulk() != bulk || s.stats().queuedInteractive() != interactive) && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertThat(s.stats().queuedBulk()).isEqualTo(bulk);
    assertThat(s.stats().queuedInteractive()).isEqualTo(interactive);
  }

  /** Data GETs of the scan sent before and after the take's. */
  private static int[] aroundTake(FaultProxy proxy) {
    int takeAt = -1;
    int scan = 0;
    for (FaultProxy.Request r : proxy.requests()) {
      if (isDataGet(r, "take.bin")) {
        assertThat(takeAt).isEqualTo(-1);
        takeAt = scan;
      } else if (isDataGet(r, "scan.bin")) {
        scan++;
      }
    }
    return new int[] {takeAt, takeAt < 0 ? scan : scan - takeAt}; // no take yet: {-1, scan requests}
  }

  /** Runs {@code body} on a store reaching S3Proxy through a proxy that holds the scan's data GETs. */
  private void withHeldScan(int maxRequests, Scenario body) throws Exception {
    String prefix = "sched/" + UUID.randomUUID();
    byte[] data = new byte[40 * STRIDE];
    new Random(11).nextBytes(data);
    try (S3ObjectStore direct = S3ObjectStore.connect("s3://" + S3ProxyServer.BUCKET + "/" + prefix, S3.options())) {
      direct.put("scan.bin", data);
      direct.put("take.bin", java.util.Arrays.copyOf(data, 4 * STRIDE));
    }
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try (FaultProxy proxy = new FaultProxy(S3.port())) {
      Map<String, String> opts = new HashMap<>(S3.options());
      opts.put("aws_endpoint", proxy.endpoint().toString());
      opts.put("max_inflight_requests", Integer.toString(maxRequests));
      try (S3ObjectStore store = S3ObjectStore.connect("s3://" + S3ProxyServer.BUCKET + "/" + prefix, opts);
          ReadableObject scanObject = store.open("scan.bin");
          ReadableObject takeObject = store.open("take.bin")) {
        proxy.hold(r -> isDataGet(r, "scan.bin"));
        try {
          body.run(store.ioScheduler(), proxy, scanObject, takeObject, threads, data);
        } finally {
          proxy.releaseHeld();
        }
        assertThat(store.ioScheduler().stats().inFlightRequests()).isZero();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private interface Scenario {
    void run(IoScheduler s, FaultProxy proxy, ReadableObject scan, ReadableObject take, ExecutorService threads, byte[] data) throws Exception;
  }

  @Test
  void aTakeIssuedWhileAScanSaturatesTheStoreRunsOnTheReservedShare() throws Exception {
    withHeldScan(4, (s, proxy, scanObject, takeObject, threads, data) -> {
      List<Future<List<ByteBuffer>>> scans = startScan(scanObject, threads);
      awaitQueued(s, 29, 0); // 3 GETs (the bulk share of 4) admitted, the rest queued
      assertThat(s.stats().inFlightRequests()).isEqualTo(3);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (aroundTake(proxy)[1] < 3 && System.nanoTime() < deadline) {
        Thread.sleep(2); // the admitted GETs reach the proxy (and are held there)
      }

      ByteBuffer taken = takeObject.read(3L * STRIDE, RANGE); // interactive: the default
      assertThat(scans).as("the take completed while the scan could not progress").noneMatch(Future::isDone);
      assertThat(aroundTake(proxy)).containsExactly(3, 0);

      proxy.releaseHeld();
      for (int t = 0; t < 2; t++) {
        assertContent(data, spread(t * 16, 16), scans.get(t).get(60, TimeUnit.SECONDS));
      }
      assertContent(data, List.of(new ByteRange(3L * STRIDE, RANGE)), List.of(taken));
      assertThat(aroundTake(proxy)).containsExactly(3, 29);
      assertThat(proxy.peakConcurrentRequests()).as("exchanges open at once at the proxy").isEqualTo(4);
    });
  }

  @Test
  void aQueuedTakeIsServedBeforeEveryQueuedScanRequest() throws Exception {
    withHeldScan(1, (s, proxy, scanObject, takeObject, threads, data) -> {
      List<Future<List<ByteBuffer>>> scans = startScan(scanObject, threads);
      awaitQueued(s, 31, 0);
      Future<ByteBuffer> take = threads.submit(() -> takeObject.read(3L * STRIDE, RANGE));
      awaitQueued(s, 31, 1);

      proxy.releaseHeld();
      assertContent(data, List.of(new ByteRange(3L * STRIDE, RANGE)), List.of(take.get(60, TimeUnit.SECONDS)));
      for (int t = 0; t < 2; t++) {
        assertContent(data, spread(t * 16, 16), scans.get(t).get(60, TimeUnit.SECONDS));
      }
      assertThat(aroundTake(proxy)).containsExactly(1, 31);
      assertThat(proxy.peakConcurrentRequests()).isEqualTo(1);
    });
  }
}
