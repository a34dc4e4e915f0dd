package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.MemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionLargeListWriter;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** lance-core 7.0 writes seeded random data, Lancelet reads it back; values must match exactly. */
class ReaderInteropTest {
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

  static Schema schema() {
    return new Schema(List.of(
        f("i8", new ArrowType.Int(8, true), false),
        f("i16", new ArrowType.Int(16, true), true),
        f("i32", new ArrowType.Int(32, true), true),
        f("i64", new ArrowType.Int(64, true), false),
        f("u32", new ArrowType.Int(32, false), false),
        f("u64small", new ArrowType.Int(64, false), true),
        f("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), true),
        f("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), false),
        f("b", ArrowType.Bool.INSTANCE, true),
        f("s", ArrowType.Utf8.INSTANCE, true),
        f("slow", ArrowType.Utf8.INSTANCE, false),
        f("ls", ArrowType.LargeUtf8.INSTANCE, true),
        f("bin", ArrowType.Binary.INSTANCE, true),
        f("fsb", new ArrowType.FixedSizeBinary(16), true),
        f("d32", new ArrowType.Date(DateUnit.DAY), true),
        f("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), true),
        f("dec", new ArrowType.Decimal(38, 10, 128), true),
        f("constant", new ArrowType.Int(64, true), false),
        f("allnull", new ArrowType.Int(32, true), true),
        f("st", ArrowType.Struct.INSTANCE, true,
            f("a", new ArrowType.Int(32, true), true),
            f("c", ArrowType.Struct.INSTANCE, true, f("d", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true))),
        f("li", ArrowType.List.INSTANCE, true, f("item", new ArrowType.Int(32, true), true)),
        f("lls", ArrowType.LargeList.INSTANCE, true, f("item", ArrowType.Utf8.INSTANCE, true)),
        f("vec", new ArrowType.FixedSizeList(8), true, f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), true)),
        f("long", ArrowType.Utf8.INSTANCE, true)));
  }

  static byte[] randBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static String word(Random r, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append((char) ('a' + r.nextInt(6)));
    }
    return sb.toString();
  }

