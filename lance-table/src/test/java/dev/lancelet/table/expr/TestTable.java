package dev.lancelet.table.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A seeded random batch covering every type the expression language evaluates, together with the
 * true value of every cell as a plain Java value (the reference evaluator works on those, never on
 * the vectors). Reference value model: null, Boolean, BigInteger (all integers), Double (all
 * floats), BigDecimal (decimals), String (utf8), byte[] (binary), {@link Instant} (dates and
 * timestamps, as nanoseconds since the epoch).
 */
final class TestTable implements AutoCloseable {
  /** A date or timestamp as nanoseconds since the epoch (UTC). */
  record Instant(BigInteger nanos) {}

  enum Kind { INT, UINT64, FLOAT, DEC, BOOL, STR, BIN, TEMPORAL, STRUCT, LIST }

  record Column(String name, ArrowType type, Kind kind) {}

  static final List<Column> COLUMNS = List.of(
      new Column("i8", new ArrowType.Int(8, true), Kind.INT),
      new Column("i16", new ArrowType.Int(16, true), Kind.INT),
      new Column("i32", new ArrowType.Int(32, true), Kind.INT),
      new Column("i64", new ArrowType.Int(64, true), Kind.INT),
      new Column("u8", new ArrowType.Int(8, false), Kind.INT),
      new Column("u16", new ArrowType.Int(16, false), Kind.INT),
      new Column("u32", new ArrowType.Int(32, false), Kind.INT),
      new Column("u64", new ArrowType.Int(64, false), Kind.UINT64),
      new Column("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), Kind.FLOAT),
      new Column("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), Kind.FLOAT),
      new Column("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), Kind.FLOAT),
      new Column("dec", new ArrowType.Decimal(10, 2, 128), Kind.DEC),
      new Column("flag", ArrowType.Bool.INSTANCE, Kind.BOOL),
      new Column("s", ArrowType.Utf8.INSTANCE, Kind.STR),
      new Column("ls", ArrowType.LargeUtf8.INSTANCE, Kind.STR),
      new Column("bin", ArrowType.Binary.INSTANCE, Kind.BIN),
      new Column("d32", new ArrowType.Date(DateUnit.DAY), Kind.TEMPORAL),
      new Column("d64", new ArrowType.Date(DateUnit.MILLISECOND), Kind.TEMPORAL),
      new Column("ts_s", new ArrowType.Timestamp(TimeUnit.SECOND, null), Kind.TEMPORAL),
      new Column("ts_ms", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"), Kind.TEMPORAL),
      new Column("ts_us", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), Kind.TEMPORAL),
      new Column("ts_ns", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "Europe/Paris"), Kind.TEMPORAL),
      new Column("st", ArrowType.Struct.INSTANCE, Kind.STRUCT),
      new Column("lst", ArrowType.List.INSTANCE, Kind.LIST));

  /** Reference values of the struct's fields, addressed as "st.x" and "st.y". */
  static final String ST_X = "st.x";
  static final String ST_Y = "st.y";

  static final String[] STRINGS = {"", "a", "ab", "abc", "b", "ba", "B", "é", "日本", "a_c", "a%c", "it's", "zz"};
  static final double[] DOUBLES = {-2.5, -1, -0.0, 0.0, 0.5, 1, 2, 3.25, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, 1e300};
  static final long BASE_DAY = 19_720;
  static final long BASE_SECOND = BASE_DAY * 86_400;

  final VectorSchemaRoot root;
  final int rows;
  final java.util.Map<String, Object[]> values = new java.util.HashMap<>();

  static Schema schema() {
    List<Field> fields = new ArrayList<>();
    for (Column c : COLUMNS) {
      if (c.kind == Kind.STRUCT) {
        fields.add(new Field(c.name, FieldType.nullable(c.type), List.of(
            Field.nullable("x", new ArrowType.Int(32, true)), Field.nullable("y", ArrowType.Utf8.INSTANCE))));
      } else if (c.kind == Kind.LIST) {
        fields.add(new Field(c.name, FieldType.nullable(c.type),
            List.of(Field.nullable("item", new ArrowType.Int(32, true)))));
      } else {
        fields.add(Field.nullable(c.name, c.type));
      }
    }
    return new Schema(fields);
  }

  TestTable(BufferAllocator allocator, Random rnd, int rows, double nullRate) {
    this.rows = rows;
    this.root = VectorSchemaRoot.create(schema(), allocator);
    root.allocateNew();
    values.put(ST_X, new Object[rows]);
    values.put(ST_Y, new Object[rows]);
    for (Column c : COLUMNS) {
      FieldVector v = root.getVector(c.name);
      Object[] vals = new Object[rows];
      for (int i = 0; i < rows; i++) {
        boolean isNull = rnd.nextDouble() < nullRate;
        vals[i] = fill(c, v, i, isNull, rnd);
      }
      v.setValueCount(rows);
      values.put(c.name, vals);
    }
    root.setRowCount(rows);
  }

  Object[] values(String name) {
    return values.get(name);
  }

  static BigInteger randomInt(ArrowType.Int t, Random rnd) {
    int bits = t.getBitWidth();
    BigInteger min = t.getIsSigned() ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
    BigInteger max = t.getIsSigned() ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    int r = rnd.nextInt(100);
    if (r == 0) {
      return min;
    }
    if (r == 1) {
      return max;
    }
    if (r == 2) {
      return max.subtract(BigInteger.valueOf(rnd.nextInt(3)));
    }
    long v = t.getIsSigned() ? rnd.nextInt(9) - 4 : rnd.nextInt(9);
    return BigInteger.valueOf(v);
  }

  static double randomDouble(FloatingPointPrecision p, Random rnd) {
    double d = rnd.nextInt(4) == 0 ? (rnd.nextInt(41) - 20) / 4.0 : DOUBLES[rnd.nextInt(DOUBLES.length)];
    if (p == FloatingPointPrecision.SINGLE) {
      return (float) d;
    }
    if (p == FloatingPointPrecision.HALF) {
      return Float16.toFloat(Float16.toFloat16((float) d));
    }
    return d;
  }

  static BigDecimal randomDecimal(Random rnd) {
    return BigDecimal.valueOf(rnd.nextInt(1001) - 500, 2);
  }

  /** Nanoseconds of a random instant near BASE_DAY, representable in the column's unit. */
  static BigInteger randomNanos(ArrowType t, Random rnd) {
    long unitNanos;
    if (t instanceof ArrowType.Date) {
      unitNanos = 86_400_000_000_000L;
    } else {
      unitNanos = switch (((ArrowType.Timestamp) t).getUnit()) {
        case SECOND -> 1_000_000_000L;
        case MILLISECOND -> 1_000_000L;
        case MICROSECOND -> 1_000L;
        case NANOSECOND -> 1L;
      };
    }
    long nanos;
    if (t instanceof ArrowType.Date) {
      nanos = (BASE_DAY + rnd.nextInt(5) - 2) * 86_400_000_000_000L;
    } else {
      long sec = rnd.nextInt(3) == 0 ? BASE_SECOND : BASE_SECOND + rnd.nextInt(5) - 2;
      long frac = rnd.nextBoolean() ? 0 : new long[] {500_000_000L, 123_000_000L, 123_456_000L, 123_456_789L}[rnd.nextInt(4)];
      nanos = sec * 1_000_000_000L + frac;
    }
    return BigInteger.valueOf(Math.floorDiv(nanos, unitNanos) * unitNanos);
  }

  private Object fill(Column c, FieldVector v, int i, boolean isNull, Random rnd) {
    switch (c.kind) {
      case STRUCT -> {
        StructVector sv = (StructVector) v;
        IntVector x = (IntVector) sv.getChild("x");
        VarCharVector y = (VarCharVector) sv.getChild("y");
        Object[] xs = values.computeIfAbsent(ST_X, k -> new Object[rows]);
        Object[] ys = values.computeIfAbsent(ST_Y, k -> new Object[rows]);
        boolean xNull = rnd.nextInt(4) == 0;
        int xv = rnd.nextInt(9) - 4;
        if (xNull) {
          x.setNull(i);
        } else {
          x.setSafe(i, xv);
        }
        String yv = STRINGS[rnd.nextInt(STRINGS.length)];
        y.setSafe(i, yv.getBytes(StandardCharsets.UTF_8));
        if (isNull) {
          sv.setNull(i);
        } else {
          sv.setIndexDefined(i);
        }
        xs[i] = isNull || xNull ? null : BigInteger.valueOf(xv);
        ys[i] = isNull ? null : yv;
        x.setValueCount(i + 1);
        y.setValueCount(i + 1);
        return isNull ? null : "struct";
      }
      case LIST -> {
        ListVector lv = (ListVector) v;
        UnionListWriter w = lv.getWriter();
        w.setPosition(i);
        if (isNull) {
          lv.setNull(i);
          return null;
        }
        w.startList();
        int k = rnd.nextInt(3);
        for (int j = 0; j < k; j++) {
          w.integer().writeInt(j);
        }
        w.endList();
        return "list";
      }
      default -> {
      }
    }
    if (isNull) {
      setNull(v, i);
      return null;
    }
    ArrowType t = c.type;
    switch (c.kind) {
      case INT, UINT64 -> {
        BigInteger b = randomInt((ArrowType.Int) t, rnd);
        long x = b.longValue();
        switch (v) {
          case TinyIntVector o -> o.setSafe(i, (byte) x);
          case SmallIntVector o -> o.setSafe(i, (short) x);
          case IntVector o -> o.setSafe(i, (int) x);
          case BigIntVector o -> o.setSafe(i, x);
          case UInt1Vector o -> o.setSafe(i, (byte) x);
          case UInt2Vector o -> o.setSafe(i, (char) x);
          case UInt4Vector o -> o.setSafe(i, (int) x);
          case UInt8Vector o -> o.setSafe(i, x);
          default -> throw new IllegalStateException();
        }
        return b;
      }
      case FLOAT -> {
        double d = randomDouble(((ArrowType.FloatingPoint) t).getPrecision(), rnd);
        switch (v) {
          case Float2Vector o -> o.setSafe(i, Float16.toFloat16((float) d));
          case Float4Vector o -> o.setSafe(i, (float) d);
          case Float8Vector o -> o.setSafe(i, d);
          default -> throw new IllegalStateException();
        }
        return d;
      }
      case DEC -> {
        BigDecimal d = randomDecimal(rnd);
        ((DecimalVector) v).setSafe(i, d);
        return d;
      }
      case BOOL -> {
        boolean b = rnd.nextBoolean();
        ((BitVector) v).setSafe(i, b ? 1 : 0);
        return b;
      }
      case STR -> {
        String s = STRINGS[rnd.nextInt(STRINGS.length)];
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (v instanceof VarCharVector o) {
          o.setSafe(i, bytes);
        } else {
          ((LargeVarCharVector) v).setSafe(i, bytes);
        }
        return s;
      }
      case BIN -> {
        byte[] b = rnd.nextBoolean() ? STRINGS[rnd.nextInt(STRINGS.length)].getBytes(StandardCharsets.UTF_8)
            : new byte[] {(byte) rnd.nextInt(256), (byte) 0xFF};
        ((VarBinaryVector) v).setSafe(i, b);
        return b;
      }
      case TEMPORAL -> {
        BigInteger nanos = randomNanos(t, rnd);
        long n = nanos.longValue();
        switch (v) {
          case DateDayVector o -> o.setSafe(i, (int) (n / 86_400_000_000_000L));
          case DateMilliVector o -> o.setSafe(i, n / 1_000_000L);
          case TimeStampVector o -> {
            long unit = switch (((ArrowType.Timestamp) t).getUnit()) {
              case SECOND -> 1_000_000_000L;
              case MILLISECOND -> 1_000_000L;
              case MICROSECOND -> 1_000L;
              case NANOSECOND -> 1L;
            };
            o.setSafe(i, n / unit);
          }
          default -> throw new IllegalStateException();
        }
        return new Instant(nanos);
      }
      default -> throw new IllegalStateException(c.kind.toString());
    }
  }

  private static void setNull(FieldVector v, int i) {
    switch (v) {
      case org.apache.arrow.vector.BaseFixedWidthVector f -> {
        f.setNull(i);
        f.setValueCount(Math.max(f.getValueCount(), i + 1));
      }
      case org.apache.arrow.vector.BaseVariableWidthVector f -> f.setNull(i);
      case org.apache.arrow.vector.BaseLargeVariableWidthVector f -> f.setNull(i);
      default -> throw new IllegalStateException(v.getClass().toString());
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
