package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.CountingObjectStore;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.AppendOperation;
import dev.lancelet.table.commit.Committer;
import dev.lancelet.table.format.FeatureFlags;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.ManifestNaming;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit protocol: races, rebases, conflicts, refusals and failed writes. */
class CommitTest {
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

  private void write(ObjectStore store, long start, int n, WriteOptions.Mode mode) throws IOException {
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(start, n, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(mode).allocator(allocator).commitRetries(100).build())) {
      ds.version();
    }
  }

  @Test
  void concurrentAppendsAllLandWithoutGaps() throws Exception {
    int threads = 4;
    int each = 4;
    ObjectStore store = new LocalObjectStore(dir.resolve("c.lance"));
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int tt = t;
      fs.add(pool.submit(() -> {
        for (int i = 0; i < each; i++) {
          write(store, 1000L * (tt * each + i + 1), 10, WriteOptions.Mode.APPEND);
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build())) {
      int versions = 1 + threads * each;
      assertThat(ds.version()).isEqualTo(versions);
      assertThat(ds.versions()).extracting(VersionInfo::version)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, versions).boxed().toList());
      assertThat(ds.countRows()).isEqualTo(10L * versions);
      Set<Long> ids = new HashSet<>();
      for (Fragment f : ds.fragments()) {
        assertThat(ids.add(f.id())).isTrue();
      }
      Set<Long> values = new HashSet<>();
      try (ArrowReader r = ds.newScan().columns("id").open()) {
        while (r.loadNextBatch()) {
          BigIntVector v = (BigIntVector) r.getVectorSchemaRoot().getVector(0);
          for (int i = 0; i < v.getValueCount(); i++) {
            values.add(v.get(i));
          }
        }
      }
      for (int k = 1; k <= threads * each; k++) {
        assertThat(values).contains(1000L * k, 1000L * k + 9);
      }
    }
    // The reference engine agrees.
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(dir.resolve("c.lance").toString(), ref)) {
      assertThat(ds.countRows()).isEqualTo(10L * (1 + threads * each));
    }
  }

  @Test
  void staleAppendRebasesOverAnAppendButNotOverAnOverwrite() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore("rebase");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    Fragment extra;
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build())) {
      extra = ds.fragments().get(0);
    }
    write(store, 100, 10, WriteOptions.Mode.APPEND); // v2, committed "concurrently"
    Committer c = new Committer(store, 3);
    ManifestFile m = c.commit(new AppendOperation(List.of(extra)), 1); // planned on v1
    assertThat(m.manifest().version()).isEqualTo(3);
    assertThat(m.manifest().fragments()).extracting(Fragment::id).containsExactly(0L, 1L, 2L);
    assertThat(m.transaction().readVersion()).isEqualTo(2);

    write(store, 200, 10, WriteOptions.Mode.OVERWRITE); // v4
    assertThatThrownBy(() -> c.commit(new AppendOperation(List.of(extra)), 3))
        .isInstanceOf(CommitConflictException.class)
        .hasMessageContaining("Append").hasMessageContaining("Overwrite").hasMessageContaining("version 4");
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(4);
      assertThat(ds.countRows()).isEqualTo(10);
    }
  }

  @Test
  void refusesStoresWithoutPutIfAbsent() {
    ObjectStore plain = new CountingObjectStore(new MemoryObjectStore("plain"));
    assertThatThrownBy(() -> write(plain, 0, 5, WriteOptions.Mode.CREATE))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("put-if-absent");
  }

  @Test
  void createRefusesAnExistingDatasetAndFailedWritesLeaveNoTrace() throws Exception {
    Path root = dir.resolve("f.lance");
    ObjectStore store = new LocalObjectStore(root);
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    assertThatThrownBy(() -> write(store, 0, 10, WriteOptions.Mode.CREATE))
        .isInstanceOf(LanceTableException.class).hasMessageContaining("exists");
    List<Path> before = files(root);
    // A source that fails after two batches: no version, no data file left.
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(50, 10, allocator)) {
      ArrowReader failing = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b, b, b)) {
        int n;

        @Override
        public boolean loadNextBatch() throws IOException {
          if (++n == 3) {
            throw new IOException("source broke");
          }
          return super.loadNextBatch();
        }
      };
      try (failing) {
        assertThatThrownBy(() -> Dataset.write(failing, store, WriteOptions.builder().mode(WriteOptions.Mode.APPEND)
            .maxRowsPerFile(10).allocator(allocator).build())).hasMessageContaining("source broke");
      }
    }
    assertThat(files(root)).isEqualTo(before);
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(1);
      assertThat(ds.countRows()).isEqualTo(10);
    }
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> out = new ArrayList<>(s.filter(Files::isRegularFile).filter(p -> !p.endsWith("latest_version_hint.json")).toList());
      Collections.sort(out);
      return out;
    }
  }

  @Test
  void typedErrorsForMissingDatasetsVersionsAndUnknownFeatures() throws Exception {
    Path root = dir.resolve("e.lance");
    assertThatThrownBy(() -> Dataset.open(root.toString())).isInstanceOf(DatasetNotFoundException.class);
    ObjectStore store = new LocalObjectStore(root);
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    try (Dataset ds = Dataset.open(root.toString())) {
      assertThatThrownBy(() -> ds.checkout(7)).isInstanceOf(VersionNotFoundException.class).hasMessageContaining("latest is 1");
      assertThatThrownBy(() -> ds.checkoutTag("nope")).isInstanceOf(VersionNotFoundException.class);
    }
    // A manifest claiming a reader feature we do not know.
    Path m1 = root.resolve(ManifestNaming.V2.path(1));
    ManifestFile mf = ManifestFile.decode(Files.readAllBytes(m1), "m");
    var flagged = dev.lancelet.table.format.Manifest.fromProto(
        mf.manifest().toProto().toBuilder().setReaderFeatureFlags(1L << 20).build());
    Files.write(m1, ManifestFile.encode(flagged, mf.indexSection(), mf.transaction()).bytes());
    assertThatThrownBy(() -> Dataset.open(root.toString())).isInstanceOf(UnsupportedFeatureException.class)
        .hasMessageContaining("unknown bit 1048576");
    // A truncated manifest names the file.
    byte[] bytes = Files.readAllBytes(m1);
    Files.write(m1, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThatThrownBy(() -> Dataset.open(root.toString())).isInstanceOf(CorruptManifestException.class)
        .hasMessageContaining(ManifestNaming.V2.fileName(1));
    // External base paths are read (BasePathsInteropTest), never written.
    assertThat(FeatureFlags.READABLE & FeatureFlags.BASE_PATHS).isNotZero();
    assertThat(FeatureFlags.WRITABLE & FeatureFlags.BASE_PATHS).isZero();
  }
}
