package dev.lancelet.io.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.ByteRange;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.IoScheduler;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store's {@link IoScheduler} seen from a real (fake) GCS server: limits, priorities, release. */
@Timeout(120)
class GcsSchedulingTest {
  private static final int RANGE = 64 << 10;
  private static final int STRIDE = 256 << 10;
  private static FakeGcsServer server;
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private String bucket;
  private byte[] big;

  @BeforeAll
  static void startServer() throws Exception {
    server = FakeGcsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void seed() {
    bucket = "sched" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    server.mediaDelay(0);
    server.releaseHeld();
    big = new byte[64 * STRIDE];
    new Random(7).nextBytes(big);
    server.seed(bucket, "root/scan.bin", big);
    server.seed(bucket, "root/take.bin", java.util.Arrays.copyOf(big, 1 << 20));
    server.resetCounters();
  }

  private GcsObjectStore store(int maxRequests, long maxBytes) throws IOException {
    return GcsObjectStore.open(
        "gs://" + bucket + "/root",
        GcsObjectStoreContractTest.testOptions(server).maxInflightRequests(maxRequests).maxInflightBytes(maxBytes).maxRetries(0).build());
  }

  /** {@code n} ranges far enough apart to be fetched with one request each. */
  private static List<ByteRange> spread(int first, int n) {
    List<ByteRange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ByteRange((long) (first + i) * STRIDE, RANGE));
    }
    return out;
  }

  private void assertContent(List<ByteRange> ranges, List<ByteBuffer> got) {
    for (int i = 0; i < ranges.size(); i++) {
      ByteBuffer b = got.get(i);
      int off = (int) ranges.get(i).offset();
      assertThat(b.remaining()).isEqualTo(RANGE);
      for (int k = 0; k < RANGE; k += 4093) {
        assertThat(b.get(b.position() + k)).isEqualTo(big[off + k]);
      }
    }
  }

  private static void awaitIdle(IoScheduler s) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (s.stats().inFlightRequests() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(s.stats().inFlightRequests()).isZero();
    assertThat(s.stats().inFlightBytes()).isZero();
  }

  @Test
  void theServerNeverSeesMoreRequestsOrBytesThanTheLimits() throws Exception {
    server.mediaDelay(15);
    try (GcsObjectStore store = store(4, 1L << 30)) {
      ExecutorService readers = Executors.newFixedThreadPool(8);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t * 8;
        IoPriority p = t % 3 == 0 ? IoPriority.INTERACTIVE : IoPriority.BULK;
        done.add(readers.submit(() -> {
          try (ReadableObject o = store.open("scan.bin")) {
            ReadableObject v = o.withPriority(p);
            List<ByteRange> ranges = spread(first, 6);
            assertContent(ranges, v.readRanges(ranges));
            ByteBuffer one = v.read((long) (first + 7) * STRIDE, RANGE);
            assertContent(List.of(new ByteRange((long) (first + 7) * STRIDE, RANGE)), List.of(one));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      readers.shutdown();
      assertThat(server.peakConcurrentMedia()).isBetween(2, 4);
      assertThat(store.ioScheduler().stats().peakRequests()).isLessThanOrEqualTo(4);
      awaitIdle(store.ioScheduler());
    }

    // By bytes: 3 ranges' worth in total leaves bulk reads 2.25 ranges' worth, so 2 at a time.
    server.resetCounters();
    try (GcsObjectStore store = store(64, 3L * RANGE)) {
      try (ReadableObject o = store.open("scan.bin")) {
        List<ByteRange> ranges = spread(0, 24);
        assertContent(ranges, o.withPriority(IoPriority.BULK).readRanges(ranges));
      }
      assertThat(server.peakConcurrentMedia()).isBetween(1, 2);
      awaitIdle(store.ioScheduler());
    }
  }

  /** Starts a bulk scan of 2 x 16 ranges of scan.bin on two threads. */
  private static List<Future<List<ByteBuffer>>> startScan(ReadableObject scanObject, ExecutorService threads) {
    List<Future<List<ByteBuffer>>> scans = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      List<ByteRange> ranges = spread(t * 32, 16);
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

  /** Positions in the server's media log: scan requests before and after the take's. */
  private static int[] aroundTake(List<String> log) {
    int takeAt = -1;
    int scan = 0;
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith("root/take.bin")) {
        assertThat(takeAt).as("one take request in %s", log).isEqualTo(-1);
        takeAt = scan;
      } else if (log.get(i).startsWith("root/scan.bin")) {
        scan++;
      }
    }
    return new int[] {takeAt, takeAt < 0 ? scan : scan - takeAt}; // no take yet: {-1, scan requests}
  }

  @Test
  void aTakeIssuedWhileAScanSaturatesTheStoreRunsOnTheReservedShare() throws Exception {
    // The scan's GETs are held at the server: it occupies the whole bulk share (3 of 4) and queues the rest.
    server.holdMedia("root/scan.bin");
    ExecutorService scanners = Executors.newFixedThreadPool(2);
    try (GcsObjectStore store = store(4, 1L << 30);
        ReadableObject scanObject = store.open("scan.bin");
        ReadableObject takeObject = store.open("take.bin")) {
      IoScheduler scheduler = store.ioScheduler();
      List<Future<List<ByteBuffer>>> scans = startScan(scanObject, scanners);
      awaitQueued(scheduler, 29, 0);
      assertThat(scheduler.stats().inFlightRequests()).isEqualTo(3);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (aroundTake(server.mediaLog())[1] < 3 && System.nanoTime() < deadline) {
        Thread.sleep(2); // the admitted GETs reach the server (and are held there)
      }

      ByteBuffer taken = takeObject.read(2 * STRIDE, RANGE); // interactive: the default
      assertThat(scans).as("the take completed while the scan could not progress").noneMatch(Future::isDone);
      assertThat(aroundTake(server.mediaLog())).containsExactly(3, 0);

      server.releaseHeld();
      for (int t = 0; t < 2; t++) {
        assertContent(spread(t * 32, 16), scans.get(t).get(60, TimeUnit.SECONDS));
      }
      assertContent(List.of(new ByteRange(2 * STRIDE, RANGE)), List.of(taken));
      assertThat(aroundTake(server.mediaLog())).containsExactly(3, 29);
      assertThat(server.peakConcurrentMedia()).isLessThanOrEqualTo(4);
      awaitIdle(scheduler);
    } finally {
      server.releaseHeld();
      scanners.shutdownNow();
    }
  }

  @Test
  void aQueuedTakeIsServedBeforeEveryQueuedScanRequest() throws Exception {
    // One request at a time: the classes share it, so the take must wait, but it goes first.
    server.holdMedia("root/scan.bin");
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try (GcsObjectStore store = store(1, 1L << 30);
        ReadableObject scanObject = store.open("scan.bin");
        ReadableObject takeObject = store.open("take.bin")) {
      IoScheduler scheduler = store.ioScheduler();
      List<Future<List<ByteBuffer>>> scans = startScan(scanObject, threads);
      awaitQueued(scheduler, 31, 0);
      Future<ByteBuffer> take = threads.submit(() -> takeObject.read(2 * STRIDE, RANGE));
      awaitQueued(scheduler, 31, 1);

      server.releaseHeld();
      assertContent(List.of(new ByteRange(2 * STRIDE, RANGE)), List.of(take.get(60, TimeUnit.SECONDS)));
      for (int t = 0; t < 2; t++) {
        assertContent(spread(t * 32, 16), scans.get(t).get(60, TimeUnit.SECONDS));
      }
      assertThat(aroundTake(server.mediaLog())).containsExactly(1, 31);
      assertThat(server.peakConcurrentMedia()).isEqualTo(1);
      awaitIdle(scheduler);
    } finally {
      server.releaseHeld();
      threads.shutdownNow();
    }
  }

  @Test
  void failedAndInterruptedReadsGiveTheirPermitsBack() throws Exception {
    try (GcsObjectStore store = store(2, 1L << 30); ReadableObject o = store.open("scan.bin")) {
      server.failNextRequests(3, 500);
      assertThatThrownBy(() -> o.withPriority(IoPriority.BULK).readRanges(spread(0, 6))).isInstanceOf(IOException.class);
      awaitIdle(store.ioScheduler());
      server.failNextRequests(0, 500);
      assertContent(spread(0, 6), o.readRanges(spread(0, 6)));

      server.mediaDelay(200);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try {
          o.withPriority(IoPriority.BULK).readRanges(spread(0, 20));
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (store.ioScheduler().stats().queuedBulk() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(2);
      }
      reader.interrupt();
      reader.join(20_000);
      assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
      awaitIdle(store.ioScheduler());
      assertThat(store.ioScheduler().stats().queuedBulk()).isZero();
      server.mediaDelay(0);
      assertContent(spread(3, 2), o.withPriority(IoPriority.BULK).readRanges(spread(3, 2)));
    }
  }
}
