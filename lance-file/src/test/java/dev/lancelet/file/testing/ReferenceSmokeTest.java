package dev.lancelet.file.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the harness against the reference: random data for every catalog type, written by
 * lance-core in each version, read back by lance-core, equal to the generated data after the
 * documented {@link ReferenceQuirks}. This also validates {@link RandomData} (lance-core accepts
 * what it generates) and the writer-support table in {@link TypeCatalog}.
 */
class ReferenceSmokeTest {

  private static final long SEED = 0x5EED_1234L;

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close(); // throws if anything leaked
  }

  static Stream<Arguments> typesAndVersions() {
    List<Arguments> out = new ArrayList<>();
    for (String v : TypeCatalog.VERSIONS) {
      for (TypeCatalog.Entry t : TypeCatalog.all()) {
        out.add(Arguments.of(v, t));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("typesAndVersions")
  void everyTypeRoundTripsThroughReference(String version, TypeCatalog.Entry type) throws Exception {
    long seed = SEED ^ type.name().hashCode() ^ version.hashCode();
    RandomData.Builder gen = RandomData.builder(seed).nulls(Nulls.RANDOM_10).rows(257).batches(2);
    String context = type.name() + " v" + version + " " + gen.describe();
    try (RandomData.Batches data = gen.build(type.schema(), allocator)) {
      Path file = dir.resolve(type.name() + ".lance");
      if (!type.referenceWrites(version)) {
        assertThatThrownBy(() -> ReferenceLance.writeFile(file, data, version))
            .as("lance-core now accepts %s in %s: update ReferenceQuirks.WRITER_REJECTS", type, version)
            .isInstanceOf(Exception.class);
        return;
      }
      ReferenceLance.writeFile(file, data, version);
      assertRoundTrip(file, data, version, context);
    }
  }

  @ParameterizedTest(name = "mixed schema in {0}")
  @ValueSource(strings = {"2.0", "2.1", "2.2", "2.3"})
  void everyShapeAndNullPatternInOneFile(String version) throws Exception {
    for (Shape shape : Shape.values()) {
      if (shape == Shape.HUGE_BINARY) {
        continue; // covered below with few rows
      }
      for (Nulls nulls : Nulls.values()) {
        Schema schema = TypeCatalog.schemaOf(TypeCatalog.referenceWritable(version).stream()
            .filter(t -> !ReferenceQuirks.readerAborts(t.name(), shape, nulls, version))
            .toList());
        RandomData.Builder gen = RandomData.builder(SEED + shape.ordinal() * 31 + nulls.ordinal())
            .shape(shape).nulls(nulls).rows(100).batches(2);
        try (RandomData.Batches data = gen.build(schema, allocator)) {
          Path file = dir.resolve("mixed-" + shape + "-" + nulls + ".lance");
          ReferenceLance.writeFile(file, data, version);
          assertRoundTrip(file, data, version, "mixed v" + version + " " + gen.describe());
        }
      }
    }
  }

  @ParameterizedTest(name = "huge binaries in {0}")
  @ValueSource(strings = {"2.0", "2.1", "2.2", "2.3"})
  void hugeBinaries(String version) throws Exception {
    Schema schema = TypeCatalog.schemaOf(List.of(TypeCatalog.get("large_binary"), TypeCatalog.get("utf8"), TypeCatalog.get("int32")));
    RandomData.Builder gen = RandomData.builder(SEED).shape(Shape.HUGE_BINARY).nulls(Nulls.RANDOM_10).rows(4);
    try (RandomData.Batches data = gen.build(schema, allocator)) {
      Path file = dir.resolve("huge.lance");
      ReferenceLance.writeFile(file, data, version);
      assertRoundTrip(file, data, version, "huge v" + version + " " + gen.describe());
    }
  }

  @Test
  void rangesColumnsRowCountAndSchema() throws Exception {
    Schema schema = TypeCatalog.schemaOf(List.of(
        TypeCatalog.get("int64"), TypeCatalog.get("utf8"), TypeCatalog.get("struct_nested"), TypeCatalog.get("list_int32")));
    RandomData.Builder gen = RandomData.builder(SEED).nulls(Nulls.RUNS).rows(1000);
    try (RandomData.Batches data = gen.build(schema, allocator);
        VectorSchemaRoot whole = data.root()) {
      Path file = dir.resolve("ranges.lance");
      ReferenceLance.writeFile(file, data, "2.1");
      assertThat(ReferenceLance.numRows(file)).isEqualTo(1000);
      assertThat(ReferenceLance.schema(file).getFields()).extracting(f -> f.getName())
          .containsExactly("int64", "utf8", "struct_nested", "list_int32");

      List<ReferenceLance.RowRange> ranges = List.of(new ReferenceLance.RowRange(10, 20), new ReferenceLance.RowRange(500, 777));
      List<VectorSchemaRoot> got = ReferenceLance.readRanges(file, List.of("utf8", "list_int32"), ranges, allocator);
      try {
        List<VectorSchemaRoot> expected = new ArrayList<>();
        try {
          for (ReferenceLance.RowRange r : ranges) {
            VectorSchemaRoot slice = whole.slice(r.start(), r.end() - r.start());
            expected.add(new VectorSchemaRoot(List.of(slice.getVector("utf8"), slice.getVector("list_int32"))));
            expected.set(expected.size() - 1, withSchema(expected.get(expected.size() - 1), schema, "utf8", "list_int32"));
            slice.getFieldVectors().stream().filter(v -> !v.getName().equals("utf8") && !v.getName().equals("list_int32"))
                .forEach(v -> v.close());
          }
          ArrowAssert.assertBatchesEqual(expected, got, "ranges " + gen.describe());
        } finally {
          ReferenceLance.closeAll(expected);
        }
      } finally {
        ReferenceLance.closeAll(got);
      }
    }
  }

  private static VectorSchemaRoot withSchema(VectorSchemaRoot r, Schema full, String... names) {
    List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>();
    for (String n : names) {
      fields.add(full.findField(n));
    }
    return new VectorSchemaRoot(fields, r.getFieldVectors(), r.getRowCount());
  }

  private void assertRoundTrip(Path file, RandomData.Batches data, String version, String context) throws Exception {
    List<VectorSchemaRoot> expected = ReferenceQuirks.expectedReadBack(data.roots(), data.dictionaries(), version, allocator);
    try {
      List<VectorSchemaRoot> actual = ReferenceLance.readFile(file, null, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual,
            context + " quirks=" + ReferenceQuirks.applicable(data.schema(), version));
      } finally {
        ReferenceLance.closeAll(actual);
      }
    } finally {
      ReferenceLance.closeAll(expected);
    }
  }
}
