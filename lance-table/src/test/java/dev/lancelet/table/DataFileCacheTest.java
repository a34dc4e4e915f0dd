package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-dataset cache of open data files: takes and scans reuse open files, the cache stays
 * within its bound, a file in use is never closed under its user, and closing the dataset closes
 * every file (counted by a store that tracks open handles; the allocator is checked for leaks).
 */
class DataFileCacheTest {
  static final int FRAGMENTS = 10;
  static final int ROWS_PER_FRAGMENT = 200;
  static final long ROWS = (long) FRAGMENTS * ROWS_PER_FRAGMENT;

  BufferAllocator allocator;
  MemoryObjectStore memory;
  OpenTracking store;

  /** Counts handles of data files opened and not yet closed. */
  static final class OpenTracking implements ObjectStore {
    final ObjectStore inner;
    final AtomicInteger openData = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();

    OpenTracking(ObjectStore inner) {
      this.inner = inner;
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public ReadableObject open(String path) throws IOException {
      ReadableObject o = inner.open(path);
      if (!path.startsWith("data/")) {
        return o;
      }
      openData.incrementAndGet();
      opened.incrementAndGet();
      return new ReadableObject() {
        boolean closed;

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
          if (closed) {
            throw new IOException("read after close of " + path);
          }
          return o.read(offset, length);
        }

        @Override
        public synchronized void close() throws IOException {
          if (!closed) {
            closed = true;
            openData.decrementAndGet();
          }
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
  }

  @BeforeEach
  void write() throws Exception {
    allocator = new RootAllocator();
    memory = new MemoryObjectStore("cache");
    List<VectorSchemaRoot> batches = new ArrayList<>();
    for (int i = 0; i < FRAGMENTS; i++) {
      batches.add(ReferenceDatasets.idNameBatch((long) i * ROWS_PER_FRAGMENT, ROWS_PER_FRAGMENT, allocator));
    }
    try (RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, batches);
        Dataset d = Dataset.write(in, memory, WriteOptions.builder().maxRowsPerFile(ROWS_PER_FRAGMENT)
            .allocator(allocator).build())) {
      assertThat(d.fragments()).hasSize(FRAGMENTS);
    } finally {
      batches.forEach(VectorSchemaRoot::close);
    }
    store = new OpenTracking(memory);
  }

  @AfterEach
  void close() {
    allocator.close(); // fails on a leaked buffer
  }

  private Dataset open(int cacheSize) throws IOException {
    return Dataset.open(store, OpenOptions.builder().allocator(allocator).fileCacheSize(cacheSize).build());
  }

  /** Takes {@code rows} and checks every id and name. */
  private static void takeAndCheck(Dataset ds, long[] rows) throws IOException {
    try (VectorSchemaRoot r = ds.take(rows, null)) {
      BigIntVector id = (BigIntVector) r.getVector("id");
      VarCharVector name = (VarCharVector) r.getVector("name");
      assertThat(r.getRowCount()).isEqualTo(rows.length);
      for (int i = 0; i < rows.length; i++) {
        assertThat(id.get(i)).isEqualTo(rows[i]);
        if (rows[i] % 7 == 3) {
          assertThat(name.isNull(i)).isTrue();
        } else {
          assertThat(new String(name.get(i), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("n" + rows[i]);
        }
      }
    }
  }

  private static long[] oneRowPerFragment(int offset) {
    long[] rows = new long[FRAGMENTS];
    for (int f = 0; f < FRAGMENTS; f++) {
      rows[f] = (long) f * ROWS_PER_FRAGMENT + offset;
    }
    return rows;
  }

  @Test
  void repeatedTakesOpenEachFileOnce() throws Exception {
    try (Dataset ds = open(OpenOptions.DEFAULT_FILE_CACHE_SIZE)) {
      takeAndCheck(ds, oneRowPerFragment(5));
      assertThat(store.opened.get()).isEqualTo(FRAGMENTS);
      for (int i = 0; i < 5; i++) {
        takeAndCheck(ds, oneRowPerFragment(17 + i));
      }
      try (ArrowReader r = ds.newScan().filter("id % 3 = 0").open()) {
        while (r.loadNextBatch()) {
          assertThat(r.getVectorSchemaRoot().getRowCount()).isPositive();
        }
      }
      assertThat(store.opened.get()).as("files opened by 6 takes and a filtered scan").isEqualTo(FRAGMENTS);
      assertThat(ds.files().size()).isEqualTo(FRAGMENTS);
      assertThat(store.openData.get()).isEqualTo(FRAGMENTS);
      try (Dataset v1 = ds.checkout(1)) {
        takeAndCheck(v1, oneRowPerFragment(3));
        assertThat(store.opened.get()).as("a checkout shares the open files").isEqualTo(FRAGMENTS);
      }
      assertThat(store.openData.get()).as("closing a checkout keeps the shared files").isEqualTo(FRAGMENTS);
    }
    assertThat(store.openData.get()).as("files left open after close").isZero();
  }

  @Test
  void staysWithinItsBound() throws Exception {
    try (Dataset ds = open(3)) {
      takeAndCheck(ds, oneRowPerFragment(1));
      assertThat(ds.files().size()).isEqualTo(3);
      assertThat(store.openData.get()).isEqualTo(3);
      // Taking from the fragments whose files are cached opens nothing; from another opens one.
      List<Long> cachedRows = new ArrayList<>();
      long uncachedRow = -1;
      for (int f = 0; f < FRAGMENTS; f++) {
        long row = (long) f * ROWS_PER_FRAGMENT + 9;
        if (ds.files().contains(ds.fragments().get(f).files().get(0).datasetPath())) {
          cachedRows.add(row);
        } else {
          uncachedRow = row;
        }
      }
      assertThat(cachedRows).hasSize(3);
      int before = store.opened.get();
      takeAndCheck(ds, cachedRows.stream().mapToLong(Long::longValue).toArray());
      assertThat(store.opened.get()).isEqualTo(before);
      takeAndCheck(ds, new long[] {uncachedRow});
      assertThat(store.opened.get()).isEqualTo(before + 1);
      assertThat(ds.files().size()).isEqualTo(3);
    }
    assertThat(store.openData.get()).isZero();
  }

  @Test
  void sizeZeroKeepsNothingOpen() throws Exception {
    try (Dataset ds = open(0)) {
      takeAndCheck(ds, oneRowPerFragment(2));
      takeAndCheck(ds, oneRowPerFragment(2));
      assertThat(store.opened.get()).isEqualTo(2 * FRAGMENTS);
      assertThat(store.openData.get()).isZero();
      assertThat(ds.files().size()).isZero();
    }
  }

  @Test
  void evictedFileStaysUsableUntilReleased() throws Exception {
    try (DataFileCache cache = new DataFileCache(store, allocator, 1);
        Dataset ds = open(0)) {
      String a = ds.fragments().get(0).files().get(0).datasetPath();
      String b = ds.fragments().get(1).files().get(0).datasetPath();
      DataFileCache.Lease la = cache.acquire(a);
      try (DataFileCache.Lease lb = cache.acquire(b)) {
        assertThat(cache.contains(a)).isFalse();
        assertThat(cache.contains(b)).isTrue();
        // a was evicted while leased: still open and readable.
        assertThat(store.openData.get()).isEqualTo(2);
        try (VectorSchemaRoot r = la.reader().take(new long[] {4}, List.of("id"))) {
          assertThat(((BigIntVector) r.getVector(0)).get(0)).isEqualTo(4);
        }
        la.close();
        la.close(); // a second release does nothing
        assertThat(store.openData.get()).isEqualTo(1);
        try (DataFileCache.Lease lb2 = cache.acquire(b)) {
          assertThat(lb2.reader()).isSameAs(lb.reader());
        }
      }
      assertThat(store.openData.get()).isEqualTo(1);
      DataFileCache.Lease held = cache.acquire(b);
      cache.close();
      assertThat(store.openData.get()).as("a leased file outlives the cache's close").isEqualTo(1);
      try (DataFileCache.Lease late = cache.acquire(a)) {
        assertThat(cache.size()).as("a closed cache keeps nothing").isZero();
        assertThat(store.openData.get()).isEqualTo(2);
      }
      held.close();
    }
    assertThat(store.openData.get()).isZero();
  }

  @Test
  void concurrentTakesWithEviction() throws Exception {
    long seed = new Random().nextLong();
    for (int size : new int[] {2, OpenOptions.DEFAULT_FILE_CACHE_SIZE}) {
      try (Dataset ds = open(size)) {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
          List<Future<?>> fs = new ArrayList<>();
          for (int t = 0; t < 6; t++) {
            Random r = new Random(seed + t);
            fs.add(pool.submit(() -> {
              for (int k = 0; k < 40; k++) {
                long[] rows = new long[1 + r.nextInt(30)];
                for (int i = 0; i < rows.length; i++) {
                  rows[i] = r.nextLong(ROWS);
                }
                takeAndCheck(ds, rows);
              }
              return null;
            }));
          }
          for (Future<?> f : fs) {
            f.get();
          }
        } finally {
          pool.shutdown();
        }
        assertThat(ds.files().size()).as("seed %d", seed).isLessThanOrEqualTo(size);
        assertThat(store.openData.get()).as("seed %d: open files when idle", seed).isEqualTo(ds.files().size());
      }
      assertThat(store.openData.get()).as("seed %d", seed).isZero();
    }
  }
}
