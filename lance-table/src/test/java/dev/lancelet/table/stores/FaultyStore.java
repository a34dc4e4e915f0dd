package dev.lancelet.table.stores;

import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.ObjectAlreadyExistsException;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store in front of a real one that injects faults for tests: read errors, short reads, slow
 * reads, and manifest PUTs that are applied and then "lose their answer" (an I/O error after the
 * object is in place). Everything else goes straight to the real store.
 */
final class FaultyStore implements ObjectStore, ConditionalPut {
  private final ObjectStore inner;
  /** Fail this many upcoming reads with an IOException. */
  final AtomicInteger failReads = new AtomicInteger();
  /** Answer this many upcoming reads with one byte fewer than asked. */
  final AtomicInteger shortReads = new AtomicInteger();
  /** Reads let through untouched before the short reads start (to reach page reads past the footer). */
  final AtomicInteger passBeforeShort = new AtomicInteger();
  /** Delay every read by this many milliseconds. */
  volatile long readDelayMillis;
  /** Apply this many upcoming put-if-absent calls of manifests, then throw as if the answer was lost. */
  final AtomicInteger loseManifestPutAnswers = new AtomicInteger();
  final AtomicInteger lostAnswers = new AtomicInteger();
  /** Fail this many upcoming put-if-absent calls of manifests before anything is written. */
  final AtomicInteger failManifestPuts = new AtomicInteger();
  final AtomicInteger manifestPuts = new AtomicInteger();
  /**
   * Hold this many upcoming put-if-absent calls of manifests "in flight": the call throws as if
   * the connection broke before an answer, nothing is written yet, and the request is kept to land
   * later ({@link #landHeld}, or by itself right before the next manifest PUT when {@link
   * #landHeldBeforeNextPut} is set).
   */
  final AtomicInteger holdManifestPuts = new AtomicInteger();
  /** Land the held requests right before the next manifest PUT (a retry) reaches the store. */
  volatile boolean landHeldBeforeNextPut;
  private final List<Map.Entry<String, byte[]>> held = new ArrayList<>();

  FaultyStore(ObjectStore inner) {
    this.inner = inner;
  }

  @Override
  public String uri() {
    return inner.uri();
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    ReadableObject o = inner.open(path);
    return new ReadableObject() {
      @Override
      public String location() {
        return o.location();
      }

      @Override
      public long size() throws IOException {
        return o.size();
      }

      @Override
      public ByteBuffer read(long offset, int length) throws IOException {
        if (readDelayMillis > 0) {
          try {
            Thread.sleep(readDelayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
          }
        }
        if (failReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new IOException("injected read failure of " + o.location() + " [" + offset + ", +" + length + ")");
        }
        ByteBuffer b = o.read(offset, length);
        if (length > 0 && shortReads.get() > 0 && passBeforeShort.getAndDecrement() <= 0
            && shortReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          return b.slice(b.position(), b.remaining() - 1).order(b.order());
        }
        return b;
      }

      @Override
      public int coalesceGapBytes() {
        return o.coalesceGapBytes();
      }

      @Override
      public void close() throws IOException {
        o.close();
      }
    };
  }

  @Override
  public boolean exists(String path) throws IOException {
    return inner.exists(path);
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    return inner.create(path);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public void delete(String path) throws IOException {
    inner.delete(path);
  }

  /** Requests held so far and not landed yet. */
  synchronized int heldCount() {
    return held.size();
  }

  /**
   * Lets the held manifest PUTs reach the real store, oldest first.
   *
   * @return how many were applied (a held PUT whose name is taken by then is refused, as the real
   *     store's precondition refuses it)
   */
  synchronized int landHeld() throws IOException {
    int applied = 0;
    for (Map.Entry<String, byte[]> h : held) {
      try {
        ((ConditionalPut) inner).putIfAbsent(h.getKey(), h.getValue());
        applied++;
      } catch (ObjectAlreadyExistsException refused) {
        // the name was taken first: the late request changes nothing
      }
    }
    held.clear();
    return applied;
  }

  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    if (path.startsWith("_versions/")) {
      if (landHeldBeforeNextPut) {
        landHeld();
      }
      if (holdManifestPuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        synchronized (this) {
          held.add(Map.entry(path, data.clone()));
        }
        throw new IOException("injected: connection reset before an answer to the PUT of " + path + " (request still in flight)");
      }
    }
    if (path.startsWith("_versions/") && failManifestPuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException("injected: connection refused for the PUT of " + path);
    }
    ((ConditionalPut) inner).putIfAbsent(path, data);
    if (path.startsWith("_versions/")) {
      manifestPuts.incrementAndGet();
      if (loseManifestPutAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        lostAnswers.incrementAndGet();
        throw new IOException("injected: connection reset after the PUT of " + path + " was applied");
      }
    }
  }
}
