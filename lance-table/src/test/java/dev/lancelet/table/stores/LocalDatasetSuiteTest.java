package dev.lancelet.table.stores;

import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The dataset suite on local disk. */
class LocalDatasetSuiteTest extends DatasetStoreSuite {
  @TempDir Path dir;

  @Override
  protected ObjectStore newStore(String name) {
    return new LocalObjectStore(dir.resolve(name + ".lance"));
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
