package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema evolution, compaction, cleanup and restore: zero-copy, errors, conflicts, cleanup safety. */
class EvolutionTest {
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

  /** A local store that counts the bytes written through it. */
  static final class WriteCountingStore implements ObjectStore, ConditionalPut {
    final LocalObjectStore inner;
    final dev.lancelet.io.CountingObjectStore reads;
    final AtomicLong written = new AtomicLong();

    WriteCountingStore(Path root) {
      this.inner = new LocalObjectStore(root);
      this.reads = new dev.lancelet.io.CountingObjectStore(inner);
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public ReadableObject open(String path) throws IOException {
      return reads.open(path);
    }

    @Override
    public boolean exists(String path) throws IOException {
      return inner.exists(path);
    }

    @Override
    public ObjectWriter create(String path) throws IOException {
      ObjectWriter w = inner.create(path);
      return new ObjectWriter() {
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          written.addAndGet(length);
          w.write(bytes, offset, length);
        }

        @Override
        public long position() {
          return w.position();
        }

        @Override
        public void close() throws IOException {
          w.close();
        }

        @Override
        public void abort() throws IOException {
          w.abort();
        }
      };
    }

    @Override
    public void putIfAbsent(String path, byte[] data) throws IOException {
      written.addAndGet(data.length);
      inner.putIfAbsent(path, data);
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

  private static long folderBytes(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** {@code id} plus four wide string columns, {@code n} rows in fragments of {@code perFragment}. */
  private void createWide(String uri, int n, int perFragment) throws Exception {
    List<Field> fs = new ArrayList<>();
    fs.add(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null));
    for (int c = 0; c < 4; c++) {
      fs.add(new Field("text" + c, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
    }
    Schema s = new Schema(fs);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(s, allocator)) {
      BigIntVector id = (BigIntVector) root.getVector(0);
      id.allocateNew(n);
      for (int c = 1; c <= 4; c++) {
        ((org.apache.arrow.vector.VarCharVector) root.getVector(c)).allocateNew(n);
      }
      for (int i = 0; i < n; i++) {
        id.set(i, i);
        for (int c = 1; c <= 4; c++) {
          ((org.apache.arrow.vector.VarCharVector) root.getVector(c)).setSafe(i,
              ("row " + i + " column " + c + " some longer text to make the column wide " + (i * 31L % 977))
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      root.setRowCount(n);
      for (FieldVector v : root.getFieldVectors()) {
        v.setValueCount(n);
      }
      try (RootsReader in = new RootsReader(allocator, s, List.of(root));
          Dataset ds = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(perFragment).allocator(allocator)
              .build())) {
        assertThat(ds.fragments()).hasSize((n + perFragment - 1) / perFragment);
      }
    }
  }

  @Test
  void addingAColumnWritesOnlyTheNewColumn() throws Exception {
    Path root = dir.resolve("wide.lance");
    createWide(root.toString(), 20_000, 5_000);
    long before = folderBytes(root.resolve("data"));
    WriteCountingStore store = new WriteCountingStore(root);
    try (Dataset ds = Dataset.open(store, OpenOptions.builder().allocator(allocator).build());
        Dataset v2 = ds.addColumns(Map.of("double_id", "id * 2"))) {
      long written = store.written.get();
      long read = store.reads.bytesRead();
      // The new column is one int64 per row (160 KB raw, ~40 KB encoded for 20,000 rows, manifest
      // and transaction included); the old data is ~1.25 MB. Only the id column is read.
      assertThat(written).isLessThan(before / 20);
      assertThat(read).as("bytes read").isLessThan(before / 4);
      assertThat(folderBytes(root.resolve("data")) - before).isLessThan(before / 5);
      for (int i = 0; i < ds.fragments().size(); i++) {
        // Existing files untouched: same files, one more.
        assertThat(v2.fragments().get(i).files().subList(0, 1)).isEqualTo(ds.fragments().get(i).files());
        assertThat(v2.fragments().get(i).files()).hasSize(2);
        assertThat(v2.fragments().get(i).files().get(1).fields()).containsExactly(5);
      }
      try (VectorSchemaRoot t = v2.take(new long[] {0, 19_999, 7_777}, List.of("id", "double_id"))) {
        assertThat(((BigIntVector) t.getVector(1)).get(1)).isEqualTo(2 * 19_999L);
        assertThat(((BigIntVector) t.getVector(1)).get(2)).isEqualTo(2 * 7_777L);
      }
    }
  }

  @Test
  void streamOfTheWrongLengthIsRefusedAndLeavesNothing() throws Exception {
    String uri = dir.resolve("s.lance").toString();
    createWide(uri, 1000, 400);
    Schema ss = new Schema(List.of(new Field("x", FieldType.nullable(new ArrowType.Int(64, true)), null)));
    for (int n : new int[] {999, 1001}) {
      try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
          VectorSchemaRoot r = VectorSchemaRoot.create(ss, allocator)) {
        ((BigIntVector) r.getVector(0)).allocateNew(n);
        r.setRowCount(n);
        try (RootsReader in = new RootsReader(allocator, ss, List.of(r))) {
          assertThatThrownBy(() -> ds.addColumns(in)).isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("1000");
        }
        assertThat(ds.latestVersion()).isEqualTo(1);
      }
    }
    try (Stream<Path> files = Files.list(Path.of(uri, "data"))) {
      assertThat(files.count()).isEqualTo(3);
    }
  }

  @Test
  void metadataChangesAndTheirErrors() throws Exception {
    String uri = dir.resolve("m.lance").toString();
    createWide(uri, 100, 100);
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThatThrownBy(() -> ds.setNullable("text0", false)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot be made non-nullable");
      assertThatThrownBy(() -> ds.dropColumns("id", "text0", "text1", "text2", "text3"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every column");
      assertThatThrownBy(() -> ds.dropColumns("nope")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ds.renameColumn("text0", "text1")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("taken");
      assertThatThrownBy(() -> ds.addColumns(new Schema(List.of(
          new Field("z", FieldType.notNullable(new ArrowType.Int(32, true)), null)))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nullable");
      assertThatThrownBy(() -> ds.addColumns(Map.of("id", "id + 1"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already exists");
      try (Dataset v2 = ds.setNullable("id", true);
          Dataset v3 = v2.dropColumns("text1", "text2", "text3");
          Dataset v4 = v3.addColumns(new Schema(List.of(new Field("s", FieldType.nullable(ArrowType.Struct.INSTANCE),
              List.of(new Field("a", FieldType.nullable(new ArrowType.Int(32, true)), null),
                  new Field("b", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))))));
          Dataset v5 = v4.renameColumn("s.a", "alpha");
          Dataset v6 = v5.dropColumns("s.b")) {
        assertThat(v2.schema().findField("id").isNullable()).isTrue();
        // New field ids never reuse ids that data files still hold (text1..text3 were 2..4).
        assertThat(v4.manifest().schema().topLevel("s").id()).isEqualTo(5);
        // Metadata only: the dropped columns' file stays in the fragment (it holds id and text0 too).
        assertThat(v3.fragments().get(0).files()).isEqualTo(ds.fragments().get(0).files());
        assertThat(v6.schema().findField("s").getChildren()).extracting(Field::getName).containsExactly("alpha");
        assertThat(v6.versions()).extracting(VersionInfo::operation)
            .containsExactly("Overwrite", "Project", "Project", "Merge", "Project", "Project");
        assertThat(v6.countRows()).isEqualTo(100);
      }
    }
    // lance-core reads every version as we do.
    for (long v = 1; v <= 6; v++) {
      try (Dataset ours = Dataset.open(uri, OpenOptions.builder().version(v).allocator(allocator).build())) {
        List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, v, null, false, false, allocator);
        List<VectorSchemaRoot> actual = OurScans.scan(ours, null, false, false, allocator);
        try {
          ArrowAssert.assertBatchesEqual(expected, actual, "after metadata changes, version " + v);
        } finally {
          OurScans.closeAll(expected);
          OurScans.closeAll(actual);
        }
      }
    }
  }

  @Test
  void compactionConflictsWithADeleteOnItsFragmentsButNotWithAnAppend() throws Exception {
    String uri = dir.resolve("c.lance").toString();
    createWide(uri, 1000, 100); // 10 small fragments
    try (Dataset stale = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
        ds.delete("id = 5"); // v2, touches fragment 0
      }
      assertThatThrownBy(() -> stale.compact(CompactionOptions.defaults()))
          .isInstanceOf(CommitConflictException.class).hasMessageContaining("fragment 0");
      // Only the reservation got committed; the new files were removed.
      try (Dataset d = stale.checkoutLatest()) {
        assertThat(d.versions()).extracting(VersionInfo::operation).endsWith("Delete", "ReserveFragments");
        assertThat(d.countRows()).isEqualTo(999);
      }
    }
    try (Stream<Path> files = Files.list(Path.of(uri, "data"))) {
      assertThat(files.count()).isEqualTo(10);
    }
    try (Dataset stale = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      // A concurrent append (after the stale handle was opened) does not stop the compaction.
      try (VectorSchemaRoot r = stale.take(new long[] {0, 1, 2}, null);
          RootsReader in = new RootsReader(allocator, r.getSchema(), List.of(r));
          Dataset appended = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND)
              .allocator(allocator).build())) {
        assertThat(appended.countRows()).isEqualTo(1002);
      }
      List<CompactionOptions.Progress> seen = new ArrayList<>();
      CompactionReport rep = stale.compact(CompactionOptions.builder().progress(seen::add).batchSize(64).build());
      assertThat(rep.fragmentsRemoved()).isEqualTo(10);
      assertThat(rep.fragmentsAdded()).isEqualTo(1);
      assertThat(seen).isNotEmpty();
      assertThat(seen.get(seen.size() - 1).rowsDone()).isEqualTo(999);
      assertThat(seen.get(seen.size() - 1).rowsTotal()).isEqualTo(999);
      try (Dataset d = stale.checkoutLatest()) {
        assertThat(d.countRows()).isEqualTo(1002);
        assertThat(d.fragments()).hasSize(2); // the compacted one and the concurrent append
        assertThat(d.manifest().readerFeatureFlags()).isZero();
        long[] ids = new long[(int) d.countRows()];
        try (var r = d.newScan().columns("id").open()) {
          int k = 0;
          while (r.loadNextBatch()) {
            BigIntVector v = (BigIntVector) r.getVectorSchemaRoot().getVector(0);
            for (int i = 0; i < v.getValueCount(); i++) {
              ids[k++] = v.get(i);
            }
          }
        }
        assertThat(ids[5]).isEqualTo(6); // id 5 stays deleted
      }
    }
  }

  @Test
  void cleanupKeepsEveryFileAKeptVersionUses() throws Exception {
    String uri = dir.resolve("clean.lance").toString();
    Path root = Path.of(uri);
    createWide(uri, 600, 200); // v1
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 4 = 0"); // v2
    }
    Instant cut;
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      try (Dataset v3 = ds.addColumns(Map.of("y", "id + 1"))) {
        v3.tags().create("keep-me", 3);
      }
      try (Dataset v3 = ds.checkoutLatest(); Dataset v4 = v3.dropColumns("text0")) {
        v4.compact(CompactionOptions.builder().targetRowsPerFragment(1000).build()); // v5, v6
      }
      Thread.sleep(20);
      cut = Instant.now();
      Thread.sleep(20);
      try (Dataset d = ds.checkoutLatest(); Dataset v7 = d.addColumns(Map.of("z", "id * 3"))) {
        try (Dataset v8 = v7.restore(6)) {
          assertThat(v8.version()).isEqualTo(8);
        }
      }
    }
    // Orphans: an old one (a failed write long ago) and a young one (a write in progress).
    Files.write(root.resolve("data/old-orphan.lance"), new byte[100]);
    Files.setLastModifiedTime(root.resolve("data/old-orphan.lance"), FileTime.from(Instant.now().minus(Duration.ofDays(30))));
    Files.write(root.resolve("data/young-orphan.lance"), new byte[100]);
    long bytesBefore = folderBytes(root);
    CleanupReport rep;
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      rep = ds.cleanupOldVersions(cut, false);
    }
    // v1, v2, v4, v5 and v6 were committed before the cut and go; v3 is tagged, v7 and v8 are newer.
    assertThat(rep.versionsRemoved()).isEqualTo(5);
    assertThat(rep.dataFilesRemoved()).isGreaterThan(0);
    assertThat(rep.deletionFilesRemoved()).isEqualTo(0); // v3 (tagged) still uses them
    assertThat(rep.transactionFilesRemoved()).isEqualTo(5);
    assertThat(rep.bytesRemoved()).isEqualTo(bytesBefore - folderBytes(root));
    assertThat(root.resolve("data/old-orphan.lance")).doesNotExist();
    assertThat(root.resolve("data/young-orphan.lance")).exists();
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.versions()).extracting(VersionInfo::version).containsExactly(3L, 7L, 8L);
      for (VersionInfo v : ds.versions()) {
        try (Dataset d = ds.checkout(v.version())) {
          List<VectorSchemaRoot> ours = OurScans.scan(d, null, true, true, allocator);
          List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, v.version(), null, true, true, allocator);
          try {
            ArrowAssert.assertBatchesEqual(expected, ours, "version " + v.version() + " after cleanup");
            assertThat(ours.stream().mapToLong(VectorSchemaRoot::getRowCount).sum()).isEqualTo(d.countRows());
          } finally {
            OurScans.closeAll(ours);
            OurScans.closeAll(expected);
          }
        }
      }
      // A second cleanup finds nothing more; the latest and the tagged version always stay.
      CleanupReport again = ds.cleanupOldVersions(Instant.now().plusSeconds(3600), false);
      assertThat(again.versionsRemoved()).isEqualTo(1); // v7
      assertThat(ds.latestVersion()).isEqualTo(8);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.listVersions()).extracting(org.lance.Version::getId).containsExactly(3L, 8L);
      assertThat(ds.countRows()).isEqualTo(450);
    }
  }

