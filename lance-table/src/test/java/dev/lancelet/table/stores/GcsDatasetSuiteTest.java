package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.io.gcs.FakeGcsServer;
import dev.lancelet.io.gcs.GcsObjectStore;
import dev.lancelet.io.gcs.GcsOptions;
import dev.lancelet.table.WriteOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dataset suite on Google Cloud Storage ({@link FakeGcsServer}, the JSON API on loopback). */
class GcsDatasetSuiteTest extends DatasetStoreSuite {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static FakeGcsServer server;
  private String bucket;
  private int droppedBefore;

  @BeforeAll
  static void start() throws IOException {
    server = FakeGcsServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void freshBucket() {
    bucket = "suite" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    server.failNextRequests(0, 503);
    server.ignorePreconditions(false);
  }

  static GcsOptions options(FakeGcsServer server) {
    return GcsOptions.builder().endpoint(server.endpoint()).anonymous(true).projectId("test")
        .initialBackoff(Duration.ofMillis(5)).timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  protected ObjectStore newStore(String name) throws IOException {
    return track(GcsObjectStore.open("gs://" + bucket + "/" + name + "-" + UUID.randomUUID() + ".lance", options(server)));
  }

  @Override
  protected ObjectStore losingManifestAnswers(ObjectStore store, int times) {
    droppedBefore = server.droppedResponses();
    return new DropManifestAnswers((GcsObjectStore) store, times);
  }

  @Override
  protected void assertLostAnswerHappened(ObjectStore lossy) {
    assertThat(server.droppedResponses()).isEqualTo(droppedBefore + 1);
  }

  @Override
  protected void injectTransientReadFailures(ObjectStore store, int times) {
    server.failNextRequests(times, times % 2 == 0 ? 503 : 500);
  }

  /**
   * Pass criterion: on a server that accepts and ignores preconditions, the first write refuses
   * to commit with an error naming the store, and no manifest appears.
   */
  @Test
  void refusesToCommitWherePutIfAbsentIsIgnored() throws Exception {
    server.ignorePreconditions(true);
    ObjectStore store = newStore("ignored");
    assertThatThrownBy(() -> write(store, 0, 10, WriteOptions.Mode.CREATE))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining(store.uri()).hasMessageContaining("does not enforce put-if-absent");
    assertThat(store.list("")).isEmpty();
  }

  /** Arms the server's drop-the-answer hook right before each of the next manifest PUTs. */
  private static final class DropManifestAnswers implements ObjectStore, ConditionalPut {
    private final GcsObjectStore inner;
    private final AtomicInteger left;

    DropManifestAnswers(GcsObjectStore inner, int times) {
      this.inner = inner;
      this.left = new AtomicInteger(times);
    }

    @Override
    public void putIfAbsent(String path, byte[] data) throws IOException {
      if (path.startsWith("_versions/") && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        server.dropNextUploadResponse();
      }
      inner.putIfAbsent(path, data);
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public ReadableObject open(String path) throws IOException {
      return inner.open(path);
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
}
