package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.s3.FaultProxy;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3ProxyServer;
import dev.lancelet.table.WriteOptions;
import java.io.IOException;
import java.util.IdentityHashMap;
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
