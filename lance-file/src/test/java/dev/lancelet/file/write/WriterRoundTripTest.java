package dev.lancelet.file.write;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.io.LocalObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lancelet writes, Lancelet reads: every type the writer accepts, several batches, pages that end
 * inside batches, 0/1/many rows, scans with odd batch sizes, row ranges and takes, plus a seeded
 * random matrix of type x shape x nulls x page size. Failures print the seed and the case.
 */
class WriterRoundTripTest {
  @TempDir Path dir;
  BufferAllocator alloc;
  int fileNo;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  static Field f(String name, ArrowType t, boolean nullable, Field... children) {
    return new Field(name, new FieldType(nullable, t, null), children.length == 0 ? null : List.of(children));
  }

  /** A named field factory: (name, nullable) -> field. */
  record TypeCase(String label, BiFunction<String, Boolean, Field> field) {
    Field make(String name, boolean nullable) {
      return field.apply(name, nullable);
    }

    @Override
    public String toString() {
      return label;
    }
  }

  static TypeCase prim(String label, ArrowType t) {
    return new TypeCase(label, (n, nl) -> f(n, t, nl));
  }

  /** Every Arrow type the writer accepts, flat and nested. */
  static final List<TypeCase> TYPES = List.of(
      prim("int8", new ArrowType.Int(8, true)),
      prim("int16", new ArrowType.Int(16, true)),
      prim("int32", new ArrowType.Int(32, true)),
      prim("int64", new ArrowType.Int(64, true)),
      prim("uint8", new ArrowType.Int(8, false)),
      prim("uint16", new ArrowType.Int(16, false)),
      prim("uint32", new ArrowType.Int(32, false)),
      prim("uint64", new ArrowType.Int(64, false)),
      prim("float16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
      prim("float32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
      prim("float64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      prim("bool", ArrowType.Bool.INSTANCE),
      prim("date32", new ArrowType.Date(DateUnit.DAY)),
      prim("date64", new ArrowType.Date(DateUnit.MILLISECOND)),
      prim("timestamp[us,UTC]", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
      prim("timestamp[us]", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
      prim("timestamp[ns]", new ArrowType.Timestamp(TimeUnit.NANOSECOND, null)),
      prim("time64[us]", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
      prim("time32[ms]", new ArrowType.Time(TimeUnit.MILLISECOND, 32)),
      prim("duration[us]", new ArrowType.Duration(TimeUnit.MICROSECOND)),
      prim("decimal128(38,2)", new ArrowType.Decimal(38, 2, 128)),
      prim("fixed_size_binary(16)", new ArrowType.FixedSizeBinary(16)),
      prim("fixed_size_binary(3)", new ArrowType.FixedSizeBinary(3)),
      prim("utf8", ArrowType.Utf8.INSTANCE),
      prim("large_utf8", ArrowType.LargeUtf8.INSTANCE),
      prim("binary", ArrowType.Binary.INSTANCE),
      prim("large_binary", ArrowType.LargeBinary.INSTANCE),
      new TypeCase("list<int32>", (n, nl) -> f(n, ArrowType.List.INSTANCE, nl, f("item", new ArrowType.Int(32, true), true))),
      new TypeCase("large_list<int64>", (n, nl) -> f(n, ArrowType.LargeList.INSTANCE, nl, f("item", new ArrowType.Int(64, true), true))),
      new TypeCase("list<utf8>", (n, nl) -> f(n, ArrowType.List.INSTANCE, nl, f("item", ArrowType.Utf8.INSTANCE, true))),
      new TypeCase("list<list<int32>>", (n, nl) -> f(n, ArrowType.List.INSTANCE, nl,
          f("item", ArrowType.List.INSTANCE, true, f("item", new ArrowType.Int(32, true), true)))),
      new TypeCase("struct<a:int32,b:utf8,c:struct<d:f64,e:bool>>", (n, nl) -> f(n, ArrowType.Struct.INSTANCE, nl,
          f("a", new ArrowType.Int(32, true), false),
          f("b", ArrowType.Utf8.INSTANCE, true),
          f("c", ArrowType.Struct.INSTANCE, true,
              f("d", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true),
              f("e", ArrowType.Bool.INSTANCE, true)))),
      new TypeCase("list<struct<x:int32,y:utf8>>", (n, nl) -> f(n, ArrowType.List.INSTANCE, nl,
          f("item", ArrowType.Struct.INSTANCE, true, f("x", new ArrowType.Int(32, true), true), f("y", ArrowType.Utf8.INSTANCE, true)))),
      new TypeCase("struct<l:list<int64>>", (n, nl) -> f(n, ArrowType.Struct.INSTANCE, nl,
          f("l", ArrowType.List.INSTANCE, true, f("item", new ArrowType.Int(64, true), true)))),
      new TypeCase("fixed_size_list<float32,128>", (n, nl) -> f(n, new ArrowType.FixedSizeList(128), nl,
          f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false))),
      new TypeCase("fixed_size_list<float32,8>", (n, nl) -> f(n, new ArrowType.FixedSizeList(8), nl,
          f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false))),
      new TypeCase("fixed_size_list<int16,3>", (n, nl) -> f(n, new ArrowType.FixedSizeList(3), nl,
          f("item", new ArrowType.Int(16, true), false))));

  /** Writes, reads back with Lancelet (scan, row range, take) and compares; returns the expected rows. */
  void roundTrip(String ctx, Schema schema, long seed, int[] batchRows, RandomFill.Shape shape, double pNull,
      WriteOptions opts) throws Exception {
    String name = "rt" + (fileNo++) + ".lance";
    Random rnd = new Random(seed);
    RandomFill fill = new RandomFill(rnd, shape, pNull, 4);
    String context = ctx + " seed=" + seed + " batches=" + java.util.Arrays.toString(batchRows) + " shape=" + shape
        + " pNull=" + pNull + " " + opts + " schema=" + schema;
    try {
      List<List<String>> expected = WriteHarness.write(alloc, dir, name, schema, opts, batchRows.length, (root, b) -> {
        for (FieldVector v : root.getFieldVectors()) {
          fill.fill(v, batchRows[b]);
        }
        root.setRowCount(batchRows[b]);
      });
      int scanBatch = 1 + rnd.nextInt(3000);
      WriteHarness.assertSameRows(context + " scan(" + scanBatch + ")", expected,
          WriteHarness.readWithLancelet(alloc, dir, name, scanBatch));
      int n = expected.size();
      if (n > 0) {
        try (LocalObjectStore store = new LocalObjectStore(dir);
            LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
          long[] rows = new long[Math.min(n, 50)];
          for (int i = 0; i < rows.length; i++) {
            rows[i] = rnd.nextInt(n);
          }
          try (VectorSchemaRoot taken = r.take(rows, null)) {
            List<List<String>> got = WriteHarness.rows(taken);
            List<List<String>> want = new ArrayList<>();
            for (long row : rows) {
              want.add(expected.get((int) row));
            }
            WriteHarness.assertSameRows(context + " take" + java.util.Arrays.toString(rows), want, got);
          }
          int a = rnd.nextInt(n);
          int b = a + rnd.nextInt(n - a + 1);
          List<List<String>> range = new ArrayList<>();
          try (var ar = r.scan(dev.lancelet.file.ScanOptions.builder().rowRange(a, b).batchSize(997).build())) {
            while (ar.loadNextBatch()) {
              range.addAll(WriteHarness.rows(ar.getVectorSchemaRoot()));
            }
          }
          WriteHarness.assertSameRows(context + " range[" + a + "," + b + ")", expected.subList(a, b), range);
        }
      }
    } catch (AssertionError | Exception e) {
      throw new AssertionError("Round trip failed: " + context + ": " + e.getMessage(), e);
    }
  }

  static Schema schemaOf(TypeCase t, boolean nullable) {
    return new Schema(List.of(t.make("a", nullable), f("id", new ArrowType.Int(32, true), false)));
  }

  @Test
  void everyTypeSeveralBatchesPagesEndingInsideBatches() throws Exception {
    long seed = 1000;
    WriteOptions small = WriteOptions.builder().maxPageBytes(4096).build();
    for (TypeCase t : TYPES) {
      roundTrip(t.label(), schemaOf(t, true), seed++, new int[] {1500, 777, 2222}, RandomFill.Shape.RANDOM, 0.2, small);
      roundTrip(t.label(), schemaOf(t, false), seed++, new int[] {3000, 1}, RandomFill.Shape.SMALL_RANGE, 0, WriteOptions.defaults());
    }
  }

  @Test
  void everyTypeZeroOneAndFewRows() throws Exception {
    long seed = 2000;
    for (TypeCase t : TYPES) {
      roundTrip(t.label(), schemaOf(t, true), seed++, new int[] {}, RandomFill.Shape.RANDOM, 0.2, WriteOptions.defaults());
      roundTrip(t.label(), schemaOf(t, true), seed++, new int[] {0}, RandomFill.Shape.RANDOM, 0.2, WriteOptions.defaults());
      roundTrip(t.label(), schemaOf(t, true), seed++, new int[] {1}, RandomFill.Shape.RANDOM, 0, WriteOptions.defaults());
      roundTrip(t.label(), schemaOf(t, true), seed++, new int[] {1}, RandomFill.Shape.RANDOM, 1, WriteOptions.defaults());
      roundTrip(t.label(), schemaOf(t, false), seed++, new int[] {1, 0, 2}, RandomFill.Shape.SORTED, 0, WriteOptions.defaults());
    }
  }

  @Test
  void everyTypeAllNullAndConstant() throws Exception {
    long seed = 3000;
    for (TypeCase t : TYPES) {
      roundTrip(t.label(), schemaOf(t, true), seed++, new int[] {700, 900}, RandomFill.Shape.RANDOM, 1, WriteOptions.defaults());
      roundTrip(t.label(), schemaOf(t, false), seed++, new int[] {700, 900}, RandomFill.Shape.CONSTANT, 0, WriteOptions.defaults());
    }
  }

  /** The nested shapes, also read by lance-core 7.0 (null structs above lists hide their items). */
  @Test
  void nestedTypesReadByLanceCore() throws Exception {
    long seed = 5000;
    for (TypeCase t : TYPES) {
      if (!t.label().contains("<")) {
        continue;
      }
      for (double pNull : new double[] {0.2, 1}) {
        Schema schema = schemaOf(t, true);
        String name = "nested" + (fileNo++) + ".lance";
        RandomFill fill = new RandomFill(new Random(seed), RandomFill.Shape.RANDOM, pNull, 4);
        List<List<String>> expected = WriteHarness.write(alloc, dir, name, schema, WriteOptions.defaults(), 2, (root, b) -> {
          for (FieldVector v : root.getFieldVectors()) {
            fill.fill(v, 1500);
          }
          root.setRowCount(1500);
        });
        WriteHarness.assertSameRows(t.label() + " pNull=" + pNull + " seed=" + seed + " (lance-core)", expected,
            WriteHarness.readWithLance(alloc, dir.resolve(name)));
        seed++;
      }
    }
  }

  @Test
  void largeRowCounts() throws Exception {
    Schema s = new Schema(List.of(
        f("i", new ArrowType.Int(64, true), true),
        f("s", ArrowType.Utf8.INSTANCE, true),
        f("l", ArrowType.List.INSTANCE, true, f("item", new ArrowType.Int(32, true), true)),
        f("b", ArrowType.Bool.INSTANCE, false)));
    int[] batches = new int[8];
    java.util.Arrays.fill(batches, 25_000);
    roundTrip("large", s, 4000, batches, RandomFill.Shape.RANDOM, 0.1, WriteOptions.builder().maxPageBytes(256 * 1024).build());
    roundTrip("large-runs", s, 4001, java.util.Arrays.copyOf(batches, 5), RandomFill.Shape.RUNS, 0.1, WriteOptions.defaults());
  }

  @Test
  void randomMatrix() throws Exception {
    long base = Long.getLong("lancelet.seed", 0x5EEDL);
    Random meta = new Random(base);
    RandomFill.Shape[] shapes = RandomFill.Shape.values();
    double[] nulls = {0, 0, 0.05, 0.3, 0.9, 1};
    long[] pages = {4096, 16 * 1024, 256 * 1024, 8L << 20};
    for (int k = 0; k < 60; k++) {
      long seed = meta.nextLong();
      Random r = new Random(seed);
      int nCols = 1 + r.nextInt(3);
      List<Field> fields = new ArrayList<>();
      StringBuilder label = new StringBuilder("matrix#" + k + " base=" + base + " [");
      for (int c = 0; c < nCols; c++) {
        TypeCase t = TYPES.get(r.nextInt(TYPES.size()));
        fields.add(t.make("c" + c, r.nextInt(4) != 0));
        label.append(t.label()).append(' ');
      }
      label.append(']');
      int[] batches = new int[1 + r.nextInt(4)];
      for (int b = 0; b < batches.length; b++) {
        batches[b] = switch (r.nextInt(4)) {
          case 0 -> r.nextInt(3);
          case 1 -> r.nextInt(100);
          default -> r.nextInt(6000);
        };
      }
      roundTrip(label.toString(), new Schema(fields), seed, batches, shapes[r.nextInt(shapes.length)],
          nulls[r.nextInt(nulls.length)], WriteOptions.builder().maxPageBytes(pages[r.nextInt(pages.length)]).build());
    }
  }
}