  static void fill(VectorSchemaRoot root, int n, long seed) {
    Random r = new Random(seed);
    for (FieldVector v : root.getFieldVectors()) {
      v.setInitialCapacity(n);
    }
    root.allocateNew();
    for (int i = 0; i < n; i++) {
      ((TinyIntVector) root.getVector("i8")).set(i, (byte) r.nextInt());
      if (r.nextInt(10) == 0) ((SmallIntVector) root.getVector("i16")).setNull(i); else ((SmallIntVector) root.getVector("i16")).set(i, (short) r.nextInt());
      if (r.nextInt(3) == 0) ((IntVector) root.getVector("i32")).setNull(i); else ((IntVector) root.getVector("i32")).set(i, r.nextInt(1000));
      ((BigIntVector) root.getVector("i64")).set(i, r.nextLong());
      ((UInt4Vector) root.getVector("u32")).set(i, r.nextInt());
      if (r.nextInt(20) == 0) ((UInt8Vector) root.getVector("u64small")).setNull(i); else ((UInt8Vector) root.getVector("u64small")).set(i, i / 7);
      if (r.nextInt(4) == 0) ((Float4Vector) root.getVector("f32")).setNull(i); else ((Float4Vector) root.getVector("f32")).set(i, (float) r.nextGaussian());
      ((Float8Vector) root.getVector("f64")).set(i, (i / 100) * 0.5);
      if (r.nextInt(5) == 0) ((BitVector) root.getVector("b")).setNull(i); else ((BitVector) root.getVector("b")).set(i, r.nextBoolean() ? 1 : 0);
      if (r.nextInt(6) == 0) ((VarCharVector) root.getVector("s")).setNull(i); else ((VarCharVector) root.getVector("s")).setSafe(i, word(r, r.nextInt(12)).getBytes(StandardCharsets.UTF_8));
      ((VarCharVector) root.getVector("slow")).setSafe(i, ("cat" + r.nextInt(8)).getBytes(StandardCharsets.UTF_8));
      if (r.nextInt(6) == 0) ((LargeVarCharVector) root.getVector("ls")).setNull(i); else ((LargeVarCharVector) root.getVector("ls")).setSafe(i, word(r, 3 + r.nextInt(20)).getBytes(StandardCharsets.UTF_8));
      if (r.nextInt(6) == 0) ((VarBinaryVector) root.getVector("bin")).setNull(i); else ((VarBinaryVector) root.getVector("bin")).setSafe(i, randBytes(r, 8 + r.nextInt(32)));
      if (r.nextInt(6) == 0) ((FixedSizeBinaryVector) root.getVector("fsb")).setNull(i); else ((FixedSizeBinaryVector) root.getVector("fsb")).set(i, randBytes(r, 16));
      if (r.nextInt(6) == 0) ((DateDayVector) root.getVector("d32")).setNull(i); else ((DateDayVector) root.getVector("d32")).set(i, 18000 + i / 100);
      if (r.nextInt(6) == 0) ((TimeStampMicroTZVector) root.getVector("ts")).setNull(i); else ((TimeStampMicroTZVector) root.getVector("ts")).set(i, 1_700_000_000_000_000L + i * 1000L);
      if (r.nextInt(6) == 0) ((DecimalVector) root.getVector("dec")).setNull(i); else ((DecimalVector) root.getVector("dec")).set(i, new java.math.BigDecimal(java.math.BigInteger.valueOf(r.nextLong()), 10));
      ((BigIntVector) root.getVector("constant")).set(i, 42);
      ((IntVector) root.getVector("allnull")).setNull(i);
      StructVector st = (StructVector) root.getVector("st");
      IntVector a = (IntVector) st.getChild("a");
      StructVector c = (StructVector) st.getChild("c");
      Float8Vector d = (Float8Vector) c.getChild("d");
      int k = r.nextInt(8);
      if (k == 0) {
        st.setNull(i);
        a.setNull(i);
        c.setNull(i);
        d.setNull(i);
      } else {
        st.setIndexDefined(i);
        if (k == 1) a.setNull(i); else a.set(i, r.nextInt());
        if (k == 2) {
          c.setNull(i);
          d.setNull(i);
        } else {
          c.setIndexDefined(i);
          if (k == 3) d.setNull(i); else d.set(i, r.nextDouble());
        }
      }
      if (r.nextInt(5) == 0) ((VarCharVector) root.getVector("long")).setNull(i); else ((VarCharVector) root.getVector("long")).setSafe(i, word(r, 300 + r.nextInt(700)).getBytes(StandardCharsets.UTF_8));
      FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
      Float4Vector vitems = (Float4Vector) vec.getDataVector();
      if (r.nextInt(10) == 0) {
        vec.setNull(i);
        for (int j = 0; j < 8; j++) vitems.setSafe(i * 8 + j, 0f);
      } else {
        vec.setNotNull(i);
        for (int j = 0; j < 8; j++) vitems.setSafe(i * 8 + j, r.nextFloat());
      }
    }
    ListVector li = (ListVector) root.getVector("li");
    UnionListWriter w = li.getWriter();
    for (int i = 0; i < n; i++) {
      w.setPosition(i);
      int k = r.nextInt(6);
      if (k == 0) {
        w.writeNull();
        continue;
      }
      w.startList();
      int len = k == 1 ? 0 : r.nextInt(5);
      for (int j = 0; j < len; j++) {
        if (r.nextInt(7) == 0) w.writeNull(); else w.integer().writeInt(r.nextInt(100));
      }
      w.endList();
    }
    li.setValueCount(n);
    LargeListVector lls = (LargeListVector) root.getVector("lls");
    UnionLargeListWriter lw = lls.getWriter();
    for (int i = 0; i < n; i++) {
      lw.setPosition(i);
      int k = r.nextInt(6);
      if (k == 0) {
        lw.writeNull();
        continue;
      }
      lw.startList();
      int len = k == 1 ? 0 : r.nextInt(4);
      for (int j = 0; j < len; j++) {
        byte[] s = word(r, 1 + r.nextInt(6)).getBytes(StandardCharsets.UTF_8);
        try (org.apache.arrow.memory.ArrowBuf buf = root.getVector("lls").getAllocator().buffer(s.length)) {
          buf.setBytes(0, s);
          lw.varChar().writeVarChar(0, s.length, buf);
        }
      }
      lw.endList();
    }
    lls.setValueCount(n);
    root.setRowCount(n);
  }

