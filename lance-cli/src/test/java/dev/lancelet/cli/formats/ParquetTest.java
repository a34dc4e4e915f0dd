package dev.lancelet.cli.formats;

import static dev.lancelet.cli.formats.FormatTesting.closeAll;
import static dev.lancelet.cli.formats.FormatTesting.column;
import static dev.lancelet.cli.formats.FormatTesting.field;
import static dev.lancelet.cli.formats.FormatTesting.read;
import static dev.lancelet.cli.formats.FormatTesting.schema;
import static dev.lancelet.cli.formats.FormatTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.RandomData;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetTest {
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

  /** A file written by parquet-java's own example writer, with legacy layouts Lancelet never writes. */
  @Test
  void readsFilesWrittenByParquetJavaItself() throws Exception {
    MessageType schema = MessageTypeParser.parseMessageType("""
        message spark {
          required int64 id;
          optional binary name (STRING);
          repeated int32 bare;
          optional group legacy (LIST) { repeated int32 array; }
          optional group three (LIST) { repeated group list { optional binary element (STRING); } }
          optional group kv (MAP) { repeated group key_value { required binary key (STRING); optional int64 value; } }
          optional int96 old_ts;
          optional fixed_len_byte_array(9) big_dec (DECIMAL(20, 4));
          optional binary bin_dec (DECIMAL(10, 2));
          optional int32 small_dec (DECIMAL(5, 1));
          optional int32 day (DATE);
          optional int64 ts (TIMESTAMP(MICROS, true));
          optional group point { required double x; optional float y; }
        }
        """);
    Path file = dir.resolve("pj.parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(schema)
        .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
      Group g = groups.newGroup().append("id", 1L).append("name", "ann");
      g.add("bare", 1);
      g.add("bare", 2);
      Group legacy = g.addGroup("legacy");
      legacy.add("array", 7);
      Group three = g.addGroup("three");
      three.addGroup("list").append("element", "a");
      three.addGroup("list"); // null element
      Group kv = g.addGroup("kv");
      kv.addGroup("key_value").append("key", "k1").append("value", 10L);
      kv.addGroup("key_value").append("key", "k2");
      g.add("old_ts", new NanoTime(2_440_589, 1_000L)); // 1970-01-02 plus 1 microsecond
      byte[] big = new BigDecimal("-12345678901234.5678").unscaledValue().toByteArray();
      byte[] padded = new byte[9];
      Arrays.fill(padded, (byte) 0xFF);
      System.arraycopy(big, 0, padded, 9 - big.length, big.length);
      g.add("big_dec", Binary.fromConstantByteArray(padded));
      g.add("bin_dec", Binary.fromConstantByteArray(new BigDecimal("12.34").unscaledValue().toByteArray()));
      g.add("small_dec", 123);
      g.add("day", 19_000);
      g.add("ts", 5L);
      g.addGroup("point").append("x", 1.5).append("y", 2.5f);
      w.write(g);
      w.write(groups.newGroup().append("id", 2L)); // everything else null / empty
    }
    List<VectorSchemaRoot> b = read(file, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator);
    try {
      assertThat(b.get(0).getSchema().getFields()).extracting(TypeNames::name).containsExactly(
          "int64", "utf8", "list<int32>", "list<int32>", "list<utf8>", "map", "timestamp(ns)",
          "decimal(20, 4)", "decimal(10, 2)", "decimal(5, 1)", "date32", "timestamp(us, UTC)",
          "struct<x: float64, y: float32>");
      assertThat(b.get(0).getSchema().getFields().get(0).isNullable()).isFalse();
      assertThat(column(b, 0)).containsExactly(1L, 2L);
      assertThat(column(b, 1)).containsExactly("ann", null);
      assertThat(column(b, 2)).containsExactly(List.of(1L, 2L), List.of());
      assertThat(column(b, 3)).containsExactly(List.of(7L), null);
      assertThat(column(b, 4)).containsExactly(Arrays.asList("a", null), null);
      assertThat(column(b, 5)).containsExactly(List.of(List.of("k1", 10L), Arrays.asList("k2", null)), null);
      assertThat(column(b, 6)).containsExactly(86_400_000_001_000L, null);
      assertThat(column(b, 7)).containsExactly(new BigDecimal("-12345678901234.5678"), null);
      assertThat(column(b, 8)).containsExactly(new BigDecimal("12.34"), null);
      assertThat(column(b, 9)).containsExactly(new BigDecimal("12.3"), null);
      assertThat(column(b, 10)).containsExactly(19_000, null);
      assertThat(column(b, 11)).containsExactly(5L, null);
      assertThat(column(b, 12)).containsExactly(List.of(1.5, 2.5f), null);
    } finally {
      closeAll(b);
    }
  }

  /**
   * Fixed-size lists, large types and timestamp zones come back exactly through the ARROW:schema
   * hint; types whose values Parquet changes (seconds, date64) come back as the Parquet type.
   */
  @Test
  void fixedSizeListsRoundTripThroughTheArrowSchemaHint_lossyTypesReadBackAsTheParquetType() throws Exception {
    Field item = new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Schema schema = schema(
        new Field("vec", FieldType.nullable(new ArrowType.FixedSizeList(3)), List.of(item)),
        field("big", ArrowType.LargeUtf8.INSTANCE),
        field("ts_s", new ArrowType.Timestamp(TimeUnit.SECOND, "Europe/Paris")),
        field("t_s", new ArrowType.Time(TimeUnit.SECOND, 32)),
        field("d64", new ArrowType.Date(DateUnit.MILLISECOND)),
        field("ll", ArrowType.LargeList.INSTANCE, field("item", new ArrowType.Int(8, true))),
        field("ts_paris", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Europe/Paris")));
    Path file = dir.resolve("lossy.parquet");
    try (RandomData.Batches data = RandomData.builder(5).shape(RandomData.Shape.SMALL_RANGE)
        .nulls(RandomData.Nulls.RANDOM_10).rows(400).build(schema, allocator)) {
      write(file, DataFormat.PARQUET, data.roots(), WriterOptions.DEFAULTS, allocator);
      List<VectorSchemaRoot> back = read(file, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator);
      try {
        assertThat(back.get(0).getSchema().getFields()).extracting(TypeNames::name).containsExactly(
            "fixed_size_list<float32, 3>", "large_utf8", "timestamp(ms, UTC)", "time32(ms)", "date32",
            "large_list<int8>", "timestamp(us, Europe/Paris)");
        List<VectorSchemaRoot> expected = data.roots();
        assertThat(column(back, 0)).isEqualTo(column(expected, 0));
        assertThat(column(back, 1)).isEqualTo(column(expected, 1));
        assertThat(column(back, 2)).isEqualTo(column(expected, 2).stream().map(v -> v == null ? null : (Long) v * 1000).toList());
        assertThat(column(back, 3)).isEqualTo(column(expected, 3).stream().map(v -> v == null ? null : (Integer) v * 1000).toList());
        assertThat(column(back, 4)).isEqualTo(column(expected, 4).stream()
            .map(v -> v == null ? null : (int) ((Long) v / 86_400_000L)).toList());
        assertThat(column(back, 5)).isEqualTo(column(expected, 5));
        assertThat(column(back, 6)).isEqualTo(column(expected, 6));
      } finally {
        closeAll(back);
      }
    }
  }

  @Test
  void refusesTypesParquetCannotHold() {
    Schema schema = schema(field("id", new ArrowType.Int(64, true)), field("dur", new ArrowType.Duration(TimeUnit.SECOND)));
    assertThatThrownBy(() -> Formats.openWriter(dir.resolve("d.parquet"), DataFormat.PARQUET, schema,
        WriterOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("column 'dur' has type duration(s), which the Parquet export does not support");
  }

  private Path sample() throws Exception {
    Schema schema = schema(field("i", new ArrowType.Int(64, true)), field("s", ArrowType.Utf8.INSTANCE));
    Path file = dir.resolve("ok.parquet");
    try (RandomData.Batches data = RandomData.builder(9).rows(2000).build(schema, allocator)) {
      write(file, DataFormat.PARQUET, data.roots(), WriterOptions.builder().parquetCompression("none").build(), allocator);
    }
    return file;
  }

  @Test
  void truncatedOrForeignFilesAreTypedErrors() throws Exception {
    byte[] good = Files.readAllBytes(sample());
    Path truncated = dir.resolve("truncated.parquet");
    Files.write(truncated, Arrays.copyOf(good, good.length - 10));
    assertThatThrownBy(() -> read(truncated, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class).hasMessageContaining("truncated.parquet: not a valid Parquet file");
    Path text = dir.resolve("text.parquet");
    Files.writeString(text, "id,name\n1,x\n");
    assertThatThrownBy(() -> read(text, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class).hasMessageContaining("text.parquet: not a valid Parquet file");
    Path empty = dir.resolve("empty.parquet");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> read(empty, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class).hasMessageContaining("empty.parquet");
  }

  @Test
  void corruptPagesAreCaughtByTheirChecksum() throws Exception {
    byte[] bytes = Files.readAllBytes(sample());
    // flip a byte in the middle of the first column chunk's data (after the 4-byte magic and page header)
    bytes[200] ^= 0x5A;
    Path corrupt = dir.resolve("corrupt.parquet");
    Files.write(corrupt, bytes);
    assertThatThrownBy(() -> closeAll(read(corrupt, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator)))
        .isInstanceOf(FormatException.class).hasMessageContaining("corrupt.parquet: row group 0");
  }

  @Test
  void float16RoundTripsThroughTheFloat16LogicalType() throws Exception {
    Schema schema = schema(field("h", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)));
    Path file = dir.resolve("h.parquet");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      Values.set(root.getVector(0), 0, 1.5f);
      Values.set(root.getVector(0), 1, -65504f);
      root.getVector(0).setValueCount(2);
      root.setRowCount(2);
      write(file, DataFormat.PARQUET, List.of(root), WriterOptions.DEFAULTS, allocator);
    }
    List<VectorSchemaRoot> back = read(file, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator);
    try {
      assertThat(column(back, 0)).containsExactly(1.5f, -65504f);
    } finally {
      closeAll(back);
    }
    // the value is stored little-endian, as the Parquet spec says
    ByteBuffer half = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(1.5f));
    assertThat(half.array()).containsExactly(0x00, 0x3E);
  }
}
