package dev.lancelet.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IoSchedulerTest {
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private static void assertIdle(IoScheduler s) {
    IoScheduler.Stats st = s.stats();
    assertThat(st.inFlightRequests()).isZero();
    assertThat(st.inFlightBytes()).isZero();
    assertThat(st.queuedInteractive()).isZero();
    assertThat(st.queuedBulk()).isZero();
  }

  /** What is running, counted by the requests themselves (the store side of the scheduler). */
  private static final class Load {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger bulk = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    final AtomicInteger maxRequests = new AtomicInteger();
    final AtomicInteger maxBulk = new AtomicInteger();
    final AtomicLong maxBytes = new AtomicLong();

    void enter(IoPriority p, long charge) {
      maxRequests.accumulateAndGet(requests.incrementAndGet(), Math::max);
      if (p == IoPriority.BULK) {
        maxBulk.accumulateAndGet(bulk.incrementAndGet(), Math::max);
      }
      maxBytes.accumulateAndGet(bytes.addAndGet(charge), Math::max);
    }

    void exit(IoPriority p, long charge) {
      requests.decrementAndGet();
      if (p == IoPriority.BULK) {
        bulk.decrementAndGet();
      }
      bytes.addAndGet(-charge);
    }
  }

  @Test
  void limitsHoldUnderManyThreadsMixingBlockingAndAsyncRequests() throws Exception {
    IoScheduler.Limits limits = new IoScheduler.Limits(8, 1000);
    IoScheduler s = new IoScheduler(limits);
    Load load = new Load();
    int threads = 12;
    int perThread = 150;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = 1234 + t;
      done.add(callers.submit(() -> {
        Random rnd = new Random(seed);
        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          IoPriority p = rnd.nextInt(3) == 0 ? IoPriority.INTERACTIVE : IoPriority.BULK;
          long size = rnd.nextInt(20) == 0 ? 5000 : 1 + rnd.nextInt(300); // some larger than the budget
          long charge = Math.min(size, p == IoPriority.BULK ? limits.bulkBytes() : limits.maxBytes());
          if (rnd.nextBoolean()) {
            int v = s.call(p, size, () -> {
              load.enter(p, charge);
              try {
                Thread.sleep(0, 200_000);
              } catch (InterruptedException e) {
                throw new InterruptedIOException();
              } finally {
                load.exit(p, charge);
              }
              return 1;
            });
            assertThat(v).isEqualTo(1);
          } else {
            pending.add(s.submit(p, size, () -> {
              load.enter(p, charge);
              CompletableFuture<Integer> f = new CompletableFuture<>();
              timer.schedule(() -> {
                load.exit(p, charge);
                f.complete(2);
              }, rnd.nextInt(2), TimeUnit.MILLISECONDS);
              return f;
            }));
          }
        }
        for (CompletableFuture<Integer> f : pending) {
          assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(50, TimeUnit.SECONDS);
    }
    callers.shutdown();
    assertThat(load.maxRequests.get()).isBetween(2, 8);
    assertThat(load.maxBulk.get()).isLessThanOrEqualTo(limits.bulkRequests());
    assertThat(load.maxBytes.get()).isLessThanOrEqualTo(1000);
    IoScheduler.Stats st = s.stats();
    assertThat(st.peakRequests()).isLessThanOrEqualTo(8);
    assertThat(st.peakBytes()).isLessThanOrEqualTo(1000);
    assertThat(st.startedInteractive() + st.startedBulk()).isEqualTo((long) threads * perThread);
    assertIdle(s);
  }

  @Test
  void queuedInteractiveRequestsStartBeforeQueuedBulkOnes() throws Exception {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(4, 1 << 20));
    assertThat(s.limits().bulkRequests()).isEqualTo(3);
    List<IoScheduler.Permit> bulk = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CompletableFuture<IoScheduler.Permit> f = s.acquire(IoPriority.BULK, 10);
      assertThat(f).isDone();
      bulk.add(f.join());
    }
    CompletableFuture<IoScheduler.Permit> b4 = s.acquire(IoPriority.BULK, 10);
    CompletableFuture<IoScheduler.Permit> b5 = s.acquire(IoPriority.BULK, 10);
    assertThat(b4).isNotDone(); // the bulk share is used up
    CompletableFuture<IoScheduler.Permit> i1 = s.acquire(IoPriority.INTERACTIVE, 10);
    assertThat(i1).isDone(); // the reserved slot
    CompletableFuture<IoScheduler.Permit> i2 = s.acquire(IoPriority.INTERACTIVE, 10);
    CompletableFuture<IoScheduler.Permit> i3 = s.acquire(IoPriority.INTERACTIVE, 10);
    assertThat(i2).isNotDone();
    assertThat(s.stats().queuedInteractive()).isEqualTo(2);
    assertThat(s.stats().queuedBulk()).isEqualTo(2);

    bulk.get(0).release(); // one slot frees: the older bulk waiters lose to the interactive ones
    assertThat(i2).isDone();
    assertThat(i3).isNotDone();
    assertThat(b4).isNotDone();
    bulk.get(1).release();
    assertThat(i3).isDone();
    assertThat(b4).isNotDone();
    i1.join().release();
    assertThat(b4).isDone(); // no interactive waiter left: bulk in arrival order
    assertThat(b5).isNotDone();
    i2.join().release();
    assertThat(b5).isDone();
    for (CompletableFuture<IoScheduler.Permit> f : List.of(i3, b4, b5)) {
      f.join().release();
    }
    bulk.get(2).release();
    bulk.get(2).release(); // idempotent
    assertIdle(s);
  }

  @Test
  void bulkNeverTakesTheCapacityReservedForInteractiveReads() {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(8, 1000));
    List<CompletableFuture<IoScheduler.Permit>> bulk = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      bulk.add(s.acquire(IoPriority.BULK, 100));
    }
    assertThat(bulk.stream().filter(CompletableFuture::isDone).count()).isEqualTo(6); // 8 - 8/4 requests, 600 <= 750 bytes
    CompletableFuture<IoScheduler.Permit> take = s.acquire(IoPriority.INTERACTIVE, 250);
    assertThat(take).isDone();

    // By bytes too: bulk is capped at 750 of 1000 bytes.
    IoScheduler t = new IoScheduler(new IoScheduler.Limits(64, 1000));
    List<CompletableFuture<IoScheduler.Permit>> big = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      big.add(t.acquire(IoPriority.BULK, 200));
    }
    assertThat(big.stream().filter(CompletableFuture::isDone).count()).isEqualTo(3);
    assertThat(t.acquire(IoPriority.INTERACTIVE, 250)).isDone();
    bulk.forEach(f -> f.cancel(false));
    bulk.stream().filter(f -> !f.isCancelled()).forEach(f -> f.join().release());
    take.join().release();
    assertIdle(s);
  }

  @Test
  void aRequestLargerThanTheBudgetRunsAloneInsteadOfNever() {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(4, 100));
    CompletableFuture<IoScheduler.Permit> small = s.acquire(IoPriority.INTERACTIVE, 10);
    CompletableFuture<IoScheduler.Permit> huge = s.acquire(IoPriority.INTERACTIVE, 10_000);
    assertThat(small).isDone();
    assertThat(huge).isNotDone();
    CompletableFuture<IoScheduler.Permit> after = s.acquire(IoPriority.INTERACTIVE, 1);
    assertThat(after).isNotDone(); // queued behind the huge one, in order
    small.join().release();
    assertThat(huge).isDone();
    assertThat(s.stats().inFlightBytes()).isEqualTo(100);
    assertThat(after).isNotDone();
    huge.join().release();
    assertThat(after).isDone();
    after.join().release();

    // A huge bulk request takes the whole bulk share; interactive reads still get theirs.
    CompletableFuture<IoScheduler.Permit> hugeBulk = s.acquire(IoPriority.BULK, 1 << 30);
    assertThat(hugeBulk).isDone();
    assertThat(s.acquire(IoPriority.BULK, 1)).isNotDone();
    CompletableFuture<IoScheduler.Permit> take = s.acquire(IoPriority.INTERACTIVE, 25);
    assertThat(take).isDone();
    take.join().release();
    hugeBulk.join().release(); // the queued bulk byte now runs
    assertThat(s.stats().inFlightRequests()).isEqualTo(1);
  }

  @Test
  void failuresOfEveryKindGiveThePermitBack() throws Exception {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(2, 100));
    for (int i = 0; i < 20; i++) {
      CompletableFuture<Object> failed =
          s.submit(IoPriority.BULK, 10, () -> CompletableFuture.failedFuture(new IOException("boom " + 1)));
      assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
      CompletableFuture<Object> thrown = s.submit(IoPriority.INTERACTIVE, 10, () -> {
        throw new IllegalStateException("cannot start");
      });
      assertThatThrownBy(thrown::get).hasCauseInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> s.call(IoPriority.BULK, 10, () -> {
        throw new java.io.EOFException("short read");
      })).isInstanceOf(java.io.EOFException.class);
      assertThatThrownBy(() -> s.call(IoPriority.INTERACTIVE, 10, () -> {
        throw new IllegalArgumentException("bug");
      })).isInstanceOf(IllegalArgumentException.class);
    }
    assertIdle(s);
  }

  @Test
  void cancellingAQueuedRequestWithdrawsItAndARunningOneHoldsItsPermitUntilItEnds() throws Exception {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(1, 100));
    CompletableFuture<String> gate = new CompletableFuture<>();
    AtomicBoolean innerCancelled = new AtomicBoolean();
    CompletableFuture<String> running = s.submit(IoPriority.BULK, 10, () -> {
      CompletableFuture<String> f = new CompletableFuture<>() {
        @Override
        public boolean cancel(boolean b) {
          innerCancelled.set(true); // like a GET that stops only when its connection closes
          return false;
        }
      };
      gate.whenComplete((v, e) -> f.complete(v));
      return f;
    });
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String> queued = s.submit(IoPriority.INTERACTIVE, 10, () -> {
      started.incrementAndGet();
      return CompletableFuture.completedFuture("q");
    });
    assertThat(queued).isNotDone();
    queued.cancel(true);
    assertThat(s.stats().queuedInteractive()).isZero();

    running.cancel(true);
    assertThat(innerCancelled).isTrue();
    assertThat(s.stats().inFlightRequests()).isEqualTo(1); // the GET has not ended yet
    CompletableFuture<String> next = s.submit(IoPriority.INTERACTIVE, 10, () -> CompletableFuture.completedFuture("n"));
    assertThat(next).isNotDone();
    gate.complete("late");
    assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("n");
    assertThat(started).hasValue(0);
    assertIdle(s);
  }

  @Test
  void interruptingABlockedCallerWithdrawsItsRequest() throws Exception {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(1, 100));
    IoScheduler.Permit held = s.acquire(IoPriority.INTERACTIVE, 1).join();
    CopyOnWriteArrayList<Throwable> seen = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try {
        s.call(IoPriority.BULK, 1, () -> "never");
      } catch (Throwable e) {
        seen.add(e);
      }
    });
    t.start();
    while (s.stats().queuedBulk() == 0) {
      Thread.sleep(1);
    }
    t.interrupt();
    t.join(10_000);
    assertThat(seen).singleElement().isInstanceOf(InterruptedIOException.class);
    held.release();
    assertIdle(s);
  }

  @Test
  void aReadIssuedFromACompletionCallbackDoesNotDeadlock() throws Exception {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(1, 100));
    // The single permit is released before the caller's continuation runs, so a blocking read there gets it.
    CompletableFuture<String> chained =
        s.submit(IoPriority.INTERACTIVE, 10, () -> CompletableFuture.supplyAsync(() -> "a", timer))
            .thenApply(a -> {
              try {
                return a + s.call(IoPriority.INTERACTIVE, 10, () -> "b");
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            })
            .thenCompose(ab -> s.submit(IoPriority.BULK, 10, () -> CompletableFuture.supplyAsync(() -> ab + "c", timer)));
    assertThat(chained.get(10, TimeUnit.SECONDS)).isEqualTo("abc");

    // A continuation running while this thread is handing out permits must not block the ones it still owes.
    IoScheduler.Permit held = s.acquire(IoPriority.INTERACTIVE, 1).join();
    CompletableFuture<String> x = s.submit(IoPriority.INTERACTIVE, 1, () -> CompletableFuture.completedFuture("x"));
    CompletableFuture<String> y = s.submit(IoPriority.INTERACTIVE, 1, () -> CompletableFuture.supplyAsync(() -> "y", timer));
    CompletableFuture<String> z = x.thenApply(v -> {
      try {
        return v + s.call(IoPriority.INTERACTIVE, 1, () -> "z");
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    CountDownLatch released = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      held.release(); // runs x, which grants y (owed by this thread) and then blocks in z's call
      released.countDown();
    });
    t.start();
    assertThat(released.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(z.get(10, TimeUnit.SECONDS)).isEqualTo("xz");
    assertThat(y.get(10, TimeUnit.SECONDS)).isEqualTo("y");
    assertIdle(s);
  }

  @Test
  void aLongQueueOfRequestsFailingAtOnceDoesNotOverflowTheStack() throws Exception {
    IoScheduler s = new IoScheduler(new IoScheduler.Limits(1, 100));
    IoScheduler.Permit held = s.acquire(IoPriority.BULK, 1).join();
    List<CompletableFuture<Object>> all = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      all.add(s.submit(IoPriority.BULK, 1, () -> CompletableFuture.failedFuture(new IOException("store closed"))));
    }
    held.release();
    for (CompletableFuture<Object> f : all) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }
    assertIdle(s);
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> new IoScheduler.Limits(0, 10)).hasMessageContaining("max_inflight_requests");
    assertThatThrownBy(() -> new IoScheduler.Limits(1, 0)).hasMessageContaining("max_inflight_bytes");
    assertThat(new IoScheduler.Limits(1, 1).bulkRequests()).isEqualTo(1);
    assertThat(IoScheduler.Limits.DEFAULT.bulkRequests()).isEqualTo(48);
    assertThat(IoScheduler.Limits.DEFAULT.bulkBytes()).isEqualTo(192L << 20);
    IoScheduler s = new IoScheduler(IoScheduler.Limits.DEFAULT);
    assertThatThrownBy(() -> s.acquire(IoPriority.BULK, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(s.acquire(IoPriority.BULK, 0)).isDone();
    assertThatThrownBy(() -> s.call(IoPriority.BULK, 1, () -> {
      throw new CancellationException("x");
    })).isInstanceOf(CancellationException.class);
  }
}
