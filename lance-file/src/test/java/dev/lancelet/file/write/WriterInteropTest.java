package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
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

/** Lancelet writes, lance-core 7.0 reads, values compared exactly. Failures print the seed. */
class WriterInteropTest {
  @TempDir Path dir;
  BufferAllocator alloc;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  /** Null patterns a column can have. */
  enum Nulls { NONE, SOME, ALL }

  static Field f(String name, ArrowType t, boolean nullable, Field... children) {
    return new Field(name, new FieldType(nullable, t, null), children.length == 0 ? null : List.of(children));
  }

  static final ArrowType I8 = new ArrowType.Int(8, true), I16 = new ArrowType.Int(16, true), I32 = new ArrowType.Int(32, true),
      I64 = new ArrowType.Int(64, true), U8 = new ArrowType.Int(8, false), U32 = new ArrowType.Int(32, false), U64 = new ArrowType.Int(64, false),
      F16 = new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), F32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
      F64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

  /** Fills a vector with seeded random values; shapes vary by seed. */
  static void fill(FieldVector v, int rows, Random rnd, Nulls nulls) {
    double pNull = nulls == Nulls.NONE || !v.getField().isNullable() ? 0 : nulls == Nulls.ALL ? 1 : 0.1 + rnd.nextDouble() * 0.5;
    int shape = rnd.nextInt(4); // 0 random, 1 small range, 2 runs, 3 sorted
    fillRange(v, 0, rows, rnd, pNull, shape);
    v.setValueCount(rows);
  }

  static long valueFor(Random rnd, int shape, int i, long bits) {
    return switch (shape) {
      case 0 -> rnd.nextLong();
      case 1 -> rnd.nextInt(100);
      case 2 -> (i / 300) * 7L;
      default -> i * 3L;
    };
  }

  static void fillRange(FieldVector v, int from, int to, Random rnd, double pNull, int shape) {
    for (int i = from; i < to; i++) {
      boolean isNull = pNull > 0 && rnd.nextDouble() < pNull;
      if (v instanceof StructVector sv) {
        if (isNull) {
          sv.setNull(i);
        } else {
          sv.setIndexDefined(i);
        }
        continue;
      }
      if (isNull) {
        if (v instanceof ListVector lv) { lv.setNull(i); continue; }
        if (v instanceof LargeListVector lv) { lv.setNull(i); continue; }
        if (v instanceof FixedSizeListVector fv) {
          fv.setNull(i);
          // Items under a null vector must still be valid for a non-nullable item field.
          Float4Vector items = (Float4Vector) fv.getDataVector();
          for (int k = 0; k < fv.getListSize(); k++) items.setSafe(i * fv.getListSize() + k, 0f);
          items.setValueCount((i + 1) * fv.getListSize());
          continue;
        }
        ((BaseValueVector) v).getClass();
        setNull(v, i);
        continue;
      }
      long x = valueFor(rnd, shape, i, 64);
      switch (v) {
        case TinyIntVector t -> t.setSafe(i, (byte) x);
        case SmallIntVector t -> t.setSafe(i, (short) x);
        case IntVector t -> t.setSafe(i, (int) x);
        case BigIntVector t -> t.setSafe(i, x);
        case UInt1Vector t -> t.setSafe(i, (byte) x);
        case UInt4Vector t -> t.setSafe(i, (int) x);
        case UInt8Vector t -> t.setSafe(i, x);
        case Float2Vector t -> t.setSafe(i, (short) x);
        case Float4Vector t -> t.setSafe(i, shape == 0 ? (float) rnd.nextGaussian() : (float) x);
        case Float8Vector t -> t.setSafe(i, shape == 0 ? rnd.nextDouble() : x / 4.0);
        case BitVector t -> t.setSafe(i, shape == 2 ? (int) ((i / 100) & 1) : rnd.nextInt(2));
        case DateDayVector t -> t.setSafe(i, (int) (x & 0xFFFFF));
        case TimeStampMicroTZVector t -> t.setSafe(i, 1_700_000_000_000_000L + (shape == 0 ? rnd.nextInt() : x));
        case TimeMicroVector t -> t.setSafe(i, Math.abs(x % 86_400_000_000L));
        case DecimalVector t -> t.setSafe(i, java.math.BigDecimal.valueOf(x % 1_000_000_000L, 2));
        case FixedSizeBinaryVector t -> { byte[] b = new byte[16]; rnd.nextBytes(b); t.setSafe(i, b); }
        case VarCharVector t -> t.setSafe(i, str(rnd, shape, i).getBytes(StandardCharsets.UTF_8));
        case LargeVarCharVector t -> t.setSafe(i, str(rnd, shape, i).getBytes(StandardCharsets.UTF_8));
        case VarBinaryVector t -> { byte[] b = new byte[rnd.nextInt(40)]; rnd.nextBytes(b); t.setSafe(i, b); }
        case LargeVarBinaryVector t -> { byte[] b = new byte[rnd.nextInt(40)]; rnd.nextBytes(b); t.setSafe(i, b); }
        case ListVector lv -> {
          int len = rnd.nextInt(5);
          int start = lv.startNewValue(i);
          FieldVector child = lv.getDataVector();
          fillRange(child, start, start + len, rnd, pNull, shape);
          child.setValueCount(start + len);
          lv.endValue(i, len);
        }
        case LargeListVector lv -> {
          int len = rnd.nextInt(5);
          long start = lv.startNewValue(i);
          FieldVector child = lv.getDataVector();
          fillRange(child, (int) start, (int) start + len, rnd, pNull, shape);
          child.setValueCount((int) start + len);
          lv.endValue(i, len);
        }
        case FixedSizeListVector fv -> {
          fv.setNotNull(i);
          int dim = fv.getListSize();
          Float4Vector items = (Float4Vector) fv.getDataVector();
          for (int k = 0; k < dim; k++) items.setSafe(i * dim + k, (float) rnd.nextGaussian());
          items.setValueCount((i + 1) * dim);
        }
        default -> throw new IllegalStateException("no filler for " + v.getClass());
      }
    }
  }

  static void setNull(FieldVector v, int i) {
    if (v instanceof BaseFixedWidthVector b) { b.setNull(i); }
    else if (v instanceof BaseVariableWidthVector b) { b.setNull(i); }
    else if (v instanceof BaseLargeVariableWidthVector b) { b.setNull(i); }
    else throw new IllegalStateException("cannot null " + v.getClass());
  }

  static String str(Random rnd, int shape, int i) {
    return switch (shape) {
      case 0 -> "s" + Long.toHexString(rnd.nextLong()) + "x".repeat(rnd.nextInt(30));
      case 1 -> "cat" + rnd.nextInt(8);
      case 2 -> "run" + (i / 200);
      default -> "";
    };
  }

  static void fillStruct(StructVector sv, int rows, Random rnd, Nulls nulls) {
    fillRange(sv, 0, rows, rnd, nulls == Nulls.NONE ? 0 : 0.2, 0);
    for (FieldVector c : sv.getChildrenFromFields()) {
      if (c instanceof StructVector inner) {
        fillStruct(inner, rows, rnd, nulls);
      } else {
        fill(c, rows, rnd, nulls);
      }
    }
    sv.setValueCount(rows);
  }

  // ------------------------------------------------------------------ round trip

  void roundTrip(Schema schema, long seed, int rows, int batchRows, Nulls nulls, WriteOptions opts) throws Exception {
    Path file = dir.resolve("t" + seed + ".lance");
    List<List<String>> expected = new ArrayList<>();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, file.getFileName().toString(), schema, alloc, opts)) {
      Random rnd = new Random(seed);
      for (int done = 0; done < rows; done += batchRows) {
        int n = Math.min(batchRows, rows - done);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
          root.allocateNew();
          for (FieldVector v : root.getFieldVectors()) {
            if (v instanceof StructVector sv) fillStruct(sv, n, rnd, nulls);
            else fill(v, n, rnd, nulls);
          }
          root.setRowCount(n);
          expected.addAll(rowStrings(root));
          w.write(root);
        }
      }
    }
    List<List<String>> actual = new ArrayList<>();
    try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(file.toString(), alloc)) {
      assertThat(r.numRows()).as("seed %d", seed).isEqualTo(rows);
      try (ArrowReader ar = r.readAll(null, null, 4096)) {
        while (ar.loadNextBatch()) {
          actual.addAll(rowStrings(ar.getVectorSchemaRoot()));
        }
      }
    }
    assertThat(actual.size()).as("rows, seed %d", seed).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError("seed " + seed + " schema " + schema + " row " + i + ": expected " + expected.get(i) + " got " + actual.get(i));
      }
    }
  }

  static List<List<String>> rowStrings(VectorSchemaRoot root) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < root.getRowCount(); i++) {
      List<String> row = new ArrayList<>();
      for (FieldVector v : root.getFieldVectors()) {
        Object o = v.getObject(i);
        row.add(o instanceof byte[] b ? Arrays.toString(b) : String.valueOf(o));
      }
      out.add(row);
    }
    return out;
  }

  static final List<ArrowType> FIXED_TYPES = List.of(I8, I16, I32, I64, U8, U32, U64, F16, F32, F64, ArrowType.Bool.INSTANCE,
      new ArrowType.Date(DateUnit.DAY), new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), new ArrowType.Time(TimeUnit.MICROSECOND, 64),
      new ArrowType.Decimal(38, 2, 128), new ArrowType.FixedSizeBinary(16));

  @Test
  void fixedWidthNonNull() throws Exception {
    long seed = 1;
    for (ArrowType t : FIXED_TYPES) {
      for (int k = 0; k < 3; k++) {
        Schema s = new Schema(List.of(f("a", t, false), f("b", t, false)));
        roundTrip(s, seed++, 5000 + k * 777, 2048, Nulls.NONE, WriteOptions.defaults());
      }
    }
  }

  @Test
  void fixedWidthNullable() throws Exception {
    long seed = 100;
    for (ArrowType t : FIXED_TYPES) {
      for (Nulls n : Nulls.values()) {
        Schema s = new Schema(List.of(f("a", t, true)));
        roundTrip(s, seed++, 3000, 1000, n, WriteOptions.defaults());
      }
    }
  }

  @Test
  void strings() throws Exception {
    long seed = 200;
    for (ArrowType t : List.of(ArrowType.Utf8.INSTANCE, ArrowType.LargeUtf8.INSTANCE, ArrowType.Binary.INSTANCE, ArrowType.LargeBinary.INSTANCE)) {
      for (Nulls n : Nulls.values()) {
        for (int k = 0; k < 2; k++) {
          Schema s = new Schema(List.of(f("a", t, true)));
          roundTrip(s, seed++, 6000, 2500, n, WriteOptions.defaults());
        }
      }
    }
  }

  @Test
  void smallPagesManyPages() throws Exception {
    Schema s = new Schema(List.of(f("a", I64, true), f("b", ArrowType.Utf8.INSTANCE, true), f("c", ArrowType.Bool.INSTANCE, true)));
    roundTrip(s, 300, 20000, 3000, Nulls.SOME, WriteOptions.builder().maxPageBytes(4096).build());
  }

  @Test
  void structs() throws Exception {
    Field inner = f("c", ArrowType.Struct.INSTANCE, true, f("d", F64, true), f("e", ArrowType.Bool.INSTANCE, true));
    Field st = f("s", ArrowType.Struct.INSTANCE, true, f("a", I32, false), f("b", ArrowType.Utf8.INSTANCE, true), inner);
    for (Nulls n : Nulls.values()) {
      roundTrip(new Schema(List.of(st, f("x", I32, true))), 400 + n.ordinal(), 4000, 1500, n, WriteOptions.defaults());
    }
  }

  @Test
  void lists() throws Exception {
    long seed = 500;
    for (ArrowType lt : List.of(ArrowType.List.INSTANCE, ArrowType.LargeList.INSTANCE)) {
      for (ArrowType item : List.of(I32, I64, ArrowType.Utf8.INSTANCE)) {
        for (Nulls n : Nulls.values()) {
          Schema s = new Schema(List.of(f("l", lt, true, f("item", item, true))));
          roundTrip(s, seed++, 5000, 2000, n, WriteOptions.defaults());
        }
      }
    }
  }

  @Test
  void fixedSizeListVectors() throws Exception {
    Schema s = new Schema(List.of(f("v", new ArrowType.FixedSizeList(128), true, f("item", F32, false))));
    roundTrip(s, 600, 20000, 8192, Nulls.NONE, WriteOptions.defaults());
    roundTrip(s, 601, 3000, 1000, Nulls.SOME, WriteOptions.defaults());
    Schema nn = new Schema(List.of(f("v", new ArrowType.FixedSizeList(128), false, f("item", F32, false))));
    roundTrip(nn, 602, 20000, 8192, Nulls.NONE, WriteOptions.defaults());
  }

  @Test
  void longStringsAndBigBinaries() throws Exception {
    Schema s = new Schema(List.of(f("s", ArrowType.Utf8.INSTANCE, true)));
    // long strings via the 'random' shape: length set explicitly below
    Path file = dir.resolve("long.lance");
    Random rnd = new Random(700);
    List<List<String>> expected = new ArrayList<>();
    Schema sb = new Schema(List.of(f("s", ArrowType.Utf8.INSTANCE, true), f("b", ArrowType.LargeBinary.INSTANCE, true)));
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, "long.lance", sb, alloc, WriteOptions.defaults())) {
      for (int batch = 0; batch < 3; batch++) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(sb, alloc)) {
          VarCharVector sv = (VarCharVector) root.getVector(0);
          LargeVarBinaryVector bv = (LargeVarBinaryVector) root.getVector(1);
          int n = 200;
          for (int i = 0; i < n; i++) {
            if (rnd.nextInt(10) == 0) sv.setNull(i);
            else sv.setSafe(i, ("word" + rnd.nextInt(50) + " ").repeat(60 + rnd.nextInt(300)).getBytes(StandardCharsets.UTF_8));
            if (rnd.nextInt(10) == 0) bv.setNull(i);
            else { byte[] b = new byte[i % 20 == 0 ? 1_100_000 : 40_000 + rnd.nextInt(1000)]; rnd.nextBytes(b); bv.setSafe(i, b); }
          }
          root.setRowCount(n);
          expected.addAll(rowStrings(root));
          w.write(root);
        }
      }
    }
    List<List<String>> actual = new ArrayList<>();
    try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(file.toString(), alloc);
        ArrowReader ar = r.readAll(null, null, 100)) {
      while (ar.loadNextBatch()) actual.addAll(rowStrings(ar.getVectorSchemaRoot()));
    }
    assertThat(actual).isEqualTo(expected);
  }
}
