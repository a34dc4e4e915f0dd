package dev.lancelet.cli.formats;

import static dev.lancelet.cli.formats.FormatTesting.closeAll;
import static dev.lancelet.cli.formats.FormatTesting.field;
import static dev.lancelet.cli.formats.FormatTesting.read;
import static dev.lancelet.cli.formats.FormatTesting.schema;
import static dev.lancelet.cli.formats.FormatTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every format writes seeded random batches (with nulls) and reads them back equal. */
class RoundTripTest {
  @TempDir Path dir;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close(); // fails the test on a leak
  }

  /** Scalars every format holds exactly (given the schema when reading text). */
  static Schema scalars() {
    return schema(
        field("i8", new ArrowType.Int(8, true)),
        field("i16", new ArrowType.Int(16, true)),
        field("i32", new ArrowType.Int(32, true)),
        field("i64", new ArrowType.Int(64, true)),
        field("u8", new ArrowType.Int(8, false)),
        field("u16", new ArrowType.Int(16, false)),
        field("u32", new ArrowType.Int(32, false)),
        field("u64", new ArrowType.Int(64, false)),
        field("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
        field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
        field("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        field("b", ArrowType.Bool.INSTANCE),
        field("s", ArrowType.Utf8.INSTANCE),
        field("bin", ArrowType.Binary.INSTANCE),
        field("fsb", new ArrowType.FixedSizeBinary(5)),
        field("dec", new ArrowType.Decimal(12, 3, 128)),
        field("dec_big", new ArrowType.Decimal(30, 5, 128)),
        field("d32", new ArrowType.Date(DateUnit.DAY)),
        field("t_ms", new ArrowType.Time(TimeUnit.MILLISECOND, 32)),
        field("t_us", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
        field("t_ns", new ArrowType.Time(TimeUnit.NANOSECOND, 64)),
        field("ts_ms", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
        field("ts_us", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
        field("ts_ns_utc", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")),
        new Field("req", FieldType.notNullable(new ArrowType.Int(64, true)), null));
  }

  /** Nested columns for JSON lines and Parquet. */
  static Schema nested() {
    Field item = field("item", new ArrowType.Int(32, true));
    return schema(
        field("id", new ArrowType.Int(64, true)),
        field("ints", ArrowType.List.INSTANCE, item),
        field("words", ArrowType.List.INSTANCE, field("item", ArrowType.Utf8.INSTANCE)),
        field("point", ArrowType.Struct.INSTANCE,
            field("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
            field("label", ArrowType.Utf8.INSTANCE),
            field("tags", ArrowType.List.INSTANCE, field("item", new ArrowType.Int(64, true)))),
        field("nested_lists", ArrowType.List.INSTANCE,
            field("item", ArrowType.List.INSTANCE, field("item", ArrowType.Bool.INSTANCE))),
        field("structs", ArrowType.List.INSTANCE,
            field("item", ArrowType.Struct.INSTANCE, field("a", new ArrowType.Int(16, true)),
                field("when", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")))));
  }

  private void roundTrip(DataFormat format, Schema schema, long seed, ReaderOptions options) throws Exception {
    Path file = dir.resolve("data" + format.extensions().get(0));
    try (RandomData.Batches data = RandomData.builder(seed).nulls(RandomData.Nulls.RANDOM_10)
        .rows(700).batches(3).build(schema, allocator)) {
      write(file, format, data.roots(), WriterOptions.DEFAULTS, allocator);
      List<VectorSchemaRoot> back = read(file, format, options, allocator);
      try {
        if (format != DataFormat.ARROW_FILE && format != DataFormat.ARROW_STREAM) { // IPC keeps the file's batches
          assertThat(back).allSatisfy(b -> assertThat(b.getRowCount()).isLessThanOrEqualTo(options.batchSize()));
        }
        ArrowAssert.assertBatchesEqual(data.roots(), back, format + " seed " + seed + " " + data.describe());
      } finally {
        closeAll(back);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DataFormat.class)
  void scalarsRoundTrip(DataFormat format) throws Exception {
    Schema schema = scalars();
    ReaderOptions options = ReaderOptions.builder().batchSize(256).schema(format.isText() ? schema : null).build();
    roundTrip(format, schema, 42, options);
  }

  @ParameterizedTest
  @ValueSource(strings = {"arrow", "arrows", "jsonl", "parquet"})
  void nestedRoundTrip(String id) throws Exception {
    DataFormat format = Formats.forName(id);
    Schema schema = nested();
    ReaderOptions options = ReaderOptions.builder().batchSize(500).schema(format.isText() ? schema : null).build();
    roundTrip(format, schema, 7, options);
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "snappy", "gzip", "lz4_raw", "zstd"})
  void parquetCompressions(String codec) throws Exception {
    Schema schema = schema(field("i64", new ArrowType.Int(64, true)), field("s", ArrowType.Utf8.INSTANCE),
        field("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
    Path file = dir.resolve("c.parquet");
    try (RandomData.Batches data = RandomData.builder(3).shape(RandomData.Shape.LOW_CARDINALITY)
        .nulls(RandomData.Nulls.RANDOM_10).rows(5000).build(schema, allocator)) {
      write(file, DataFormat.PARQUET, data.roots(), WriterOptions.builder().parquetCompression(codec).build(), allocator);
      List<VectorSchemaRoot> back = read(file, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator);
      try {
        ArrowAssert.assertBatchesEqual(data.roots(), back, codec);
      } finally {
        closeAll(back);
      }
    }
  }
}
