package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Col.BoolCol;
import dev.lancelet.table.expr.Col.BytesCol;
import dev.lancelet.table.expr.Col.DecimalCol;
import dev.lancelet.table.expr.Col.DoubleCol;
import dev.lancelet.table.expr.Col.LongCol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/**
 * Statistics of one column over some rows. Every component may be {@code null} (unknown).
 *
 * <p>{@code min} and {@code max} are inclusive bounds over the non-null values, in the same order
 * the evaluator uses: numbers by value (floating point in IEEE 754 totalOrder, as Lance orders it:
 * a NaN with the sign bit set is the smallest value, any other NaN the largest, and -0.0 sorts before 0.0), strings and binaries by unsigned bytes (UTF-8),
 * FALSE before TRUE, dates and timestamps by time. Accepted Java types:
 *
 * <ul>
 *   <li>integer columns (any width, signed or unsigned): any integral {@link Number} holding the
 *       true value ({@link BigInteger} for UInt64 values above {@code Long.MAX_VALUE});
 *   <li>floating point: any {@link Number}; decimal: {@link BigDecimal} (or any Number);
 *   <li>date: {@link LocalDate} or the stored number (days for Date32, milliseconds for Date64);
 *   <li>timestamp: {@link Instant}, {@link LocalDateTime} (read as UTC) or the stored number in the
 *       column's unit;
 *   <li>string/binary: {@link String}, {@code byte[]} or Arrow {@link Text}; boolean: {@link Boolean}.
 * </ul>
 *
 * A value of any other Java type, or one that is out of range for the column, is treated as unknown.
 *
 * @param min the smallest non-null value, or null if unknown (or if all values are null)
 * @param max the largest non-null value, or null if unknown
 * @param nullCount how many rows are null, or null if unknown
 * @param rowCount how many rows there are, or null if unknown
 */
public record ColumnStats(Object min, Object max, Long nullCount, Long rowCount) {

  /** Statistics with nothing known. */
  public static ColumnStats unknown() {
    return new ColumnStats(null, null, null, null);
  }

  /**
   * Exact statistics of the first {@code vector.getValueCount()} rows of a vector; min/max are
   * computed for the scalar types expressions can evaluate and left unknown for others.
   */
  public static ColumnStats compute(FieldVector vector) {
    int n = vector.getValueCount();
    long nulls = vector.getNullCount();
    ArrowType type = vector.getField().getType();
    if (Types.domain(type) == Types.Domain.OTHER || Types.domain(type) == Types.Domain.NULL || nulls == n) {
      return new ColumnStats(null, null, nulls, (long) n);
    }
    Col c = Vectors.read(vector, type, null, n);
    int lo = -1;
    int hi = -1;
    for (int i = 0; i < n; i++) {
      if (c.isNull(i)) {
        continue;
      }
      if (lo < 0 || Kernels.compareAt(c, i, c, lo) < 0) {
        lo = i;
      }
      if (hi < 0 || Kernels.compareAt(c, i, c, hi) > 0) {
        hi = i;
      }
    }
    return new ColumnStats(javaValue(c, lo), javaValue(c, hi), nulls, (long) n);
  }

  private static Object javaValue(Col c, int i) {
    if (c instanceof LongCol lc) {
      if (lc.unsigned64() && lc.v[i] < 0) {
        return new BigInteger(Long.toUnsignedString(lc.v[i]));
      }
      return lc.v[i];
    }
    if (c instanceof DoubleCol dc) {
      return dc.v[i];
    }
    if (c instanceof DecimalCol dc) {
      return dc.v[i];
    }
    if (c instanceof BoolCol bc) {
      return bc.isTrue(i);
    }
    if (c instanceof BytesCol bc) {
      return bc.get(i);
    }
    return null;
  }

