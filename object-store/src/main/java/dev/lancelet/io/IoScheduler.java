package dev.lancelet.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Admission control for the requests of one remote store: at most {@link Limits#maxRequests()}
 * requests and {@link Limits#maxBytes()} response bytes in flight, with two priority classes.
 *
 * <ul>
 *   <li><b>Back-pressure.</b> A request that does not fit waits in a queue until earlier ones
 *       finish. Queued entries are small descriptions of requests, never buffers: a request's
 *       buffer is allocated only once it runs, so the memory of in-flight responses stays under
 *       the byte limit however many readers there are.
 *   <li><b>Priorities.</b> Queued {@link IoPriority#INTERACTIVE} requests start before any queued
 *       {@link IoPriority#BULK} one, in arrival order within a class. Bulk requests together may
 *       use only {@link Limits#bulkRequests()} requests and {@link Limits#bulkBytes()} bytes
 *       (three quarters of the limits), so some capacity is always free for interactive reads
 *       and a take issued during a saturating scan starts as soon as it is asked for.
 *   <li><b>Oversized requests.</b> A request larger than the byte budget of its class is charged
 *       the whole budget: it runs alone in its class rather than never.
 *   <li><b>Release.</b> A permit is given back exactly once, when the request's future completes
 *       however it completes (answer, error, short read, cancellation), and before the caller's
 *       own continuations run: code reacting to a completed read holds no permit, so it may issue
 *       further reads without deadlock.
 * </ul>
 *
 * <p>Requests are started by {@link #submit} (asynchronous: the supplier is called once the
 * request is admitted, possibly on the thread of the request that just finished, so it must only
 * start the request and not block) or run by {@link #call} (blocking, on the caller's thread).
 * Thread-safe.
 */
public final class IoScheduler {

  /**
   * Limits of one store.
   *
   * @param maxRequests requests in flight at most (at least 1)
   * @param maxBytes response bytes in flight at most (at least 1)
   */
  public record Limits(int maxRequests, long maxBytes) {
    /** 64 requests and 256 MiB: what an object store serves well to one process. */
    public static final Limits DEFAULT = new Limits(64, 256L << 20);

    public Limits {
      if (maxRequests < 1) {
        throw new IllegalArgumentException("max_inflight_requests must be >= 1, got " + maxRequests);
      }
      if (maxBytes < 1) {
        throw new IllegalArgumentException("max_inflight_bytes must be >= 1, got " + maxBytes);
      }
    }

    /**
     * Requests bulk reads may use together: the limit less a quarter (at least one) kept for
     * interactive reads; with a limit of 1 both classes share the single request.
     */
    public int bulkRequests() {
      return maxRequests == 1 ? 1 : maxRequests - Math.max(1, maxRequests / 4);
    }

    /** Bytes bulk reads may have in flight together: the limit less a quarter (see above). */
    public long bulkBytes() {
      return maxBytes == 1 ? 1 : maxBytes - Math.max(1, maxBytes / 4);
    }
  }

  /**
   * A snapshot of the scheduler's counters.
   *
   * @param inFlightRequests admitted requests not finished yet
   * @param inFlightBytes bytes charged to them (a request is charged at most its class budget)
   * @param queuedInteractive interactive requests waiting
   * @param queuedBulk bulk requests waiting
   * @param peakRequests the most requests ever in flight at once
   * @param peakBytes the most bytes ever charged at once
   * @param startedInteractive interactive requests admitted so far
   * @param startedBulk bulk requests admitted so far
   */
  public record Stats(
      int inFlightRequests,
      long inFlightBytes,
      int queuedInteractive,
      int queuedBulk,
      int peakRequests,
      long peakBytes,
      long startedInteractive,
      long startedBulk) {}

  /** The right to run one request; give it back with {@link #release()} (idempotent). */
  public final class Permit implements AutoCloseable {
    private final IoPriority priority;
    private final long charge;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(IoPriority priority, long charge) {
      this.priority = priority;
      this.charge = charge;
    }

    /** The class the permit was granted in. */
    public IoPriority priority() {
      return priority;
    }

    /** Gives the capacity back and admits waiting requests; later calls do nothing. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        IoScheduler.this.release(this);
      }
    }

    @Override
    public void close() {
      release();
    }
  }

  /** A blocking request body. */
  @FunctionalInterface
  public interface IoCallable<T> {
    T call() throws IOException;
  }

  private record Waiter(IoPriority priority, long charge, CompletableFuture<Permit> future) {}

  private record Grant(Waiter waiter, Permit permit) {}

  private final Limits limits;
  private final Object lock = new Object();
  private final ArrayDeque<Waiter> interactiveQueue = new ArrayDeque<>();
  private final ArrayDeque<Waiter> bulkQueue = new ArrayDeque<>();
  private int requests;
  private long bytes;
  private int bulkRequests;
  private long bulkBytes;
  private int peakRequests;
  private long peakBytes;
  private long startedInteractive;
  private long startedBulk;
  /** Grants this thread is handing out; nested releases append here instead of recursing. */
  private final ThreadLocal<ArrayDeque<Grant>> handingOut = new ThreadLocal<>();

  /** A scheduler with the given limits. */
  public IoScheduler(Limits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /** The limits in force. */
  public Limits limits() {
    return limits;
  }

  /** The current counters. */
  public Stats stats() {
    synchronized (lock) {
      return new Stats(
          requests, bytes, interactiveQueue.size(), bulkQueue.size(), peakRequests, peakBytes, startedInteractive, startedBulk);
    }
  }

  /**
   * Asks for a permit for a request of {@code bytes} response bytes. The future completes with the
   * permit once the request is admitted (at once if it fits now). Cancelling the future withdraws
   * the request; a permit granted to a cancelled future is given back.
   */
  public CompletableFuture<Permit> acquire(IoPriority priority, long bytes) {
    java.util.Objects.requireNonNull(priority, "priority");
    if (bytes < 0) {
      throw new IllegalArgumentException("A request cannot read " + bytes + " bytes");
    }
    long budget = priority == IoPriority.INTERACTIVE ? limits.maxBytes() : limits.bulkBytes();
    Waiter w = new Waiter(priority, Math.min(bytes, budget), new CompletableFuture<>());
    List<Grant> grants;
    synchronized (lock) {
      (priority == IoPriority.INTERACTIVE ? interactiveQueue : bulkQueue).addLast(w);
      grants = grantLocked();
    }
    // Our own grant is handed over directly, even inside a hand-out loop: the caller may be about to block on it.
    for (int i = 0; i < grants.size(); i++) {
      if (grants.get(i).waiter == w) {
        handOver(grants.remove(i));
        break;
      }
    }
    handOut(grants);
    w.future.whenComplete(
        (p, e) -> {
          if (w.future.isCancelled()) {
            List<Grant> more;
            synchronized (lock) {
              (w.priority == IoPriority.INTERACTIVE ? interactiveQueue : bulkQueue).remove(w);
              more = grantLocked();
            }
            handOut(more);
          }
        });
    return w.future;
  }

  /**
   * Runs a request once admitted: {@code request} is called when a permit is granted (it must
   * start the request and return without blocking) and the permit is released when the future it
   * returns completes, before the returned future completes. Cancelling the returned future
   * withdraws a queued request or cancels the running one; the permit is held until the running
   * request's own future completes.
   */
  public <T> CompletableFuture<T> submit(IoPriority priority, long bytes, Supplier<? extends CompletableFuture<T>> request) {
    CompletableFuture<Permit> admitted = acquire(priority, bytes);
    CompletableFuture<T> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<T>> running = new AtomicReference<>();
    admitted.whenComplete(
        (permit, error) -> {
          if (error != null) {
            result.completeExceptionally(error);
            return;
          }
          if (result.isDone()) {
            permit.release();
            return;
          }
          CompletableFuture<T> f;
          try {
            f = request.get();
          } catch (Throwable t) {
            permit.release();
            result.completeExceptionally(t);
            return;
          }
          running.set(f);
          f.whenComplete(
              (value, failure) -> {
                permit.release();
                if (failure != null) {
                  result.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
                } else {
                  result.complete(value);
                }
              });
          if (result.isCancelled()) {
            f.cancel(true);
          }
        });
    result.whenComplete(
        (v, e) -> {
          if (result.isCancelled()) {
            admitted.cancel(false);
            CompletableFuture<T> f = running.get();
            if (f != null) {
              f.cancel(true);
            }
          }
        });
    return result;
  }

  /**
   * Runs {@code body} on this thread once admitted, waiting for a permit first (back-pressure),
   * and releases the permit when it returns or throws.
   *
   * @throws InterruptedIOException if interrupted while waiting; the request is withdrawn
   */
  public <T> T call(IoPriority priority, long bytes, IoCallable<T> body) throws IOException {
    CompletableFuture<Permit> admitted = acquire(priority, bytes);
    Permit permit;
    if (admitted.isDone()) {
      permit = admitted.join();
    } else {
      // Grants this thread still owes others must go out before it blocks, or their requests never start.
      drain();
      try {
        permit = admitted.get();
      } catch (InterruptedException e) {
        if (!admitted.cancel(false)) {
          admitted.join().release();
        }
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while waiting for an I/O slot");
      } catch (ExecutionException | CancellationException e) {
        throw new IOException("Waiting for an I/O slot failed", e);
      }
    }
    try {
      return body.call();
    } finally {
      permit.release();
    }
  }

  private void release(Permit p) {
    List<Grant> grants;
    synchronized (lock) {
      requests--;
      bytes -= p.charge;
      if (p.priority == IoPriority.BULK) {
        bulkRequests--;
        bulkBytes -= p.charge;
      }
      grants = grantLocked();
    }
    handOut(grants);
  }

  /** Admits waiting requests while they fit: interactive first, bulk only when none waits. */
  private List<Grant> grantLocked() {
    List<Grant> out = List.of();
    while (true) {
      Waiter w = firstLive(interactiveQueue);
      boolean fits;
      if (w != null) {
        fits = requests < limits.maxRequests() && bytes + w.charge <= limits.maxBytes();
      } else {
        w = firstLive(bulkQueue);
        if (w == null) {
          return out;
        }
        fits = requests < limits.maxRequests()
            && bulkRequests < limits.bulkRequests()
            && bytes + w.charge <= limits.maxBytes()
            && bulkBytes + w.charge <= limits.bulkBytes();
      }
      if (!fits) {
        return out;
      }
      (w.priority == IoPriority.INTERACTIVE ? interactiveQueue : bulkQueue).pollFirst();
      requests++;
      bytes += w.charge;
      if (w.priority == IoPriority.BULK) {
        bulkRequests++;
        bulkBytes += w.charge;
        startedBulk++;
      } else {
        startedInteractive++;
      }
      peakRequests = Math.max(peakRequests, requests);
      peakBytes = Math.max(peakBytes, bytes);
      if (out.isEmpty()) {
        out = new ArrayList<>(2);
      }
      out.add(new Grant(w, new Permit(w.priority, w.charge)));
    }
  }

  private static Waiter firstLive(ArrayDeque<Waiter> q) {
    Waiter w;
    while ((w = q.peekFirst()) != null && w.future.isDone()) {
      q.pollFirst(); // withdrawn
    }
    return w;
  }

  /**
   * Completes grants outside the lock. Completing one may start a request that fails at once and
   * releases its permit, granting the next: those grants join this thread's loop instead of
   * recursing, so a long queue cannot overflow the stack.
   */
  private void handOut(List<Grant> grants) {
    if (grants.isEmpty()) {
      return;
    }
    ArrayDeque<Grant> q = handingOut.get();
    if (q != null) {
      q.addAll(grants);
      return;
    }
    q = new ArrayDeque<>(grants);
    handingOut.set(q);
    try {
      Grant g;
      while ((g = q.pollFirst()) != null) {
        handOver(g);
      }
    } finally {
      handingOut.remove();
    }
  }

  /** Hands out what this thread's loop still holds (called before the thread blocks). */
  private void drain() {
    ArrayDeque<Grant> q = handingOut.get();
    if (q == null) {
      return;
    }
    Grant g;
    while ((g = q.pollFirst()) != null) {
      handOver(g);
    }
  }

  private static void handOver(Grant g) {
    if (!g.waiter.future.complete(g.permit)) {
      g.permit.release(); // withdrawn meanwhile
    }
  }

  @Override
  public String toString() {
    return "IoScheduler[maxRequests=" + limits.maxRequests() + ", maxBytes=" + limits.maxBytes() + ", " + stats() + "]";
  }
}
