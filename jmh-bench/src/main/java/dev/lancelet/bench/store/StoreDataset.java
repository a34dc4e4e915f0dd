package dev.lancelet.bench.store;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.Engines;
import dev.lancelet.io.CountingObjectStore;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3Options;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.OpenOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.lance.ReadOptions;

/**
 * One trial's dataset on one store: {@code rows} rows of the bench table ({@code id, x, s, v}, see
 * {@link BenchData}) in 100 fragments, written by lance-core into a temporary folder; for {@code
 * s3} the folder's files are then uploaded unchanged to S3Proxy (started here, in-memory backend,
 * on loopback). Both engines open the same bytes on the same store. Lancelet's reads are counted:
 * the bytes its reader asks for ({@link NeededBytes}), and what the store really reads: on local
 * disk {@link CountingObjectStore} (read calls after coalescing, bytes), on S3 the HTTP requests
 * and GET body bytes ({@link HttpCounter}, an SDK interceptor: no proxy in the timed path).
 */
final class StoreDataset implements AutoCloseable {
  static final int FRAGMENTS = 100;

  final String store;
  final long rows;
  final BufferAllocator allocator = new RootAllocator();
  private final Path dir;
  private ObjectStore remote;
  private CountingObjectStore countingLocal;
  private HttpCounter http;
  private NeededBytes needed;
  dev.lancelet.table.Dataset lancelet;
  org.lance.Dataset lanceCore;

  StoreDataset(String store, long rows) throws Exception {
    this.store = store;
    this.rows = rows;
    this.dir = Engines.tempDir("lancelet-bench-store");
    try {
      Path local = dir.resolve("base.lance");
      int perFragment = (int) Math.max(1, (rows + FRAGMENTS - 1) / FRAGMENTS);
      Engines.writeLanceCoreFragments(local, new BenchData.Generator(BenchData.COLUMNS, rows), perFragment, allocator);
      OpenOptions open = OpenOptions.builder().allocator(allocator).build();
      switch (store) {
        case "local" -> {
          countingLocal = new CountingObjectStore(new LocalObjectStore(local));
          needed = new NeededBytes(countingLocal);
          lancelet = dev.lancelet.table.Dataset.open(needed, open);
          lanceCore = org.lance.Dataset.open(local.toString(), allocator);
        }
        case "s3" -> {
          long bytes = folderBytes(local);
          if (System.getProperty("lancelet.s3proxy.xmx") == null) {
            // The in-memory backend holds every object on S3Proxy's heap.
            System.setProperty("lancelet.s3proxy.xmx", Math.max(256, 2 * (bytes >> 20) + 256) + "m");
          }
          S3ProxyServer s3 = S3ProxyServer.get();
          String uri = "s3://" + S3ProxyServer.BUCKET + "/bench/" + UUID.randomUUID() + "/base.lance";
          http = new HttpCounter();
          remote = S3ObjectStore.builder(uri).options(S3Options.fromMap(s3.options())).addExecutionInterceptor(http).build();
          upload(local, remote);
          needed = new NeededBytes(remote);
          lancelet = dev.lancelet.table.Dataset.open(needed, open);
          Map<String, String> theirs = new HashMap<>(s3.options());
          theirs.remove("client_max_retries"); // a Lancelet option; lance-core keeps its own retry policy
          theirs.put("virtual_hosted_style_request", "false");
          lanceCore = org.lance.Dataset.open(allocator, uri, new ReadOptions.Builder().setStorageOptions(theirs).build());
        }
        default -> throw new IllegalArgumentException("store must be local or s3, got " + store);
      }
      check(rows == lancelet.countRows(), "Lancelet's row count on " + store);
      check(rows == lanceCore.countRows(), "lance-core's row count on " + store);
      check(lancelet.fragments().size() == FRAGMENTS, "fragments on " + store);
    } catch (Throwable t) {
      try {
        close();
      } catch (Throwable suppressed) {
        t.addSuppressed(suppressed);
      }
      throw t;
    }
  }

  /** Requests the store has sent so far (local: read calls after coalescing; S3: HTTP requests). */
  long requests() {
    return http != null ? http.requests() : countingLocal.requests();
  }

  /** Bytes the store has read so far (local: bytes read from files; S3: GET body bytes). */
  long bytesRead() {
    return http != null ? http.getBytes() : countingLocal.bytesRead();
  }

  /**
   * Bytes Lancelet's reader has asked for since the last call, and in how many disjoint regions:
   * the union of the asked ranges per object (see {@link NeededBytes}).
   */
  long[] drainBytesNeeded() {
    return needed.drainUnion();
  }

  /** Ranges the reader asked for since the last call (before any merging or deduplication). */
  long drainAsks() {
    return needed.drainAsks();
  }

  /** Bytes of the reader's tail reads (file footers and metadata, on opening) since the last call. */
  long drainTailBytes() {
    return needed.drainTail();
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("Benchmark self-check failed: " + what);
    }
  }

  private static long folderBytes(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      long sum = 0;
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        sum += Files.size(p);
      }
      return sum;
    }
  }

  /** Copies every file of the dataset folder to the store, same relative paths, same bytes. */
  private static void upload(Path root, ObjectStore to) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path p : files) {
      to.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (lancelet != null) {
        lancelet.close();
        lancelet = null;
      }
      if (lanceCore != null) {
        lanceCore.close();
        lanceCore = null;
      }
      if (remote != null) {
        for (ObjectInfo o : remote.list("")) {
          remote.delete(o.path());
        }
        remote.close();
        remote = null;
      }
      if (countingLocal != null) {
        countingLocal.close();
        countingLocal = null;
      }
    } finally {
      Engines.deleteRecursively(dir);
      allocator.close();
    }
  }
}
