package dev.lancelet.cli.formats;

import static dev.lancelet.cli.formats.FormatTesting.closeAll;
import static dev.lancelet.cli.formats.FormatTesting.column;
import static dev.lancelet.cli.formats.FormatTesting.field;
import static dev.lancelet.cli.formats.FormatTesting.read;
import static dev.lancelet.cli.formats.FormatTesting.schema;
import static dev.lancelet.cli.formats.FormatTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
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

  private Path csv(String text) throws Exception {
    Path p = dir.resolve("in.csv");
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private List<VectorSchemaRoot> readCsv(String text, ReaderOptions options) throws Exception {
    return read(csv(text), DataFormat.CSV, options, allocator);
  }

  @Test
  void infersTypesFromTheSample() throws Exception {
    List<VectorSchemaRoot> b = readCsv("""
        id,price,ok,day,at,at_utc,name,empty
        1,1.5,true,2024-01-02,2024-01-02T03:04:05.123456,2024-01-02 03:04:05Z,x,
        -2,NaN,FALSE,1999-12-31,2024-01-02T03:04:05,2024-01-02T04:04:05+01:00,"y",
        ,3,,,,,,
        """, ReaderOptions.DEFAULTS);
    try {
      List<Field> f = b.get(0).getSchema().getFields();
      assertThat(f).extracting(x -> TypeNames.name(x.getType())).containsExactly(
          "int64", "float64", "bool", "date32", "timestamp(us)", "timestamp(us, UTC)", "utf8", "utf8");
      assertThat(column(b, 0)).containsExactly(1L, -2L, null);
      assertThat(column(b, 1)).containsExactly(1.5, Double.NaN, 3.0);
      assertThat(column(b, 2)).containsExactly(true, false, null);
      assertThat(column(b, 3)).containsExactly(19724, 10956, null);
      assertThat(column(b, 4)).containsExactly(1704164645123456L, 1704164645000000L, null);
      assertThat(column(b, 5)).containsExactly(1704164645000000L, 1704164645000000L, null);
      assertThat(column(b, 6)).containsExactly("x", "y", null);
      assertThat(column(b, 7)).containsExactly(null, null, null);
    } finally {
      closeAll(b);
    }
  }

  @Test
  void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws Exception {
    List<VectorSchemaRoot> b = readCsv("a,b\r\n\"x, \"\"quoted\"\"\r\nsecond line\",1\r\n\"\",2\r\n,3\r\n", ReaderOptions.DEFAULTS);
    try {
      assertThat(column(b, 0)).containsExactly("x, \"quoted\"\r\nsecond line", "", null);
      assertThat(column(b, 1)).containsExactly(1L, 2L, 3L);
    } finally {
      closeAll(b);
    }
  }

  @Test
  void quotedNumbersAreStrings_andOverridesWin() throws Exception {
    String text = "n,m\n\"1\",2\n\"3\",4\n";
    List<VectorSchemaRoot> b = readCsv(text, ReaderOptions.DEFAULTS);
    try {
      assertThat(column(b, 0)).containsExactly("1", "3");
    } finally {
      closeAll(b);
    }
    b = readCsv(text, ReaderOptions.builder().columnTypes("n:int32, m:decimal(5, 2)").build());
    try {
      assertThat(b.get(0).getSchema().getFields()).extracting(f -> TypeNames.name(f.getType()))
          .containsExactly("int32", "decimal(5, 2)");
      assertThat(column(b, 0)).containsExactly(1L, 3L);
      assertThat(column(b, 1)).containsExactly(new java.math.BigDecimal("2.00"), new java.math.BigDecimal("4.00"));
    } finally {
      closeAll(b);
    }
  }

  @Test
  void nullValuesDelimiterAndNoHeader() throws Exception {
    List<VectorSchemaRoot> b = readCsv("1;NA;\"NA\"\n2;x;y\n",
        ReaderOptions.builder().delimiter(';').header(false).nullValues(Set.of("NA")).build());
    try {
      assertThat(b.get(0).getSchema().getFields()).extracting(Field::getName).containsExactly("c0", "c1", "c2");
      assertThat(column(b, 1)).containsExactly(null, "x");
      assertThat(column(b, 2)).containsExactly("NA", "y");
    } finally {
      closeAll(b);
    }
  }

  @Test
  void inferenceLooksOnlyAtTheSample_laterBadValueNamesTheLine() throws Exception {
    String text = "a\n1\n2\nthree\n";
    assertThatThrownBy(() -> readCsv(text, ReaderOptions.builder().inferRows(2).build()))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("in.csv: line 4: column 'a': \"three\" is not a valid int64")
        .satisfies(e -> assertThat(((FormatException) e).line()).isEqualTo(4));
  }

  @Test
  void malformedInputNamesFileAndLine() throws Exception {
    assertThatThrownBy(() -> readCsv("a,b\n1,2\n3\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("in.csv: line 3: expected 2 fields but found 1");
    assertThatThrownBy(() -> readCsv("a,b\n1,2\n\"open,3\n4,5\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 3: unterminated quoted field");
    assertThatThrownBy(() -> readCsv("a,b\n1,\"x\"y\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("line 2: unexpected character 'y' after the closing quote");
    assertThatThrownBy(() -> readCsv("a,a\n1,2\n", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("duplicate column name 'a'");
    assertThatThrownBy(() -> readCsv("", ReaderOptions.DEFAULTS))
        .isInstanceOf(FormatException.class).hasMessageContaining("empty file");
    assertThatThrownBy(() -> readCsv("a\n1\n", ReaderOptions.builder().columnType("zz", ArrowType.Bool.INSTANCE).build()))
        .isInstanceOf(FormatException.class).hasMessageContaining("column 'zz' given a type is not in the file");
    Path bad = dir.resolve("bad.csv");
    Files.write(bad, new byte[] {'a', '\n', 'x', (byte) 0xC3, '(', '\n'});
    assertThatThrownBy(() -> read(bad, DataFormat.CSV, ReaderOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class).hasMessageContaining("bad.csv: line 2: not valid UTF-8");
  }

  @Test
  void writesStringsQuotedSoEmptyAndNullSurvive() throws Exception {
    Schema schema = schema(field("s", ArrowType.Utf8.INSTANCE), field("n", new ArrowType.Int(64, true)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      String[] values = {"", null, "a,b", "say \"hi\"", "line1\nline2", "NA", " pad "};
      for (int i = 0; i < values.length; i++) {
        Values.set(root.getVector(0), i, values[i]);
        Values.set(root.getVector(1), i, i == 1 ? null : (long) i);
      }
      root.setRowCount(values.length);
      root.getVector(0).setValueCount(values.length);
      root.getVector(1).setValueCount(values.length);
      Path out = dir.resolve("out.csv");
      write(out, DataFormat.CSV, List.of(root), WriterOptions.DEFAULTS, allocator);
      assertThat(Files.readString(out)).startsWith("s,n\n\"\",0\n,\n\"a,b\",2\n\"say \"\"hi\"\"\",3\n\"line1\nline2\",4\n");
      List<VectorSchemaRoot> back = read(out, DataFormat.CSV,
          ReaderOptions.builder().nullValues(Set.of("NA")).build(), allocator);
      try {
        assertThat(column(back, 0)).containsExactlyElementsOf(Arrays.asList(values));
        assertThat(((VarCharVector) back.get(0).getVector(0)).getField().getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
      } finally {
        closeAll(back);
      }
    }
  }

  @Test
  void refusesNestedColumnsNamingThem() throws Exception {
    Schema schema = schema(field("id", new ArrowType.Int(64, true)),
        field("tags", ArrowType.List.INSTANCE, field("item", ArrowType.Utf8.INSTANCE)));
    assertThatThrownBy(() -> Formats.openWriter(dir.resolve("x.csv"), DataFormat.CSV, schema, WriterOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("column 'tags' has type list<utf8>, which CSV cannot hold");
    assertThat(dir.resolve("x.csv")).doesNotExist();
  }

  @Test
  void timestampsOutsideIsoRangeWriteRawIntegers() throws Exception {
    Schema schema = schema(field("t", new ArrowType.Timestamp(TimeUnit.SECOND, null)),
        field("d", new ArrowType.Date(DateUnit.MILLISECOND)),
        field("f", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      Values.set(root.getVector(0), 0, Long.MAX_VALUE);
      Values.set(root.getVector(1), 0, 86_400_000L * 3 + 1);
      Values.set(root.getVector(2), 0, Double.NEGATIVE_INFINITY);
      Values.set(root.getVector(0), 1, 0L);
      Values.set(root.getVector(1), 1, 86_400_000L * 3);
      Values.set(root.getVector(2), 1, -0.0);
      for (var v : root.getFieldVectors()) {
        v.setValueCount(2);
      }
      root.setRowCount(2);
      Path out = dir.resolve("t.csv");
      write(out, DataFormat.CSV, List.of(root), WriterOptions.DEFAULTS, allocator);
      assertThat(Files.readString(out)).isEqualTo("t,d,f\n" + Long.MAX_VALUE + ",259200001,-Infinity\n"
          + "1970-01-01T00:00:00,1970-01-04,-0.0\n");
      List<VectorSchemaRoot> back = read(out, DataFormat.CSV, ReaderOptions.builder().schema(schema).build(), allocator);
      try {
        assertThat(column(back, 0)).containsExactly(Long.MAX_VALUE, 0L);
        assertThat(column(back, 1)).containsExactly(86_400_000L * 3 + 1, 86_400_000L * 3);
        assertThat(column(back, 2)).containsExactly(Double.NEGATIVE_INFINITY, -0.0);
      } finally {
        closeAll(back);
      }
    }
  }
}
