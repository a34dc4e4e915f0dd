package dev.lancelet.table.expr;

import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A batch of values in the evaluator's working form: primitive arrays plus a validity bitmap
 * ({@code valid == null} means no nulls). Integer, boolean-as-number, date and timestamp values
 * live in {@code long[]}, floating point in {@code double[]}, decimals in {@code BigDecimal[]},
 * strings and binaries in one byte array plus offsets, predicates as two bitmaps (rows that are
 * TRUE, rows that are FALSE; a row in neither is NULL). A column of length 1 may be a broadcast
 * scalar (a literal), see {@link #scalar}.
 */
abstract sealed class Col {
  final ArrowType type;
  final int n;
  /** True when this column is a single value standing for every row of the batch. */
  final boolean scalar;

  Col(ArrowType type, int n, boolean scalar) {
    this.type = type;
    this.n = n;
    this.scalar = scalar;
  }

  abstract boolean isNull(int i);

  /** This column with its single value repeated {@code rows} times (itself if not a scalar). */
  abstract Col expand(int rows);

  static int words(int n) {
    return (n + 63) >>> 6;
  }

  static boolean bit(long[] bits, int i) {
    return (bits[i >>> 6] & (1L << i)) != 0;
  }

  static void set(long[] bits, int i) {
    bits[i >>> 6] |= 1L << i;
  }

  static long[] allSet(int n) {
    long[] b = new long[words(n)];
    Arrays.fill(b, -1L);
    clearTail(b, n);
    return b;
  }

  static void clearTail(long[] b, int n) {
    if ((n & 63) != 0 && b.length > 0) {
      b[b.length - 1] &= (1L << (n & 63)) - 1;
    }
  }

  /** Bitwise AND of two validity maps where {@code null} means all valid. */
  static long[] andValid(long[] a, long[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    long[] r = new long[a.length];
    for (int w = 0; w < r.length; w++) {
      r[w] = a[w] & b[w];
    }
    return r;
  }

  static long[] expandValid(long[] valid, int rows) {
    if (valid == null || bit(valid, 0)) {
      return null;
    }
    return new long[words(rows)];
  }

  /** Signed 64-bit values (or UInt64 bit patterns when {@link #unsigned64()}), with a validity map. */
  static final class LongCol extends Col {
    final long[] v;
    final long[] valid;

    LongCol(ArrowType type, long[] v, long[] valid, int n, boolean scalar) {
      super(type, n, scalar);
      this.v = v;
      this.valid = valid;
    }

    static LongCol scalar(ArrowType type, long value) {
      return new LongCol(type, new long[] {value}, null, 1, true);
    }

    boolean unsigned64() {
      return type instanceof ArrowType.Int t && !t.getIsSigned() && t.getBitWidth() == 64;
    }

    @Override
    boolean isNull(int i) {
      return valid != null && !bit(valid, i);
    }

    @Override
    Col expand(int rows) {
      if (!scalar) {
        return this;
      }
      long[] r = new long[rows];
      Arrays.fill(r, v[0]);
      return new LongCol(type, r, expandValid(valid, rows), rows, false);
    }
  }

  /** Floating point values (Float16/32 are widened exactly to double). */
  static final class DoubleCol extends Col {
    final double[] v;
    final long[] valid;

    DoubleCol(ArrowType type, double[] v, long[] valid, int n, boolean scalar) {
      super(type, n, scalar);
      this.v = v;
      this.valid = valid;
    }

    @Override
    boolean isNull(int i) {
      return valid != null && !bit(valid, i);
    }

    @Override
    Col expand(int rows) {
      if (!scalar) {
        return this;
      }
      double[] r = new double[rows];
      Arrays.fill(r, v[0]);
      return new DoubleCol(type, r, expandValid(valid, rows), rows, false);
    }
  }

  /** Decimal values; a {@code null} element is a null row. */
  static final class DecimalCol extends Col {
    final BigDecimal[] v;

    DecimalCol(ArrowType type, BigDecimal[] v, int n, boolean scalar) {
      super(type, n, scalar);
      this.v = v;
    }

    @Override
    boolean isNull(int i) {
      return v[i] == null;
    }

    @Override
    Col expand(int rows) {
      if (!scalar) {
        return this;
      }
      BigDecimal[] r = new BigDecimal[rows];
      Arrays.fill(r, v[0]);
      return new DecimalCol(type, r, rows, false);
    }
  }

  /** Variable-width byte strings (UTF-8 text or binary): row i is {@code data[off[i], off[i+1])}. */
  static final class BytesCol extends Col {
    final byte[] data;
    final int[] off;
    final long[] valid;

    BytesCol(ArrowType type, byte[] data, int[] off, long[] valid, int n, boolean scalar) {
      super(type, n, scalar);
      this.data = data;
      this.off = off;
      this.valid = valid;
    }

    static BytesCol scalar(ArrowType type, byte[] value) {
      return new BytesCol(type, value, new int[] {0, value.length}, null, 1, true);
    }

    byte[] get(int i) {
      return Arrays.copyOfRange(data, off[i], off[i + 1]);
    }

    @Override
    boolean isNull(int i) {
      return valid != null && !bit(valid, i);
    }

    @Override
    Col expand(int rows) {
      if (!scalar) {
        return this;
      }
      int len = off[1] - off[0];
      long total = (long) len * rows;
      if (total > Integer.MAX_VALUE - 16) {
        throw new ExpressionException("Batch too large to repeat a " + len + "-byte value " + rows + " times", null, -1);
      }
      byte[] d = new byte[(int) total];
      int[] o = new int[rows + 1];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(data, off[0], d, i * len, len);
        o[i + 1] = (i + 1) * len;
      }
      return new BytesCol(type, d, o, expandValid(valid, rows), rows, false);
    }
  }

  /** A predicate result: {@code t} has the TRUE rows, {@code f} the FALSE rows, neither = NULL. */
  static final class BoolCol extends Col {
    final long[] t;
    final long[] f;

    BoolCol(long[] t, long[] f, int n, boolean scalar) {
      super(ArrowType.Bool.INSTANCE, n, scalar);
      this.t = t;
      this.f = f;
    }

    static BoolCol scalar(Boolean value) {
      long[] t = new long[1];
      long[] f = new long[1];
      if (value != null) {
        (value ? t : f)[0] = 1;
      }
      return new BoolCol(t, f, 1, true);
    }

    boolean isTrue(int i) {
      return bit(t, i);
    }

    @Override
    boolean isNull(int i) {
      return !bit(t, i) && !bit(f, i);
    }

    @Override
    Col expand(int rows) {
      if (!scalar) {
        return this;
      }
      return new BoolCol(bit(t, 0) ? allSet(rows) : new long[words(rows)],
          bit(f, 0) ? allSet(rows) : new long[words(rows)], rows, false);
    }
  }

  /** Every row NULL (the NULL literal, or a column of Arrow type Null). */
  static final class NullCol extends Col {
    NullCol(ArrowType type, int n, boolean scalar) {
      super(type, n, scalar);
    }

    @Override
    boolean isNull(int i) {
      return true;
    }

    @Override
    Col expand(int rows) {
      return scalar ? new NullCol(type, rows, false) : this;
    }
  }
}
