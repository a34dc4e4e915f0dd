package dev.lancelet.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} must have. Each implementation gets a subclass that
 * supplies a fresh, empty store.
 */
public abstract class ObjectStoreContractTest {

  /** A fresh, empty store. */
  protected abstract ObjectStore newStore() throws Exception;

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void putThenReadWholeRangeAndTail() throws Exception {
    try (ObjectStore store = newStore()) {
      byte[] data = bytes(1, 10_000);
      store.put("a/b/c.bin", data);
      assertThat(store.exists("a/b/c.bin")).isTrue();
      assertThat(store.size("a/b/c.bin")).isEqualTo(10_000);
      assertThat(store.readAll("a/b/c.bin")).isEqualTo(data);
      try (ReadableObject o = store.open("a/b/c.bin")) {
        assertThat(toArray(o.read(100, 50))).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 150));
        assertThat(toArray(o.readTail(40))).isEqualTo(java.util.Arrays.copyOfRange(data, 9_960, 10_000));
        assertThat(toArray(o.readTail(1 << 20))).isEqualTo(data);
        assertThat(o.read(10_000, 0).remaining()).isZero();
      }
    }
  }

  @Test
  void readPastEndIsEofNamingTheObject() throws Exception {
    try (ObjectStore store = newStore()) {
      store.put("x.bin", bytes(2, 100));
      try (ReadableObject o = store.open("x.bin")) {
        assertThatThrownBy(() -> o.read(90, 20))
            .isInstanceOf(EOFException.class)
            .hasMessageContaining("x.bin")
            .hasMessageContaining("100 bytes");
        assertThatThrownBy(() -> o.read(-1, 2)).isInstanceOf(EOFException.class);
      }
    }
  }

  @Test
  void missingObjectIsTyped() throws Exception {
    try (ObjectStore store = newStore()) {
      assertThat(store.exists("nope")).isFalse();
      assertThatThrownBy(() -> store.open("nope")).isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("nope");
      assertThatThrownBy(() -> store.size("nope")).isInstanceOf(ObjectNotFoundException.class);
    }
  }

  @Test
  void readRangesReturnsEachRangeInRequestOrder() throws Exception {
    try (ObjectStore store = newStore()) {
      byte[] data = bytes(3, 200_000);
      store.put("r.bin", data);
      Random rnd = new Random(4);
      List<ByteRange> ranges = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        long off = rnd.nextInt(190_000);
        ranges.add(new ByteRange(off, rnd.nextInt(5_000)));
      }
      try (ReadableObject o = store.open("r.bin")) {
        List<ByteBuffer> got = o.readRanges(ranges);
        for (int i = 0; i < ranges.size(); i++) {
          ByteRange r = ranges.get(i);
          assertThat(toArray(got.get(i)))
              .as("range %s", r)
              .isEqualTo(java.util.Arrays.copyOfRange(data, (int) r.offset(), (int) r.end()));
        }
      }
    }
  }

  @Test
  void nearbyRangesAreCoalescedIntoFewRequests() throws Exception {
    try (ObjectStore inner = newStore()) {
      // The far range sits just beyond this store's coalescing gap, so it needs its own request.
      inner.put("gap.bin", new byte[1]);
      int gap;
      try (ReadableObject g = inner.open("gap.bin")) {
        gap = g.coalesceGapBytes();
      }
      long far = 49 * 1_000L + 100 + gap + 1;
      CountingObjectStore store = new CountingObjectStore(inner);
      store.put("c.bin", bytes(5, (int) far + 10));
      List<ByteRange> ranges = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ranges.add(new ByteRange(i * 1_000L, 100));
      }
      ranges.add(new ByteRange(far, 10));
      try (ReadableObject o = store.open("c.bin")) {
        o.readRanges(ranges);
      }
      assertThat(store.requests()).isEqualTo(2);
      assertThat(store.bytesRead()).isEqualTo(49 * 1_000L + 100 + 10);
    }
  }

  @Test
  void streamingWriteIsInvisibleUntilClosedAndAbortLeavesNothing() throws Exception {
    try (ObjectStore store = newStore()) {
      byte[] data = bytes(6, 70_000);
      ObjectWriter w = store.create("d/s.bin");
      w.write(data, 0, 30_000);
      w.write(ByteBuffer.wrap(data, 30_000, 40_000));
      assertThat(w.position()).isEqualTo(70_000);
      assertThat(store.exists("d/s.bin")).isFalse();
      w.close();
      assertThat(store.readAll("d/s.bin")).isEqualTo(data);

      ObjectWriter aborted = store.create("d/t.bin");
      aborted.write(data, 0, 10);
      aborted.abort();
      aborted.close();
      assertThat(store.exists("d/t.bin")).isFalse();
      assertThat(store.list("d/")).extracting(ObjectInfo::path).containsExactly("d/s.bin");
    }
  }

  @Test
  void listIsSortedAndFilteredByPrefix() throws Exception {
    try (ObjectStore store = newStore()) {
      for (String p : List.of("v/2.m", "v/1.m", "v/10.m", "w/1.m", "v2/x")) {
        store.put(p, new byte[] {1, 2, 3});
      }
      assertThat(store.list("v/")).extracting(ObjectInfo::path).containsExactly("v/1.m", "v/10.m", "v/2.m");
      assertThat(store.list("v/")).allSatisfy(i -> assertThat(i.size()).isEqualTo(3));
      assertThat(store.list("none/")).isEmpty();
      store.delete("v/1.m");
      store.delete("v/1.m");
      assertThat(store.list("v/")).extracting(ObjectInfo::path).containsExactly("v/10.m", "v/2.m");
    }
  }

  @Test
  void putIfAbsentHasExactlyOneWinnerUnderContention() throws Exception {
    try (ObjectStore store = newStore()) {
      assertThat(store).isInstanceOf(ConditionalPut.class);
      ConditionalPut cp = (ConditionalPut) store;
      int writers = 16;
      for (int round = 0; round < 10; round++) {
        String name = "_versions/" + round + ".manifest";
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          byte[] payload = bytes(i, 1000 + i);
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      cp.putIfAbsent(name, payload);
                      return true;
                    } catch (ObjectAlreadyExistsException e) {
                      return false;
                    }
                  }));
        }
        go.countDown();
        int wins = 0;
        int winner = -1;
        for (int i = 0; i < writers; i++) {
          if (results.get(i).get(30, TimeUnit.SECONDS)) {
            wins++;
            winner = i;
          }
        }
        pool.shutdown();
        assertThat(wins).as("round %d", round).isEqualTo(1);
        assertThat(store.readAll(name)).isEqualTo(bytes(winner, 1000 + winner));
      }
      assertThat(store.list("_versions/")).hasSize(10);
    }
  }
}
