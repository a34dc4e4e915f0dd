package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding columns publishes the new data files in the background; this checks that the manifest
 * naming them is written only after every one of them is closed (made durable by the local store),
 * even when closes are slow, and that a failed close commits nothing and leaves no new file.
 */
class PublishOrderTest {
  static final int FRAGMENTS = 8;
  static final int PER_FRAGMENT = 300;

  @TempDir Path dir;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  /** A local store that records when data-file writers finish closing and when manifests are put. */
  static final class RecordingStore implements ObjectStore, ConditionalPut {
    final LocalObjectStore inner;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final long closeDelayMillis;
    final int failCloseNumber; // the n-th data file close (from 1) fails; 0: none
    int closes;

    RecordingStore(Path root, long closeDelayMillis, int failCloseNumber) {
      this.inner = new LocalObjectStore(root);
      this.closeDelayMillis = closeDelayMillis;
      this.failCloseNumber = failCloseNumber;
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public ReadableObject open(String path) throws IOException {
      return inner.open(path);
    }

    @Override
    public boolean exists(String path) throws IOException {
      return inner.exists(path);
    }

    @Override
    public ObjectWriter create(String path) throws IOException {
      ObjectWriter w = inner.create(path);
      if (!path.startsWith("data/")) {
        return w;
      }
      return new ObjectWriter() {
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          w.write(bytes, offset, length);
        }

        @Override
        public long position() {
          return w.position();
        }

        @Override
        public void close() throws IOException {
          int n;
          synchronized (RecordingStore.this) {
            n = ++closes;
          }
          try {
            Thread.sleep(closeDelayMillis);
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          if (n == failCloseNumber) {
            throw new IOException("disk full (test) closing " + path);
          }
          w.close();
          events.add("closed " + path);
        }

        @Override
        public void abort() throws IOException {
          w.abort();
        }
      };
    }

    @Override
    public void putIfAbsent(String path, byte[] data) throws IOException {
      inner.putIfAbsent(path, data);
      if (path.startsWith("_versions/")) {
        events.add("manifest " + path);
      }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
      return inner.list(prefix);
    }

    @Override
    public void delete(String path) throws IOException {
      inner.delete(path);
    }
  }

  private Path create() throws Exception {
    Path root = dir.resolve("d.lance");
    List<VectorSchemaRoot> batches = new ArrayList<>();
    for (int i = 0; i < FRAGMENTS; i++) {
      batches.add(ReferenceDatasets.idNameBatch((long) i * PER_FRAGMENT, PER_FRAGMENT, allocator));
    }
    try (RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, batches);
        Dataset ds = Dataset.write(in, root.toString(), WriteOptions.builder().maxRowsPerFile(PER_FRAGMENT)
            .allocator(allocator).build())) {
      assertThat(ds.fragments()).hasSize(FRAGMENTS);
    } finally {
      batches.forEach(VectorSchemaRoot::close);
    }
    return root;
  }

  private static Set<String> dataFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("data"))) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void everyNewFileIsClosedBeforeTheManifestIsWritten() throws Exception {
    Path root = create();
    RecordingStore store = new RecordingStore(root, 40, 0);
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build());
        Dataset v2 = ds.addColumns(Map.of("double_id", "id * 2"))) {
      List<String> events = new ArrayList<>(store.events);
      assertThat(events).hasSize(FRAGMENTS + 1);
      assertThat(events.get(FRAGMENTS)).as("events %s", events).startsWith("manifest _versions/");
      for (int i = 0; i < FRAGMENTS; i++) {
        assertThat(events.get(i)).startsWith("closed data/");
      }
      // Each new file's recorded size is its real size.
      for (var f : v2.fragments()) {
        var df = f.files().get(1);
        assertThat(df.fileSizeBytes()).isEqualTo(Files.size(root.resolve(df.datasetPath())));
      }
      try (VectorSchemaRoot t = v2.take(new long[] {0, FRAGMENTS * PER_FRAGMENT - 1}, List.of("double_id"))) {
        assertThat(((BigIntVector) t.getVector(0)).get(1)).isEqualTo(2L * (FRAGMENTS * PER_FRAGMENT - 1));
      }
    }
  }

  @Test
  void aFailedCloseCommitsNothingAndLeavesNoNewFile() throws Exception {
    Path root = create();
    Set<String> before = dataFiles(root);
    RecordingStore store = new RecordingStore(root, 10, 3);
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build())) {
      assertThatThrownBy(() -> ds.addColumns(Map.of("double_id", "id * 2")).close())
          .isInstanceOf(IOException.class).hasMessageContaining("disk full (test)");
      assertThat(store.events).noneMatch(e -> e.startsWith("manifest"));
      assertThat(ds.latestVersion()).isEqualTo(1);
    }
    assertThat(dataFiles(root)).isEqualTo(before);
  }
}
