package dev.lancelet.table;

import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Publishes the data files of one change in the background, so that making one file durable
 * overlaps with writing the next. Files are written through {@link #store()}: closing a writer
 * from it returns once every byte is handed to the store, and the store's own close (for a local
 * store: fsync, move into place, directory fsync; for S3: completing the upload) runs on a
 * background thread, at most {@value #IN_FLIGHT} at a time (a writer's close waits for a free
 * slot). {@link #await()} returns once every file is published, and must return before a manifest
 * naming the files is committed: durability before commit is unchanged, only the files' syncs
 * overlap with each other and with the writing.
 *
 * <p>Not for concurrent writers: one thread writes, then awaits.
 */
final class BackgroundPublish {
  /** Most files being published at once. */
  static final int IN_FLIGHT = 4;

  /** Daemon threads for publishing; idle ones end after a minute. */
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lancelet-publish");
    t.setDaemon(true);
    return t;
  });

  private final ObjectStore inner;
  private final ObjectStore view;
  private final Semaphore slots = new Semaphore(IN_FLIGHT);
  private final List<Future<?>> running = new ArrayList<>();
  private final Map<String, Long> sizes = new ConcurrentHashMap<>();

  BackgroundPublish(ObjectStore inner) {
    this.inner = inner;
    this.view = new View();
  }

  /** The store to write the files through (everything but writer close goes straight to the inner store). */
  ObjectStore store() {
    return view;
  }

  /** Bytes written to {@code path} through {@link #store()}, once its writer is closed. */
  long size(String path) {
    Long n = sizes.get(path);
    if (n == null) {
      throw new IllegalStateException("No file closed at " + path);
    }
    return n;
  }

  /**
   * Waits until every file closed so far is published (or failed), then rethrows the first
   * failure. After it returns normally, every file is in place and as durable as the store makes
   * a closed object.
   */
  void await() throws IOException {
    IOException first = null;
    boolean interrupted = false;
    for (Future<?> f : running) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          IOException io = c instanceof IOException x ? x : new IOException("Publishing a data file failed: " + c, c);
          if (first == null) {
            first = io;
          } else {
            first.addSuppressed(io);
          }
          break;
        }
      }
    }
    running.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first != null) {
      throw first;
    }
  }

  /** Waits for every running publish and ignores their failures (the change is being abandoned). */
  void awaitQuietly() {
    try {
      await();
    } catch (IOException ignored) {
      // the files are deleted by the caller
    }
  }

  private final class View implements ObjectStore {
    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public ReadableObject open(String path) throws IOException {
      return inner.open(path);
    }

    @Override
    public long size(String path) throws IOException {
      return inner.size(path);
    }

    @Override
    public boolean exists(String path) throws IOException {
      return inner.exists(path);
    }

    @Override
    public byte[] readAll(String path) throws IOException {
      return inner.readAll(path);
    }

    @Override
    public void put(String path, byte[] data) throws IOException {
      inner.put(path, data); // published before it returns
    }

    @Override
    public ObjectWriter create(String path) throws IOException {
      return new Writer(path, inner.create(path));
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
      return inner.list(prefix);
    }

    @Override
    public void delete(String path) throws IOException {
      inner.delete(path);
    }

    @Override
    public String toString() {
      return "BackgroundPublish[" + inner + "]";
    }
  }

  private final class Writer implements ObjectWriter {
    private final String path;
    private final ObjectWriter out;
    private boolean done;

    Writer(String path, ObjectWriter out) {
      this.path = path;
      this.out = out;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void write(java.nio.ByteBuffer buffer) throws IOException {
      out.write(buffer);
    }

    @Override
    public long position() {
      return out.position();
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while waiting to publish " + path);
      }
      done = true;
      sizes.put(path, out.position());
      try {
        running.add(POOL.submit(() -> {
          try {
            out.close();
          } catch (IOException | RuntimeException e) {
            try {
              out.abort();
            } catch (IOException ignored) {
              // the close failure is the one reported
            }
            throw e;
          } finally {
            slots.release();
          }
          return null;
        }));
      } catch (RuntimeException e) {
        slots.release();
        out.abort();
        throw e;
      }
    }

    @Override
    public void abort() throws IOException {
      if (done) {
        return;
      }
      done = true;
      out.abort();
    }
  }
}
