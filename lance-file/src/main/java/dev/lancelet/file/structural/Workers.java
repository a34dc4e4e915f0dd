package dev.lancelet.file.structural;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The decoder's helper threads: daemon threads, one fewer than the cores (none on one core),
 * shared by every reader of the process and idle-stopped after a few seconds. The calling thread
 * always does part of the work itself, so a request never waits on a busy pool for all of it:
 * take decodes its columns in parallel, and a scan decodes the next batch while the caller's
 * thread decodes the current one.
 */
final class Workers {
  private Workers() {}

  /** Helper threads available (0 on a one-core machine: everything runs on the caller). */
  static final int HELPERS = Integer.getInteger("lancelet.decodeHelpers", Math.max(0, Runtime.getRuntime().availableProcessors() - 1));

  private static final ThreadPoolExecutor POOL;

  static {
    AtomicInteger n = new AtomicInteger();
    POOL = new ThreadPoolExecutor(Math.max(1, HELPERS), Math.max(1, HELPERS), 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "lancelet-decode-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    POOL.allowCoreThreadTimeOut(true);
  }

  /** A unit of work that may throw I/O errors. */
  interface Task<T> {
    T run() throws IOException;
  }

  /**
   * A task handed to a helper thread that the caller can still take back while no helper has
   * started it ({@link #claim}). ({@link Future#cancel} cannot tell: it also succeeds on a task
   * that is running.)
   */
  static final class Job<T> {
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final Future<T> future;

    private Job(Task<T> task) {
      this.future = POOL.submit(() -> claimed.compareAndSet(false, true) ? task.run() : null);
    }

    /** True if no helper started the task and now none will: the caller owns it. */
    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    /** Waits for the task (which a helper started: {@link #claim} returned false) and returns its result. */
    T join() throws IOException {
      return Workers.join(future);
    }
  }

  /** Runs {@code task} on a helper thread, unless the caller claims it back first. */
  static <T> Job<T> submit(Task<T> task) {
    return new Job<>(task);
  }

  /** Waits for {@code f}, rethrowing its failure as thrown by the task. */
  static <T> T join(Future<T> f) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (CancellationException e) {
          throw new IOException("decode task was cancelled", e);
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          if (c instanceof RuntimeException re) {
            throw re;
          }
          if (c instanceof Error err) {
            throw err;
          }
          throw new IOException(c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs every task and returns when all have finished: the calling thread and up to {@code
   * tasks - 1} helpers take the tasks in list order, each taking the next one not started (put
   * the costly ones first). The first failure in task order is thrown after all have finished, so
   * no task still uses shared state when the caller cleans up.
   */
  static void runAll(List<? extends Task<?>> tasks) throws IOException {
    int n = tasks.size();
    if (HELPERS == 0 || n < 2) {
      for (Task<?> t : tasks) {
        t.run();
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Throwable[] failed = new Throwable[n];
    List<AtomicBoolean> claims = new ArrayList<>();
    List<Future<?>> helpers = new ArrayList<>();
    for (int h = 0; h < Math.min(HELPERS, n - 1); h++) {
      AtomicBoolean claim = new AtomicBoolean();
      claims.add(claim);
      helpers.add(POOL.submit(() -> {
        if (claim.compareAndSet(false, true)) {
          runTasks(tasks, next, failed);
        }
      }));
    }
    runTasks(tasks, next, failed);
    for (int h = 0; h < helpers.size(); h++) {
      // A helper that has not started (the pool is busy, e.g. with the caller's own outer task)
      // has nothing left to do: claim it so that it never runs, rather than wait for the pool.
      if (!claims.get(h).compareAndSet(false, true)) {
        join(helpers.get(h));
      }
    }
    rethrowFirst(failed);
  }

  private static void runTasks(List<? extends Task<?>> tasks, AtomicInteger next, Throwable[] failed) {
    int n = tasks.size();
    int i;
    while ((i = next.getAndIncrement()) < n) {
      try {
        tasks.get(i).run();
      } catch (Throwable e) {
        failed[i] = e;
      }
    }
  }

  private static void rethrowFirst(Throwable[] failed) throws IOException {
    Throwable first = null;
    for (Throwable t : failed) {
      if (t == null) {
        continue;
      }
      if (first == null) {
        first = t;
      } else {
        first.addSuppressed(t);
      }
    }
    if (first instanceof IOException io) {
      throw io;
    }
    if (first instanceof RuntimeException re) {
      throw re;
    }
    if (first instanceof Error err) {
      throw err;
    }
    if (first != null) {
      throw new IOException(first);
    }
  }
}
