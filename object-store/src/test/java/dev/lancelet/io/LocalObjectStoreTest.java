package dev.lancelet.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest extends ObjectStoreContractTest {
  @TempDir Path dir;
  private int stores;

  @Override
  protected ObjectStore newStore() {
    return new LocalObjectStore(dir.resolve("store" + (stores++)));
  }

  @Test
  void pathsCannotEscapeTheRoot() {
    LocalObjectStore store = new LocalObjectStore(dir.resolve("root"));
    assertThatThrownBy(() -> store.open("../outside")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putIfAbsentLeavesNoTemporaryFiles() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir.resolve("clean"));
    store.putIfAbsent("m/1", new byte[] {1});
    assertThatThrownBy(() -> store.putIfAbsent("m/1", new byte[] {2})).isInstanceOf(ObjectAlreadyExistsException.class);
    try (var files = Files.list(dir.resolve("clean/m"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("1");
    }
    assertThat(store.readAll("m/1")).containsExactly(1);
  }
}
