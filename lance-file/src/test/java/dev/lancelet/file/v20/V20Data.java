package dev.lancelet.file.v20;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
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

/** Test data for the 2.0 interop tests: schemas, seeded fillers, and the reference engine. */
final class V20Data {
  private V20Data() {}

  static Field f(String name, ArrowType t, boolean nullable, Field... kids) {
    return new Field(name, new FieldType(nullable, t, null), kids.length == 0 ? null : List.of(kids));
  }

  static final ArrowType I8 = new ArrowType.Int(8, true), I16 = new ArrowType.Int(16, true), I32 = new ArrowType.Int(32, true),
      I64 = new ArrowType.Int(64, true), U8 = new ArrowType.Int(8, false), U16 = new ArrowType.Int(16, false),
      U32 = new ArrowType.Int(32, false), U64 = new ArrowType.Int(64, false),
      F16 = new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), F32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
      F64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), UTF8 = ArrowType.Utf8.INSTANCE,
      LUTF8 = ArrowType.LargeUtf8.INSTANCE, BIN = ArrowType.Binary.INSTANCE, LBIN = ArrowType.LargeBinary.INSTANCE,
      BOOL = ArrowType.Bool.INSTANCE;

  /** Every scalar type lance-core's Java writer accepts for 2.0. */
  static final List<ArrowType> SCALARS = List.of(I8, I16, I32, I64, U8, U16, U32, U64, F16, F32, F64, BOOL, UTF8, LUTF8, BIN, LBIN,
      new ArrowType.Date(DateUnit.DAY), new ArrowType.Date(DateUnit.MILLISECOND), new ArrowType.Time(TimeUnit.MILLISECOND, 32),
      new ArrowType.Time(TimeUnit.MICROSECOND, 64), new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"),
      new ArrowType.Timestamp(TimeUnit.NANOSECOND, null), new ArrowType.Decimal(38, 10, 128), new ArrowType.Decimal(76, 20, 256));

  /** Fills {@code v} with {@code rows} seeded values; {@code pNull} of the nullable rows are null. */
  static void fill(FieldVector v, int rows, Random rnd, double pNull) {
    v.setInitialCapacity(rows);
    v.allocateNew();
    fillRange(v, 0, rows, rnd, pNull);
    v.setValueCount(rows);
  }

  static void fillRange(FieldVector v, int from, int to, Random rnd, double pNull) {
    double p = v.getField().isNullable() ? pNull : 0;
    for (int i = from; i < to; i++) {
      boolean isNull = p > 0 && rnd.nextDouble() < p;
      switch (v) {
        case StructVector s -> {
          s.setIndexDefined(i);
          for (FieldVector c : s.getChildrenFromFields()) {
            fillRange(c, i, i + 1, rnd, pNull);
          }
        }
        case ListVector l -> {
          if (isNull) {
            l.setNull(i);
          } else {
            int len = rnd.nextInt(5);
            int start = l.startNewValue(i);
            fillRange(l.getDataVector(), start, start + len, rnd, pNull);
            l.getDataVector().setValueCount(start + len);
            l.endValue(i, len);
          }
        }
        case LargeListVector l -> {
          if (isNull) {
            l.setNull(i);
          } else {
            int len = rnd.nextInt(5);
            int start = (int) l.startNewValue(i);
            fillRange(l.getDataVector(), start, start + len, rnd, pNull);
            l.getDataVector().setValueCount(start + len);
            l.endValue(i, len);
          }
        }
        case FixedSizeListVector l -> {
          int dim = l.getListSize();
          if (isNull) {
            l.setNull(i);
          } else {
            l.setNotNull(i);
          }
          fillRange(l.getDataVector(), i * dim, (i + 1) * dim, rnd, pNull);
          l.getDataVector().setValueCount((i + 1) * dim);
        }
        default -> {
          if (isNull) {
            setNull(v, i);
          } else {
            setValue(v, i, rnd);
          }
        }
      }
    }
  }

  static void setNull(FieldVector v, int i) {
    switch (v) {
      case BaseFixedWidthVector b -> b.setNull(i);
      case BaseVariableWidthVector b -> b.setNull(i);
      case BaseLargeVariableWidthVector b -> b.setNull(i);
      default -> throw new IllegalStateException("cannot null " + v.getClass());
    }
  }

  static void setValue(FieldVector v, int i, Random rnd) {
    long x = rnd.nextLong();
    switch (v) {
      case TinyIntVector t -> t.setSafe(i, (byte) x);
      case SmallIntVector t -> t.setSafe(i, (short) x);
      case IntVector t -> t.setSafe(i, (int) x);
      case BigIntVector t -> t.setSafe(i, x);
      case UInt1Vector t -> t.setSafe(i, (byte) x);
      case UInt2Vector t -> t.setSafe(i, (char) x);
      case UInt4Vector t -> t.setSafe(i, (int) x);
      case UInt8Vector t -> t.setSafe(i, x);
      case Float2Vector t -> t.setSafe(i, (short) (x & 0x3BFF));
      case Float4Vector t -> t.setSafe(i, (float) rnd.nextGaussian());
      case Float8Vector t -> t.setSafe(i, rnd.nextDouble());
      case BitVector t -> t.setSafe(i, rnd.nextInt(2));
      case DateDayVector t -> t.setSafe(i, rnd.nextInt(40000));
      case DateMilliVector t -> t.setSafe(i, rnd.nextInt(40000) * 86_400_000L);
      case TimeMilliVector t -> t.setSafe(i, rnd.nextInt(86_400_000));
      case TimeMicroVector t -> t.setSafe(i, Math.floorMod(x, 86_400_000_000L));
      case TimeStampMicroTZVector t -> t.setSafe(i, 1_700_000_000_000_000L + rnd.nextInt());
      case TimeStampNanoVector t -> t.setSafe(i, x);
      case DecimalVector t -> t.setSafe(i, java.math.BigDecimal.valueOf(x, 10));
      case Decimal256Vector t -> t.setSafe(i, java.math.BigDecimal.valueOf(x, 20));
      case FixedSizeBinaryVector t -> {
        byte[] b = new byte[t.getByteWidth()];
        rnd.nextBytes(b);
        t.setSafe(i, b);
      }
      case VarCharVector t -> t.setSafe(i, str(rnd));
      case LargeVarCharVector t -> t.setSafe(i, str(rnd));
      case VarBinaryVector t -> t.setSafe(i, bytes(rnd));
      case LargeVarBinaryVector t -> t.setSafe(i, bytes(rnd));
      default -> throw new IllegalStateException("no filler for " + v.getClass());
    }
  }

  static byte[] str(Random rnd) {
    int n = rnd.nextInt(20);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < n; k++) {
      sb.append((char) ('a' + rnd.nextInt(26)));
    }
    if (rnd.nextInt(10) == 0) {
      sb.append("é€😀");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(Random rnd) {
    byte[] b = new byte[rnd.nextInt(30)];
    rnd.nextBytes(b);
    return b;
  }

  /** Low-cardinality strings (the 2.0 writer dictionary-encodes these itself). */
  static void fillLowCard(VarCharVector v, int rows, Random rnd, double pNull) {
    v.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      if (rnd.nextDouble() < pNull) {
        v.setNull(i);
      } else {
        v.setSafe(i, ("cat" + rnd.nextInt(7)).getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(rows);
  }

  /** Writes {@code root} as a 2.0 file with lance-core. */
  static void writeReference(Path file, VectorSchemaRoot root, DictionaryProvider dicts, BufferAllocator alloc) throws Exception {
    writeReference(file, root, dicts, alloc, "2.0");
  }

  static void writeReference(Path file, VectorSchemaRoot root, DictionaryProvider dicts, BufferAllocator alloc, String version) throws Exception {
    try (org.lance.file.LanceFileWriter w =
        org.lance.file.LanceFileWriter.open(file.toString(), alloc, dicts, Optional.of(version), Map.of())) {
      w.write(root);
    }
  }

  /** Rows of a root as comparable strings (dictionary columns decoded when a provider is given). */
  static List<List<String>> rows(VectorSchemaRoot root, DictionaryProvider dicts) {
    List<FieldVector> vs = new ArrayList<>();
    List<FieldVector> decoded = new ArrayList<>();
    for (FieldVector v : root.getFieldVectors()) {
      DictionaryEncoding enc = v.getField().getDictionary();
      if (enc != null && dicts != null) {
        Dictionary d = dicts.lookup(enc.getId());
        FieldVector dv = (FieldVector) DictionaryEncoder.decode(v, d);
        decoded.add(dv);
        vs.add(dv);
      } else {
        vs.add(v);
      }
    }
    try {
      List<List<String>> out = new ArrayList<>();
      for (int i = 0; i < root.getRowCount(); i++) {
        List<String> row = new ArrayList<>();
        for (FieldVector v : vs) {
          Object o = v.getObject(i);
          row.add(o instanceof byte[] b ? Arrays.toString(b) : String.valueOf(o));
        }
        out.add(row);
      }
      return out;
    } finally {
      decoded.forEach(FieldVector::close);
    }
  }

  /** What lance-core reads back from {@code file}, all rows. */
  static List<List<String>> referenceRows(Path file, BufferAllocator alloc) throws Exception {
    List<List<String>> out = new ArrayList<>();
    try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(file.toString(), alloc);
        ArrowReader ar = r.readAll(null, null, 1 << 20)) {
      while (ar.loadNextBatch()) {
        out.addAll(rows(ar.getVectorSchemaRoot(), ar));
      }
    }
    return out;
  }
}
