package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Col.BoolCol;
import dev.lancelet.table.expr.Col.BytesCol;
import dev.lancelet.table.expr.Col.DecimalCol;
import dev.lancelet.table.expr.Col.DoubleCol;
import dev.lancelet.table.expr.Col.LongCol;
import java.util.Arrays;

/**
 * Vectorized loops. Comparisons produce one bit per row from a three-way compare and an operator
 * mask: bit 0 accepts "less", bit 1 "equal", bit 2 "greater", so {@code (mask >>> (cmp + 1)) & 1}
 * decides a row without branching on the operator.
 */
final class Kernels {
  private Kernels() {}

  static final int LT = 1;
  static final int EQ = 2;
  static final int GT = 4;

  static int mask(String op) {
    return switch (op) {
      case "=" -> EQ;
      case "!=" -> LT | GT;
      case "<" -> LT;
      case "<=" -> LT | EQ;
      case ">" -> GT;
      case ">=" -> GT | EQ;
      default -> throw new IllegalArgumentException(op);
    };
  }

  /** The mask of the operator with its operands swapped ({@code a < b} is {@code b > a}). */
  static int flip(int mask) {
    return (mask & EQ) | ((mask & LT) << 2) | ((mask & GT) >>> 2);
  }

  /**
   * Three-way comparison (-1, 0, 1) of two doubles in IEEE 754 totalOrder, as Lance (Arrow's
   * comparison kernels) orders floating point: -NaN < -Inf < ... < -0.0 < 0.0 < ... < +Inf < +NaN,
   * with NaNs of the same sign and payload equal. Differs from {@link Double#compare} only in
   * putting NaNs with the sign bit set below every other value.
   */
  static int totalCompare(double a, double b) {
    long x = Double.doubleToRawLongBits(a);
    long y = Double.doubleToRawLongBits(b);
    x ^= (x >> 63) & Long.MAX_VALUE;
    y ^= (y >> 63) & Long.MAX_VALUE;
    return Long.compare(x, y);
  }

  /** Three-way comparison (-1, 0, 1) of row i of a with row j of b; both non-null, same domain. */
  static int compareAt(Col a, int i, Col b, int j) {
    if (a instanceof LongCol x && b instanceof LongCol y) {
      return x.unsigned64() ? Long.compareUnsigned(x.v[i], y.v[j]) : Long.compare(x.v[i], y.v[j]);
    }
    if (a instanceof DoubleCol x && b instanceof DoubleCol y) {
      return totalCompare(x.v[i], y.v[j]);
    }
    if (a instanceof DecimalCol x && b instanceof DecimalCol y) {
      return x.v[i].compareTo(y.v[j]);
    }
    if (a instanceof BytesCol x && b instanceof BytesCol y) {
      return Integer.signum(Arrays.compareUnsigned(x.data, x.off[i], x.off[i + 1], y.data, y.off[j], y.off[j + 1]));
    }
    if (a instanceof BoolCol x && b instanceof BoolCol y) {
      return Boolean.compare(x.isTrue(i), y.isTrue(j));
    }
    throw new IllegalStateException("Cannot compare " + a.type + " with " + b.type);
  }

  private static long[] valid(Col c) {
    if (c instanceof LongCol l) {
      return l.valid;
    }
    if (c instanceof DoubleCol d) {
      return d.valid;
    }
    if (c instanceof BytesCol b) {
      return b.valid;
    }
    if (c instanceof DecimalCol d) {
      return Casts.validOf(d);
    }
    if (c instanceof BoolCol b) {
      return Casts.validOf(b);
    }
    return new long[Col.words(c.n)];
  }

  /** Validity of a (possibly scalar) column over n rows; null = all valid. */
  static long[] validOver(Col c, int n) {
    if (c.scalar) {
      return c.isNull(0) ? new long[Col.words(n)] : null;
    }
    return valid(c);
  }

  static BoolCol fromBits(long[] r, long[] valid, int n) {
    long[] t = new long[Col.words(n)];
    long[] f = new long[t.length];
    for (int w = 0; w < t.length; w++) {
      long ok = valid == null ? -1L : valid[w];
      t[w] = r[w] & ok;
      f[w] = ~r[w] & ok;
    }
    Col.clearTail(t, n);
    Col.clearTail(f, n);
    return new BoolCol(t, f, n, false);
  }

  /** A never-NULL predicate: TRUE where {@code hit} is set (where it is clear when {@code negated}), else FALSE. */
  static BoolCol definite(long[] hit, boolean negated, int n) {
    BoolCol r = fromBits(hit, null, n);
    return negated ? new BoolCol(r.f, r.t, n, false) : r;
  }

  static BoolCol allNull(int n) {
    return new BoolCol(new long[Col.words(n)], new long[Col.words(n)], n, false);
  }

