package dev.lancelet.table;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Open data-file readers of one dataset, kept across takes and scans so that a take does not
 * reopen files and re-read their footers and page indexes. Data files never change once written
 * (their names are unique), so an entry never goes stale; it is keyed by the file's path in the
 * dataset and shared by every version opened from the same {@link Dataset} (checkouts share it).
 *
 * <p>Bounded by a number of files: the least recently used idle reader is closed when a new one
 * would exceed it. A reader in use (leased) is never closed under its user: when evicted or when
 * the cache closes, it is closed as its last lease is released. Thread-safe.
 */
final class DataFileCache implements AutoCloseable {
  private static final class Entry {
    final String path;
    final LanceFileReader reader;
    int leases;
    /** Out of the map (evicted or cache closed): close with the last lease. */
    boolean detached;

    Entry(String path, LanceFileReader reader) {
      this.path = path;
      this.reader = reader;
    }
  }

  /** A reader borrowed from the cache; release it with {@link #close()} (once). */
  final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    LanceFileReader reader() {
      return entry.reader;
    }

    @Override
    public void close() throws IOException {
      if (released) {
        return;
      }
      released = true;
      release(entry);
    }
  }

  private final ObjectStore store;
  private final BufferAllocator allocator;
  private final int capacity;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;
  private long opens;

  /**
   * @param capacity most readers kept open while idle; 0 keeps none (every lease opens its file
   *     and closes it on release)
   */
  DataFileCache(ObjectStore store, BufferAllocator allocator, int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    this.store = store;
    this.allocator = allocator;
    this.capacity = capacity;
  }

  /** Borrows the reader of data file {@code path} (a path in the dataset, e.g. {@code data/x.lance}). */
  Lease acquire(String path) throws IOException {
    synchronized (this) {
      Entry e = entries.get(path);
      if (e != null) {
        e.leases++;
        return new Lease(e);
      }
    }
    // Opened outside the lock: two threads may open the same file at once; one copy is kept.
    // Every answer is checked for its length: a store answering short gives an EOFException naming the file.
    LanceFileReader r = LanceFileReader.open(ReadableObject.checkingLengths(store.open(path)), allocator);
    List<Entry> toClose = new ArrayList<>();
    Entry mine = new Entry(path, r);
    mine.leases = 1;
    Entry result;
    synchronized (this) {
      opens++;
      Entry other = closed || capacity == 0 ? null : entries.get(path);
      if (other != null) {
        other.leases++;
        mine.detached = true;
        mine.leases = 0;
        toClose.add(mine);
        result = other;
      } else {
        result = mine;
        if (closed || capacity == 0) {
          mine.detached = true;
        } else {
          entries.put(path, mine);
          evict(toClose);
        }
      }
    }
    closeAll(toClose);
    return new Lease(result);
  }

  /** Detaches least recently used entries beyond the capacity; idle ones go to {@code toClose}. */
  private void evict(List<Entry> toClose) {
    Iterator<Entry> it = entries.values().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      Entry e = it.next();
      it.remove();
      e.detached = true;
      if (e.leases == 0) {
        toClose.add(e);
      }
    }
  }

  private void release(Entry e) throws IOException {
    boolean close;
    synchronized (this) {
      e.leases--;
      close = e.detached && e.leases == 0;
    }
    if (close) {
      e.reader.close();
    }
  }

  /** Readers kept open now (leased or idle), for tests and diagnostics. */
  synchronized int size() {
    return entries.size();
  }

  /** Files opened since the cache was made, for tests and diagnostics. */
  synchronized long opens() {
    return opens;
  }

  /** Closes idle readers now and leased ones when released; later leases are not kept. */
  @Override
  public void close() throws IOException {
    List<Entry> toClose = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Entry e : entries.values()) {
        e.detached = true;
        if (e.leases == 0) {
          toClose.add(e);
        }
      }
      entries.clear();
    }
    closeAll(toClose);
  }

  private static void closeAll(List<Entry> es) throws IOException {
    IOException first = null;
    for (Entry e : es) {
      try {
        e.reader.close();
      } catch (IOException x) {
        if (first == null) {
          first = x;
        } else {
          first.addSuppressed(x);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public synchronized String toString() {
    return "DataFileCache{" + store.uri() + ", " + entries.size() + "/" + capacity + " open}";
  }

  /** For tests: whether {@code path} is cached now. */
  synchronized boolean contains(String path) {
    return entries.containsKey(path);
  }
}
