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

  /** Runs {@code task} on a helper thread. */
  static <T> Future<T> submit(Task<T> task) {
    return POOL.submit(task::run);
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
    Runnable loop = () -> {
      int i;
      while ((i = next.getAndIncrement()) < n) {
        try {
          tasks.get(i).run();
        } catch (Throwable e) {
          failed[i] = e;
        }
      }
    };
    List<Future<?>> helpers = new ArrayList<>();
    for (int h = 0; h < Math.min(HELPERS, n - 1); h++) {
      helpers.add(POOL.submit(loop));
    }
    loop.run();
    for (Future<?> f : helpers) {
      join(f);
    }
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
