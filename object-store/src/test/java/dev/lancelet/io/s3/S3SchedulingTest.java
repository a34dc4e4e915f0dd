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
 * slows GETs down, counts the exchanges open at once and records their arrival order.
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

  @Test
  void concurrencyStaysUnderTheLimitAndATakeOvertakesAQueuedScan() throws Exception {
    String prefix = "sched/" + UUID.randomUUID();
    byte[] data = new byte[64 * STRIDE];
    new Random(11).nextBytes(data);
    try (S3ObjectStore direct = S3ObjectStore.connect("s3://" + S3ProxyServer.BUCKET + "/" + prefix, S3.options())) {
      direct.put("scan.bin", data);
      direct.put("take.bin", java.util.Arrays.copyOf(data, 16 * STRIDE));
    }
    try (FaultProxy proxy = new FaultProxy(S3.port())) {
      Map<String, String> opts = new HashMap<>(S3.options());
      opts.put("aws_endpoint", proxy.endpoint().toString());
      opts.put("max_inflight_requests", "4");
      try (S3ObjectStore store = S3ObjectStore.connect("s3://" + S3ProxyServer.BUCKET + "/" + prefix, opts)) {
        IoScheduler scheduler = store.ioScheduler();
        ReadableObject scanObject = store.open("scan.bin");
        ReadableObject takeObject = store.open("take.bin");
        proxy.delay(r -> isDataGet(r, "scan.bin") || isDataGet(r, "take.bin"), 100);

        ExecutorService scanners = Executors.newFixedThreadPool(2);
        List<Future<List<ByteBuffer>>> scans = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          List<ByteRange> ranges = spread(t * 16, 16);
          scans.add(scanners.submit(() -> scanObject.withPriority(IoPriority.BULK).readRanges(ranges)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (scheduler.stats().queuedBulk() < 10 && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        int queuedBulk = scheduler.stats().queuedBulk();
        assertThat(queuedBulk).as("the scan saturates the store").isGreaterThanOrEqualTo(10);

        ByteBuffer taken = takeObject.read(3L * STRIDE, RANGE); // interactive: the default
        boolean scanStillRunning = scans.stream().anyMatch(f -> !f.isDone());
        for (int t = 0; t < 2; t++) {
          assertContent(data, spread(t * 16, 16), scans.get(t).get(60, TimeUnit.SECONDS));
        }
        scanners.shutdown();
        assertContent(data, List.of(new ByteRange(3L * STRIDE, RANGE)), List.of(taken));
        assertThat(scanStillRunning).as("the take finished while the scan was still running").isTrue();

        List<FaultProxy.Request> gets = proxy.requests().stream().filter(r -> isDataGet(r, "scan.bin") || isDataGet(r, "take.bin")).toList();
        assertThat(gets).hasSize(33);
        int takeAt = -1;
        for (int i = 0; i < gets.size(); i++) {
          if (gets.get(i).target().contains("take.bin")) {
            takeAt = i;
          }
        }
        assertThat(gets.size() - 1 - takeAt).as("scan GETs sent after the take's").isGreaterThanOrEqualTo(queuedBulk);
        assertThat(proxy.peakConcurrentRequests()).as("exchanges open at once at the proxy").isBetween(2, 4);
        assertThat(scheduler.stats().peakRequests()).isLessThanOrEqualTo(4);
        assertThat(scheduler.stats().inFlightRequests()).isZero();
      }
    }
  }
}
