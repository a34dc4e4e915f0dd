package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.io.gcs.FakeGcsServer;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.VersionInfo;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.format.ManifestNaming;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer processes killed with SIGKILL at random points while appending to a dataset on local
 * disk (and on S3 through S3Proxy, on GCS through the fake JSON-API server). Pass criterion after each kill: the newest version opens, every version's manifest
 * decodes (no half manifest is visible), versions are gap-free, every acknowledged append is
 * present exactly once, and the dataset accepts the next writer.
 */
class WriterCrashTest {
  @TempDir Path dir;

  @Test
  void killedWritersNeverLoseAcknowledgedAppendsOrExposeHalfManifests() throws Exception {
    crashRounds(4, Long.getLong("lancelet.crash.seed", System.nanoTime()));
  }

  @Test
  @Tag("reliability-long")
  void manyKilledWriters() throws Exception {
    crashRounds(30, Long.getLong("lancelet.crash.seed", System.nanoTime()));
  }

  /**
   * The same on S3 (S3Proxy): the killed writer's connections die mid-request; the conditional PUT
   * makes a manifest appear whole or not at all.
   */
  @Test
  void killedWritersOnS3() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    String uri = "s3://" + S3ProxyServer.BUCKET + "/crash/" + java.util.UUID.randomUUID() + "/crash.lance";
    try (S3ObjectStore store = S3ObjectStore.connect(uri, s3.options())) {
      List<String> props = new ArrayList<>();
      s3.options().forEach((k, v) -> props.add("-Dlancelet.opt." + k + "=" + v));
      crashRounds(store, uri, props, 3, Long.getLong("lancelet.crash.seed", System.nanoTime()));
    }
  }

  /**
   * The same on Google Cloud Storage: {@link FakeGcsServer} runs in this JVM, the killed writer
   * process reaches it through {@code GcsObjectStore} (the google-cloud-storage client); its uploads
   * die mid-request and the {@code ifGenerationMatch=0} upload makes a manifest appear whole or not
   * at all.
   */
  @Test
  void killedWritersOnGcs() throws Exception {
    gcsCrashRounds(3);
  }

  @Test
  @Tag("reliability-long")
  void manyKilledWritersOnGcs() throws Exception {
    gcsCrashRounds(20);
  }

  private void gcsCrashRounds(int rounds) throws Exception {
    try (FakeGcsServer server = FakeGcsServer.start()) {
      server.createBucket("crash");
      String uri = "gs://crash/" + java.util.UUID.randomUUID() + "/crash.lance";
      Map<String, String> options = Map.of("google_storage_endpoint", server.endpoint(),
          "google_skip_signature", "true", "google_project_id", "test");
      try (ObjectStore store = ObjectStores.forFolder(uri, options)) {
        List<String> props = new ArrayList<>();
        options.forEach((k, v) -> props.add("-Dlancelet.opt." + k + "=" + v));
        crashRounds(store, uri, props, rounds, Long.getLong("lancelet.crash.seed", System.nanoTime()));
      }
    }
  }

  private void crashRounds(int rounds, long seed) throws Exception {
    Path root = dir.resolve("crash.lance");
    crashRounds(new LocalObjectStore(root), root.toString(), List.of(), rounds, seed);
  }

  private void crashRounds(ObjectStore store, String root, List<String> props, int rounds, long seed) throws Exception {
    Random rnd = new Random(seed);
    Set<Long> acked = new HashSet<>();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 10, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, store, WriteOptions.builder().allocator(allocator).build())) {
      acked.add(0L);
    }
    int strays = 0;
    for (int round = 1; round <= rounds; round++) {
      long killAfterMillis = rnd.nextInt(1500);
      List<Long> ackedThisRound = runAndKill(root, props, 1_000_000L * round, killAfterMillis);
      acked.addAll(ackedThisRound);
      strays += check(store, acked, "seed " + seed + ", round " + round + ", kill after " + killAfterMillis + " ms");
    }
    // The dataset is still writable after all the crashes, in this process too.
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot b = ReferenceDatasets.idNameBatch(-100, 10, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
      assertThat(ds.countRows()).isGreaterThanOrEqualTo(10L * (acked.size() + 1));
    }
    System.out.println("WriterCrashTest: seed " + seed + ", " + rounds + " kills, " + acked.size()
        + " acknowledged appends on " + store.uri() + ", " + strays + " stray temporary file(s) left by killed writers");
  }

  /** Starts a writer process, kills it {@code millis} after it is up, returns the acknowledged starts. */
  private static List<Long> runAndKill(String root, List<String> props, long start, long millis) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-opens=java.base/java.nio=ALL-UNNAMED"));
    cmd.addAll(props);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AppendLoop.class.getName(), root, Long.toString(start)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
    CountDownLatch firstAck = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("ACK ")) {
            acks.add(Long.parseLong(line.split(" ")[1]));
            firstAck.countDown();
          }
        }
      } catch (IOException ignored) {
        // the process died
      }
    });
    reader.start();
    try {
      assertThat(firstAck.await(60, TimeUnit.SECONDS)).as("writer process acknowledged an append").isTrue();
      Thread.sleep(millis);
    } finally {
      p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
      p.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
    }
    return new ArrayList<>(acks);
  }

  /** Checks the dataset after a kill; returns the number of stray temporary files. */
  private static int check(ObjectStore store, Set<Long> acked, String what) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build())) {
      long latest = ds.version();
      assertThat(ds.versions()).as(what).extracting(VersionInfo::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, latest).boxed().toList());
      for (long v = 1; v <= latest; v++) {
        try (Dataset old = ds.checkout(v)) { // every manifest decodes
          assertThat(old.version()).isEqualTo(v);
        }
      }
      List<Long> ids = DatasetStoreSuite.scanIds(ds);
      assertThat(ids).as(what).doesNotHaveDuplicates().hasSize(10 * (int) latest);
      Set<Long> present = new HashSet<>(ids);
      for (long s : acked) {
        for (long i = s; i < s + 10; i++) {
          assertThat(present).as("%s: acknowledged id %d", what, i).contains(i);
        }
      }
    }
    int strays = 0;
    for (ObjectInfo o : store.list("")) {
      if (o.path().contains(".lancelet-tmp-")) {
        strays++;
      } else if (o.path().startsWith(ManifestNaming.VERSIONS_DIR + "/") && o.path().endsWith(".manifest")) {
        assertThat(ManifestNaming.parse(o.path().substring(o.path().lastIndexOf('/') + 1))).as(what + ": " + o.path()).isPositive();
      }
    }
    return strays;
  }
}