  /** min and max as a two-row column of {@code type} (row 0 = min, row 1 = max; null = unknown). */
  Col bounds(ArrowType type) {
    Object[] vs = {min, max};
    switch (Types.domain(type)) {
      case LONG -> {
        long[] v = new long[2];
        long[] valid = new long[1];
        for (int i = 0; i < 2; i++) {
          Long x = toLong(vs[i], type);
          if (x != null) {
            v[i] = x;
            Col.set(valid, i);
          }
        }
        return new LongCol(type, v, valid, 2, false);
      }
      case DOUBLE -> {
        double[] v = new double[2];
        long[] valid = new long[1];
        for (int i = 0; i < 2; i++) {
          if (vs[i] instanceof Number num) {
            v[i] = num.doubleValue();
            Col.set(valid, i);
          }
        }
        return new DoubleCol(type, v, valid, 2, false);
      }
      case DECIMAL -> {
        BigDecimal[] v = new BigDecimal[2];
        for (int i = 0; i < 2; i++) {
          if (vs[i] instanceof BigDecimal d) {
            v[i] = d;
          } else if (vs[i] instanceof Number num) {
            try {
              v[i] = new BigDecimal(num.toString());
            } catch (NumberFormatException e) {
              v[i] = null;
            }
          }
        }
        return new DecimalCol(type, v, 2, false);
      }
      case BYTES -> {
        byte[][] b = new byte[2][];
        for (int i = 0; i < 2; i++) {
          if (vs[i] instanceof String s) {
            b[i] = s.getBytes(StandardCharsets.UTF_8);
          } else if (vs[i] instanceof byte[] bytes) {
            b[i] = bytes;
          } else if (vs[i] instanceof Text t) {
            b[i] = Arrays.copyOf(t.getBytes(), (int) t.getLength());
          }
        }
        long[] valid = new long[1];
        byte[] lo = b[0] == null ? new byte[0] : b[0];
        byte[] hi = b[1] == null ? new byte[0] : b[1];
        byte[] data = new byte[lo.length + hi.length];
        System.arraycopy(lo, 0, data, 0, lo.length);
        System.arraycopy(hi, 0, data, lo.length, hi.length);
        if (b[0] != null) {
          Col.set(valid, 0);
        }
        if (b[1] != null) {
          Col.set(valid, 1);
        }
        return new BytesCol(type, data, new int[] {0, lo.length, data.length}, valid, 2, false);
      }
      case BOOL -> {
        long[] t = new long[1];
        long[] f = new long[1];
        for (int i = 0; i < 2; i++) {
          if (vs[i] instanceof Boolean bo) {
            Col.set(bo ? t : f, i);
          }
        }
        return new BoolCol(t, f, 2, false);
      }
      default -> {
        return null;
      }
    }
  }

  private static Long toLong(Object o, ArrowType type) {
    if (type instanceof ArrowType.Int it) {
      BigInteger b;
      if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
        b = BigInteger.valueOf(((Number) o).longValue());
      } else if (o instanceof BigInteger bi) {
        b = bi;
      } else {
        return null;
      }
      BigInteger lo = BigInteger.valueOf(Casts.minOf(it));
      BigInteger hi = Types.isUInt64(it) ? Casts.UINT64_MAX : BigInteger.valueOf(Casts.maxOf(it));
      return b.compareTo(lo) < 0 || b.compareTo(hi) > 0 ? null : b.longValue();
    }
    if (type instanceof ArrowType.Date d) {
      if (o instanceof LocalDate ld) {
        return d.getUnit() == DateUnit.DAY ? ld.toEpochDay() : ld.toEpochDay() * 86_400_000L;
      }
      return o instanceof Long || o instanceof Integer ? ((Number) o).longValue() : null;
    }
    if (type instanceof ArrowType.Timestamp) {
      Instant instant = null;
      if (o instanceof Instant in) {
        instant = in;
      } else if (o instanceof LocalDateTime ldt) {
        instant = ldt.toInstant(ZoneOffset.UTC);
      } else if (o instanceof Long || o instanceof Integer) {
        return ((Number) o).longValue();
      }
      if (instant == null) {
        return null;
      }
      long unit = Types.nanosPerUnit(type);
      try {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L / unit),
            Math.floorDiv(instant.getNano(), unit));
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return null;
  }
}
