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

  /**
   * Writes past several write-behind flush thresholds while flushes run in the background: the
   * object holds exactly the bytes written, and an aborted writer with a flush under way leaves
   * nothing behind.
   */
  @Test
  void largeWritesWithBackgroundFlushesKeepEveryByte() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir.resolve("big"));
    java.util.Random r = new java.util.Random(42);
    byte[] piece = new byte[(1 << 20) + 7];
    java.security.MessageDigest want = java.security.MessageDigest.getInstance("SHA-256");
    long total = 0;
    try (ObjectWriter w = store.create("f.bin")) {
      while (total < 3 * LocalObjectStore.SYNC_EVERY_BYTES + 12345) {
        r.nextBytes(piece);
        w.write(piece, 3, piece.length - 3);
        want.update(piece, 3, piece.length - 3);
        total += piece.length - 3;
      }
      assertThat(w.position()).isEqualTo(total);
    }
    byte[] got = store.readAll("f.bin");
    assertThat(got.length).isEqualTo(total);
    assertThat(java.security.MessageDigest.getInstance("SHA-256").digest(got)).isEqualTo(want.digest());

    ObjectWriter aborted = store.create("g.bin");
    for (int i = 0; i < 20; i++) {
      aborted.write(piece, 0, piece.length);
    }
    aborted.abort();
    try (var files = Files.list(dir.resolve("big"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("f.bin");
    }
  }
}
