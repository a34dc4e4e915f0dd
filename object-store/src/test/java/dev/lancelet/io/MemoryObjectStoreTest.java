package dev.lancelet.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class MemoryObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new MemoryObjectStore("test-" + UUID.randomUUID());
  }

  @Test
  void namedStoresAreSharedWithinTheJvm() throws Exception {
    MemoryObjectStore a = MemoryObjectStore.named("shared-x");
    a.put("k", new byte[] {7});
    ObjectStores.Location loc = ObjectStores.forObject("memory://shared-x/k");
    assertThat(loc.store().readAll(loc.path())).containsExactly(7);
  }
}
