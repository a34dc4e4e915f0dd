package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.table.format.ManifestNaming;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lance.WriteParams;

/**
 * Datasets created and appended to by Lancelet are read by lance-core at every version exactly
 * as Lancelet reads them; lance-core then appends and deletes, and Lancelet reads the result
 * exactly as lance-core does.
 */
class DatasetWriteInteropTest {
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
      "binary", "date32", "decimal128", "bool", "uint64");

  static Schema schema() {
    List<Field> fs = new ArrayList<>();
    fs.add(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null));
    for (String t : TYPES) {
      fs.add(TypeCatalog.get(t).field());
    }
    return new Schema(fs);
  }

  /** {@code batches} batches of {@code n} rows each, ids from {@code start}. */
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
    }
  }

  @ParameterizedTest
  @CsvSource({"V2_1, false", "V2_0, false", "V2_2, false", "V2_1, true"})
  void lanceCoreReadsWhatWeWriteAndWeReadWhatItAddsOnTop(LanceFileVersion version, boolean stable) throws Exception {
    long seed = new Random().nextLong();
    String ctx = "seed " + seed + ", " + version + ", stable " + stable;
    Random r = new Random(seed);
    String uri = dir.resolve("w.lance").toString();
    // v1: create, 3 fragments of at most 400 rows, fed in several batches.
    try (RandomData.Batches b = data(r.nextLong(), 0, 250, 4);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(400).fileVersion(version)
            .stableRowIds(stable).allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(1);
      assertThat(ds.fragments()).hasSize(3);
      assertThat(ds.countRows()).isEqualTo(1000);
    }
    // v2: append.
    try (RandomData.Batches b = data(r.nextLong(), 1000, 150, 2);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(2);
      assertThat(ds.fragments()).extracting(f -> f.id()).containsExactly(0L, 1L, 2L, 3L);
    }
    Path root = Path.of(uri);
    assertThat(Files.exists(root.resolve(ManifestNaming.V2.path(2)))).isTrue();
    assertThat(Files.readString(root.resolve("_versions/latest_version_hint.json"))).isEqualTo("{\"version\":2}");
    for (long v = 1; v <= 2; v++) {
      assertSameAsReference(uri, v, ctx);
    }
    // lance-core appends and deletes on top of our versions.
    try (RandomData.Batches b = data(r.nextLong(), 1300, 200, 1)) {
      ReferenceDatasets.write(uri, b.schema(), b.roots(), ReferenceDatasets.Params.create().mode(WriteParams.WriteMode.APPEND));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.countRows()).isEqualTo(1500);
      ds.delete("id % 7 = 1 OR (id >= 900 AND id < 1100)");
      assertThat(ds.hasStableRowIds()).isEqualTo(stable);
    }
    // And we append again on top of lance-core's versions.
    try (RandomData.Batches b = data(r.nextLong(), 1500, 100, 1);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(5);
    }
    // v6: we overwrite; older versions stay readable.
    try (RandomData.Batches b = data(r.nextLong(), 5000, 120, 1);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.OVERWRITE).allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(6);
      assertThat(ds.countRows()).isEqualTo(120);
      assertThat(ds.versions()).extracting(VersionInfo::operation)
          .containsExactly("Overwrite", "Append", "Append", "Delete", "Append", "Overwrite");
    }
    for (long v = 1; v <= 6; v++) {
      assertSameAsReference(uri, v, ctx);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.version()).isEqualTo(6);
      assertThat(ds.listVersions()).hasSize(6);
      assertThat(ds.countRows()).isEqualTo(120);
    }
  }

  @org.junit.jupiter.api.Test
  void v1ManifestNamesAreReadAndKept() throws Exception {
    String uri = dir.resolve("v1.lance").toString();
    try (BufferAllocator ref = new RootAllocator();
        VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 100, ref);
        RootsReader in = new RootsReader(ref, ReferenceDatasets.ID_NAME, List.of(b));
        org.apache.arrow.c.ArrowArrayStream stream = org.apache.arrow.c.ArrowArrayStream.allocateNew(ref)) {
      org.apache.arrow.c.Data.exportArrayStream(ref, in, stream);
      try (org.lance.Dataset ds = org.lance.Dataset.create(ref, stream, uri,
          new WriteParams.Builder().withEnableV2ManifestPaths(false).build())) {
        assertThat(ds.version()).isEqualTo(1);
      }
    }
    Path root = Path.of(uri);
    assertThat(Files.exists(root.resolve(ManifestNaming.V1.path(1)))).isTrue();
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(100, 50, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
      assertThat(ds.version()).isEqualTo(2);
    }
    assertThat(Files.exists(root.resolve(ManifestNaming.V1.path(2)))).isTrue();
    for (long v = 1; v <= 2; v++) {
      assertSameAsReference(uri, v, "v1 naming");
    }
  }

  @org.junit.jupiter.api.Test
  void emptyDatasetThenAppend() throws Exception {
    String uri = dir.resolve("empty.lance").toString();
    try (RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of());
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().allocator(allocator).build())) {
      assertThat(ds.fragments()).isEmpty();
      assertThat(ds.countRows()).isZero();
      assertThat(ds.manifest().maxFragmentId()).isEqualTo(-1);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.countRows()).isZero();
    }
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 30, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
      assertThat(ds.fragments()).extracting(f -> f.id()).containsExactly(0L);
    }
    assertSameAsReference(uri, 1, "empty");
    assertSameAsReference(uri, 2, "after append to empty");
  }

  @org.junit.jupiter.api.Test
  void aStaleVersionHintDoesNotHideNewerVersionsFromLanceCore() throws Exception {
    String uri = dir.resolve("hint.lance").toString();
    for (int i = 0; i < 3; i++) {
      try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(i * 10L, 10, allocator);
          RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
          Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
        ds.version();
      }
    }
    // Concurrent committers may leave an older hint behind; readers must not trust it.
    Files.writeString(Path.of(uri, "_versions", "latest_version_hint.json"), "{\"version\":1}");
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.version()).isEqualTo(3);
      assertThat(ds.countRows()).isEqualTo(30);
    }
  }

  @org.junit.jupiter.api.Test
  void appendWithColumnsInAnotherOrder() throws Exception {
    String uri = dir.resolve("order.lance").toString();
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(0, 20, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, uri, WriteOptions.builder().allocator(allocator).build())) {
      ds.version();
    }
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(20, 20, allocator)) {
      Schema reversed = new Schema(List.of(ReferenceDatasets.ID_NAME.getFields().get(1), ReferenceDatasets.ID_NAME.getFields().get(0)));
      try (VectorSchemaRoot r = new VectorSchemaRoot(reversed.getFields(), List.of(b.getVector(1), b.getVector(0)), 20);
          RootsReader in = new RootsReader(allocator, reversed, List.of(r));
          Dataset ds = Dataset.write(in, uri, WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(allocator).build())) {
        assertThat(ds.fragments().get(1).files().get(0).fields()).containsExactly(1, 0);
        // r shares b's vectors; b closes them.
        r.clear();
      }
    }
    assertSameAsReference(uri, 2, "append in another column order");
  }
}
