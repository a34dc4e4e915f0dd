package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.s3.FaultProxy;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.CommitOutcomeUnknownException;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.commit.Committer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dataset suite on S3 (S3Proxy on loopback); faults come from {@link FaultProxy}, a real HTTP
 * proxy between the AWS SDK and the server.
 */
class S3DatasetSuiteTest extends DatasetStoreSuite {
  private static final S3ProxyServer S3 = S3ProxyServer.get();
  private final Map<ObjectStore, FaultProxy> proxies = new IdentityHashMap<>();

  @AfterEach
  void closeProxies() throws IOException {
    for (FaultProxy p : proxies.values()) {
      p.close();
    }
    proxies.clear();
  }

  @Override
  protected ObjectStore newStore(String name) throws IOException {
    return track(S3ObjectStore.connect(
        "s3://" + S3ProxyServer.BUCKET + "/suite/" + UUID.randomUUID() + "/" + name + ".lance", S3.options()));
  }

  private ObjectStore viaProxy(ObjectStore store) throws IOException {
    FaultProxy proxy = new FaultProxy(S3.port());
    ObjectStore s = track(S3ObjectStore.connect(store.uri(), with(S3.options(), "aws_endpoint", proxy.endpoint().toString())));
    proxies.put(s, proxy);
    return s;
  }

  @Override
  protected ObjectStore losingManifestAnswers(ObjectStore store, int times) throws IOException {
    ObjectStore s = viaProxy(store);
    proxies.get(s).inject(r -> r.method().equals("PUT") && r.target().contains("/_versions/"), FaultProxy.Fault.DROP_RESPONSE, times);
    return s;
  }

  @Override
  protected void assertLostAnswerHappened(ObjectStore lossy) {
    assertThat(proxies.get(lossy).injected()).containsExactly(FaultProxy.Fault.DROP_RESPONSE);
  }

  @Override
  protected ObjectStore readFaultStore(ObjectStore store) throws IOException {
    return viaProxy(store);
  }

  @Override
  protected void injectTransientReadFailures(ObjectStore store, int times) {
    FaultProxy p = proxies.get(store);
    p.inject(FaultProxy.method("GET"), times % 2 == 0 ? FaultProxy.Fault.SLOW_DOWN : FaultProxy.Fault.INTERNAL_ERROR, times);
  }

  private static final java.util.function.Predicate<FaultProxy.Request> MANIFEST_PUT =
      r -> r.method().equals("PUT") && r.target().contains("/_versions/") && r.target().contains(".manifest");

  private static long manifestPuts(FaultProxy p) {
    return p.requests().stream().filter(MANIFEST_PUT).count();
  }

  /**
   * Pass criterion: a manifest PUT answered 500 on every attempt of the SDK (nothing applied)
   * makes the committer read back (nothing there) and PUT the same bytes under the same version
   * again; the write then commits once, as version 2.
   */
  @Test
  void manifestPutFailingThroughEverySdkRetryIsRetriedUnderTheSameVersion() throws Exception {
    ObjectStore store = newStore("sdkretries");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    ObjectStore s = viaProxy(store);
    FaultProxy p = proxies.get(s);
    int sdkAttempts = Integer.parseInt(S3.options().get("client_max_retries")) + 1;
    p.inject(MANIFEST_PUT, FaultProxy.Fault.INTERNAL_ERROR, sdkAttempts);
    assertThat(write(s, 100, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
    assertThat(p.injected()).hasSize(sdkAttempts);
    assertThat(manifestPuts(p)).isEqualTo(sdkAttempts + 1); // the committer's second attempt went through
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 2);
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(100, 110));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected);
    }
  }

  /**
   * Pass criterion: when every attempt of the committer fails on S3 (500 through all SDK
   * retries), the write throws {@link CommitOutcomeUnknownException} for version 2 after {@link
   * Committer#MANIFEST_PUT_ATTEMPTS} attempts, nothing is committed, and the next writer gets
   * version 2.
   */
  @Test
  void manifestPutFailingOnEveryCommitterAttemptIsReportedUnknown() throws Exception {
    ObjectStore store = newStore("sdkunknown");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    ObjectStore s = viaProxy(store);
    FaultProxy p = proxies.get(s);
    int sdkAttempts = Integer.parseInt(S3.options().get("client_max_retries")) + 1;
    p.inject(MANIFEST_PUT, FaultProxy.Fault.INTERNAL_ERROR, Integer.MAX_VALUE);
    CommitOutcomeUnknownException unknown = catchThrowableOfType(CommitOutcomeUnknownException.class,
        () -> write(s, 100, 10, WriteOptions.Mode.APPEND));
    assertThat(unknown).isNotNull();
    assertThat(unknown.version()).isEqualTo(2);
    assertThat(manifestPuts(p)).isEqualTo((long) sdkAttempts * Committer.MANIFEST_PUT_ATTEMPTS);
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(1);
    }
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
  }

  /**
   * Pass criterion: behind a proxy that strips If-None-Match (put-if-absent silently ignored), the
   * first write refuses to commit with an error naming the store, and leaves no manifest.
   */
  @Test
  void refusesToCommitWherePutIfAbsentIsIgnored() throws Exception {
    S3ProxyServer open = S3ProxyServer.anonymous();
    try (FaultProxy stripping = new FaultProxy(open.port())) {
      stripping.inject(r -> true, FaultProxy.Fault.STRIP_IF_NONE_MATCH, Integer.MAX_VALUE);
      String root = "s3://" + S3ProxyServer.BUCKET + "/ignored/" + UUID.randomUUID() + "/d.lance";
      try (S3ObjectStore store = S3ObjectStore.connect(root, with(open.options(), "aws_endpoint", stripping.endpoint().toString()))) {
        assertThatThrownBy(() -> write(store, 0, 10, WriteOptions.Mode.CREATE))
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining(root).hasMessageContaining("does not enforce put-if-absent");
        assertThat(store.list("")).isEmpty(); // no data file, no manifest, no probe object
      }
    }
  }
}
