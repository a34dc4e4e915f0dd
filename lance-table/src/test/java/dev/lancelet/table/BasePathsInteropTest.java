package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets whose files live under external base paths (Lance 7 manifests' {@code base_paths}),
 * made by lance-core: a shallow clone and a multi-base write. We read every version as lance-core
 * does and refuse to change them.
 */
class BasePathsInteropTest {
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

  private void assertSameAsReference(String uri, long version, String ctx) throws Exception {
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().version(version).allocator(allocator).build())) {
      List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, version, null, true, true, allocator);
      List<VectorSchemaRoot> actual = OurScans.scan(ours, null, true, true, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual, ctx + ", version " + version);
      } finally {
        OurScans.closeAll(expected);
        OurScans.closeAll(actual);
      }
      assertThat(ours.countRows()).isEqualTo(ReferenceDatasets.scan(uri, version, List.of("id"), false, false, allocator)
          .stream().mapToLong(r -> {
            long n = r.getRowCount();
            r.close();
            return n;
          }).sum());
    }
  }

  /** Every version there is (a shallow clone starts at the version it was cloned from). */
  private void assertAllVersionsSame(String uri, String ctx) throws Exception {
    List<Long> versions;
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      versions = ds.versions().stream().map(VersionInfo::version).toList();
    }
    assertThat(versions).isNotEmpty();
    for (long v : versions) {
      assertSameAsReference(uri, v, ctx);
    }
  }

  private static long filesUnderBases(Dataset ds) {
    long n = 0;
    for (Fragment f : ds.fragments()) {
      for (DataFile df : f.files()) {
        n += df.baseId() != null ? 1 : 0;
      }
    }
    return n;
  }

  private void writeSource(String uri, long start, int n, ReferenceDatasets.Params p) throws Exception {
    List<VectorSchemaRoot> batches = List.of(ReferenceDatasets.idNameBatch(start, n, allocator));
    try {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, batches, p);
    } finally {
      OurScans.closeAll(batches);
    }
  }

  @Test
  void shallowCloneIsReadAtEveryVersionAndNotWritten() throws Exception {
    String source = dir.resolve("source.lance").toString();
    String clone = dir.resolve("clone.lance").toString();
    writeSource(source, 0, 1000, ReferenceDatasets.Params.create().maxRowsPerFile(400));
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(source, ref)) {
      ds.delete("id % 10 = 1"); // deletion files in the source
      try (org.lance.Dataset c = ds.shallowClone(clone, org.lance.Ref.ofMain())) {
        c.delete("id < 50"); // a deletion file of the clone's own
      }
    }
    writeSource(clone, 5000, 100, ReferenceDatasets.Params.create().mode(org.lance.WriteParams.WriteMode.APPEND));
    try (Dataset ds = Dataset.open(clone, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.manifest().basePaths()).isNotEmpty();
      assertThat(filesUnderBases(ds)).isEqualTo(3);
      assertThat(ds.fragments().stream().filter(f -> f.deletionFile() != null && f.deletionFile().baseId() != null))
          .as("deletion files still in the source").isNotEmpty();
      assertThat(ds.countRows("id >= 5000")).isEqualTo(100);
      try (VectorSchemaRoot t = ds.take(new long[] {0, 850, ds.countRows() - 1}, List.of("id"))) {
        assertThat(t.getVector(0).getObject(0)).isEqualTo(50L);
        assertThat(t.getVector(0).getObject(2)).isEqualTo(5099L);
      }
      assertThatThrownBy(() -> ds.delete("id = 60")).isInstanceOf(UnsupportedFeatureException.class)
          .hasMessageContaining("external base paths");
      assertThatThrownBy(() -> ds.addColumns(Map.of("x", "id + 1"))).isInstanceOf(UnsupportedFeatureException.class);
      assertThatThrownBy(() -> ds.compact(CompactionOptions.defaults())).isInstanceOf(UnsupportedFeatureException.class);
      assertThatThrownBy(() -> ds.mergeInsert(List.of("id")).whenNotMatchedInsertAll()
          .execute(new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of())))
          .isInstanceOf(UnsupportedFeatureException.class);
      assertThat(ds.latestVersion()).isEqualTo(ds.version());
    }
    assertAllVersionsSame(clone, "shallow clone");
    // The clone's first version (the source's version 2) read through a checkout of the latest.
    try (Dataset ds = Dataset.open(clone, OpenOptions.builder().allocator(allocator).build());
        Dataset first = ds.checkout(2)) {
      assertThat(ds.versions()).extracting(VersionInfo::version).containsExactly(2L, 3L, 4L);
      assertThat(first.countRows()).isEqualTo(900);
    }
  }

  @Test
  void multiBaseWriteIsReadAsLanceCoreReadsIt() throws Exception {
    String uri = dir.resolve("multi.lance").toString();
    String b1 = dir.resolve("bucket1").toUri().toString();
    String b2 = dir.resolve("bucket2").toUri().toString();
    List<VectorSchemaRoot> batches = List.of(ReferenceDatasets.idNameBatch(0, 600, allocator));
    try (BufferAllocator ref = new RootAllocator()) {
      List<VectorSchemaRoot> copies = List.of(ReferenceDatasets.copy(batches.get(0), ref));
      try (RootsReader reader = new RootsReader(ref, ReferenceDatasets.ID_NAME, copies);
          org.lance.Dataset ds = org.lance.Dataset.write().allocator(ref).reader(reader).uri(uri)
              .mode(org.lance.WriteParams.WriteMode.CREATE).maxRowsPerFile(200)
              .initialBases(List.of(new org.lance.BasePath(1, Optional.of("b1"), b1, false),
                  new org.lance.BasePath(2, Optional.of("b2"), b2, true)))
              .targetBases(List.of("b1", "b2")).execute()) {
        ds.delete("id % 3 = 0");
      } finally {
        OurScans.closeAll(copies);
      }
    } finally {
      OurScans.closeAll(batches);
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.manifest().basePaths()).hasSize(2);
      assertThat(filesUnderBases(ds)).isEqualTo(ds.fragments().size());
      assertThat(ds.countRows()).isEqualTo(400);
    }
    assertAllVersionsSame(uri, "multi-base write");
  }
}
