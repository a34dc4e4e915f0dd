package dev.lancelet.table.expr;

import dev.lancelet.table.expr.TestTable.Instant;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A brute-force, row-at-a-time reference evaluator for generated expressions. It works on plain
 * Java values (see {@link TestTable}) and shares no code with the vectorized evaluator. An
 * expression that fails on some row (division by zero, overflow) makes the whole batch fail,
 * since the evaluator under test computes every node for every row (no short circuit).
 */
final class Ref {
  private Ref() {}

  /** Evaluation of some row failed. */
  static final class RefError extends RuntimeException {
    RefError(String m) {
      super(m, null, false, false);
    }
  }

  /** A numeric literal written with a fraction: exact against decimals, a double otherwise. */
  record Exact(BigDecimal value) {}

  /** A generated expression: its SQL text and its value on a row. */
  interface G {
    String sql();

    Object eval(int row);
  }

  static G col(TestTable t, String name, String sql) {
    Object[] vals = t.values(name);
    return new G() {
      public String sql() {
        return sql;
      }

      public Object eval(int row) {
        return vals[row];
      }
    };
  }

  static G lit(String sql, Object value) {
    return new G() {
      public String sql() {
        return sql;
      }

      public Object eval(int row) {
        return value;
      }
    };
  }

  static G fn(String sql, java.util.function.IntFunction<Object> f) {
    return new G() {
      public String sql() {
        return sql;
      }

      public Object eval(int row) {
        return f.apply(row);
      }
    };
  }

  // ------------------------------------------------------------------ semantics

  static boolean isNumber(Object o) {
    return o instanceof BigInteger || o instanceof Double || o instanceof BigDecimal || o instanceof Exact;
  }

  static double dbl(Object o) {
    return switch (o) {
      case BigInteger b -> b.doubleValue();
      case Double d -> d;
      case BigDecimal d -> d.doubleValue();
      case Exact e -> e.value().doubleValue();
      default -> throw new IllegalStateException(o.toString());
    };
  }

  static BigDecimal dec(Object o) {
    return switch (o) {
      case BigInteger b -> new BigDecimal(b);
      case BigDecimal d -> d;
      case Exact e -> e.value();
      default -> throw new IllegalStateException(o.toString());
    };
  }

  static byte[] bytes(Object o) {
    return o instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) o;
  }

  /** Three-way comparison of two non-null values. */
  static int cmp(Object a, Object b) {
    if (a instanceof Exact e && !(b instanceof BigDecimal)) {
      a = dbl(e);
    }
    if (b instanceof Exact e && !(a instanceof BigDecimal)) {
      b = dbl(e);
    }
    if (isNumber(a) && isNumber(b)) {
      if (a instanceof Double || b instanceof Double) {
        long x = Double.doubleToRawLongBits(dbl(a));
        long y = Double.doubleToRawLongBits(dbl(b));
        // IEEE totalOrder (Lance's float order): flip the magnitude bits of negatives
        return Long.compare(x ^ ((x >> 63) & Long.MAX_VALUE), y ^ ((y >> 63) & Long.MAX_VALUE));
      }
      return dec(a).compareTo(dec(b));
    }
    if (a instanceof Instant x && b instanceof Instant y) {
      return x.nanos().compareTo(y.nanos());
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    return Integer.signum(Arrays.compareUnsigned(bytes(a), bytes(b)));
  }

  static Boolean compare(String op, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    int c = cmp(a, b);
    return switch (op) {
      case "=" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      default -> throw new IllegalArgumentException(op);
    };
  }

  static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
      return false;
    }
    return a == null || b == null ? null : true;
  }

  static Boolean or(Boolean a, Boolean b) {
    if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
      return true;
    }
    return a == null || b == null ? null : false;
  }

  static Boolean not(Boolean a) {
    return a == null ? null : !a;
  }

  static Boolean in(Object x, List<Object> items) {
    List<Object> all = new java.util.ArrayList<>();
    all.add(x);
    all.addAll(items);
    all = promote(all);
    Boolean acc = false;
    for (int i = 1; i < all.size(); i++) {
      acc = or(acc, compare("=", all.get(0), all.get(i)));
    }
    return acc;
  }

  /**
   * Operands that are compared together (IN lists, BETWEEN) share one type: when any of them
   * makes the comparison floating point, every number is compared as a double.
   */
  static List<Object> promote(List<Object> values) {
    boolean anyDecimal = values.stream().anyMatch(v -> v instanceof BigDecimal);
    boolean toDouble = values.stream().anyMatch(v -> v instanceof Double || v instanceof Exact && !anyDecimal);
    if (!toDouble) {
      return values;
    }
    return values.stream().map(v -> v != null && isNumber(v) ? (Object) dbl(v) : v).toList();
  }

  static Boolean between(Object x, Object lo, Object hi) {
    List<Object> all = promote(java.util.Arrays.asList(x, lo, hi));
    return and(compare(">=", all.get(0), all.get(1)), compare("<=", all.get(0), all.get(2)));
  }

  static Boolean like(Object x, String pattern) {
    if (x == null) {
      return null;
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '%') {
        re.append(".*");
      } else if (cp == '_') {
        re.append('.');
      } else {
        re.append(Pattern.quote(new String(Character.toChars(cp))));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL).matcher((String) x).matches();
  }

  static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private static BigInteger fitLong(BigInteger b) {
    if (b.compareTo(LONG_MIN) < 0 || b.compareTo(LONG_MAX) > 0) {
      throw new RefError("overflow");
    }
    return b;
  }

  static Object arith(String op, Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Exact e && !(b instanceof BigDecimal)) {
      a = dbl(e);
    }
    if (b instanceof Exact e && !(a instanceof BigDecimal)) {
      b = dbl(e);
    }
    if (a instanceof Double || b instanceof Double) {
      double x = dbl(a);
      double y = dbl(b);
      return switch (op) {
        case "+" -> x + y;
        case "-" -> x - y;
        case "*" -> x * y;
        case "/" -> x / y;
        default -> x % y;
      };
    }
    if (a instanceof BigDecimal || b instanceof BigDecimal || a instanceof Exact || b instanceof Exact) {
      BigDecimal x = dec(a);
      BigDecimal y = dec(b);
      return switch (op) {
        case "+" -> x.add(y);
        case "-" -> x.subtract(y);
        case "*" -> x.multiply(y);
        default -> throw new IllegalArgumentException("decimal " + op + " not generated");
      };
    }
    BigInteger x = fitLong((BigInteger) a);
    BigInteger y = fitLong((BigInteger) b);
    return switch (op) {
      case "+" -> fitLong(x.add(y));
      case "-" -> fitLong(x.subtract(y));
      case "*" -> fitLong(x.multiply(y));
      case "/" -> {
        if (y.signum() == 0) {
          throw new RefError("division by zero");
        }
        yield fitLong(x.divide(y));
      }
      default -> {
        if (y.signum() == 0) {
          throw new RefError("division by zero");
        }
        yield x.remainder(y);
      }
    };
  }

  static Object negate(Object a) {
    return switch (a) {
      case null -> null;
      case BigInteger b -> fitLong(fitLong(b).negate());
      case Double d -> -d;
      case BigDecimal d -> d.negate();
      default -> throw new IllegalStateException();
    };
  }
}
