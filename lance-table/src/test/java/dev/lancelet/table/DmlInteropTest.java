package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lance.WriteParams;


/**
 * Our delete, update and merge-insert, read by lance-core at every version exactly as we read them
 * (rows, {@code _rowid}, {@code _rowaddr}, filtered counts); lance-core then appends and deletes
 * on top, and we read every version exactly as lance-core does.
 */
class DmlInteropTest {
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

  static final List<String> TYPES = List.of("int32", "utf8", "float32", "list_int32", "struct_flat", "embedding_f32x128",
      "binary", "date32", "decimal128", "bool");

  static Schema schema() {
    List<Field> fs = new ArrayList<>();
    fs.add(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null));
    for (String t : TYPES) {
      fs.add(TypeCatalog.get(t).field());
    }
    return new Schema(fs);
  }

  /** {@code batches} batches of {@code n} random rows each (10% nulls), ids from {@code start}. */
  RandomData.Batches data(long seed, long start, int n, int batches) {
    RandomData.Batches b = RandomData.builder(seed).rows(n).batches(batches).nulls(RandomData.Nulls.RANDOM_10)
        .nulls("id", RandomData.Nulls.NONE).build(schema(), allocator);
    long id = start;
    for (VectorSchemaRoot r : b.roots()) {
      BigIntVector v = (BigIntVector) r.getVector("id");
      for (int i = 0; i < r.getRowCount(); i++) {
        v.set(i, id++);
      }
    }
    return b;
  }

  static final List<String> FILTERS = List.of("int32 > 0", "utf8 IS NULL OR id % 3 = 0", "bool AND int32 < 0",
      "id BETWEEN 100 AND 700");

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
      try (BufferAllocator ref = new RootAllocator();
          org.lance.Dataset ds = org.lance.Dataset.open(ref, uri,
              new org.lance.ReadOptions.Builder().setVersion(version).build())) {
        assertThat(ours.countRows()).as(ctx + ", version " + version).isEqualTo(ds.countRows());
        for (String f : FILTERS) {
          assertThat(ours.countRows(f)).as(ctx + ", version " + version + ", " + f).isEqualTo(ds.countRows(f));
          // The filtered rows themselves, with addresses, projected without some filter columns.
          List<String> cols = List.of("id", "utf8", "list_int32", "struct_flat");
          List<VectorSchemaRoot> exp = new ArrayList<>();
          try (org.lance.ipc.LanceScanner sc = ds.newScan(new org.lance.ipc.ScanOptions.Builder().columns(cols)
              .filter(f).withRowAddress(true).batchSize(512).build());
              org.apache.arrow.vector.ipc.ArrowReader rr = sc.scanBatches()) {
            while (rr.loadNextBatch()) {
              exp.add(ReferenceDatasets.materialize(rr.getVectorSchemaRoot(), rr, allocator));
            }
          }
          List<VectorSchemaRoot> act = new ArrayList<>();
          try (org.apache.arrow.vector.ipc.ArrowReader rr = ours.newScan().columns(cols).filter(f).withRowAddress(true)
              .batchSize(333).open()) {
            while (rr.loadNextBatch()) {
              act.add(ReferenceDatasets.copy(rr.getVectorSchemaRoot(), allocator));
            }
          }
          try {
            ArrowAssert.assertBatchesEqual(exp, act, ctx + ", version " + version + ", filter " + f);
          } finally {
            OurScans.closeAll(exp);
            OurScans.closeAll(act);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = LanceFileVersion.class, names = {"V2_0", "V2_1"})
  void lanceCoreReadsOurDeletesUpdatesAndMerges(LanceFileVersion version) throws Exception {
    long seed = new Random().nextLong();
    String ctx = "seed " + seed + ", " + version;
    Random r = new Random(seed);
    String uri = dir.resolve("dml.lance").toString();
    // v1: 1200 rows in 3 fragments.
    try (RandomData.Batches b = data(r.nextLong(), 0, 300, 4);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(400).fileVersion(version)
            .allocator(allocator).build());
        // v2: delete across fragments; v3: delete merging with v2's deletions and emptying fragment 2.
        Dataset v2 = ds.delete("id % 10 = 3 OR int32 IS NULL");
        Dataset v3 = v2.delete("id >= 800 OR utf8 LIKE '%a%'");
        // v4: update with expressions over other columns, into a new fragment.
        Dataset v4 = v3.update(Map.of("int32", "int32 / 2 + 1", "utf8", "CAST(id * 2 AS VARCHAR)"), "id < 300")) {
      assertThat(v3.fragments()).extracting(f -> f.id()).containsExactly(0L, 1L);
      assertThat(v4.version()).isEqualTo(4);
    }
    // v5: merge-insert 200 rows: ids 500..599 exist (some were deleted), 1500..1599 are new.
    try (RandomData.Batches b = data(r.nextLong(), 500, 100, 1);
        RandomData.Batches b2 = data(r.nextLong(), 1500, 100, 1);
        RootsReader in = new RootsReader(allocator, b.schema(), List.of(b.root(), b2.root()));
        Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        MergeInsertBuilder.Result m = ds.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll()
            .execute(in)) {
      assertThat(m.rowsInserted() + m.rowsUpdated()).isEqualTo(200);
      assertThat(m.dataset().version()).isEqualTo(5);
    }
    for (long v = 1; v <= 5; v++) {
      assertSameAsReference(uri, v, ctx);
    }
    try (Dataset ours = Dataset.open(uri)) {
      assertThat(ours.versions()).extracting(VersionInfo::operation)
          .containsExactly("Overwrite", "Delete", "Delete", "Update", "Update");
    }
    // lance-core appends, deletes and merges on top of our versions; we read what it wrote.
    try (RandomData.Batches b = data(r.nextLong(), 2000, 150, 1)) {
      ReferenceDatasets.write(uri, b.schema(), b.roots(), ReferenceDatasets.Params.create().mode(WriteParams.WriteMode.APPEND));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 7 = 1 OR id >= 2100");
    }
    // And we delete again on top of lance-core's deletion files.
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v8 = ds.delete("id % 2 = 0")) {
      assertThat(v8.version()).isEqualTo(8);
    }
    for (long v = 1; v <= 8; v++) {
      assertSameAsReference(uri, v, ctx);
    }
  }

  @Test
  void bitmapDeletionsAndStableRowIdsReadByLanceCore() throws Exception {
    String uri = dir.resolve("big.lance").toString();
    Schema s = ReferenceDatasets.ID_NAME;
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 12_000, allocator);
        RootsReader in = new RootsReader(allocator, s, List.of(b));
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().stableRowIds(true).allocator(allocator).build());
        Dataset v2 = ds.delete("id % 2 = 1");
        Dataset v3 = v2.delete("id < 100")) {
      assertThat(v2.fragments().get(0).deletionFile().type()).isEqualTo(dev.lancelet.table.format.DeletionFile.Type.BITMAP);
      assertThat(v3.countRows()).isEqualTo(6000 - 50);
    }
    for (long v = 1; v <= 3; v++) {
      assertSameAsReference2(uri, v);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id > 11000");
      assertThat(ds.countRows()).isEqualTo(6000 - 50 - 499);
    }
    assertSameAsReference2(uri, 4);
  }

  @Test
  void lanceCoreRebasesItsCommitsOverOurDeleteAndUpdateTransactions() throws Exception {
    String uri = dir.resolve("race.lance").toString();
    Schema s = ReferenceDatasets.ID_NAME;
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 3000, allocator);
        RootsReader in = new RootsReader(allocator, s, List.of(b));
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(1000).allocator(allocator).build())) {
      assertThat(ds.fragments()).hasSize(3);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset stale = org.lance.Dataset.open(uri, ref)) {
      assertThat(stale.version()).isEqualTo(1);
      // We delete (v2) and update (v3) while lance-core still holds version 1.
      try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
          Dataset v2 = ds.delete("id % 3 = 0");
          Dataset v3 = v2.update(Map.of("name", "'moved'"), "id >= 2500")) {
        assertThat(v3.version()).isEqualTo(3);
      }
      // lance-core commits a delete planned on version 1: its conflict resolver reads our Delete and
      // Update transactions and rebases over them (the fragments it touches differ from ours only
      // in deletion files, which Lance merges).
      stale.delete("id % 3 = 1 AND id < 2000");
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(4);
      long expected = 0;
      for (long id = 0; id < 3000; id++) {
        if (id % 3 != 0 && !(id % 3 == 1 && id < 2000)) {
          expected++;
        }
      }
      assertThat(ds.countRows()).isEqualTo(expected);
      assertThat(ds.countRows("name = 'moved'")).isEqualTo(ds.countRows("id >= 2500"));
      assertSameAsReference2(uri, 4);
    }
  }

  private void assertSameAsReference2(String uri, long version) throws Exception {
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().version(version).allocator(allocator).build())) {
      List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, version, null, true, true, allocator);
      List<VectorSchemaRoot> actual = OurScans.scan(ours, null, true, true, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual, "version " + version);
      } finally {
        OurScans.closeAll(expected);
        OurScans.closeAll(actual);
      }
    }
  }
}
