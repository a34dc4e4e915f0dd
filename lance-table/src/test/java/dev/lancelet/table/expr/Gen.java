package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Ref.Exact;
import dev.lancelet.table.expr.Ref.G;
import dev.lancelet.table.expr.TestTable.Column;
import dev.lancelet.table.expr.TestTable.Instant;
import dev.lancelet.table.expr.TestTable.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Random predicates and scalar expressions over a {@link TestTable}, with reference semantics. */
final class Gen {
  private final Random rnd;
  private final TestTable t;
  private final List<Column> scalars = new ArrayList<>();

  /** A column usable in comparisons: its SQL text and reference values' key. */
  private record Src(Column col, String sql, String key) {}

  private final List<Src> sources = new ArrayList<>();

  /** Restrict to what DataFusion (Lance's engine) evaluates the same way: see {@link #interop}. */
  private final boolean interop;

  /**
   * A generator for comparing with lance-core: no arithmetic (DataFusion wraps on integer overflow
   * where Lancelet fails), and no UInt64, Float16, binary or time-zone columns.
   */
  static Gen interop(Random rnd, TestTable t) {
    return new Gen(rnd, t, true);
  }

  Gen(Random rnd, TestTable t) {
    this(rnd, t, false);
  }

  private Gen(Random rnd, TestTable t, boolean interop) {
    this.rnd = rnd;
    this.t = t;
    this.interop = interop;
    for (Column c : TestTable.COLUMNS) {
      if (interop && List.of("u64", "f16", "bin", "ts_ms", "ts_ns").contains(c.name())) {
        continue;
      }
      if (c.kind() != Kind.STRUCT && c.kind() != Kind.LIST) {
        scalars.add(c);
        sources.add(new Src(c, c.name(), c.name()));
      }
    }
    sources.add(new Src(new Column("st.x", new ArrowType.Int(32, true), Kind.INT), "st.x", TestTable.ST_X));
    sources.add(new Src(new Column("st.y", ArrowType.Utf8.INSTANCE, Kind.STR), "`st`['y']", TestTable.ST_Y));
  }

  private <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  private G colG(Src s) {
    return Ref.col(t, s.key, s.sql);
  }

  private Src source(Kind... kinds) {
    List<Src> ok = sources.stream().filter(s -> List.of(kinds).contains(s.col.kind())).toList();
    return pick(ok);
  }

  private static String family(Kind k) {
    return switch (k) {
      case INT, UINT64, FLOAT, DEC -> "num";
      case STR, BIN -> "bytes";
      default -> k.toString();
    };
  }

  // ------------------------------------------------------------------ literals

