package dev.lancelet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A decorator that counts read requests and bytes read, to prove that a reader fetches only what
 * it needs (tests and benchmarks). Multi-range reads are counted after coalescing: one merged
 * request is one request.
 */
public final class CountingObjectStore implements ObjectStore {
  private final ObjectStore inner;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  public CountingObjectStore(ObjectStore inner) {
    this.inner = inner;
  }

  public long requests() {
    return requests.get();
  }

  public long bytesRead() {
    return bytes.get();
  }

  public void reset() {
    requests.set(0);
    bytes.set(0);
  }

  @Override
  public String uri() {
    return inner.uri();
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    return counting(inner.open(path));
  }

  private ReadableObject counting(ReadableObject o) {
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
        requests.incrementAndGet();
        bytes.addAndGet(length);
        return o.read(offset, length);
      }

      @Override
      public int coalesceGapBytes() {
        return o.coalesceGapBytes();
      }

      @Override
      public ReadableObject withPriority(IoPriority priority) {
        ReadableObject view = o.withPriority(priority);
        return view == o ? this : counting(view);
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

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
