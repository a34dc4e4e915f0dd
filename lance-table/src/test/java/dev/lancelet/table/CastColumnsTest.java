package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.format.proto.FileProtos;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Column type changes ({@link Dataset#castColumns}) against lance-core 7.0.0's {@code
 * alterColumns} with a data type: the same casts on copies of one dataset give the same rows and
 * the same field ids, lance-core reads our result at every version, and refused casts commit
 * nothing.
 */
class CastColumnsTest {
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

  private static Field field(String name, ArrowType t) {
    return new Field(name, FieldType.nullable(t), null);
  }

  /** Source column -> new type, all allowed by Lance; none can overflow on random data. */
  private static Map<String, ArrowType> scalarCasts() {
    Map<String, ArrowType> m = new LinkedHashMap<>();
    m.put("int8", new ArrowType.Int(16, true));
    m.put("int32", new ArrowType.Int(64, true));
    m.put("uint16", new ArrowType.Int(32, true));
    m.put("float32", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
    m.put("float64", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    m.put("utf8", ArrowType.LargeUtf8.INSTANCE);
    m.put("large_utf8", ArrowType.Utf8.INSTANCE);
    m.put("binary", ArrowType.LargeBinary.INSTANCE);
    m.put("date32", new ArrowType.Date(DateUnit.MILLISECOND));
    m.put("time32_s", new ArrowType.Time(TimeUnit.MICROSECOND, 64));
    m.put("time64_ns", new ArrowType.Time(TimeUnit.MICROSECOND, 64));
    m.put("timestamp_ns", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    m.put("timestamp_us_tz", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"));
    m.put("decimal128", new ArrowType.Decimal(76, 12, 256));
    return m;
  }

  private static Schema scalarSchema() {
    List<TypeCatalog.Entry> es = new ArrayList<>();
    es.add(TypeCatalog.get("int64"));
    for (String n : scalarCasts().keySet()) {
      es.add(TypeCatalog.get(n));
    }
    es.add(TypeCatalog.get("bool"));
    return TypeCatalog.schemaOf(es);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  private void assertSame(String expectedUri, long expectedVersion, String actualUri, long actualVersion, String ctx)
      throws Exception {
    List<VectorSchemaRoot> expected = ReferenceDatasets.scan(expectedUri, expectedVersion, null, false, true, allocator);
    try {
      List<VectorSchemaRoot> viaReference = ReferenceDatasets.scan(actualUri, actualVersion, null, false, true, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, viaReference, ctx + ": lance-core reading ours");
      } finally {
        OurScans.closeAll(viaReference);
      }
      try (Dataset ours = Dataset.open(actualUri,
          OpenOptions.builder().version(actualVersion).allocator(allocator).build())) {
        List<VectorSchemaRoot> actual = OurScans.scan(ours, null, false, true, allocator);
        try {
          ArrowAssert.assertBatchesEqual(expected, actual, ctx + ": Lancelet reading ours");
        } finally {
          OurScans.closeAll(actual);
        }
      }
    } finally {
      OurScans.closeAll(expected);
    }
  }

  /** lance-core and we read every version of {@code uri} alike. */
  private void assertAllVersionsRead(String uri, String ctx) throws Exception {
    long latest;
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      latest = ds.version();
    }
    for (long v = 1; v <= latest; v++) {
      assertSame(uri, v, uri, v, ctx + ", version " + v);
    }
  }

  private static List<String> idsAndNames(Dataset ds) {
    List<String> out = new ArrayList<>();
    for (FileProtos.Field f : ds.manifest().schema().fields()) {
      out.add(f.getId() + ":" + f.getParentId() + ":" + f.getName() + ":" + f.getLogicalType() + ":" + f.getNullable());
    }
    return out;
  }

  /**
   * lance-core 7.0's Java API applies only string and binary casts: for numeric and temporal
   * target types {@code alterColumns} commits a {@code Project} leaving the type unchanged (its
   * JNI layer drops the type). So those casts are compared with lance-core here, and the others
   * are checked value by value and read back by lance-core at every version.
   */
  private static Map<String, ArrowType> stringCasts() {
    Map<String, ArrowType> m = new LinkedHashMap<>();
    m.put("utf8", ArrowType.LargeUtf8.INSTANCE);
    m.put("large_utf8", ArrowType.Utf8.INSTANCE);
    m.put("binary", ArrowType.LargeBinary.INSTANCE);
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.0", "2.1"})
  void sameCastsAsLanceCoreGiveTheSameDataset(String version) throws Exception {
    long seed = new Random().nextLong();
    String ctx = "seed " + seed + ", version " + version;
    Path theirs = dir.resolve("theirs.lance");
    try (RandomData.Batches b = RandomData.builder(seed).rows(400).batches(2).nulls(RandomData.Nulls.RANDOM_10)
        .build(scalarSchema(), allocator)) {
      ReferenceDatasets.write(theirs.toString(), b.schema(), b.roots(),
          ReferenceDatasets.Params.create().maxRowsPerFile(400).storageVersion(version));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(theirs.toString(), ref)) {
      ds.delete("bool = true"); // v2: deleted rows in both fragments
    }
    Path ours = dir.resolve("ours.lance");
    copyTree(theirs, ours);
    List<org.lance.schema.ColumnAlteration> alterations = new ArrayList<>();
    Map<String, Field> casts = new LinkedHashMap<>();
    for (Map.Entry<String, ArrowType> e : stringCasts().entrySet()) {
      alterations.add(new org.lance.schema.ColumnAlteration.Builder(e.getKey()).castTo(e.getValue()).build());
      casts.put(e.getKey(), field(e.getKey(), e.getValue()));
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(theirs.toString(), ref)) {
      ds.alterColumns(alterations); // v3
    }
    try (Dataset v2 = Dataset.open(ours.toString(), OpenOptions.builder().allocator(allocator).build());
        Dataset v3 = v2.castColumns(casts)) {
      assertThat(v3.version()).isEqualTo(3);
      assertThat(v3.versions().get(2).operation()).isEqualTo("Merge");
      try (Dataset ref = Dataset.open(theirs.toString(), OpenOptions.builder().allocator(allocator).build())) {
        assertThat(ref.version()).isEqualTo(3);
        assertThat(ref.versions().get(2).operation()).isEqualTo("Merge");
        assertThat(idsAndNames(v3)).as(ctx).isEqualTo(idsAndNames(ref));
        assertThat(v3.schema()).isEqualTo(ref.schema());
        for (int i = 0; i < v3.fragments().size(); i++) {
          Fragment a = v3.fragments().get(i);
          Fragment b = ref.fragments().get(i);
          assertThat(a.files()).extracting(DataFile::fields).isEqualTo(b.files().stream().map(DataFile::fields).toList());
          assertThat(a.deletionFile()).isEqualTo(b.deletionFile());
        }
      }
      assertSame(theirs.toString(), 3, ours.toString(), 3, ctx + ", after the string casts");
      assertAllVersionsRead(theirs.toString(), ctx + ", lance-core's");
      // The other casts, checked value by value.
      Map<String, Field> others = new LinkedHashMap<>();
      for (Map.Entry<String, ArrowType> e : scalarCasts().entrySet()) {
        if (!stringCasts().containsKey(e.getKey())) {
          others.put(e.getKey(), field(e.getKey(), e.getValue()));
        }
      }
      try (Dataset v4 = v3.castColumns(others)) {
        assertThat(v4.manifest().schema().topLevel("int8").id()).isEqualTo(19); // after 16..18 of the first cast
        for (String c : others.keySet()) {
          assertThat(values(v4, c)).as(ctx + ", column " + c).isEqualTo(expected(v3, c, others.get(c).getType()));
        }
      }
    }
    assertAllVersionsRead(ours.toString(), ctx + ", ours");
    // lance-core continues on top of our casts: it compacts, and reads every version as we do.
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(ours.toString(), ref)) {
      ds.compact();
    }
    assertAllVersionsRead(ours.toString(), ctx + ", after lance-core compacted our cast");
  }

  /** A column's values as comparable Java objects (raw stored longs for integers and temporal values). */
  private List<Object> values(Dataset ds, String column) throws Exception {
    List<Object> out = new ArrayList<>();
    try (var r = ds.newScan().columns(column).open()) {
      while (r.loadNextBatch()) {
        FieldVector v = r.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          out.add(v.isNull(i) ? null : comparable(v, i));
        }
      }
    }
    return out;
  }

  private static Object comparable(FieldVector v, int i) {
    if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f
        && !(v instanceof org.apache.arrow.vector.FloatingPointVector)
        && !(v instanceof org.apache.arrow.vector.BitVector)
        && !(v instanceof org.apache.arrow.vector.DecimalVector)
        && !(v instanceof org.apache.arrow.vector.Decimal256Vector)) {
      var buf = f.getDataBuffer();
      boolean unsigned = v.getField().getType() instanceof ArrowType.Int t && !t.getIsSigned();
      return switch (f.getTypeWidth()) {
        case 1 -> unsigned ? (long) (buf.getByte(i) & 0xFF) : (long) buf.getByte(i);
        case 2 -> unsigned ? (long) (buf.getShort(2L * i) & 0xFFFF) : (long) buf.getShort(2L * i);
        case 4 -> unsigned ? buf.getInt(4L * i) & 0xFFFF_FFFFL : (long) buf.getInt(4L * i);
        default -> buf.getLong(8L * i);
      };
    }
    if (v instanceof Float2Vector h) {
      return (double) Float.float16ToFloat(h.get(i));
    }
    if (v instanceof org.apache.arrow.vector.FloatingPointVector fp) {
      return fp.getValueAsDouble(i);
    }
    Object o = v.getObject(i);
    if (o instanceof byte[] b) {
      return java.util.HexFormat.of().formatHex(b);
    }
    if (o instanceof java.math.BigDecimal d) {
      return d.stripTrailingZeros().toPlainString() + "@" + d.scale();
    }
    return String.valueOf(o);
  }

  /** What casting {@code column} of {@code ds} to {@code to} must give, computed independently. */
  private List<Object> expected(Dataset ds, String column, ArrowType to) throws Exception {
    List<Object> out = new ArrayList<>();
    for (Object o : values(ds, column)) {
      if (o == null) {
        out.add(null);
        continue;
      }
      out.add(switch (column) {
        case "int8", "int32", "uint16" -> o;
        case "float32" -> o; // float -> double is exact
        case "float64" -> (double) (float) (double) (Double) o;
        case "date32" -> (Long) o * 86_400_000L;
        case "time32_s" -> (Long) o * 1_000_000L;
        case "time64_ns", "timestamp_ns", "timestamp_us_tz" -> (Long) o / 1000;
        case "decimal128" -> {
          String[] parts = ((String) o).split("@");
          yield parts[0] + "@" + ((ArrowType.Decimal) to).getScale();
        }
        default -> throw new IllegalStateException(column);
      });
    }
    return out;
  }

  @Test
  void listCastsAreReadByLanceCore() throws Exception {
    long seed = new Random().nextLong();
    Schema schema = TypeCatalog.schemaOf(List.of(TypeCatalog.get("int64"), TypeCatalog.get("list_int32"),
        TypeCatalog.get("large_list_int64"), TypeCatalog.get("embedding_f32x128"),
        TypeCatalog.get("fsl_nullable_items_f64x4")));
    String uri = dir.resolve("lists.lance").toString();
    List<VectorSchemaRoot> before;
    try (RandomData.Batches b = RandomData.builder(seed).rows(300).batches(2).nulls(RandomData.Nulls.RANDOM_10)
        .build(schema, allocator);
        RootsReader in = new RootsReader(allocator, b.schema(), b.roots());
        Dataset v1 = Dataset.write(in, uri, WriteOptions.builder().maxRowsPerFile(250).allocator(allocator).build());
        Dataset v2 = v1.delete("int64 % 3 = 0")) {
      before = OurScans.scan(v2, null, false, false, allocator);
      Map<String, Field> casts = new LinkedHashMap<>();
      casts.put("list_int32", new Field("x", FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(field("item", new ArrowType.Int(64, true)))));
      casts.put("large_list_int64", new Field("x", FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(field("item", new ArrowType.Int(32, true)))));
      casts.put("embedding_f32x128", new Field("x", FieldType.nullable(new ArrowType.FixedSizeList(128)),
          List.of(field("item", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)))));
      casts.put("fsl_nullable_items_f64x4", new Field("x", FieldType.nullable(new ArrowType.FixedSizeList(4)),
          List.of(field("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)))));
      // large_list_int64 holds random int64 items: narrowing them to int32 overflows and commits nothing.
      assertThatThrownBy(() -> v2.castColumns(casts)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("large_list_int64").hasMessageContaining("out of range");
      assertThat(v2.latestVersion()).isEqualTo(2);
      casts.put("large_list_int64", new Field("x", FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(field("item", new ArrowType.Int(64, true)))));
      try (Dataset v3 = v2.castColumns(casts)) {
        assertThat(v3.schema().findField("list_int32").getChildren().get(0).getType())
            .isEqualTo(new ArrowType.Int(64, true));
        List<VectorSchemaRoot> after = OurScans.scan(v3, null, false, false, allocator);
        try {
          int rows = 0;
          for (int k = 0; k < before.size(); k++) {
            VectorSchemaRoot a = before.get(k);
            VectorSchemaRoot c = after.get(k);
            for (int i = 0; i < a.getRowCount(); i++, rows++) {
              assertThat(c.getVector("int64").getObject(i)).isEqualTo(a.getVector("int64").getObject(i));
              assertThat(longs(c.getVector("list_int32").getObject(i))).isEqualTo(longs(a.getVector("list_int32").getObject(i)));
              assertThat(longs(c.getVector("large_list_int64").getObject(i)))
                  .isEqualTo(longs(a.getVector("large_list_int64").getObject(i)));
              FixedSizeListVector e0 = (FixedSizeListVector) a.getVector("embedding_f32x128");
              FixedSizeListVector e1 = (FixedSizeListVector) c.getVector("embedding_f32x128");
              assertThat(e1.isNull(i)).isEqualTo(e0.isNull(i));
              if (!e0.isNull(i)) {
                Float2Vector h = (Float2Vector) e1.getDataVector();
                FieldVector f = e0.getDataVector();
                for (int j = 0; j < 128; j++) {
                  int at = i * 128 + j;
                  assertThat(h.isNull(at)).isEqualTo(f.isNull(at));
                  if (!f.isNull(at)) {
                    assertThat(h.get(at)).isEqualTo(Float.floatToFloat16((Float) f.getObject(at)));
                  }
                }
              }
            }
          }
          assertThat(rows).isEqualTo(v3.countRows());
        } finally {
          OurScans.closeAll(after);
        }
      }
    }
    OurScans.closeAll(before);
    assertAllVersionsRead(uri, "list casts, seed " + seed);
  }

  private static List<Long> longs(Object list) {
    if (list == null) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (Object o : (List<?>) list) {
      out.add(o == null ? null : ((Number) o).longValue());
    }
    return out;
  }

  @Test
  void refusedCastsCommitNothingAndLeaveNoFiles() throws Exception {
    String uri = dir.resolve("errors.lance").toString();
    List<VectorSchemaRoot> batches = List.of(ReferenceDatasets.idNameBatch(0, 1000, allocator));
    try {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, batches, ReferenceDatasets.Params.create().maxRowsPerFile(400));
    } finally {
      OurScans.closeAll(batches);
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.createIndex(List.of("name"), org.lance.index.IndexType.BTREE, java.util.Optional.of("name_idx"),
          org.lance.index.IndexParams.builder()
              .setScalarIndexParams(org.lance.index.scalar.ScalarIndexParams.create("btree")).build(), true); // v2
    }
    long dataFiles;
    try (Stream<Path> s = Files.list(Path.of(uri, "data"))) {
      dataFiles = s.count();
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThatThrownBy(() -> ds.castColumn("id", ArrowType.Utf8.INSTANCE))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cannot cast column 'id'");
      assertThatThrownBy(() -> ds.castColumn("id", new ArrowType.Int(64, true)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already of type");
      assertThatThrownBy(() -> ds.castColumn("nope", new ArrowType.Int(64, true)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No column 'nope'");
      assertThatThrownBy(() -> ds.castColumn("name", ArrowType.LargeUtf8.INSTANCE))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 'name_idx'");
      assertThatThrownBy(() -> ds.castColumn("id", new ArrowType.Int(8, true)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value 128 is out of range");
      assertThatThrownBy(() -> ds.castColumns(Map.of("id", new Field("id", FieldType.nullable(ArrowType.List.INSTANCE),
          null)))).isInstanceOf(IllegalArgumentException.class);
      assertThat(ds.latestVersion()).isEqualTo(2);
      // Narrowing that fits: the new file holds only the cast column; casting again drops that file.
      try (Dataset v3 = ds.castColumn("id", new ArrowType.Int(16, true));
          Dataset v4 = v3.castColumn("id", new ArrowType.Int(32, false))) {
        assertThat(v3.fragments()).allSatisfy(f -> assertThat(f.files()).hasSize(2));
        assertThat(v3.fragments().get(0).files().get(1).fields()).containsExactly(2);
        assertThat(v3.schema().getFields().get(0).getType()).isEqualTo(new ArrowType.Int(16, true));
        assertThat(v3.schema().getFields().get(0).isNullable()).isFalse();
        assertThat(v4.fragments()).allSatisfy(f -> assertThat(f.files()).hasSize(2));
        assertThat(v4.fragments().get(0).files().get(1).fields()).containsExactly(3);
        assertThat(v4.countRows("id = 999")).isEqualTo(1);
        assertThat(v4.manifestFile().indices().getIndicesList()).extracting(i -> i.getName()).containsExactly("name_idx");
      }
    }
    try (Stream<Path> s = Files.list(Path.of(uri, "data"))) {
      assertThat(s.count()).isEqualTo(dataFiles + 6); // 3 fragments x 2 casts; the failed casts left nothing
    }
    assertAllVersionsRead(uri, "narrowing casts");
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.countRows("id = 999")).isEqualTo(1);
      assertThat(ds.countRows("name = 'n998'")).isEqualTo(1);
    }
  }

  @Test
  void halfPrecisionRoundsOnceToNearestEven() {
    // 1 + 2^-11 + 2^-40 lies just above the midpoint between two halves: nearest is the upper one,
    // which a double -> float -> half path (rounding the float to the midpoint first) would miss.
    double x = 1 + Math.scalb(1.0, -11) + Math.scalb(1.0, -40);
    assertThat(Float.float16ToFloat(ColumnCast.halfOf(x))).isEqualTo(1 + Math.scalb(1.0f, -10));
    assertThat(Float.float16ToFloat(ColumnCast.halfOf(1 + Math.scalb(1.0, -11)))).isEqualTo(1.0f);
    assertThat(Float.float16ToFloat(ColumnCast.halfOf(1e6))).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Float.isNaN(Float.float16ToFloat(ColumnCast.halfOf(Double.NaN)))).isTrue();
  }
}