  G literal(Column c) {
    if (rnd.nextInt(25) == 0) {
      return Ref.lit("NULL", null);
    }
    if (interop && c.kind() == Kind.FLOAT) {
      // lance-core: float literals only (an integer literal against a float column is fine too)
      // Lance converts the literal to the column type (1e300 becomes Infinity against FLOAT).
      double d = TestTable.randomDouble(FloatingPointPrecision.DOUBLE, rnd);
      return exact(new BigDecimal(Double.isFinite(d) && Math.abs(d) < 1e30 ? Double.toString(d) : "0.5"));
    }
    switch (c.kind()) {
      case INT -> {
        boolean unsigned = !((ArrowType.Int) c.type()).getIsSigned();
        if (interop) {
          // lance-core refuses literals it cannot convert to the column type (fractions, negatives
          // against unsigned columns) where Lancelet compares them exactly.
          BigInteger b = BigInteger.valueOf(unsigned ? rnd.nextInt(8) : rnd.nextInt(11) - 5);
          return Ref.lit(b.toString(), b);
        }
        if (rnd.nextInt(8) == 0) {
          return exact(BigDecimal.valueOf(rnd.nextInt(17) - 8, 1));
        }
        BigInteger b = rnd.nextInt(6) == 0 ? TestTable.randomInt((ArrowType.Int) c.type(), rnd)
            : BigInteger.valueOf(rnd.nextInt(11) - 5);
        return Ref.lit(b.toString(), b);
      }
      case UINT64 -> {
        BigInteger b = rnd.nextInt(5) == 0 ? BigInteger.valueOf(-rnd.nextInt(3))
            : TestTable.randomInt((ArrowType.Int) c.type(), rnd);
        return Ref.lit(b.toString(), b);
      }
      case FLOAT -> {
        int r = rnd.nextInt(3);
        if (r == 0) {
          BigInteger b = BigInteger.valueOf(rnd.nextInt(7) - 3);
          return Ref.lit(b.toString(), b);
        }
        double d = TestTable.randomDouble(FloatingPointPrecision.DOUBLE, rnd);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          d = 0.5;
        }
        return exact(new BigDecimal(Double.toString(d)));
      }
      case DEC -> {
        int r = interop ? rnd.nextInt(2) : rnd.nextInt(3);
        BigDecimal d = TestTable.randomDecimal(rnd);
        if (r == 0) {
          return Ref.lit("DECIMAL(10, 2) '" + d.toPlainString() + "'", d);
        }
        if (r == 1) {
          BigInteger b = BigInteger.valueOf(rnd.nextInt(11) - 5);
          return Ref.lit(b.toString(), b);
        }
        return exact(d);
      }
      case BOOL -> {
        boolean b = rnd.nextBoolean();
        return Ref.lit(b ? "TRUE" : "false", b);
      }
      case STR, BIN -> {
        String s = TestTable.STRINGS[rnd.nextInt(TestTable.STRINGS.length)];
        Object v = c.kind() == Kind.STR ? s : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Ref.lit("'" + s.replace("'", "''") + "'", v);
      }
      case TEMPORAL -> {
        // A literal compared with a date/timestamp column is converted to the column's unit (floor).
        G lit = temporalLiteral();
        if (c.type() instanceof ArrowType.Date && !lit.sql().startsWith("DATE")) {
          return lit; // a timestamp literal against a date column compares exactly, as timestamps
        }
        long unit = c.type() instanceof ArrowType.Date ? 86_400_000_000_000L
            : nanos(((ArrowType.Timestamp) c.type()).getUnit());
        return Ref.lit(lit.sql(), coarse(lit.eval(0), BigInteger.valueOf(unit)));
      }
      default -> throw new IllegalStateException();
    }
  }

  private G exact(BigDecimal d) {
    String s = d.toPlainString();
    if (d.scale() <= 0) {
      s = s + ".0";
    }
    return Ref.lit(s, new Exact(new BigDecimal(s)));
  }

  private G temporalLiteral() {
    ArrowType[] types = {new ArrowType.Date(DateUnit.DAY), new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
        new ArrowType.Timestamp(TimeUnit.NANOSECOND, null), new ArrowType.Timestamp(TimeUnit.SECOND, null)};
    ArrowType type = types[rnd.nextInt(types.length)];
    BigInteger nanos = TestTable.randomNanos(type, rnd);
    long n = nanos.longValue();
    if (type instanceof ArrowType.Date) {
      return Ref.lit("DATE '" + LocalDate.ofEpochDay(n / 86_400_000_000_000L) + "'", new Instant(nanos));
    }
    LocalDateTime dt = LocalDateTime.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L),
        (int) Math.floorMod(n, 1_000_000_000L), ZoneOffset.UTC);
    String frac = String.format("%09d", dt.getNano());
    boolean micro = n % 1000 == 0;
    String text = dt.toLocalDate() + " " + String.format("%02d:%02d:%02d", dt.getHour(), dt.getMinute(),
        dt.getSecond()) + (dt.getNano() == 0 ? "" : "." + (micro ? frac.substring(0, 6) : frac));
    return Ref.lit((micro ? "timestamp '" : "TIMESTAMP(9) '") + text + "'", new Instant(nanos));
  }

  // ------------------------------------------------------------------ predicates

  G predicate(int depth) {
    if (depth > 0) {
      int r = rnd.nextInt(12);
      if (r < 2) {
        G a = predicate(depth - 1);
        G b = predicate(depth - 1);
        return Ref.fn("(" + a.sql() + ") AND (" + b.sql() + ")",
            row -> Ref.and((Boolean) a.eval(row), (Boolean) b.eval(row)));
      }
      if (r < 4) {
        G a = predicate(depth - 1);
        G b = predicate(depth - 1);
        return Ref.fn(a.sql() + " OR " + b.sql(), row -> Ref.or((Boolean) a.eval(row), (Boolean) b.eval(row)));
      }
      if (r == 4) {
        G a = predicate(depth - 1);
        return Ref.fn("NOT (" + a.sql() + ")", row -> Ref.not((Boolean) a.eval(row)));
      }
      if (r == 5) {
        G a = predicate(depth - 1);
        boolean value = rnd.nextBoolean();
        boolean neg = rnd.nextBoolean();
        return Ref.fn("(" + a.sql() + ") IS " + (neg ? "NOT " : "") + (value ? "TRUE" : "FALSE"), row -> {
          Boolean v = (Boolean) a.eval(row);
          boolean hit = v != null && v == value;
          return hit != neg;
        });
      }
    }
    return leaf();
  }

  private G leaf() {
    int r = rnd.nextInt(100);
    if (r < 35) {
      Src s = pick(sources);
      G c = colG(s);
      G l = literal(s.col);
      String op = pick(List.of("=", "!=", "<>", "<", "<=", ">", ">="));
      boolean flip = rnd.nextInt(4) == 0;
      String refOp = op.equals("<>") ? "!=" : op;
      if (flip) {
        return Ref.fn(l.sql() + " " + op + " " + c.sql(), row -> Ref.compare(refOp, l.eval(row), c.eval(row)));
      }
      return Ref.fn(c.sql() + " " + op + " " + l.sql(), row -> Ref.compare(refOp, c.eval(row), l.eval(row)));
    }
    if (r < 45) {
      Src a = pick(sources);
      List<Src> same = sources.stream().filter(s -> family(s.col.kind()).equals(family(a.col.kind())))
          // lance-core compares FLOAT with DECIMAL columns as decimals (and fails on NaN).
          .filter(s -> !interop || !(java.util.EnumSet.of(s.col.kind(), a.col.kind()).equals(java.util.EnumSet.of(Kind.FLOAT, Kind.DEC))))
          .toList();
      Src b = pick(same);
      G ga = colG(a);
      G gb = colG(b);
      String op = pick(List.of("=", "!=", "<", "<=", ">", ">="));
      if (a.col.type() instanceof ArrowType.Timestamp ta && b.col.type() instanceof ArrowType.Timestamp tb) {
        // Timestamp columns of different units compare in the coarser unit.
        BigInteger unit = BigInteger.valueOf(Math.max(nanos(ta.getUnit()), nanos(tb.getUnit())));
        return Ref.fn(ga.sql() + " " + op + " " + gb.sql(), row -> Ref.compare(op, coarse(ga.eval(row), unit),
            coarse(gb.eval(row), unit)));
      }
      return Ref.fn(ga.sql() + " " + op + " " + gb.sql(), row -> Ref.compare(op, ga.eval(row), gb.eval(row)));
    }
    if (r < 55) {
      boolean neg = rnd.nextBoolean();
      String suffix = neg ? " IS NOT NULL" : " IS NULL";
      int k = rnd.nextInt(10);
      G x;
      if (k < 2) {
        String name = k == 0 ? "st" : "lst";
        x = Ref.col(t, name, name);
      } else if (k < 3 && !interop) {
        x = arith();
        return Ref.fn("(" + x.sql() + ")" + suffix, row -> (x.eval(row) == null) != neg);
      } else {
        x = colG(pick(sources));
      }
      return Ref.fn(x.sql() + suffix, row -> (x.eval(row) == null) != neg);
    }
    if (r < 65) {
      Src s = pick(sources);
      G c = colG(s);
      int k = 1 + rnd.nextInt(4);
      List<G> items = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        items.add(literal(s.col));
      }
      boolean neg = rnd.nextInt(3) == 0;
      String sql = c.sql() + (neg ? " NOT IN (" : " IN (") + String.join(", ", items.stream().map(G::sql).toList()) + ")";
      return Ref.fn(sql, row -> {
        List<Object> vals = new ArrayList<>();
        for (G g : items) {
          vals.add(g.eval(row));
        }
        Boolean in = Ref.in(c.eval(row), vals);
        return neg ? Ref.not(in) : in;
      });
    }
    if (r < 75) {
      Src s = pick(sources);
      G c = colG(s);
      G lo = literal(s.col);
      G hi = literal(s.col);
      boolean neg = rnd.nextInt(3) == 0;
      return Ref.fn(c.sql() + (neg ? " NOT BETWEEN " : " BETWEEN ") + lo.sql() + " AND " + hi.sql(), row -> {
        Object x = c.eval(row);
        Boolean b = Ref.between(x, lo.eval(row), hi.eval(row));
        return neg ? Ref.not(b) : b;
      });
    }
    if (r < 83) {
      Src s = source(Kind.STR);
      G c = colG(s);
      String[] parts = {"a", "b", "%", "_", "é", "'", "日", "c"};
      StringBuilder p = new StringBuilder();
      int len = rnd.nextInt(5);
      for (int i = 0; i < len; i++) {
        p.append(parts[rnd.nextInt(parts.length)]);
      }
      String pattern = p.toString();
      boolean neg = rnd.nextInt(3) == 0;
      return Ref.fn(c.sql() + (neg ? " NOT LIKE '" : " LIKE '") + pattern.replace("'", "''") + "'", row -> {
        Boolean b = Ref.like(c.eval(row), pattern);
        return neg ? Ref.not(b) : b;
      });
    }
    if (r < 95 && !interop) {
      G a = arith();
      G l = rnd.nextBoolean() ? Ref.lit(Integer.toString(rnd.nextInt(9) - 4), BigInteger.valueOf(0))
          : exact(BigDecimal.valueOf(rnd.nextInt(17) - 8, 1));
      G lit = l.eval(0) instanceof BigInteger ? Ref.lit(l.sql(), new BigInteger(l.sql())) : l;
      String op = pick(List.of("=", "!=", "<", "<=", ">", ">="));
      return Ref.fn(a.sql() + " " + op + " " + lit.sql(), row -> Ref.compare(op, a.eval(row), lit.eval(row)));
    }
    if (r < 98) {
      G c = Ref.col(t, "flag", "flag");
      return c;
    }
    if (interop) {
      return Ref.col(t, "flag", "flag"); // lance-core refuses a filter that is a bare literal
    }
    int k = rnd.nextInt(3);
    return Ref.lit(k == 0 ? "TRUE" : k == 1 ? "FALSE" : "NULL", k == 0 ? Boolean.TRUE : k == 1 ? Boolean.FALSE : null);
  }

  private static long nanos(TimeUnit u) {
    return switch (u) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  private static Object coarse(Object v, BigInteger unit) {
    if (v == null) {
      return null;
    }
    BigInteger n = ((Instant) v).nanos();
    BigInteger[] qr = n.divideAndRemainder(unit);
    BigInteger q = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    return new Instant(q.multiply(unit));
  }

  /** A random arithmetic expression over numeric columns and literals (parenthesized). */
  G arith() {
    Src a = source(Kind.INT, Kind.UINT64, Kind.FLOAT, Kind.DEC);
    G ga = colG(a);
    if (rnd.nextInt(6) == 0) {
      G inner = ga;
      ga = Ref.fn("-" + inner.sql(), row -> Ref.negate(inner.eval(row)));
    }
    boolean dec = a.col.kind() == Kind.DEC;
    G gb;
    String op = pick(List.of("+", "-", "*", "/", "%"));
    if (rnd.nextBoolean()) {
      Src b = source(Kind.INT, Kind.UINT64, Kind.FLOAT, Kind.DEC);
      if ((op.equals("/") || op.equals("%")) && rnd.nextInt(4) != 0) {
        b = source(Kind.FLOAT);
      }
      dec |= b.col.kind() == Kind.DEC;
      gb = colG(b);
    } else if (rnd.nextBoolean()) {
      int v = (op.equals("/") || op.equals("%")) && rnd.nextInt(20) != 0 ? 1 + rnd.nextInt(4) : rnd.nextInt(7) - 3;
      gb = Ref.lit(Integer.toString(v), BigInteger.valueOf(v));
    } else {
      BigDecimal v = BigDecimal.valueOf(rnd.nextInt(40) + 1, 1);
      gb = exact(v);
    }
    if (dec && (op.equals("/") || op.equals("%"))) {
      op = "*";
    }
    G x = ga;
    G y = gb;
    String o = op;
    return Ref.fn("(" + x.sql() + " " + o + " " + y.sql() + ")", row -> {
      Object l = x.eval(row);
      Object r = y.eval(row);
      return Ref.arith(o, l, r);
    });
  }
}