  Path write(String version, int n, long seed) throws Exception {
    Path p = dir.resolve("t-" + version + ".lance");
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema(), alloc);
        org.lance.file.LanceFileWriter w = org.lance.file.LanceFileWriter.open(p.toString(), alloc, null, Optional.of(version), Map.of())) {
      fill(root, n, seed);
      w.write(root);
    }
    return p;
  }

  static Object norm(Object o) {
    if (o instanceof byte[] b) {
      return Arrays.toString(b);
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

  static void assertSame(VectorSchemaRoot expected, int expOffset, VectorSchemaRoot actual, String ctx) {
    for (FieldVector av : actual.getFieldVectors()) {
      FieldVector ev = expected.getVector(av.getName());
      for (int i = 0; i < actual.getRowCount(); i++) {
        Object e = norm(ev.getObject(expOffset + i));
        Object a = norm(av.getObject(i));
        assertThat(a).as("%s column %s row %d", ctx, av.getName(), expOffset + i).isEqualTo(e);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.1", "2.2"})
  void scanAndTakeMatchReference(String version) throws Exception {
    int n = 5000;
    long seed = 42;
    Path p = write(version, n, seed);
    try (VectorSchemaRoot expected = VectorSchemaRoot.create(schema(), alloc);
        LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), p.getFileName().toString(), alloc)) {
      fill(expected, n, seed);
      assertThat(r.numRows()).isEqualTo(n);
      assertThat(r.version().toString()).contains(version);
      assertThat(r.schema().getFields()).hasSize(schema().getFields().size());
      // Full scan in uneven batches.
      try (ArrowReader ar = r.scan(ScanOptions.builder().batchSize(777).build())) {
        int pos = 0;
        while (ar.loadNextBatch()) {
          assertSame(expected, pos, ar.getVectorSchemaRoot(), "scan " + version);
          pos += ar.getVectorSchemaRoot().getRowCount();
        }
        assertThat(pos).isEqualTo(n);
      }
      // Row range and projection.
      try (ArrowReader ar = r.scan(ScanOptions.builder().columns("s", "li", "st").rowRange(1234, 2345).batchSize(500).build())) {
        int pos = 1234;
        while (ar.loadNextBatch()) {
          assertSame(expected, pos, ar.getVectorSchemaRoot(), "range " + version);
          pos += ar.getVectorSchemaRoot().getRowCount();
        }
        assertThat(pos).isEqualTo(2345);
      }
      // Take.
      long[] rows = {4999, 0, 17, 17, 2500, 1023, 1024};
      try (VectorSchemaRoot t = r.take(rows, null)) {
        assertThat(t.getRowCount()).isEqualTo(rows.length);
        for (FieldVector av : t.getFieldVectors()) {
          FieldVector ev = expected.getVector(av.getName());
          for (int i = 0; i < rows.length; i++) {
            assertThat(norm(av.getObject(i))).as("take %s row %d", av.getName(), rows[i]).isEqualTo(norm(ev.getObject((int) rows[i])));
          }
        }
      }
      assertThat(r.info().columns()).isNotEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void rejectsGarbageWithFileName() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore("t");
    store.put("x.lance", "hello, this is definitely not a lance file".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> LanceFileReader.open(store, "x.lance", alloc))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("x.lance")
        .hasMessageContaining("LANC");
    byte[] legacy = new byte[64];
    legacy[56] = 0;
    legacy[58] = 2;
    System.arraycopy("LANC".getBytes(StandardCharsets.US_ASCII), 0, legacy, 60, 4);
    store.put("old.lance", legacy);
    assertThatThrownBy(() -> LanceFileReader.open(store, "old.lance", alloc))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("legacy Lance format (v0.1) is not supported");
    legacy[56] = 9;
    legacy[58] = 9;
    store.put("new.lance", legacy);
    assertThatThrownBy(() -> LanceFileReader.open(store, "new.lance", alloc))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining("unsupported Lance file version 9.9");
  }
}
