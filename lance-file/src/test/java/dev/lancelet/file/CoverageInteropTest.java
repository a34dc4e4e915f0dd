package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
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
 * Types and shapes beyond {@link ReaderInteropTest}, written by lance-core 7.0 from seeded random
 * data and read back by scan (odd batch sizes) and take (random order, duplicates). Failure
 * messages carry the seed.
 */
class CoverageInteropTest {
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

  static Field f(String name, ArrowType t, boolean nullable, Field... children) {
    return new Field(name, new FieldType(nullable, t, null), List.of(children));
  }

  static Field fm(String name, ArrowType t, boolean nullable, Map<String, String> md) {
    return new Field(name, new FieldType(nullable, t, null, md), List.of());
  }

  static final ArrowType I32 = new ArrowType.Int(32, true);
  static final ArrowType I64 = new ArrowType.Int(64, true);

  static Schema typesSchema() {
    List<Field> fs = new ArrayList<>(List.of(
        f("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), true),
        f("t32s", new ArrowType.Time(TimeUnit.SECOND, 32), true),
        f("t32ms", new ArrowType.Time(TimeUnit.MILLISECOND, 32), true),
        f("t64us", new ArrowType.Time(TimeUnit.MICROSECOND, 64), true),
        f("t64ns", new ArrowType.Time(TimeUnit.NANOSECOND, 64), false),
        f("d64", new ArrowType.Date(DateUnit.MILLISECOND), true),
        f("dec256", new ArrowType.Decimal(60, 12, 256), true),
        f("los", ArrowType.List.INSTANCE, true, f("item", ArrowType.Struct.INSTANCE, true, f("a", I32, true), f("b", ArrowType.Utf8.INSTANCE, true))),
        f("sol", ArrowType.Struct.INSTANCE, true, f("l", ArrowType.List.INSTANCE, true, f("item", I64, true)), f("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true)),
        f("lli", ArrowType.List.INSTANCE, true, f("item", ArrowType.List.INSTANCE, true, f("item", I32, true))),
        f("longs", ArrowType.Utf8.INSTANCE, true),
        f("vec", new ArrowType.FixedSizeList(128), true, f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false))));
    for (TimeUnit u : TimeUnit.values()) {
      fs.add(f("ts_" + u, new ArrowType.Timestamp(u, null), true));
      fs.add(f("tstz_" + u, new ArrowType.Timestamp(u, "America/New_York"), true));
    }
    return new Schema(fs);
  }

  /** Fills any supported vector with {@code n} random values (nulls where nullable). */
  static void fill(FieldVector v, int n, Random r) {
    boolean nullable = v.getField().isNullable();
    String name = v.getField().getName();
    if (v instanceof StructVector sv) {
      for (FieldVector c : sv.getChildrenFromFields()) {
        fill(c, n, r);
      }
      for (int i = 0; i < n; i++) {
        if (nullable && r.nextInt(9) == 0) {
          sv.setNull(i);
        } else {
          sv.setIndexDefined(i);
        }
      }
      sv.setValueCount(n);
      return;
    }
    if (v instanceof ListVector lv) {
      int[] lens = new int[n];
      int total = 0;
      for (int i = 0; i < n; i++) {
        lens[i] = nullable && r.nextInt(8) == 0 ? -1 : r.nextInt(5);
        total += Math.max(lens[i], 0);
      }
      lv.allocateNew();
      fill(lv.getDataVector(), total, r);
      for (int i = 0; i < n; i++) {
        lv.startNewValue(i);
        if (lens[i] < 0) {
          lv.endValue(i, 0);
          lv.setNull(i);
        } else {
          lv.endValue(i, lens[i]);
        }
      }
      lv.setValueCount(n);
      return;
    }
    if (v instanceof FixedSizeListVector fl) {
      int dim = ((ArrowType.FixedSizeList) fl.getField().getType()).getListSize();
      fl.setInitialCapacity(n);
      fl.allocateNew();
      fill(fl.getDataVector(), n * dim, r);
      for (int i = 0; i < n; i++) {
        if (nullable && r.nextInt(10) == 0) {
          fl.setNull(i);
        } else {
          fl.setNotNull(i);
        }
      }
      fl.setValueCount(n);
      return;
    }
    if (v instanceof BitVector bv) {
      bv.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (nullable && r.nextInt(7) == 0) bv.setNull(i); else bv.set(i, r.nextInt(2));
      }
      bv.setValueCount(n);
      return;
    }
    if (v instanceof BaseFixedWidthVector fv) {
      fv.allocateNew(n);
      int w = fv.getTypeWidth();
      long bound = boundFor(v.getField().getType());
      for (int i = 0; i < n; i++) {
        if (nullable && r.nextInt(7) == 0) {
          fv.setNull(i);
          continue;
        }
        byte[] b = new byte[w];
        if (w <= 8) {
          long x = bound > 0 ? Math.floorMod(r.nextLong(), bound) : r.nextLong();
          for (int k = 0; k < w; k++) {
            b[k] = (byte) (x >>> (8 * k));
          }
        } else {
          r.nextBytes(b);
        }
        fv.getDataBuffer().setBytes((long) i * w, b);
        org.apache.arrow.vector.BitVectorHelper.setBit(fv.getValidityBuffer(), i);
      }
      fv.setValueCount(n);
      return;
    }
    int min = name.startsWith("longs") ? 300 : name.startsWith("huge") ? 1_100_000 : 0;
    int max = name.startsWith("longs") ? 2000 : name.startsWith("huge") ? 1_500_000 : 12;
    if (v instanceof BaseVariableWidthVector vv) {
      vv.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (nullable && r.nextInt(7) == 0) vv.setNull(i); else vv.setSafe(i, bytes(r, min + r.nextInt(max - min + 1), v));
      }
      vv.setValueCount(n);
      return;
    }
    if (v instanceof BaseLargeVariableWidthVector vv) {
      vv.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (nullable && r.nextInt(7) == 0) vv.setNull(i); else vv.setSafe(i, bytes(r, min + r.nextInt(max - min + 1), v));
      }
      vv.setValueCount(n);
      return;
    }
    throw new IllegalArgumentException("No filler for " + v.getField());
  }

  static long boundFor(ArrowType t) {
    if (t instanceof ArrowType.Time tm) {
      return switch (tm.getUnit()) {
        case SECOND -> 86_400L;
        case MILLISECOND -> 86_400_000L;
        case MICROSECOND -> 86_400_000_000L;
        case NANOSECOND -> 86_400_000_000_000L;
      };
    }
    if (t instanceof ArrowType.Date || t instanceof ArrowType.Timestamp) {
      return 4_000_000_000_000L;
    }
    return 0;
  }

  static byte[] bytes(Random r, int len, FieldVector v) {
    byte[] b = new byte[len];
    boolean text = v.getField().getType() instanceof ArrowType.Utf8 || v.getField().getType() instanceof ArrowType.LargeUtf8;
    if (text) {
      for (int i = 0; i < len; i++) {
        b[i] = (byte) ('a' + r.nextInt(r.nextInt(4) == 0 ? 26 : 4));
      }
    } else {
      r.nextBytes(b);
    }
    return b;
  }

  Path write(String name, Schema s, String version, int n, long seed, DictionaryProvider dict) throws Exception {
    Path p = dir.resolve(name);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(s, alloc);
        org.lance.file.LanceFileWriter w = org.lance.file.LanceFileWriter.open(p.toString(), alloc, dict, Optional.of(version), Map.of())) {
      Random r = new Random(seed);
      for (FieldVector v : root.getFieldVectors()) {
        fill(v, n, r);
      }
      root.setRowCount(n);
      w.write(root);
    }
    return p;
  }

  static Object norm(Object o) {
    if (o instanceof byte[] b) {
      return Arrays.hashCode(b) + "/" + b.length;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) out.add(norm(x));
      return out;
    }
    if (o instanceof Map<?, ?> m) {
      java.util.TreeMap<String, Object> out = new java.util.TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), norm(e.getValue()));
      return out;
    }
    return o == null ? null : o.toString();
  }

  /** Scans in odd batches and takes random rows; everything must equal {@code expected}. */
  void check(LanceFileReader r, VectorSchemaRoot expected, int batch, long seed, String ctx) throws Exception {
    int n = expected.getRowCount();
    assertThat(r.numRows()).isEqualTo(n);
    try (ArrowReader ar = r.scan(ScanOptions.builder().batchSize(batch).build())) {
      int pos = 0;
      while (ar.loadNextBatch()) {
        VectorSchemaRoot b = ar.getVectorSchemaRoot();
        for (FieldVector av : b.getFieldVectors()) {
          FieldVector ev = expected.getVector(av.getName());
          for (int i = 0; i < b.getRowCount(); i++) {
            assertThat(norm(av.getObject(i))).as("%s scan %s row %d (seed %d)", ctx, av.getName(), pos + i, seed).isEqualTo(norm(ev.getObject(pos + i)));
          }
        }
        pos += b.getRowCount();
      }
      assertThat(pos).as("%s rows scanned", ctx).isEqualTo(n);
    }
    if (n == 0) {
      return;
    }
    Random rnd = new Random(seed ^ 0x5DEECE66DL);
    long[] rows = new long[Math.min(2 * n, 257)];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = rnd.nextInt(n);
    }
    try (VectorSchemaRoot t = r.take(rows, null)) {
      for (FieldVector av : t.getFieldVectors()) {
        FieldVector ev = expected.getVector(av.getName());
        for (int i = 0; i < rows.length; i++) {
          assertThat(norm(av.getObject(i))).as("%s take %s row %d (seed %d)", ctx, av.getName(), rows[i], seed).isEqualTo(norm(ev.getObject((int) rows[i])));
        }
      }
    }
  }

  void roundTrip(String name, Schema s, String version, int n, long seed, int batch) throws Exception {
    Path p = write(name, s, version, n, seed, null);
    try (VectorSchemaRoot expected = VectorSchemaRoot.create(s, alloc);
        LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), p.getFileName().toString(), alloc)) {
      Random rr = new Random(seed);
      for (FieldVector v : expected.getFieldVectors()) {
        fill(v, n, rr);
      }
      expected.setRowCount(n);
      assertThat(r.version().toString()).contains(version);
      for (FileInfo.ColumnInfo c : r.info().columns()) {
        System.out.println(name + " " + version + " " + c.field() + ": " + (c.pages().isEmpty() ? "no pages" : c.pages().get(0).encoding()));
      }
      check(r, expected, batch, seed, name + " " + version);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.1", "2.2", "2.3"})
  void manyTypes(String version) throws Exception {
    roundTrip("types.lance", typesSchema(), version, 3000, 7L, 333);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void tinyFiles(int n) throws Exception {
    Schema s = new Schema(List.of(f("i", I64, true), f("s", ArrowType.Utf8.INSTANCE, true),
        f("l", ArrowType.List.INSTANCE, true, f("item", I32, true)), f("longs", ArrowType.Utf8.INSTANCE, true)));
    roundTrip("tiny" + n + ".lance", s, "2.1", n, 11L + n, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.1", "2.2"})
  void hugeBinariesFullZipZstd(String version) throws Exception {
    Schema s = new Schema(List.of(f("huge", ArrowType.LargeBinary.INSTANCE, true), f("hugeb", ArrowType.Binary.INSTANCE, false)));
    roundTrip("huge.lance", s, version, 5, 13L, 2);
  }

  @Test
  void legacyBlobWithLargePayloads() throws Exception {
    Schema s = new Schema(List.of(f("id", I32, false), fm("huge", ArrowType.LargeBinary.INSTANCE, true, Map.of("lance-encoding:blob", "true"))));
    roundTrip("blob.lance", s, "2.1", 6, 17L, 4);
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), "blob.lance", alloc)) {
      assertThat(r.info().columns().get(1).pages().get(0).layout()).isEqualTo("Blob");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.1", "2.2"})
  void dictionaryColumnReadsAsValues(String version) throws Exception {
    long seed = 23L;
    int n = 2000;
    DictionaryEncoding enc = new DictionaryEncoding(1L, false, new ArrowType.Int(32, true));
    Schema s = new Schema(List.of(new Field("d", new FieldType(true, I32, enc), List.of())));
    String[] words = {"alpha", "beta", "gamma", "delta", "epsilon"};
    Random rnd = new Random(seed);
    String[] expected = new String[n];
    Path p = dir.resolve("dict.lance");
    try (VarCharVector dv = new VarCharVector("d", alloc);
        VectorSchemaRoot root = VectorSchemaRoot.create(s, alloc)) {
      dv.allocateNew();
      for (int i = 0; i < words.length; i++) {
        dv.setSafe(i, words[i].getBytes(StandardCharsets.UTF_8));
      }
      dv.setValueCount(words.length);
      DictionaryProvider.MapDictionaryProvider prov = new DictionaryProvider.MapDictionaryProvider(new Dictionary(dv, enc));
      IntVector idx = (IntVector) root.getVector("d");
      idx.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (rnd.nextInt(9) == 0) {
          idx.setNull(i);
        } else {
          int k = rnd.nextInt(words.length);
          idx.set(i, k);
          expected[i] = words[k];
        }
      }
      idx.setValueCount(n);
      root.setRowCount(n);
      try (org.lance.file.LanceFileWriter w = org.lance.file.LanceFileWriter.open(p.toString(), alloc, prov, Optional.of(version), Map.of())) {
        w.write(root);
      }
    }
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), "dict.lance", alloc)) {
      Field df = r.schema().findField("d");
      assertThat(df.getDictionary()).isNull();
      assertThat(df.getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
      assertThat(df.getMetadata()).containsKey(LanceFileReader.DICTIONARY_TYPE_KEY);
      try (ArrowReader ar = r.scan(ScanOptions.builder().batchSize(301).build())) {
        int pos = 0;
        while (ar.loadNextBatch()) {
          VectorSchemaRoot b = ar.getVectorSchemaRoot();
          assertThat(b.getSchema().getFields().get(0)).isEqualTo(df);
          VarCharVector v = (VarCharVector) b.getVector(0);
          for (int i = 0; i < b.getRowCount(); i++) {
            Object got = v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
            assertThat(got).as("dict row %d (seed %d)", pos + i, seed).isEqualTo(expected[pos + i]);
          }
          pos += b.getRowCount();
        }
        assertThat(pos).isEqualTo(n);
      }
      long[] rows = {1999, 0, 5, 5, 1000};
      try (VectorSchemaRoot t = r.take(rows, null)) {
        VarCharVector v = (VarCharVector) t.getVector(0);
        for (int i = 0; i < rows.length; i++) {
          Object got = v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
          assertThat(got).as("dict take row %d (seed %d)", rows[i], seed).isEqualTo(expected[(int) rows[i]]);
        }
      }
    }
  }

  @Test
  void fixedSizeListWithNullItemsMatchesReference() throws Exception {
    Schema s = new Schema(List.of(f("id", I32, false), f("v", new ArrowType.FixedSizeList(4), true, f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), true))));
    Path p = write("fslnull.lance", s, "2.1", 100, 29L, null);
    List<VectorSchemaRoot> ref = dev.lancelet.file.testing.ReferenceLance.readFile(p, null, alloc);
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), p.getFileName().toString(), alloc)) {
      assertThat(r.info().columns().get(1).pages().get(0).encoding()).contains("FixedSizeList");
      long[] rows = {3, 0, 99, 3, 50};
      try (VectorSchemaRoot t = r.take(rows, null)) {
        dev.lancelet.file.testing.ArrowAssert.assertRowsEqual(ref, null, rows, t, null, "take of fixed-size lists with null items");
      }
    } finally {
      dev.lancelet.file.testing.ReferenceLance.closeAll(ref);
    }
  }
}
