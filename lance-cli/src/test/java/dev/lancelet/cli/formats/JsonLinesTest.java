package dev.lancelet.cli.formats;

import static dev.lancelet.cli.formats.FormatTesting.closeAll;
import static dev.lancelet.cli.formats.FormatTesting.column;
import static dev.lancelet.cli.formats.FormatTesting.field;
import static dev.lancelet.cli.formats.FormatTesting.read;
import static dev.lancelet.cli.formats.FormatTesting.schema;
import static dev.lancelet.cli.formats.FormatTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {
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

  private List<VectorSchemaRoot> readJson(String text, ReaderOptions options) throws Exception {
    Path p = dir.resolve("in.jsonl");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return read(p, DataFormat.JSONL, options, allocator);
  }

  @Test
  void infersNestedSchema() throws Exception {
    List<VectorSchemaRoot> b = readJson("""
        {"id": 1, "score": 2, "user": {"name": "ann", "tags": ["a", "b"]}, "pts": [[1, 2], []], "ok": true}

        {"id": 2, "score": 2.5, "user": {"name": null, "age": 31}, "pts": null, "misc": "x"}
        {"id": 3, "user": null, "misc": 5, "ok": false, "nothing": null}
        """, ReaderOptions.DEFAULTS);
    try {
      Schema s = b.get(0).getSchema();
      assertThat(s.getFields()).extracting(Field::getName)
          .containsExactly("id", "score", "user", "pts", "ok", "misc", "nothing");
      assertThat(s.getFields()).extracting(TypeNames::name).containsExactly(
          "int64", "float64", "struct<name: utf8, tags: list<utf8>, age: int64>", "list<list<int64>>", "bool",
          "utf8", "utf8");
      assertThat(column(b, 0)).containsExactly(1L, 2L, 3L);
      assertThat(column(b, 1)).containsExactly(2.0, 2.5, null);
      assertThat(column(b, 2)).containsExactly(
          Arrays.asList("ann", List.of("a", "b"), null), Arrays.asList(null, null, 31L), null);
      assertThat(column(b, 3)).containsExactly(List.of(List.of(1L, 2L), List.of()), null, null);
      assertThat(column(b, 5)).containsExactly(null, "x", "5"); // mixed kinds: JSON text
      assertThat(b.get(0).getRowCount()).isEqualTo(3);
    } finally {
      closeAll(b);
    }
  }

  @Test
  void fixedSizeListsRoundTripAsArrays() throws Exception {
    Field item = new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Schema schema = schema(new Field("vec", FieldType.nullable(new ArrowType.FixedSizeList(4)), List.of(item)),
        field("id", new ArrowType.Int(32, true)));
    Path file = dir.resolve("v.jsonl");
    try (RandomData.Batches data = RandomData.builder(11).nulls(RandomData.Nulls.RANDOM_10).rows(300).build(schema, allocator)) {
      write(file, DataFormat.JSONL, data.roots(), WriterOptions.DEFAULTS, allocator);
      assertThat(Files.readAllLines(file).get(0)).startsWith("{\"vec\":");
      List<VectorSchemaRoot> back = read(file, DataFormat.JSONL, ReaderOptions.builder().schema(schema).build(), allocator);
      try {
        ArrowAssert.assertBatchesEqual(data.roots(), back, "fsl through JSON lines");
      } finally {
        closeAll(back);
      }
    }
  }

  @Test
  void overridesScalarTypes() throws Exception {
    List<VectorSchemaRoot> b = readJson("{\"at\": \"2024-05-06T07:08:09Z\", \"n\": 7, \"d\": 1.25}\n",
        ReaderOptions.builder().columnTypes("at:timestamp(ms, UTC),n:int16,d:decimal(6,3)").build());
    try {
      assertThat(b.get(0).getSchema().getFields()).extracting(TypeNames::name)
          .containsExactly("timestamp(ms, UTC)", "int16", "decimal(6, 3)");
      assertThat(column(b, 0)).containsExactly(1714979289000L);
      assertThat(column(b, 1)).containsExactly(7L);
      assertThat(column(b, 2)).containsExactly(new java.math.BigDecimal("1.250"));
    } finally {
      closeAll(b);
    }
  }

  @Test
  void badInputNamesFileAndLine() throws Exception {
    assertThatThrownBy(() -> readJson("{\"a\": 1}\n{\"a\": 2\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("in.jsonl: line 2: malformed JSON: expected ',' or '}' at position 8")
        .satisfies(e -> assertThat(((FormatException) e).line()).isEqualTo(2));
    assertThatThrownBy(() -> readJson("{\"a\": 1}\n[1]\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 2: expected a JSON object, found an array");
    assertThatThrownBy(() -> readJson("{\"a\": 1}\n{\"a\": 1, \"a\": 2}\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 2: malformed JSON: duplicate field \"a\"");
    assertThatThrownBy(() -> readJson("{\"a\": 1}\n{\"a\": 1}\n{\"a\": \"x\"}\n", ReaderOptions.builder().inferRows(2).build()))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 3: field 'a': \"x\" is not a valid int64");
    assertThatThrownBy(() -> readJson("{\"a\": 1}\n{\"b\": 1}\n", ReaderOptions.builder().inferRows(1).build()))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("line 2: field 'b' is not in the schema inferred from the first 1 lines");
    assertThatThrownBy(() -> readJson("{\"s\": {\"x\": 1}}\n{\"s\": {\"y\": 1}}\n", ReaderOptions.builder().inferRows(1).build()))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 2: field 's': unexpected field 'y' in struct 's'");
    assertThatThrownBy(() -> readJson("{\"a\": 1e999999999}\n", ReaderOptions.builder().columnTypes("a:int64").build()))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 1: column 'a': 1E+999999999 is out of range for int64");
    assertThatThrownBy(() -> readJson("{\"a\": 1e999999999}\n", ReaderOptions.builder().columnTypes("a:decimal(10,2)").build()))
        .isInstanceOf(FormatException.class).hasMessageContaining("has more than 10 digits");
    assertThatThrownBy(() -> readJson("{\"a\": 300}\n", ReaderOptions.builder().columnTypes("a:int8").build()))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 1: column 'a': 300 is out of range for int8");
  }

  @Test
  void writesNonFiniteFloatsAsStringsAndReadsThemBack() throws Exception {
    Schema schema = schema(field("f", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      double[] v = {Double.NaN, Double.POSITIVE_INFINITY, -1e300, 0.1};
      for (int i = 0; i < v.length; i++) {
        Values.set(root.getVector(0), i, v[i]);
      }
      root.getVector(0).setValueCount(v.length);
      root.setRowCount(v.length);
      Path out = dir.resolve("f.jsonl");
      write(out, DataFormat.JSONL, List.of(root), WriterOptions.DEFAULTS, allocator);
      assertThat(Files.readString(out)).isEqualTo("{\"f\":\"NaN\"}\n{\"f\":\"Infinity\"}\n{\"f\":-1.0E300}\n{\"f\":0.1}\n");
      List<VectorSchemaRoot> back = read(out, DataFormat.JSONL, ReaderOptions.builder().schema(schema).build(), allocator);
      try {
        assertThat(column(back, 0)).containsExactly(Double.NaN, Double.POSITIVE_INFINITY, -1e300, 0.1);
      } finally {
        closeAll(back);
      }
    }
  }
}
