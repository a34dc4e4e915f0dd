package dev.lancelet.io.gcs;

import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStoreContractTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared object-store contract, run on {@link GcsObjectStore} against {@link FakeGcsServer}. */
class GcsObjectStoreContractTest extends ObjectStoreContractTest {
  private static FakeGcsServer server;
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    server = FakeGcsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  static GcsOptions.Builder testOptions(FakeGcsServer server) {
    return GcsOptions.builder()
        .endpoint(server.endpoint())
        .anonymous(true)
        .projectId("test")
        .initialBackoff(Duration.ofMillis(5))
        .timeout(Duration.ofSeconds(20));
  }

  @Override
  protected ObjectStore newStore() throws Exception {
    String bucket = "contract-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    return GcsObjectStore.open("gs://" + bucket + "/some/prefix", testOptions(server).build());
  }
}
