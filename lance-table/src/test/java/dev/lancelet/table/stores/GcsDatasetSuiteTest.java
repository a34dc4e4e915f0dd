package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.io.gcs.FakeGcsServer;
import dev.lancelet.io.gcs.GcsObjectStore;
import dev.lancelet.io.gcs.GcsOptions;
import dev.lancelet.table.CommitOutcomeUnknownException;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.commit.Committer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
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

  /**
   * Pass criterion: a manifest upload answered 503 on every attempt of the GCS client (nothing
   * applied) makes the committer read back (nothing there) and upload the same bytes under the
   * same version again; the write commits once, as version 2.
   */
  @Test
  void manifestUploadFailingThroughEveryClientRetryIsRetriedUnderTheSameVersion() throws Exception {
    ObjectStore store = newStore("clientretries");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    int clientAttempts = 3;
    GcsObjectStore fewRetries = track(GcsObjectStore.open(store.uri(), withRetries(clientAttempts - 1)));
    ArmBeforeManifestPut armed = new ArmBeforeManifestPut(fewRetries, () -> server.failNextRequests(clientAttempts, 503), 1);
    assertThat(write(armed, 100, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
    assertThat(armed.calls.get()).isEqualTo(2); // the committer's second attempt
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 2);
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(100, 110));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected);
    }
  }

  /**
   * Pass criterion: when the server fails every request from the first manifest upload on (the
   * read-backs too), the write throws {@link CommitOutcomeUnknownException} for version 2 after
   * {@link Committer#MANIFEST_PUT_ATTEMPTS} attempts; once the server recovers nothing is
   * committed and the next writer gets version 2.
   */
  @Test
  void manifestUploadFailingOnEveryCommitterAttemptIsReportedUnknown() throws Exception {
    ObjectStore store = newStore("clientunknown");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    GcsObjectStore fewRetries = track(GcsObjectStore.open(store.uri(), withRetries(1)));
    ArmBeforeManifestPut armed = new ArmBeforeManifestPut(fewRetries, () -> server.failNextRequests(1_000_000, 503), 1);
    CommitOutcomeUnknownException unknown = catchThrowableOfType(CommitOutcomeUnknownException.class,
        () -> write(armed, 100, 10, WriteOptions.Mode.APPEND));
    server.failNextRequests(0, 503);
    assertThat(unknown).isNotNull();
    assertThat(unknown.version()).isEqualTo(2);
    assertThat(armed.calls.get()).isEqualTo(Committer.MANIFEST_PUT_ATTEMPTS);
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(1);
    }
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
  }

  private static GcsOptions withRetries(int retries) {
    return GcsOptions.builder().endpoint(server.endpoint()).anonymous(true).projectId("test")
        .initialBackoff(Duration.ofMillis(5)).timeout(Duration.ofSeconds(20)).maxRetries(retries).build();
  }

  /** Runs {@code arm} right before each of the next {@code times} manifest PUTs; counts manifest PUTs. */
  private static final class ArmBeforeManifestPut extends DropManifestAnswers {
    final AtomicInteger calls = new AtomicInteger();
    private final Runnable arm;
    private final AtomicInteger left;

    ArmBeforeManifestPut(GcsObjectStore inner, Runnable arm, int times) {
      super(inner, 0);
      this.arm = arm;
      this.left = new AtomicInteger(times);
    }

    @Override
    public void putIfAbsent(String path, byte[] data) throws IOException {
      if (path.startsWith("_versions/")) {
        calls.incrementAndGet();
        if (left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          arm.run();
        }
      }
      super.putIfAbsent(path, data);
    }
  }

  /** Arms the server's drop-the-answer hook right before each of the next manifest PUTs. */
  private static class DropManifestAnswers implements ObjectStore, ConditionalPut {
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
