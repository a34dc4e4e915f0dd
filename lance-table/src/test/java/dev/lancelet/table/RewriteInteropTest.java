package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.merge.MergeInsertParams;
import org.roaringbitmap.RoaringBitmap;

/**
 * Update, merge-insert and compaction of datasets with stable row ids, and compaction of datasets
 * with indices or dictionary columns, interleaved with lance-core's own operations: lance-core
 * reads every version as we do (rows, {@code _rowid}, {@code _rowaddr}, filtered counts), row ids
 * survive every operation, take by row id finds moved rows, lance-core's BTREE index still
 * answers right, and rewritten dictionary columns stay dictionary-typed.
 */
class RewriteInteropTest {
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

  private RandomData.Batches data(long seed, long[] ids) {
    RandomData.Batches b = RandomData.builder(seed).rows(ids.length).nulls(RandomData.Nulls.RANDOM_10)
        .nulls("id", RandomData.Nulls.NONE).build(DmlInteropTest.schema(), allocator);
    BigIntVector v = (BigIntVector) b.root().getVector("id");
    for (int i = 0; i < ids.length; i++) {
      v.set(i, ids[i]);
    }
    return b;
  }

  private static long[] range(long from, long to) {
    return java.util.stream.LongStream.range(from, to).toArray();
  }

  /** id -> _rowid of the live rows of a version, read by lance-core. */
  private Map<Long, Long> rowIds(String uri, long version) throws Exception {
    Map<Long, Long> out = new HashMap<>();
    List<VectorSchemaRoot> rs = ReferenceDatasets.scan(uri, version, List.of("id"), true, false, allocator);
    try {
      for (VectorSchemaRoot r : rs) {
        BigIntVector id = (BigIntVector) r.getVector("id");
        UInt8Vector rid = (UInt8Vector) r.getVector("_rowid");
        for (int i = 0; i < r.getRowCount(); i++) {
          assertThat(out.put(id.get(i), rid.get(i))).as("id " + id.get(i) + " twice").isNull();
        }
      }
    } finally {
      OurScans.closeAll(rs);
    }
    return out;
  }

  /** Rows kept across versions keep their row ids; new rows get unused ids at or after next_row_id. */
  private void assertRowIdsCarried(Map<Long, Long> before, long nextRowIdBefore, Map<Long, Long> after, String ctx) {
    Set<Long> seen = new HashSet<>();
    for (Map.Entry<Long, Long> e : after.entrySet()) {
      assertThat(seen.add(e.getValue())).as(ctx + ": row id " + e.getValue() + " used twice").isTrue();
      Long old = before.get(e.getKey());
      if (old != null) {
        assertThat(e.getValue()).as(ctx + ": row id of id " + e.getKey()).isEqualTo(old);
      } else {
        assertThat(e.getValue()).as(ctx + ": row id of new id " + e.getKey()).isGreaterThanOrEqualTo(nextRowIdBefore);
      }
    }
  }

  private void assertSameAsReference(String uri, long version, String ctx) throws Exception {
    assertSameAsReference(uri, version, ctx, DmlInteropTest.FILTERS);
  }

