package dev.lancelet.file.fuzz;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.MemoryObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Real Lance files for the corruption and fuzz tests: seeded data of a mixed schema (ints, floats,
 * bool, short and long strings, nullable columns, a list, a struct, a fixed-size-list vector, a
 * constant and an all-null column), written by the reference engine (lance-core 7.0) and, where
 * it can, by Lancelet's own writer. Everything is deterministic in the seed.
 */
final class FuzzCorpus {
  private FuzzCorpus() {}

  /** One real file: a name for messages, its bytes, and its content as Lancelet reads it. */
  record Sample(String name, byte[] bytes, Schema schema, List<String> rows) {}

  static Field f(String name, ArrowType t, boolean nullable, Field... children) {
    return new Field(name, new FieldType(nullable, t, null), List.of(children));
  }

  static final ArrowType I32 = new ArrowType.Int(32, true);
  static final ArrowType I64 = new ArrowType.Int(64, true);
  static final ArrowType F32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
  static final ArrowType F64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

  /** The mixed schema; {@code dim} is the vector width, {@code longText} adds a column of 100-400 byte strings. */
  static Schema mixedSchema(int dim, boolean longText) {
    return mixedSchema(dim, longText, false);
  }

  /** The mixed schema; with {@code nullableItems} the vector's items are nullable and some are null. */
  static Schema mixedSchema(int dim, boolean longText, boolean nullableItems) {
    List<Field> fs = new ArrayList<>(List.of(
        f("id", I64, false),
        f("i32", I32, true),
        f("f32", F32, true),
        f("f64", F64, false),
        f("b", ArrowType.Bool.INSTANCE, true),
        f("s", ArrowType.Utf8.INSTANCE, true),
        f("li", ArrowType.List.INSTANCE, true, f("item", I32, true)),
        f("st", ArrowType.Struct.INSTANCE, true, f("a", I32, true), f("c", ArrowType.Utf8.INSTANCE, true)),
        f("vec", new ArrowType.FixedSizeList(dim), true, f("item", F32, nullableItems)),
        f("konst", I64, false),
        f("allnull", I32, true)));
    if (longText) {
      fs.add(f("txt", ArrowType.Utf8.INSTANCE, true));
    }
    return new Schema(fs);
  }