  /** Compares a with b (same domain, either may be a scalar) row by row. */
  static BoolCol compare(Col a, Col b, int mask, int n) {
    if ((a.scalar && a.isNull(0)) || (b.scalar && b.isNull(0))) {
      return allNull(n);
    }
    if (a.scalar && !b.scalar) {
      return compare(b, a, flip(mask), n);
    }
    if (a.scalar) {
      a = a.expand(n);
    }
    long[] r = new long[Col.words(n)];
    if (a instanceof LongCol x && b instanceof LongCol y) {
      long[] av = x.v;
      boolean unsigned = x.unsigned64();
      if (y.scalar) {
        long s = y.v[0];
        if (unsigned) {
          for (int i = 0; i < n; i++) {
            r[i >>> 6] |= (long) ((mask >>> (Long.compareUnsigned(av[i], s) + 1)) & 1) << i;
          }
        } else {
          for (int i = 0; i < n; i++) {
            r[i >>> 6] |= (long) ((mask >>> (Long.compare(av[i], s) + 1)) & 1) << i;
          }
        }
      } else {
        long[] bv = y.v;
        if (unsigned) {
          for (int i = 0; i < n; i++) {
            r[i >>> 6] |= (long) ((mask >>> (Long.compareUnsigned(av[i], bv[i]) + 1)) & 1) << i;
          }
        } else {
          for (int i = 0; i < n; i++) {
            r[i >>> 6] |= (long) ((mask >>> (Long.compare(av[i], bv[i]) + 1)) & 1) << i;
          }
        }
      }
    } else if (a instanceof DoubleCol x && b instanceof DoubleCol y) {
      double[] av = x.v;
      if (y.scalar) {
        double s = y.v[0];
        for (int i = 0; i < n; i++) {
          r[i >>> 6] |= (long) ((mask >>> (totalCompare(av[i], s) + 1)) & 1) << i;
        }
      } else {
        double[] bv = y.v;
        for (int i = 0; i < n; i++) {
          r[i >>> 6] |= (long) ((mask >>> (totalCompare(av[i], bv[i]) + 1)) & 1) << i;
        }
      }
    } else if (a instanceof BoolCol x && b instanceof BoolCol y) {
      Col ey = y.expand(n);
      BoolCol yb = (BoolCol) ey;
      long[] va = Casts.validOf(x);
      long[] vb = Casts.validOf(yb);
      for (int w = 0; w < r.length; w++) {
        long p = x.t[w];
        long q = yb.t[w];
        long eq = ~(p ^ q);
        long lt = ~p & q;
        long gt = p & ~q;
        r[w] = ((mask & LT) != 0 ? lt : 0) | ((mask & EQ) != 0 ? eq : 0) | ((mask & GT) != 0 ? gt : 0);
      }
      return fromBits(r, Col.andValid(va, vb), n);
    } else if (a instanceof BytesCol x && b instanceof BytesCol y && y.scalar) {
      byte[] d = x.data;
      int[] off = x.off;
      byte[] lit = y.data;
      int ls = y.off[0];
      int le = y.off[1];
      int len = le - ls;
      if (mask == EQ || mask == (LT | GT)) {
        long want = mask == EQ ? 1 : 0;
        for (int i = 0; i < n; i++) {
          boolean eq = off[i + 1] - off[i] == len && Arrays.equals(d, off[i], off[i + 1], lit, ls, le);
          r[i >>> 6] |= ((eq ? 1L : 0L) ^ want ^ 1L) << i;
        }
      } else {
        for (int i = 0; i < n; i++) {
          int c = Integer.signum(Arrays.compareUnsigned(d, off[i], off[i + 1], lit, ls, le));
          r[i >>> 6] |= (long) ((mask >>> (c + 1)) & 1) << i;
        }
      }
    } else {
      boolean bs = b.scalar;
      for (int i = 0; i < n; i++) {
        if (!a.isNull(i) && !(bs ? b.isNull(0) : b.isNull(i))) {
          int c = compareAt(a, i, b, bs ? 0 : i);
          r[i >>> 6] |= (long) ((mask >>> (c + 1)) & 1) << i;
        }
      }
    }
    return fromBits(r, Col.andValid(valid(a), validOver(b, n)), n);
  }

  // ------------------------------------------------------------------ Kleene logic

  static BoolCol and(BoolCol a, BoolCol b, int n) {
    long[] t = new long[Col.words(n)];
    long[] f = new long[t.length];
    for (int w = 0; w < t.length; w++) {
      t[w] = a.t[w] & b.t[w];
      f[w] = a.f[w] | b.f[w];
    }
    return new BoolCol(t, f, n, false);
  }

  static BoolCol or(BoolCol a, BoolCol b, int n) {
    long[] t = new long[Col.words(n)];
    long[] f = new long[t.length];
    for (int w = 0; w < t.length; w++) {
      t[w] = a.t[w] | b.t[w];
      f[w] = a.f[w] & b.f[w];
    }
    return new BoolCol(t, f, n, false);
  }

  static BoolCol not(BoolCol a, int n) {
    return new BoolCol(a.f.clone(), a.t.clone(), n, false);
  }

  /** A predicate-valued column over n rows (expanding scalars, NULL columns become all-NULL). */
  static BoolCol bools(Col c, int n) {
    if (c instanceof BoolCol b) {
      return (BoolCol) b.expand(n);
    }
    return allNull(n);
  }
}
