package dev.lancelet.io.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.ByteRange;
import dev.lancelet.io.ConditionalPutProbe;
import dev.lancelet.io.ObjectAlreadyExistsException;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GCS-specific behaviour of {@link GcsObjectStore}, driven through the real client. */
class GcsObjectStoreTest {
  private static FakeGcsServer server;
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = FakeGcsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshBucket() {
    bucket = "b" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    server.failNextRequests(0, 503);
    server.ignorePreconditions(false);
    server.resetCounters();
  }

  private GcsObjectStore store(GcsOptions.Builder options) throws IOException {
    return GcsObjectStore.open("gs://" + bucket + "/root", options.build());
  }

  private GcsObjectStore store() throws IOException {
    return store(GcsObjectStoreContractTest.testOptions(server));
  }

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void objectsLiveBelowThePrefix() throws Exception {
    try (GcsObjectStore store = store()) {
      store.put("a/x.bin", new byte[] {1, 2});
      assertThat(server.objectNames(bucket)).containsExactly("root/a/x.bin");
      assertThat(store.uri()).isEqualTo("gs://" + bucket + "/root");
      assertThat(store.list("")).extracting(ObjectInfo::path).containsExactly("a/x.bin");
      assertThatThrownBy(() -> store.put("../escape", new byte[1])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.put("/abs", new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readTailIsOneRangedRequestAfterOpen() throws Exception {
    try (GcsObjectStore store = store()) {
      byte[] data = bytes(1, 100_000);
      store.put("f.lance", data);
      try (ReadableObject o = store.open("f.lance")) {
        server.resetCounters();
        assertThat(toArray(o.readTail(4096))).isEqualTo(Arrays.copyOfRange(data, 100_000 - 4096, 100_000));
        assertThat(server.totalRequests()).isEqualTo(1);
        assertThat(server.mediaRequests()).isEqualTo(1);
        assertThat(server.rangeHeaders()).containsExactly("bytes=95904-99999");

        server.resetCounters();
        assertThat(toArray(o.read(10, 20))).isEqualTo(Arrays.copyOfRange(data, 10, 30));
        assertThat(server.totalRequests()).isEqualTo(1);
        assertThat(server.rangeHeaders()).containsExactly("bytes=10-29");
      }
    }
  }

  @Test
  void openPinsTheGenerationItSaw() throws Exception {
    try (GcsObjectStore store = store()) {
      store.put("g.bin", bytes(1, 1000));
      try (ReadableObject o = store.open("g.bin")) {
        store.put("g.bin", bytes(2, 1000));
        assertThatThrownBy(() -> o.read(0, 10))
            .isInstanceOf(ObjectNotFoundException.class)
            .hasMessageContaining("g.bin")
            .hasMessageContaining("replaced or deleted after open");
      }
      assertThat(store.readAll("g.bin")).isEqualTo(bytes(2, 1000));
    }
  }

  @Test
  void readRangesFetchesMergedGroupsInParallelRequests() throws Exception {
    try (GcsObjectStore store = store()) {
      byte[] data = bytes(3, 1 << 20);
      store.put("r.bin", data);
      List<ByteRange> ranges = new ArrayList<>();
      for (int g = 0; g < 8; g++) {
        for (int i = 0; i < 5; i++) {
          ranges.add(new ByteRange(g * 100_000L + i * 1_000L, 500));
        }
      }
      java.util.Collections.shuffle(ranges, new Random(5));
      try (ReadableObject o = store.open("r.bin")) {
        server.resetCounters();
        List<ByteBuffer> got = o.readRanges(ranges);
        assertThat(server.mediaRequests()).isEqualTo(8);
        for (int i = 0; i < ranges.size(); i++) {
          ByteRange r = ranges.get(i);
          assertThat(toArray(got.get(i))).isEqualTo(Arrays.copyOfRange(data, (int) r.offset(), (int) r.end()));
        }
      }
    }
  }

  @Test
  void largeStreamingWriteUsesAResumableUpload() throws Exception {
    int chunk = GcsOptions.CHUNK_GRANULARITY;
    try (GcsObjectStore store = store(GcsObjectStoreContractTest.testOptions(server).uploadChunkSize(chunk))) {
      byte[] data = bytes(4, 10 * chunk + 12_345);
      ObjectWriter w = store.create("big/object.bin");
      Random rnd = new Random(6);
      int pos = 0;
      while (pos < data.length) {
        int n = Math.min(data.length - pos, 1 + rnd.nextInt(100_000));
        w.write(data, pos, n);
        pos += n;
      }
      assertThat(w.position()).isEqualTo(data.length);
      assertThat(store.exists("big/object.bin")).isFalse();
      assertThat(server.resumableChunkRequests()).isGreaterThanOrEqualTo(5);
      w.close();
      assertThat(server.resumableChunkRequests()).isGreaterThanOrEqualTo(11);
      assertThat(store.readAll("big/object.bin")).isEqualTo(data);
      assertThat(store.size("big/object.bin")).isEqualTo(data.length);

      ObjectWriter aborted = store.create("big/aborted.bin");
      aborted.write(data, 0, 3 * chunk);
      aborted.abort();
      aborted.close();
      assertThat(store.exists("big/aborted.bin")).isFalse();
      assertThatThrownBy(() -> aborted.write(data, 0, 1)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void resumableUploadSurvivesInjectedFailures() throws Exception {
    int chunk = GcsOptions.CHUNK_GRANULARITY;
    try (GcsObjectStore store = store(GcsObjectStoreContractTest.testOptions(server).uploadChunkSize(chunk))) {
      byte[] data = bytes(7, 4 * chunk + 10);
      ObjectWriter w = store.create("flaky.bin");
      w.write(data, 0, 2 * chunk + 5);
      server.failNextRequests(2, 503);
      w.write(data, 2 * chunk + 5, data.length - (2 * chunk + 5));
      w.close();
      assertThat(store.readAll("flaky.bin")).isEqualTo(data);
    }
  }

  @Test
  void idempotentCallsAreRetriedOn503And429() throws Exception {
    try (GcsObjectStore store = store()) {
      byte[] data = bytes(8, 5000);
      server.failNextRequests(2, 503);
      store.put("x.bin", data);
      server.failNextRequests(2, 503);
      assertThat(store.readAll("x.bin")).isEqualTo(data);
      server.failNextRequests(1, 429);
      try (ReadableObject o = store.open("x.bin")) {
        server.failNextRequests(2, 503);
        assertThat(toArray(o.read(100, 10))).isEqualTo(Arrays.copyOfRange(data, 100, 110));
      }
      server.failNextRequests(2, 500);
      assertThat(store.list("")).extracting(ObjectInfo::path).containsExactly("x.bin");
      server.failNextRequests(2, 503);
      store.delete("x.bin");
      assertThat(store.exists("x.bin")).isFalse();
      server.failNextRequests(2, 503);
      ((dev.lancelet.io.ConditionalPut) store).putIfAbsent("y.bin", data);
      assertThat(store.readAll("y.bin")).isEqualTo(data);
    }
  }

  @Test
  void retriesGiveUpWithAMessageNamingTheObject() throws Exception {
    try (GcsObjectStore store = store(GcsObjectStoreContractTest.testOptions(server).maxRetries(2))) {
      server.failNextRequests(3, 503);
      assertThatThrownBy(() -> store.readAll("gone.bin"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("gs://" + bucket + "/root/gone.bin")
          .hasMessageContaining("503");
      assertThat(server.totalRequests()).isEqualTo(3);
      server.failNextRequests(0, 503);
      server.failNextRequests(1, 400);
      assertThatThrownBy(() -> store.put("bad.bin", new byte[1])).isInstanceOf(IOException.class).hasMessageContaining("400");
      server.failNextRequests(3, 503);
      assertThatThrownBy(() -> store.putIfAbsent("m.bin", new byte[1]))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(ObjectAlreadyExistsException.class)
          .hasMessageContaining("gave up after 3 attempts")
          .hasMessageContaining("m.bin");
      assertThat(store.exists("m.bin")).isFalse();
    }
  }

  @Test
  void ambiguousConditionalCreateIsSettledByReadingBack() throws Exception {
    try (GcsObjectStore store = store()) {
      byte[] data = bytes(9, 3000);
      server.dropNextUploadResponse();
      int droppedBefore = server.droppedResponses();
      store.putIfAbsent("_versions/1.manifest", data);
      assertThat(server.droppedResponses()).isEqualTo(droppedBefore + 1);
      // The first upload landed but its answer was lost; the retry met the precondition (412)
      // and the read-back found our own write.
      assertThat(server.uploadRequests()).isEqualTo(2);
      assertThat(store.readAll("_versions/1.manifest")).isEqualTo(data);

      // The same situation where someone else wrote identical bytes first is not ours.
      assertThatThrownBy(() -> store.putIfAbsent("_versions/1.manifest", data))
          .isInstanceOf(ObjectAlreadyExistsException.class)
          .hasMessageContaining("_versions/1.manifest");
      try (GcsObjectStore other = store()) {
        other.put("_versions/2.manifest", data);
      }
      assertThatThrownBy(() -> store.putIfAbsent("_versions/2.manifest", data)).isInstanceOf(ObjectAlreadyExistsException.class);
    }
  }

  @Test
  void probeDetectsAServerThatIgnoresPreconditions() throws Exception {
    try (GcsObjectStore store = store()) {
      ConditionalPutProbe.Result ok = ConditionalPutProbe.probe(store);
      assertThat(ok.enforced()).as(ok.detail()).isTrue();
      ConditionalPutProbe.requireEnforced(store);

      server.ignorePreconditions(true);
      ConditionalPutProbe.Result bad = ConditionalPutProbe.probe(store);
      assertThat(bad.enforced()).isFalse();
      assertThat(bad.store()).isEqualTo("gs://" + bucket + "/root");
      assertThatThrownBy(() -> ConditionalPutProbe.requireEnforced(store))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("gs://" + bucket + "/root")
          .hasMessageContaining("does not enforce put-if-absent");
      assertThat(server.objectNames(bucket)).isEmpty();
    }
  }

  @Test
  void listingPagesThroughLargeFolders() throws Exception {
    try (GcsObjectStore store = store(GcsObjectStoreContractTest.testOptions(server).listPageSize(100))) {
      int n = 234;
      for (int i = 0; i < n; i++) {
        server.seed(bucket, "root/many/" + i, new byte[] {1});
      }
      store.put("other/x", new byte[] {2});
      server.resetCounters();
      List<ObjectInfo> all = store.list("many/");
      assertThat(server.listRequests()).isEqualTo(3);
      assertThat(all).hasSize(n);
      List<String> paths = all.stream().map(ObjectInfo::path).toList();
      assertThat(paths).isSorted();
      assertThat(all).allSatisfy(i -> assertThat(i.lastModifiedMillis()).isPositive());

      List<String> doomed = new ArrayList<>(paths.subList(0, 50));
      doomed.add("many/not-there");
      store.deleteAll(doomed);
      assertThat(server.deleteRequests()).isEqualTo(51);
      assertThat(store.list("many/")).hasSize(n - 50);
    }
  }

  @Test
  void emptyObjectsRoundTrip() throws Exception {
    try (GcsObjectStore store = store()) {
      store.put("empty", new byte[0]);
      assertThat(store.size("empty")).isZero();
      assertThat(store.readAll("empty")).isEmpty();
      try (ReadableObject o = store.open("empty")) {
        assertThat(o.readTail(100).remaining()).isZero();
      }
      try (ObjectWriter w = store.create("empty2")) {
        assertThat(w.position()).isZero();
      }
      assertThat(store.readAll("empty2")).isEmpty();
    }
  }

  @Test
  void missingObjectsAreTypedEverywhere() throws Exception {
    try (GcsObjectStore store = store()) {
      assertThatThrownBy(() -> store.readAll("none")).isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("/root/none");
      store.delete("none");
      assertThat(store.list("none")).isEmpty();
    }
  }

  @Test
  void objectStoresResolvesGsLocations() {
    assertThatThrownBy(() -> dev.lancelet.io.ObjectStores.forObject("gs://bucket/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gs://BUCKET/PATH");
    assertThatThrownBy(() -> dev.lancelet.io.ObjectStores.forObject("gs://bucket"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedResumableUploadLeavesNothingAndNamesTheObject() throws Exception {
    int chunk = GcsOptions.CHUNK_GRANULARITY;
    try (GcsObjectStore store = store(GcsObjectStoreContractTest.testOptions(server).uploadChunkSize(chunk).maxRetries(1))) {
      byte[] data = bytes(11, 2 * chunk + 100);
      ObjectWriter w = store.create("broken.bin");
      w.write(data, 0, chunk + 1);
      server.failNextRequests(50, 503);
      assertThatThrownBy(() -> {
            w.write(data, chunk + 1, data.length - chunk - 1);
            w.close();
          })
          .isInstanceOf(IOException.class)
          .hasMessageContaining("broken.bin");
      server.failNextRequests(0, 503);
      assertThat(store.exists("broken.bin")).isFalse();
    }
  }

  @Test
  void serviceAccountKeysAuthenticateWithBearerTokens(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    com.google.gson.JsonObject key = new com.google.gson.JsonObject();
    key.addProperty("type", "service_account");
    key.addProperty("project_id", "test");
    key.addProperty("private_key_id", "k1");
    key.addProperty("private_key", pem);
    key.addProperty("client_email", "lancelet-test@test.iam.gserviceaccount.com");
    key.addProperty("client_id", "1");
    key.addProperty("token_uri", server.endpoint() + "/token");
    java.nio.file.Path file = dir.resolve("sa.json");
    java.nio.file.Files.writeString(file, key.toString());
    java.util.Map<String, String> options = java.util.Map.of(
        "google_service_account", file.toString(),
        "google_storage_endpoint", server.endpoint(),
        "project_id", "test");
    try (GcsObjectStore store = GcsObjectStore.open("gs://" + bucket + "/sa", options)) {
      store.put("x", new byte[] {4, 2});
      assertThat(store.readAll("x")).containsExactly(4, 2);
    }
    try (GcsObjectStore store = GcsObjectStore.open("gs://" + bucket + "/sa",
        java.util.Map.of("google_service_account_key", key.toString(), "endpoint", server.endpoint()))) {
      assertThat(store.readAll("x")).containsExactly(4, 2);
    }
    assertThat(server.tokenRequests()).isEqualTo(2);
    assertThat(server.authorizations()).containsExactlyInAnyOrder("Bearer fake-token-1", "Bearer fake-token-2");
  }

  @Test
  void aLostAnswerToTheLastResumableChunkIsRecovered() throws Exception {
    int chunk = GcsOptions.CHUNK_GRANULARITY;
    try (GcsObjectStore store = store(GcsObjectStoreContractTest.testOptions(server).uploadChunkSize(chunk))) {
      byte[] data = bytes(12, 3 * chunk + 999);
      ObjectWriter w = store.create("lost-answer.bin");
      w.write(data, 0, data.length);
      server.dropNextUploadResponse();
      int droppedBefore = server.droppedResponses();
      w.close();
      assertThat(server.droppedResponses()).isEqualTo(droppedBefore + 1);
      assertThat(store.readAll("lost-answer.bin")).isEqualTo(data);
      assertThat(server.object(bucket, "root/lost-answer.bin").generation()).isPositive();
    }
  }

  @Test
  void raceWithTheWinnersAnswerLostStillHasExactlyOneWinner() throws Exception {
    try (GcsObjectStore store = store()) {
      int writers = 8;
      for (int round = 0; round < 4; round++) {
        String name = "_versions/" + round + ".manifest";
        int droppedBefore = server.droppedResponses();
        server.dropNextUploadResponse();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          byte[] payload = bytes(100 + i, 500 + i);
          results.add(pool.submit(() -> {
            go.await();
            try {
              store.putIfAbsent(name, payload);
              return true;
            } catch (ObjectAlreadyExistsException e) {
              return false;
            }
          }));
        }
        go.countDown();
        int wins = 0;
        int winner = -1;
        for (int i = 0; i < writers; i++) {
          if (results.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)) {
            wins++;
            winner = i;
          }
        }
        pool.shutdown();
        assertThat(server.droppedResponses()).as("round %d", round).isEqualTo(droppedBefore + 1);
        assertThat(wins).as("round %d", round).isEqualTo(1);
        assertThat(store.readAll(name)).isEqualTo(bytes(100 + winner, 500 + winner));
      }
    }
  }
}
