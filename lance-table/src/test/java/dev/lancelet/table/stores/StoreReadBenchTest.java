package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.CountingObjectStore;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.s3.FaultProxy;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read cost of the table layer on S3 (S3Proxy on loopback) against local disk: random take of 100
 * rows and a full scan. Requests and bytes on S3 are counted at the HTTP level (a pass-through
 * {@link FaultProxy}: every GET and its Range header); on local disk by {@link CountingObjectStore}.
 * Timings are taken without the proxy. Run: {@code ./build -q -o -pl lance-table -am test
 * -Dtest=StoreReadBenchTest -Dtest.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false}; the
 * figures are printed to the test output.
 */
@Tag("bench")
class StoreReadBenchTest {
  static final int ROWS = 400_000;
  static final int TAKES = 30;
  static final int TAKE_ROWS = 100;
  @TempDir Path dir;

  @Test
  void takeAndScanOnS3ProxyVersusLocalDisk() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    String s3root = "s3://" + S3ProxyServer.BUCKET + "/bench/" + UUID.randomUUID() + "/b.lance";
    StringBuilder report = new StringBuilder();
    try (BufferAllocator allocator = new RootAllocator();
        LocalObjectStore local = new LocalObjectStore(dir.resolve("b.lance"));
        S3ObjectStore remote = S3ObjectStore.connect(s3root, s3.options());
        FaultProxy proxy = new FaultProxy(s3.port());
        S3ObjectStore viaProxy = S3ObjectStore.connect(s3root, DatasetStoreSuite.with(s3.options(), "aws_endpoint", proxy.endpoint().toString()))) {
      NeededBytes counted = new NeededBytes(viaProxy);
      for (ObjectStore st : List.of(local, remote)) {
        try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, ROWS, allocator);
            RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
            Dataset ds = Dataset.write(in, st, WriteOptions.builder().maxRowsPerFile(100_000).allocator(allocator).build())) {
          assertThat(ds.countRows()).isEqualTo(ROWS);
        }
      }
      long dataBytes = 0;
      for (ObjectInfo o : local.list("data/")) {
        dataBytes += o.size();
      }
      report.append(String.format(Locale.ROOT, "dataset: %d rows (id int64, name utf8), 4 fragments, %d data bytes%n", ROWS, dataBytes));

      // Counts: local through CountingObjectStore, S3 through the HTTP proxy.
      CountingObjectStore countingLocal = new CountingObjectStore(local);
      try (Dataset l = Dataset.open(countingLocal, OpenOptions.builder().allocator(allocator).build());
          Dataset r = Dataset.open(counted, OpenOptions.builder().allocator(allocator).build())) {
        takes(l, new Random(1), 2);
        takes(r, new Random(1), 2); // warm metadata caches the same way
        countingLocal.reset();
        int before = proxy.requests().size();
        takes(l, new Random(2), TAKES);
        counted.needed.set(0);
        counted.ranges.set(0);
        takes(r, new Random(2), TAKES);
        long[] s3counts = httpCounts(proxy, before);
        report.append(String.format(Locale.ROOT, "take %d random rows: local %.1f reads, %.0f bytes; S3 %.1f GETs (%d other requests), %.0f bytes"
            + " for %.1f ranges of %.0f bytes asked by the reader (over-read %.2fx) per take%n",
            TAKE_ROWS, countingLocal.requests() / (double) TAKES, countingLocal.bytesRead() / (double) TAKES,
            s3counts[0] / (double) TAKES, s3counts[2], s3counts[1] / (double) TAKES,
            counted.ranges.get() / (double) TAKES, counted.needed.get() / (double) TAKES, s3counts[1] / (double) counted.needed.get()));
        countingLocal.reset();
        before = proxy.requests().size();
        assertThat(scan(l)).isEqualTo(ROWS);
        assertThat(scan(r)).isEqualTo(ROWS);
        s3counts = httpCounts(proxy, before);
        report.append(String.format(Locale.ROOT, "full scan: local %d reads, %d bytes; S3 %d GETs (%d other requests), %d bytes (data files: %d bytes)%n",
            countingLocal.requests(), countingLocal.bytesRead(), s3counts[0], s3counts[2], s3counts[1], dataBytes));
      }

      // Timings, without the proxy.
      try (Dataset l = Dataset.open(local, OpenOptions.builder().allocator(allocator).build());
          Dataset r = Dataset.open(remote, OpenOptions.builder().allocator(allocator).build())) {
        for (int warm = 0; warm < 3; warm++) {
          takes(l, new Random(3), 10);
          takes(r, new Random(3), 10);
          scan(l);
          scan(r);
        }
        long t0 = System.nanoTime();
        takes(l, new Random(4), TAKES);
        long t1 = System.nanoTime();
        takes(r, new Random(4), TAKES);
        long t2 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
          scan(l);
        }
        long t3 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
          scan(r);
        }
        long t4 = System.nanoTime();
        double takeLocal = (t1 - t0) / 1e6 / TAKES;
        double takeS3 = (t2 - t1) / 1e6 / TAKES;
        double scanLocal = (t3 - t2) / 1e6 / 3;
        double scanS3 = (t4 - t3) / 1e6 / 3;
        report.append(String.format(Locale.ROOT, "take %d rows: local %.2f ms, S3Proxy %.2f ms (S3Proxy/local throughput %.2f)%n",
            TAKE_ROWS, takeLocal, takeS3, takeLocal / takeS3));
        report.append(String.format(Locale.ROOT, "full scan: local %.1f ms (%.1f Mrows/s), S3Proxy %.1f ms (%.1f Mrows/s) (S3Proxy/local throughput %.2f)%n",
            scanLocal, ROWS / scanLocal / 1e3, scanS3, ROWS / scanS3 / 1e3, scanLocal / scanS3));
      }
    }
    System.out.print("StoreReadBenchTest\n" + report);
  }

  /** Counts the ranges and bytes the reader asks for, before the store merges them. */
  private static final class NeededBytes implements ObjectStore {
    final ObjectStore inner;
    final java.util.concurrent.atomic.AtomicLong needed = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong ranges = new java.util.concurrent.atomic.AtomicLong();

    NeededBytes(ObjectStore inner) {
      this.inner = inner;
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public dev.lancelet.io.ReadableObject open(String path) throws IOException {
      dev.lancelet.io.ReadableObject o = inner.open(path);
      return new dev.lancelet.io.ReadableObject() {
        @Override
        public String location() {
          return o.location();
        }

        @Override
        public long size() throws IOException {
          return o.size();
        }

        @Override
        public java.nio.ByteBuffer read(long offset, int length) throws IOException {
          needed.addAndGet(length);
          ranges.incrementAndGet();
          return o.read(offset, length);
        }

        @Override
        public java.nio.ByteBuffer readTail(int length) throws IOException {
          needed.addAndGet(length);
          ranges.incrementAndGet();
          return o.readTail(length);
        }

        @Override
        public List<java.nio.ByteBuffer> readRanges(List<dev.lancelet.io.ByteRange> rs) throws IOException {
          for (dev.lancelet.io.ByteRange br : rs) {
            needed.addAndGet(br.length());
          }
          ranges.addAndGet(rs.size());
          return o.readRanges(rs);
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
    public dev.lancelet.io.ObjectWriter create(String path) throws IOException {
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

  /** GETs, bytes asked for by their Range headers (whole-object GETs counted at 0), other requests. */
  private static long[] httpCounts(FaultProxy proxy, int from) {
    List<FaultProxy.Request> rs = new ArrayList<>(proxy.requests().subList(from, proxy.requests().size()));
    long gets = 0;
    long bytes = 0;
    long other = 0;
    for (FaultProxy.Request r : rs) {
      if (r.method().equals("GET") && !r.target().contains("list-type") && !r.target().contains("prefix=")) {
        gets++;
        String range = r.header("Range");
        if (range != null && range.startsWith("bytes=") && range.contains("-")) {
          String[] p = range.substring(6).split("-");
          if (!p[0].isEmpty() && p.length > 1 && !p[1].isEmpty()) {
            bytes += Long.parseLong(p[1]) - Long.parseLong(p[0]) + 1;
          } else if (p[0].isEmpty() && p.length > 1) {
            bytes += Long.parseLong(p[1]); // suffix range (the tail prefetched on open)
          }
        }
      } else {
        other++;
      }
    }
    return new long[] {gets, bytes, other};
  }

  private static void takes(Dataset ds, Random rnd, int n) throws IOException {
    for (int t = 0; t < n; t++) {
      long[] rows = new long[TAKE_ROWS];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = rnd.nextInt(ROWS);
      }
      try (VectorSchemaRoot out = ds.take(rows, List.of("id", "name"))) {
        BigIntVector id = (BigIntVector) out.getVector("id");
        for (int i = 0; i < rows.length; i++) {
          assertThat(id.get(i)).isEqualTo(rows[i]);
        }
      }
    }
  }

  private static long scan(Dataset ds) throws IOException {
    long n = 0;
    long expect = 0;
    try (ArrowReader r = ds.newScan().columns("id", "name").open()) {
      while (r.loadNextBatch()) {
        BigIntVector id = (BigIntVector) r.getVectorSchemaRoot().getVector("id");
        for (int i = 0; i < id.getValueCount(); i++) {
          assertThat(id.get(i)).isEqualTo(expect++);
        }
        n += id.getValueCount();
      }
    }
    return n;
  }
}
