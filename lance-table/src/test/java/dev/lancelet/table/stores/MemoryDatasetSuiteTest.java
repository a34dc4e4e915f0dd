package dev.lancelet.table.stores;

import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.io.ObjectStore;
import java.util.UUID;

/** The dataset suite on the in-memory store. */
class MemoryDatasetSuiteTest extends DatasetStoreSuite {
  @Override
  protected ObjectStore newStore(String name) {
    return new MemoryObjectStore(name + "-" + UUID.randomUUID());
  }

  @Override
  protected boolean retriesReads() {
    return false;
  }

  @Override
  protected void injectTransientReadFailures(ObjectStore store, int times) {
    ((FaultyStore) store).failReads.set(times);
  }
}