  private void assertSameAsReference(String uri, long version, String ctx, List<String> filters) throws Exception {
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
        assertThat(ds.countRows()).as(ctx + ", version " + version).isEqualTo(ours.countRows());
        for (String f : filters) {
          assertThat(ds.countRows(f)).as(ctx + ", version " + version + ", " + f).isEqualTo(ours.countRows(f));
        }
      }
    }
  }

  private static void lanceMergeInsert(String uri, VectorSchemaRoot rows) throws Exception {
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      try (VectorSchemaRoot copy = ReferenceDatasets.copy(rows, ref);
          RootsReader reader = new RootsReader(ref, copy.getSchema(), List.of(copy));
          ArrowArrayStream stream = ArrowArrayStream.allocateNew(ref)) {
        Data.exportArrayStream(ref, reader, stream);
        ds.mergeInsert(new MergeInsertParams(List.of("id")).withMatchedUpdateAll()
            .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll), stream);
      }
    }
  }

  private static long nextRowId(String uri, long version) throws Exception {
    try (Dataset d = Dataset.open(uri, OpenOptions.builder().version(version).build())) {
      return d.manifest().nextRowId();
    }
  }

  @Test
  void lanceCoreReadsOurUpdatesMergesAndCompactionsWithStableRowIds() throws Exception {
    long seed = new Random().nextLong();
    String ctx = "seed " + seed;
    Random r = new Random(seed);
    String uri = dir.resolve("stable.lance").toString();
    // v1 (lance-core): 1200 rows in 4 fragments; v2 (lance-core): a delete.
    try (RandomData.Batches b = data(r.nextLong(), range(0, 1200))) {
      ReferenceDatasets.write(uri, b.schema(), b.roots(),
          ReferenceDatasets.Params.create().maxRowsPerFile(300).stableRowIds(true));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 10 = 3");
    }
    // v3: our update moves rows of two fragments; v4: our merge-insert with updated rows (some
    // moved before) and new rows interleaved across batches; v5: our delete; v6/v7: our compaction.
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v3 = ds.update(Map.of("int32", "int32 / 2 + 1", "utf8", "CAST(id * 2 AS VARCHAR)"), "id < 500")) {
      assertThat(v3.version()).isEqualTo(3);
    }
    try (RandomData.Batches a = data(r.nextLong(), range(400, 450));
        RandomData.Batches b = data(r.nextLong(), range(1500, 1550));
        RandomData.Batches c = data(r.nextLong(), range(700, 760));
        RandomData.Batches d = data(r.nextLong(), range(1550, 1600));
        RootsReader in = new RootsReader(allocator, a.schema(), List.of(a.root(), b.root(), c.root(), d.root()));
        Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        MergeInsertBuilder.Result m = ds.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll()
            .execute(in)) {
      // 100 new ids, and 11 ids whose rows lance-core deleted in v2 (id % 10 = 3).
      assertThat(m.rowsInserted()).isEqualTo(111);
      assertThat(m.rowsUpdated()).isEqualTo(99);
      assertThat(m.dataset().version()).isEqualTo(4);
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v5 = ds.delete("id % 7 = 1")) {
      CompactionReport rep = v5.compact(CompactionOptions.builder().targetRowsPerFragment(700).build());
      assertThat(rep.version()).isEqualTo(7);
      assertThat(rep.fragmentsAdded()).isPositive();
    }
    // v8: lance-core merge-inserts on top; v9/v10: lance-core compacts; v11: we update again.
    try (RandomData.Batches b = data(r.nextLong(), range(1590, 1620))) {
      lanceMergeInsert(uri, b.root());
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.compact();
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v11 = ds.update(Map.of("utf8", "'again'"), "id % 5 = 0")) {
      assertThat(v11.version()).isEqualTo(11);
    }
    Map<Long, Long> before = rowIds(uri, 1);
    for (long v = 1; v <= 11; v++) {
      assertSameAsReference(uri, v, ctx);
      Map<Long, Long> now = rowIds(uri, v);
      assertRowIdsCarried(before, v == 1 ? 0 : nextRowId(uri, v - 1), now, ctx + ", version " + v);
      before = now;
    }
    // Take by row id finds moved rows (updated twice, merged, compacted) where they are now.
    Map<Long, Long> last = rowIds(uri, 11);
    List<Long> ids = List.of(0L, 5L, 410L, 720L, 1505L, 1599L, 1615L, 1199L);
    List<Long> rids = new ArrayList<>();
    for (long id : ids) {
      assertThat(last).as(ctx + ": id " + id).containsKey(id);
      rids.add(last.get(id));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref);
        ArrowReader rr = ds.takeRows(rids, List.of("id", "utf8"))) {
      List<Long> got = new ArrayList<>();
      while (rr.loadNextBatch()) {
        BigIntVector id = (BigIntVector) rr.getVectorSchemaRoot().getVector("id");
        for (int i = 0; i < rr.getVectorSchemaRoot().getRowCount(); i++) {
          got.add(id.get(i));
        }
      }
      assertThat(got).as(ctx).containsExactlyElementsOf(ids);
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.versions()).extracting(VersionInfo::operation).containsExactly("Overwrite", "Delete", "Update",
          "Update", "Delete", "ReserveFragments", "Rewrite", "Update", "ReserveFragments", "Rewrite", "Update");
    }
  }

  @Test
  void mergeInsertRebasedOverAConcurrentAppendGivesNewRowsUnusedIds() throws Exception {
    String uri = dir.resolve("race.lance").toString();
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 300, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset stale = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(100).stableRowIds(true)
            .allocator(allocator).build())) {
      // Someone appends 50 rows (row ids 300..349) while we still hold version 1.
      try (VectorSchemaRoot more = ReferenceDatasets.idNameBatch(1000, 50, allocator);
          RootsReader in2 = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(more));
          Dataset appended = Dataset.write(in2, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND)
              .allocator(allocator).build())) {
        assertThat(appended.manifest().nextRowId()).isEqualTo(350);
      }
      // Our merge-insert planned on version 1 commits over the append: ids 290..299 move, 300..309 are new.
      try (VectorSchemaRoot src = ReferenceDatasets.idNameBatch(290, 20, allocator);
          RootsReader in3 = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(src));
          MergeInsertBuilder.Result m = stale.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll()
              .execute(in3)) {
        assertThat(m.dataset().version()).isEqualTo(3);
        assertThat(m.dataset().manifest().nextRowId()).isEqualTo(360);
      }
    }
    Map<Long, Long> v2 = rowIds(uri, 2);
    Map<Long, Long> v3 = rowIds(uri, 3);
    assertThat(v3).hasSize(360);
    assertRowIdsCarried(v2, 350, v3, "rebased merge-insert");
    for (long id = 300; id < 310; id++) {
      assertThat(v3.get(id)).isBetween(350L, 359L);
    }
    assertSameAsReference(uri, 3, "rebased merge-insert", List.of("id >= 290", "name IS NULL"));
  }

  /** Per row id, (created-at, last-updated-at) versions as lance-core reports them. */
  private Map<Long, long[]> rowVersions(String uri, long version) throws Exception {
    Map<Long, long[]> out = new HashMap<>();
    try (BufferAllocator ref = new RootAllocator();
        org.lance.Dataset ds = org.lance.Dataset.open(ref, uri, new org.lance.ReadOptions.Builder().setVersion(version).build());
        org.lance.ipc.LanceScanner sc = ds.newScan(new org.lance.ipc.ScanOptions.Builder()
            .columns(List.of("id", "_row_created_at_version", "_row_last_updated_at_version")).build());
        ArrowReader rr = sc.scanBatches()) {
      while (rr.loadNextBatch()) {
        VectorSchemaRoot b = rr.getVectorSchemaRoot();
        BigIntVector id = (BigIntVector) b.getVector("id");
        for (int i = 0; i < b.getRowCount(); i++) {
          out.put(id.get(i), new long[] {((Number) b.getVector(1).getObject(i)).longValue(),
              ((Number) b.getVector(2).getObject(i)).longValue()});
        }
      }
    }
    return out;
  }

  @Test
  void rowVersionsOfOurWritesAsLanceCoreReadsThem() throws Exception {
    String uri = dir.resolve("versions.lance").toString();
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 300, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset v1 = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(100).stableRowIds(true)
            .allocator(allocator).build());
        Dataset v2 = v1.update(Map.of("name", "'u'"), "id >= 50 AND id < 150");
        VectorSchemaRoot more = ReferenceDatasets.idNameBatch(140, 20, allocator);
        RootsReader src = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(more));
        MergeInsertBuilder.Result v3 = v2.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll()
            .execute(src)) {
      CompactionReport rep = v3.dataset().compact(CompactionOptions.defaults());
      assertThat(rep.version()).isEqualTo(5);
    }
    for (long v : new long[] {3, 5}) {
      Map<Long, long[]> vs = rowVersions(uri, v);
      assertThat(vs).hasSize(300);
      for (long id = 0; id < 300; id++) {
        long created = 1;
        long updated = id >= 140 && id < 160 ? 3 : id >= 50 && id < 150 ? 2 : 1;
        assertThat(vs.get(id)).as("version " + v + ", id " + id).containsExactly(created, updated);
      }
    }
  }

  /** lance-core's fragment bitmap of index {@code name} at the latest version. */
  private static RoaringBitmap bitmap(Dataset ds, String name) throws Exception {
    for (TableProtos.IndexMetadata im : ds.manifestFile().indices().getIndicesList()) {
      if (im.getName().equals(name)) {
        RoaringBitmap b = new RoaringBitmap();
        b.deserialize(im.getFragmentBitmap().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN));
        return b;
      }
    }
    throw new AssertionError("no index " + name);
  }

  private static final List<String> INDEXED_FILTERS = List.of("id = 17", "id = 433", "id < 100", "id >= 900",
      "id BETWEEN 240 AND 770", "id IN (3, 250, 999, 1005, 1100)", "id > 5000");

  private void assertIndexAnswersLikeOurScan(String uri, String ctx) throws Exception {
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      for (String f : INDEXED_FILTERS) {
        assertThat(ds.countRows(f)).as(ctx + ": " + f).isEqualTo(ours.countRows(f));
        List<VectorSchemaRoot> exp = new ArrayList<>();
        try (org.lance.ipc.LanceScanner sc = ds.newScan(new org.lance.ipc.ScanOptions.Builder()
            .columns(List.of("id", "name")).filter(f).withRowId(true).build());
            ArrowReader rr = sc.scanBatches()) {
          while (rr.loadNextBatch()) {
            exp.add(ReferenceDatasets.materialize(rr.getVectorSchemaRoot(), rr, allocator));
          }
        }
        List<VectorSchemaRoot> act = new ArrayList<>();
        try (ArrowReader rr = ours.newScan().columns(List.of("id", "name")).filter(f).withRowId(true).open()) {
          while (rr.loadNextBatch()) {
            act.add(ReferenceDatasets.copy(rr.getVectorSchemaRoot(), allocator));
          }
        }
        List<VectorSchemaRoot> se = sorted(exp);
        List<VectorSchemaRoot> sa = sorted(act);
        try {
          ArrowAssert.assertBatchesEqual(se, sa, ctx + ", filter " + f);
        } finally {
          OurScans.closeAll(exp);
          OurScans.closeAll(act);
          OurScans.closeAll(se);
          OurScans.closeAll(sa);
        }
      }
    }
  }

  /** The rows of {@code rs} ordered by id in one batch (index scans may reorder rows). */
  private List<VectorSchemaRoot> sorted(List<VectorSchemaRoot> rs) {
    List<long[]> rows = new ArrayList<>(); // id, rowid, batch, index
    for (int k = 0; k < rs.size(); k++) {
      VectorSchemaRoot b = rs.get(k);
      for (int i = 0; i < b.getRowCount(); i++) {
        rows.add(new long[] {((BigIntVector) b.getVector("id")).get(i), k, i});
      }
    }
    rows.sort((x, y) -> Long.compare(x[0], y[0]));
    VectorSchemaRoot out = VectorSchemaRoot.create(rs.isEmpty() ? new org.apache.arrow.vector.types.pojo.Schema(
        List.of()) : rs.get(0).getSchema(), allocator);
    out.allocateNew();
    int n = 0;
    for (long[] row : rows) {
      VectorSchemaRoot src = rs.get((int) row[1]);
      for (int c = 0; c < src.getFieldVectors().size(); c++) {
        out.getVector(c).copyFromSafe((int) row[2], n, src.getVector(c));
      }
      n++;
    }
    out.setRowCount(n);
    List<VectorSchemaRoot> l = new ArrayList<>();
    l.add(out);
    return l;
  }

  private void indexedDataset(String uri, boolean stable) throws Exception {
    // v1: 1000 rows in 10 fragments; v2: BTREE index on id; v3: deletions; v4: an unindexed append.
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 1000, allocator)) {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, List.of(b),
          ReferenceDatasets.Params.create().maxRowsPerFile(100).stableRowIds(stable));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.createIndex(List.of("id"), org.lance.index.IndexType.BTREE, java.util.Optional.of("id_idx"),
          org.lance.index.IndexParams.builder()
              .setScalarIndexParams(org.lance.index.scalar.ScalarIndexParams.create("btree")).build(), true);
      ds.delete("id % 4 = 1 OR (id >= 300 AND id < 380)");
    }
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(1000, 150, allocator)) {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, List.of(b),
          ReferenceDatasets.Params.create().mode(org.lance.WriteParams.WriteMode.APPEND).maxRowsPerFile(50));
    }
  }

  @Test
  void compactionLeavesLanceCoreBtreeIndexAnsweringRight() throws Exception {
    String uri = dir.resolve("indexed.lance").toString();
    indexedDataset(uri, false);
    assertIndexAnswersLikeOurScan(uri, "before compaction");
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(4);
      RoaringBitmap covered = bitmap(ds, "id_idx");
      assertThat(covered.getCardinality()).isEqualTo(10);
      CompactionReport rep = ds.compact(CompactionOptions.builder().targetRowsPerFragment(400).build());
      // Indexed and unindexed fragments are compacted apart.
      assertThat(rep.fragmentsRemoved()).isEqualTo(13);
      try (Dataset v6 = ds.checkoutLatest()) {
        assertThat(v6.version()).isEqualTo(6);
        // Row addresses changed: the index keeps naming the old fragments (their entries are
        // masked out as gone) and the new fragments are read unindexed.
        assertThat(bitmap(v6, "id_idx")).isEqualTo(covered);
        for (var f : v6.fragments()) {
          assertThat(covered.contains((int) f.id())).isFalse();
        }
      }
    }
    assertIndexAnswersLikeOurScan(uri, "after our compaction");
    assertSameAsReference(uri, 6, "indexed, after compaction", INDEXED_FILTERS);
    // lance-core keeps working with the index: it appends, re-indexes and compacts on top.
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.optimizeIndices(org.lance.index.OptimizeOptions.builder().build());
    }
    assertIndexAnswersLikeOurScan(uri, "after lance-core optimized the index");
  }

  @Test
  void compactionRemapsIndexBitmapsWithStableRowIds() throws Exception {
    String uri = dir.resolve("indexed-stable.lance").toString();
    indexedDataset(uri, true);
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      RoaringBitmap covered = bitmap(ds, "id_idx");
      assertThat(covered.getCardinality()).isEqualTo(10);
      ds.compact(CompactionOptions.builder().targetRowsPerFragment(400).build());
      try (Dataset v6 = ds.checkoutLatest()) {
        RoaringBitmap now = bitmap(v6, "id_idx");
        Set<Long> indexed = new HashSet<>();
        for (var f : v6.fragments()) {
          if (now.contains((int) f.id())) {
            indexed.add(f.id());
          }
        }
        // The rewritten indexed fragments' replacements are covered; the appended ones are not.
        assertThat(indexed).isNotEmpty();
        long indexedRows = v6.fragments().stream().filter(f -> indexed.contains(f.id()))
            .mapToLong(f -> f.physicalRows()).sum();
        assertThat(indexedRows).isEqualTo(v6.countRows("id < 1000"));
      }
    }
    assertIndexAnswersLikeOurScan(uri, "stable, after our compaction");
    for (long v = 4; v <= 6; v++) {
      assertSameAsReference(uri, v, "indexed stable", INDEXED_FILTERS);
    }
  }

  private static final List<String> DICT_FILTERS = List.of("int32 > 0", "dict_int32_utf8 IS NULL", "int32 < 100");

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"2.0", "2.1", "2.2"})
  void compactionKeepsDictionaryColumnsDictionaryTyped(String version) throws Exception {
    long seed = new Random().nextLong();
    String ctx = "seed " + seed + ", " + version;
    org.apache.arrow.vector.types.pojo.Schema schema = dev.lancelet.file.testing.TypeCatalog.schemaOf(List.of(
        dev.lancelet.file.testing.TypeCatalog.get("int32"), dev.lancelet.file.testing.TypeCatalog.get("dict_int32_utf8")));
    String uri = dir.resolve("dict.lance").toString();
    try (RandomData.Batches b = RandomData.builder(seed).rows(300).batches(2).nulls(RandomData.Nulls.RANDOM_10)
        .build(schema, allocator);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots(), b.dictionaries());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(100)
            .fileVersion(dev.lancelet.format.LanceFileVersion.parse(version)).allocator(allocator).build());
        Dataset v2 = ds.delete("int32 % 3 = 0")) {
      CompactionReport rep = v2.compact(CompactionOptions.builder().targetRowsPerFragment(250).batchSize(70).build());
      assertThat(rep.version()).isEqualTo(4);
      assertThat(rep.fragmentsRemoved()).isEqualTo(6);
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.manifest().schema().topLevel("dict_int32_utf8").logicalType()).isEqualTo("dict:string:int32:false");
      for (var f : ds.fragments()) {
        // The rewritten file itself stores the column as a dictionary.
        try (dev.lancelet.io.ObjectStore store = dev.lancelet.io.ObjectStores.forFolder(uri);
            dev.lancelet.file.LanceFileReader r = dev.lancelet.file.LanceFileReader.open(store,
                "data/" + f.files().get(0).path(), allocator)) {
          org.apache.arrow.vector.types.pojo.Field field = r.schema().findField("dict_int32_utf8");
          assertThat(field.getMetadata()).containsKey(dev.lancelet.file.LanceFileReader.DICTIONARY_TYPE_KEY);
          assertThat(field.getType()).isEqualTo(org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE);
        }
      }
    }
    for (long v = 1; v <= 4; v++) {
      assertSameAsReference(uri, v, ctx, DICT_FILTERS);
    }
    // Same rows before and after the rewrite.
    try (Dataset v2 = Dataset.open(uri, OpenOptions.builder().version(2).allocator(allocator).build());
        Dataset v4 = Dataset.open(uri, OpenOptions.builder().version(4).allocator(allocator).build())) {
      List<VectorSchemaRoot> before = OurScans.scan(v2, null, false, false, allocator);
      List<VectorSchemaRoot> after = OurScans.scan(v4, null, false, false, allocator);
      try {
        ArrowAssert.assertBatchesEqual(before, after, ctx);
      } finally {
        OurScans.closeAll(before);
        OurScans.closeAll(after);
      }
    }
  }

  /** A root of {@code ids} and int8 dictionary indices {@code i % 100} (null every 9th row). */
  private VectorSchemaRoot int8DictRoot(org.apache.arrow.vector.types.pojo.Schema schema, int from) {
    VectorSchemaRoot r = VectorSchemaRoot.create(schema, allocator);
    r.allocateNew();
    org.apache.arrow.vector.IntVector id = (org.apache.arrow.vector.IntVector) r.getVector("id");
    org.apache.arrow.vector.TinyIntVector d = (org.apache.arrow.vector.TinyIntVector) r.getVector("d");
    for (int i = 0; i < 100; i++) {
      id.setSafe(i, from + i);
      if (i % 9 == 4) {
        d.setNull(i);
      } else {
        d.setSafe(i, (byte) i);
      }
    }
    r.setRowCount(100);
    return r;
  }

  private org.apache.arrow.vector.dictionary.Dictionary dictionary(String prefix,
      org.apache.arrow.vector.types.pojo.DictionaryEncoding enc) {
    org.apache.arrow.vector.VarCharVector v = new org.apache.arrow.vector.VarCharVector("d", allocator);
    v.allocateNew();
    for (int i = 0; i < 100; i++) {
      v.setSafe(i, (prefix + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    v.setValueCount(100);
    return new org.apache.arrow.vector.dictionary.Dictionary(v, enc);
  }

  /**
   * Fragments of an int8 dictionary column whose dictionaries (100 values each) together outgrow
   * the index type: compaction rewrites them dictionary-typed, each new data file keeping within
   * 128 distinct values (so lance-core, which returns one dictionary per batch, reads any batch).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"2.0", "2.1", "2.2"})
  void compactionRewritesDictionaryColumnsWithNarrowIndices(String version) throws Exception {
    var i8 = new org.apache.arrow.vector.types.pojo.ArrowType.Int(8, true);
    var enc = new org.apache.arrow.vector.types.pojo.DictionaryEncoding(1, false, i8);
    var schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        new org.apache.arrow.vector.types.pojo.Field("id", org.apache.arrow.vector.types.pojo.FieldType.notNullable(
            new org.apache.arrow.vector.types.pojo.ArrowType.Int(32, true)), null),
        new org.apache.arrow.vector.types.pojo.Field("d", new org.apache.arrow.vector.types.pojo.FieldType(true, i8, enc),
            null)));
    String uri = dir.resolve("dict8-" + version + ".lance").toString();
    var fileVersion = dev.lancelet.format.LanceFileVersion.parse(version);
    String[] prefixes = {"a", "b", "c"};
    for (int k = 0; k < prefixes.length; k++) {
      var dict = dictionary(prefixes[k], enc);
      var provider = new org.apache.arrow.vector.dictionary.DictionaryProvider.MapDictionaryProvider();
      provider.put(dict);
      try (VectorSchemaRoot r = int8DictRoot(schema, 100 * k);
          RootsReader in = new RootsReader(allocator, schema, List.of(r), provider);
          Dataset ds = Dataset.write(in, uri, WriteOptions.builder().fileVersion(fileVersion)
              .mode(k == 0 ? WriteOptions.Mode.CREATE : WriteOptions.Mode.APPEND).allocator(allocator).build())) {
        assertThat(ds.manifest().schema().topLevel("d").logicalType()).isEqualTo("dict:string:int8:false");
      } finally {
        dict.getVector().close();
      }
    }
    long deleted;
    long compacted;
    try (Dataset v3 = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v4 = v3.delete("id % 5 = 0")) {
      deleted = v4.version();
      CompactionReport rep = v4.compact(CompactionOptions.defaults());
      assertThat(rep.fragmentsRemoved()).isEqualTo(3);
      compacted = rep.version();
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(compacted);
      assertThat(ds.manifest().schema().topLevel("d").logicalType()).isEqualTo("dict:string:int8:false");
      // Over 200 distinct values in all, at most 127 (and null) per file.
      assertThat(ds.fragments()).hasSizeGreaterThanOrEqualTo(2);
    }
    List<String> filters = List.of("d IS NULL", "id < 150"); // lance-core cannot compare a dictionary with a literal
    assertSameAsReference(uri, deleted, version, filters);
    assertSameAsReference(uri, compacted, version, filters);
    try (Dataset v4 = Dataset.open(uri, OpenOptions.builder().version(deleted).allocator(allocator).build());
        Dataset v5 = Dataset.open(uri, OpenOptions.builder().version(compacted).allocator(allocator).build())) {
      List<VectorSchemaRoot> before = OurScans.scan(v4, null, false, false, allocator);
      List<VectorSchemaRoot> after = OurScans.scan(v5, null, false, false, allocator);
      try {
        ArrowAssert.assertBatchesEqual(before, after, version);
      } finally {
        OurScans.closeAll(before);
        OurScans.closeAll(after);
      }
    }
  }
}
