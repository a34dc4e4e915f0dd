package dev.lancelet.io.s3;

import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStoreContractTest;
import java.util.UUID;

/** The object store contract against a real S3 server (S3Proxy on loopback). */
class S3ObjectStoreContractTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    S3ProxyServer s3 = S3ProxyServer.get();
    return S3ObjectStore.connect("s3://" + S3ProxyServer.BUCKET + "/contract/" + UUID.randomUUID(), s3.options());
  }
}
