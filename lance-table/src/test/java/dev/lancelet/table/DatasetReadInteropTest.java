package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lance.WriteParams;
import org.lance.merge.MergeInsertParams;

/**
 * Datasets created and changed by lance-core (create, append, deletes small and large, add
 * columns by SQL and as all-null fields, drop columns, merge-insert, compaction, tags) read by
 * Lancelet at every version exactly as lance-core reads them, {@code _rowid} and {@code
 * _rowaddr} included, with and without stable row ids.
 */
class DatasetReadInteropTest {
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

  static final List<String> TYPES = List.of("int32", "utf8", "float64", "list_int32", "struct_flat", "embedding_f32x128",
      "large_binary", "timestamp_us_tz", "decimal128", "bool");

  static Schema schema() {
    List<Field> fs = new ArrayList<>();
    fs.add(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null));
    for (String t : TYPES) {
      fs.add(TypeCatalog.get(t).field());
    }
    return new Schema(fs);
  }

  /** Random rows with id = start.. */
  RandomData.Batches data(long seed, long start, int n) {
    RandomData.Batches b = RandomData.builder(seed).rows(n).nulls(RandomData.Nulls.RANDOM_10).nulls("id", RandomData.Nulls.NONE)
        .build(schema(), allocator);
    long id = start;
    for (VectorSchemaRoot r : b.roots()) {
      BigIntVector v = (BigIntVector) r.getVector("id");
      for (int i = 0; i < r.getRowCount(); i++) {
        v.set(i, id++);
      }
    }
    return b;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyVersionReadsLikeLanceCore(boolean stable) throws Exception {
    long seed = new Random().nextLong();
    String ctx = "seed " + seed + ", stable row ids " + stable;
    Random r = new Random(seed);
    String uri = dir.resolve("t.lance").toString();
    try (RandomData.Batches b = data(r.nextLong(), 0, 1000)) {
      ReferenceDatasets.write(uri, b.schema(), b.roots(),
          ReferenceDatasets.Params.create().maxRowsPerFile(300).stableRowIds(stable));
    }
    try (RandomData.Batches b = data(r.nextLong(), 1000, 500)) {
      ReferenceDatasets.write(uri, b.schema(), b.roots(),
          ReferenceDatasets.Params.create().mode(WriteParams.WriteMode.APPEND));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 10 = 3");                                   // v3: small .arrow deletion files
      ds.delete("id >= 1100 AND id < 1400");                      // v4
      ds.addColumns(new org.lance.schema.SqlExpressions.Builder().withExpression("id2", "id * 2").build(),
          java.util.Optional.empty());                             // v5: new data file per fragment
      ds.addColumns(List.of(new Field("extra", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))); // v6: no files
      ds.dropColumns(List.of("float64"));                          // v7
      ds.tags().create("before-merge", ds.version());
    }
    // v8: merge-insert 20 rows (10 updated, 10 new).
    mergeInsert(uri, r.nextLong());
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.compact();                                                // v9/v10
    }
    long latest;
    try (Dataset ours = Dataset.open(uri)) {
      latest = ours.latestVersion();
      assertThat(ours.versions()).extracting(VersionInfo::version).contains(1L, latest);
      assertThat(ours.versions().get(0).operation()).isEqualTo("Overwrite");
    }
    assertThat(latest).as(ctx).isGreaterThanOrEqualTo(9);
    for (long v = 1; v <= latest; v++) {
      try (Dataset ours = Dataset.open(uri, OpenOptions.builder().version(v).allocator(allocator).build())) {
        List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, v, null, true, true, allocator);
        List<VectorSchemaRoot> actual = OurScans.scan(ours, null, true, true, allocator);
        try {
          ArrowAssert.assertBatchesEqual(expected, actual, ctx + ", version " + v);
          long rows = expected.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
          assertThat(ours.countRows()).as(ctx + ", version " + v).isEqualTo(rows);
          // Take by position: a few random rows, in random order, with duplicates.
          if (rows > 0) {
            long[] pick = new long[25];
            for (int i = 0; i < pick.length; i++) {
              pick[i] = r.nextLong(rows);
            }
            try (VectorSchemaRoot t = ours.take(pick, null)) {
              List<String> cols = ours.schema().getFields().stream().map(Field::getName).toList();
              List<VectorSchemaRoot> exp = ReferenceDatasets.scan(uri, v, cols, false, false, allocator);
              try {
                ArrowAssert.assertRowsEqual(exp, null, pick, t, null, ctx + ", take at version " + v);
              } finally {
                OurScans.closeAll(exp);
              }
            }
          }
        } finally {
          OurScans.closeAll(expected);
          OurScans.closeAll(actual);
        }
      }
    }
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().tag("before-merge").build())) {
      assertThat(ours.version()).isEqualTo(7);
      assertThat(ours.schema().getFields().stream().map(Field::getName)).contains("extra", "id2")
          .doesNotContain("float64");
    }
  }

  @org.junit.jupiter.api.Test
  void bitmapDeletionFilesReadLikeLanceCore() throws Exception {
    String uri = dir.resolve("bin.lance").toString();
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 20_000, allocator)) {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, List.of(b), ReferenceDatasets.Params.create().maxRowsPerFile(12_000));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 3 <> 1 AND id < 11000");
    }
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ours.fragments().get(0).deletionFile().type())
          .isEqualTo(dev.lancelet.table.format.DeletionFile.Type.BITMAP);
      List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, ours.version(), null, true, true, allocator);
      List<VectorSchemaRoot> actual = OurScans.scan(ours, null, true, true, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual, ".bin deletions");
      } finally {
        OurScans.closeAll(expected);
        OurScans.closeAll(actual);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void filteredScansMatchLanceCore() throws Exception {
    String uri = dir.resolve("filter.lance").toString();
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 3000, allocator)) {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, List.of(b), ReferenceDatasets.Params.create().maxRowsPerFile(700));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 11 = 4");
    }
    List<String> filters = List.of("id > 50 AND id < 1300", "name IS NULL", "name LIKE 'n1%' OR id >= 2990",
        "NOT (id BETWEEN 100 AND 2800)", "id IN (1, 4, 15, 2999, 5000)");
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      for (String f : filters) {
        List<VectorSchemaRoot> expected = new ArrayList<>();
        try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref);
            org.lance.ipc.LanceScanner sc = ds.newScan(new org.lance.ipc.ScanOptions.Builder().filter(f)
                .columns(List.of("name")).withRowId(true).build());
            org.apache.arrow.vector.ipc.ArrowReader r = sc.scanBatches()) {
          while (r.loadNextBatch()) {
            expected.add(ReferenceDatasets.materialize(r.getVectorSchemaRoot(), r, allocator));
          }
        }
        List<VectorSchemaRoot> actual = new ArrayList<>();
        try (org.apache.arrow.vector.ipc.ArrowReader r = ours.newScan().columns("name").withRowId(true).filter(f).open()) {
          while (r.loadNextBatch()) {
            actual.add(ReferenceDatasets.copy(r.getVectorSchemaRoot(), allocator));
          }
        }
        try {
          ArrowAssert.assertBatchesEqual(expected, actual, "filter " + f);
        } finally {
          OurScans.closeAll(expected);
          OurScans.closeAll(actual);
        }
      }
    }
  }

  private void mergeInsert(String uri, long seed) throws Exception {
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      Schema s = ds.getSchema();
      // Build 20 rows of the current schema: ids 1490..1509 (10 exist, 10 new).
      try (RandomData.Batches b = RandomData.builder(seed).rows(20).nulls(RandomData.Nulls.RANDOM_10)
          .nulls("id", RandomData.Nulls.NONE).build(withoutMetadata(s), ref)) {
        BigIntVector id = (BigIntVector) b.root().getVector("id");
        for (int i = 0; i < 20; i++) {
          id.set(i, 1490 + i);
        }
        try (RootsReader reader = new RootsReader(ref, b.schema(), b.roots());
            ArrowArrayStream stream = ArrowArrayStream.allocateNew(ref)) {
          Data.exportArrayStream(ref, reader, stream);
          ds.mergeInsert(new MergeInsertParams(List.of("id")).withMatchedUpdateAll()
              .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll), stream);
        }
      }
    }
  }

  private static Schema withoutMetadata(Schema s) {
    List<Field> fs = new ArrayList<>();
    for (Field f : s.getFields()) {
      fs.add(strip(f));
    }
    return new Schema(fs);
  }

  private static Field strip(Field f) {
    List<Field> kids = new ArrayList<>();
    for (Field c : f.getChildren()) {
      kids.add(strip(c));
    }
    return new Field(f.getName(), new FieldType(f.isNullable(), f.getType(), f.getDictionary(), null), kids);
  }
}