  @Test
  void addingColumnsConflictsWithAConcurrentAppendAndLeavesNoFiles() throws Exception {
    String uri = dir.resolve("mc.lance").toString();
    createWide(uri, 300, 100);
    try (Dataset stale = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      try (VectorSchemaRoot r = stale.take(new long[] {0, 1}, null);
          RootsReader in = new RootsReader(allocator, r.getSchema(), List.of(r));
          Dataset appended = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND)
              .allocator(allocator).build())) {
        assertThat(appended.version()).isEqualTo(2);
      }
      assertThatThrownBy(() -> stale.addColumns(Map.of("y", "id + 1"))).isInstanceOf(CommitConflictException.class)
          .hasMessageContaining("Append");
      assertThat(stale.latestVersion()).isEqualTo(2);
    }
    try (Stream<Path> files = Files.list(Path.of(uri, "data"))) {
      assertThat(files.count()).isEqualTo(4); // 3 created + 1 appended, no new-column file left
    }
  }

  @Test
  void stableRowIdsSurviveSchemaChangesAndCompaction() throws Exception {
    String uri = dir.resolve("stable.lance").toString();
    List<VectorSchemaRoot> b = List.of(ReferenceDatasets.idNameBatch(0, 500, allocator));
    try (RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, b);
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(200).stableRowIds(true)
            .allocator(allocator).build())) {
      ds.version();
    } finally {
      OurScans.closeAll(b);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 3 = 0");
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v3 = ds.addColumns(Map.of("y", "id * 10"));
        Dataset v4 = v3.dropColumns("name");
        Dataset v5 = v4.restore(3)) {
      assertThat(v5.manifest().stableRowIds()).isTrue();
      CompactionReport rep = v5.compact(CompactionOptions.defaults()); // v6 reserves, v7 rewrites
      assertThat(rep.fragmentsRemoved()).isEqualTo(3);
      assertThat(rep.version()).isEqualTo(7);
    }
    for (long v = 1; v <= 7; v++) {
      try (Dataset ours = Dataset.open(uri, OpenOptions.builder().version(v).allocator(allocator).build())) {
        List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, v, null, true, true, allocator);
        List<VectorSchemaRoot> actual = OurScans.scan(ours, null, true, true, allocator);
        try {
          ArrowAssert.assertBatchesEqual(expected, actual, "stable row ids, version " + v);
        } finally {
          OurScans.closeAll(expected);
          OurScans.closeAll(actual);
        }
      }
    }
  }
}