  private static String word(Random r, int len) {
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append((char) ('a' + r.nextInt(8)));
    }
    return sb.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Fills {@code root} (of {@link #mixedSchema}) with {@code n} seeded rows. */
  static void fill(VectorSchemaRoot root, int n, long seed) {
    Random r = new Random(seed);
    for (FieldVector v : root.getFieldVectors()) {
      v.setInitialCapacity(n);
    }
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("id");
    IntVector i32 = (IntVector) root.getVector("i32");
    Float4Vector f32 = (Float4Vector) root.getVector("f32");
    Float8Vector f64 = (Float8Vector) root.getVector("f64");
    BitVector b = (BitVector) root.getVector("b");
    VarCharVector s = (VarCharVector) root.getVector("s");
    StructVector st = (StructVector) root.getVector("st");
    IntVector sta = (IntVector) st.getChild("a");
    VarCharVector stc = (VarCharVector) st.getChild("c");
    FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
    Float4Vector items = (Float4Vector) vec.getDataVector();
    int dim = vec.getListSize();
    boolean nullItems = vec.getField().getChildren().get(0).isNullable();
    BigIntVector konst = (BigIntVector) root.getVector("konst");
    IntVector allnull = (IntVector) root.getVector("allnull");
    VarCharVector txt = (VarCharVector) root.getVector("txt");
    for (int i = 0; i < n; i++) {
      id.set(i, 1000L + i);
      if (r.nextInt(5) == 0) i32.setNull(i); else i32.set(i, r.nextInt(5000) - 100);
      if (r.nextInt(7) == 0) f32.setNull(i); else f32.set(i, (float) r.nextGaussian());
      f64.set(i, r.nextDouble() * 1e6);
      if (r.nextInt(6) == 0) b.setNull(i); else b.set(i, r.nextBoolean() ? 1 : 0);
      if (r.nextInt(8) == 0) s.setNull(i); else s.setSafe(i, utf8(word(r, r.nextInt(14))));
      int k = r.nextInt(9);
      if (k == 0) {
        st.setNull(i);
        sta.setNull(i);
        stc.setNull(i);
      } else {
        st.setIndexDefined(i);
        if (k == 1) sta.setNull(i); else sta.set(i, r.nextInt());
        if (k == 2) stc.setNull(i); else stc.setSafe(i, utf8("c" + r.nextInt(40)));
      }
      if (r.nextInt(10) == 0) {
        vec.setNull(i);
        for (int j = 0; j < dim; j++) items.setSafe(i * dim + j, 0f);
      } else {
        vec.setNotNull(i);
        for (int j = 0; j < dim; j++) {
          if (nullItems && r.nextInt(6) == 0) items.setNull(i * dim + j); else items.setSafe(i * dim + j, r.nextFloat());
        }
      }
      konst.set(i, 7);
      allnull.setNull(i);
      if (txt != null) {
        if (r.nextInt(5) == 0) txt.setNull(i); else txt.setSafe(i, utf8(word(r, 100 + r.nextInt(300))));
      }
    }
    items.setValueCount(n * dim);
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
    root.setRowCount(n);
  }

  interface Writer {
    byte[] write() throws IOException;
  }

  /**
   * The checked-in file {@code <name>.lance} next to this class, or, when it is missing or {@code
   * -Dlancelet.fuzz.regenerate=<dir>} is set, a fresh one from {@code writer} (saved to that
   * directory when set).
   */
  static byte[] golden(String name, Writer writer) throws IOException {
    String regen = System.getProperty("lancelet.fuzz.regenerate");
    if (regen == null) {
      try (var in = FuzzCorpus.class.getResourceAsStream(name + ".lance")) {
        if (in != null) {
          return in.readAllBytes();
        }
      }
    }
    byte[] b = writer.write();
    if (regen != null) {
      Files.write(Path.of(regen).resolve(name + ".lance"), b);
    }
    return b;
  }

  /** Writes {@code n} rows with lance-core 7.0 in file version {@code version} ("2.0", "2.1", "2.2"). */
  static byte[] writeWithLanceCore(Path dir, String version, Schema schema, int n, long seed) throws IOException {
    Path p = dir.resolve("core-" + version + "-" + seed + ".lance");
    try (BufferAllocator alloc = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      fill(root, n, seed);
      try (org.lance.file.LanceFileWriter w =
          org.lance.file.LanceFileWriter.open(p.toString(), alloc, null, Optional.of(version), Map.of())) {
        w.write(root);
      } catch (Exception e) {
        throw new IOException("lance-core could not write " + p + ": " + e, e);
      }
    }
    return Files.readAllBytes(p);
  }

  /** Writes {@code n} rows with Lancelet's writer, with small pages so there are many. */
  static byte[] writeWithLancelet(Schema schema, int n, long seed, long maxPageBytes) throws IOException {
    return writeWithLancelet(schema, n, seed, maxPageBytes, WriteOptions.DEFAULT_VERSION);
  }

  /** As above, in file version {@code version}. */
  static byte[] writeWithLancelet(Schema schema, int n, long seed, long maxPageBytes, LanceFileVersion version) throws IOException {
    MemoryObjectStore store = new MemoryObjectStore("corpus");
    try (BufferAllocator alloc = new RootAllocator()) {
      try (VectorSchemaRoot all = VectorSchemaRoot.create(schema, alloc)) {
        fill(all, n, seed);
        try (LanceFileWriter w = LanceFileWriter.create(store, "x.lance", schema, alloc,
            WriteOptions.builder().version(version).maxPageBytes(maxPageBytes).build())) {
          w.write(all);
        }
      }
      try (var obj = store.open("x.lance")) {
        var buf = obj.read(0, (int) obj.size());
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
      }
    }
  }

  /** Normalizes a vector value for comparison: byte arrays by content, maps by sorted key. */
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
      TreeMap<String, Object> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), norm(e.getValue()));
      return out;
    }
    return o == null ? null : o.toString();
  }

  /** Appends one string per row of {@code root} (all columns) to {@code out}. */
  static void render(VectorSchemaRoot root, List<String> out) {
    List<FieldVector> vs = root.getFieldVectors();
    for (int i = 0; i < root.getRowCount(); i++) {
      StringBuilder sb = new StringBuilder();
      for (FieldVector v : vs) {
        sb.append(norm(v.getObject(i))).append('|');
      }
      out.add(sb.toString());
    }
  }

  /** Thrown by {@link #validate}: the reader produced vectors Arrow itself considers malformed. */
  static final class InvalidArrowData extends RuntimeException {
    InvalidArrowData(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Structural validation of every vector: offsets start at 0 or more, never decrease and stay
   * inside the data or child vector; children are long enough. (Arrow's own {@code
   * ValueVectorUtility.validateFull} throws on every fixed-size list, so we check by hand.)
   */
  static void validate(VectorSchemaRoot root, String what) {
    for (FieldVector v : root.getFieldVectors()) {
      try {
        check(v, root.getRowCount());
      } catch (RuntimeException e) {
        throw new InvalidArrowData(what + " returned an invalid " + v.getField() + ": " + e.getMessage(), e);
      }
    }
  }

  private static void check(ValueVector v, int count) {
    if (v.getValueCount() < count) {
      throw new IllegalStateException(v.getName() + " has " + v.getValueCount() + " values, needs " + count);
    }
    if (v instanceof BaseVariableWidthVector bv) {
      long cap = bv.getDataBuffer().capacity();
      long prev = bv.getOffsetBuffer().getInt(0);
      if (prev < 0) throw new IllegalStateException(v.getName() + " offset 0 is " + prev);
      for (int i = 1; i <= count; i++) {
        long o = bv.getOffsetBuffer().getInt((long) i * 4);
        if (o < prev || o > cap) throw new IllegalStateException(v.getName() + " offset " + i + " is " + o + " after " + prev + ", data " + cap);
        prev = o;
      }
    } else if (v instanceof BaseLargeVariableWidthVector bv) {
      long cap = bv.getDataBuffer().capacity();
      long prev = bv.getOffsetBuffer().getLong(0);
      if (prev < 0) throw new IllegalStateException(v.getName() + " offset 0 is " + prev);
      for (int i = 1; i <= count; i++) {
        long o = bv.getOffsetBuffer().getLong((long) i * 8);
        if (o < prev || o > cap) throw new IllegalStateException(v.getName() + " offset " + i + " is " + o + " after " + prev + ", data " + cap);
        prev = o;
      }
    } else if (v instanceof ListVector lv) {
      long prev = lv.getOffsetBuffer().getInt(0);
      for (int i = 1; i <= count; i++) {
        long o = lv.getOffsetBuffer().getInt((long) i * 4);
        if (o < prev) throw new IllegalStateException(v.getName() + " offset " + i + " is " + o + " after " + prev);
        prev = o;
      }
      check(lv.getDataVector(), count == 0 ? 0 : (int) prev);
    } else if (v instanceof LargeListVector lv) {
      long prev = lv.getOffsetBuffer().getLong(0);
      for (int i = 1; i <= count; i++) {
        long o = lv.getOffsetBuffer().getLong((long) i * 8);
        if (o < prev) throw new IllegalStateException(v.getName() + " offset " + i + " is " + o + " after " + prev);
        prev = o;
      }
      check(lv.getDataVector(), count == 0 ? 0 : Math.toIntExact(prev));
    } else if (v instanceof FixedSizeListVector fl) {
      check(fl.getDataVector(), Math.multiplyExact(count, fl.getListSize()));
    } else if (v instanceof StructVector sv) {
      for (FieldVector c : sv.getChildrenFromFields()) {
        check(c, count);
      }
    }
  }

  /** Reads a whole file with Lancelet into row strings. */
  static List<String> readAll(LanceFileReader r, int batchSize) throws IOException {
    List<String> rows = new ArrayList<>();
    try (ArrowReader ar = r.scan(ScanOptions.builder().batchSize(batchSize).build())) {
      while (ar.loadNextBatch()) {
        validate(ar.getVectorSchemaRoot(), "scan");
        render(ar.getVectorSchemaRoot(), rows);
      }
    }
    return rows;
  }

  /** The rows {@link #fill} makes, rendered as {@link #render} does. */
  static List<String> expectedRows(Schema schema, int n, long seed) {
    List<String> out = new ArrayList<>();
    try (BufferAllocator alloc = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      fill(root, n, seed);
      render(root, out);
    }
    return out;
  }

  /**
   * Makes a sample from the bytes of a file holding {@code fill(schema, n, seed)}: reads it once
   * with Lancelet. The damaged copies are compared with this clean read (the fuzz tests test
   * robustness, the interop tests correctness); a clean read that differs from the data written
   * is reported in {@code notes}.
   */
  static Sample sample(String name, byte[] bytes, Schema schema, int n, long seed, List<String> notes) throws IOException {
    MemoryObjectStore store = new MemoryObjectStore("corpus");
    store.put(name, bytes);
    List<String> expected = expectedRows(schema, n, seed);
    try (BufferAllocator alloc = new RootAllocator();
        LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
      List<String> rows = readAll(r, 1000);
      if (!rows.equals(expected)) {
        int i = 0;
        while (i < Math.min(rows.size(), expected.size()) && rows.get(i).equals(expected.get(i))) {
          i++;
        }
        notes.add("Lancelet misreads clean " + name + " at row " + i + " of " + rows.size() + "/" + expected.size()
            + (i < Math.min(rows.size(), expected.size()) ? ": read " + rows.get(i) + ", written " + expected.get(i) : ""));
      }
      return new Sample(name, bytes, r.schema(), List.copyOf(rows));
    }
  }
}
