package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Casts.CastFailure;
import dev.lancelet.table.expr.Col.BoolCol;
import dev.lancelet.table.expr.Col.BytesCol;
import dev.lancelet.table.expr.Col.DecimalCol;
import dev.lancelet.table.expr.Col.DoubleCol;
import dev.lancelet.table.expr.Col.LongCol;
import dev.lancelet.table.expr.Col.NullCol;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The bound node kinds other than column references. */
final class Nodes {
  private Nodes() {}

  /** True when statistics prove there are no rows, or that every row is null. */
  static boolean empty(ColumnStats s) {
    if (s.rowCount() != null && s.rowCount() == 0) {
      return true;
    }
    return s.rowCount() != null && s.nullCount() != null && s.nullCount() >= s.rowCount();
  }

  // ==================================================================== literals and conversions

  static final class Literal extends Node {
    final Col value;
    /** For a literal written with a fraction or exponent: its exact decimal value, else null. */
    final BigDecimal exact;

    Literal(Col value, String src, int pos) {
      this(value, null, src, pos);
    }

    Literal(Col value, BigDecimal exact, String src, int pos) {
      super(value.type, value.isNull(0), src, pos);
      this.value = value;
      this.exact = exact;
    }

    boolean isNull() {
      return value.isNull(0);
    }

    @Override
    Col eval(Batch b) {
      return value;
    }

    @Override
    void columns(Set<String> out) {}

    @Override
    int prec() {
      return P_ATOM;
    }

    @Override
    void print(StringBuilder sb) {
      if (value.isNull(0)) {
        sb.append("NULL");
        return;
      }
      switch (Types.domain(type)) {
        case BOOL -> sb.append(((BoolCol) value).isTrue(0) ? "TRUE" : "FALSE");
        case LONG -> {
          if (Types.isTemporal(type)) {
            sb.append(type instanceof ArrowType.Date d
                ? (d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? "DATE" : "DATE64")
                : Types.sqlName(new ArrowType.Timestamp(((ArrowType.Timestamp) type).getUnit(), null)));
            sb.append(" '").append(Casts.format(value, 0)).append('\'');
          } else {
            sb.append(Casts.format(value, 0));
          }
        }
        case DOUBLE -> {
          double d = ((DoubleCol) value).v[0];
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            sb.append("CAST('").append(d).append("' AS DOUBLE)");
          } else {
            sb.append(d);
          }
        }
        case DECIMAL -> sb.append(Types.sqlName(type)).append(" '").append(Casts.format(value, 0)).append('\'');
        case BYTES -> {
          BytesCol bc = (BytesCol) value;
          String s;
          try {
            s = Casts.utf8(bc, 0);
          } catch (CastFailure e) {
            s = null;
          }
          if (s == null) {
            sb.append("<binary ").append(bc.off[1] - bc.off[0]).append(" bytes>");
          } else {
            sb.append('\'').append(s.replace("'", "''")).append('\'');
          }
        }
        default -> sb.append("NULL");
      }
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      if (value instanceof BoolCol bc && !bc.isNull(0)) {
        return bc.isTrue(0) ? CAN_TRUE : CAN_FALSE;
      }
      return value.isNull(0) ? 0 : ANY;
    }
  }

  /** A type conversion: an explicit CAST, or an implicit coercion the binder inserted. */
  static final class Convert extends Node {
    final Node child;
    final boolean explicit;

    Convert(Node child, ArrowType target, boolean explicit, String src, int pos) {
      super(target, child.nullable, src, pos);
      this.child = child;
      this.explicit = explicit;
    }

    @Override
    Col eval(Batch b) {
      try {
        return Casts.cast(child.eval(b), type);
      } catch (CastFailure e) {
        throw fail((explicit ? "CAST failed: " : "Conversion failed: ") + e.getMessage());
      }
    }

    @Override
    void columns(Set<String> out) {
      child.columns(out);
    }

    @Override
    int prec() {
      return explicit ? P_ATOM : child.prec();
    }

    @Override
    void print(StringBuilder sb) {
      if (explicit) {
        sb.append("CAST(");
        child.print(sb);
        sb.append(" AS ").append(Types.sqlName(type)).append(')');
      } else {
        child.print(sb);
      }
    }

    @Override
    ColumnRef statsRef() {
      return explicit ? null : child.statsRef();
    }

    @Override
    Col bounds(ColumnStats stats) {
      if (explicit) {
        return null;
      }
      Col c = child.bounds(stats);
      if (c == null) {
        return null;
      }
      try {
        return Casts.cast(c, type);
      } catch (CastFailure e) {
        return null;
      }
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      return explicit ? ANY : child.mayMatch(stats);
    }
  }

  // ==================================================================== arithmetic

  static final class Arith extends Node {
    final String op;
    final Node left;
    final Node right;

    Arith(String op, Node left, Node right, ArrowType type, String src, int pos) {
      super(type, left.nullable || right.nullable, src, pos);
      this.op = op;
      this.left = left;
      this.right = right;
    }

    @Override
    Col eval(Batch b) {
      int n = b.n;
      Col l = left.eval(b);
      Col r = right.eval(b);
      if (l instanceof NullCol || r instanceof NullCol || (l.scalar && l.isNull(0)) || (r.scalar && r.isNull(0))) {
        return Casts.nulls(type, n, false);
      }
      l = l.expand(n);
      r = r.expand(n);
      return switch (Types.domain(type)) {
        case LONG -> longs((LongCol) l, (LongCol) r, n);
        case DOUBLE -> doubles((DoubleCol) l, (DoubleCol) r, n);
        case DECIMAL -> decimals((DecimalCol) l, (DecimalCol) r, n);
        default -> throw new IllegalStateException(type.toString());
      };
    }

    private LongCol longs(LongCol a, LongCol c, int n) {
      long[] valid = Col.andValid(a.valid, c.valid);
      long[] x = a.v;
      long[] y = c.v;
      long[] out = new long[n];
      if (a.unsigned64() || c.unsigned64()) {
        for (int i = 0; i < n; i++) {
          if (((a.unsigned64() && x[i] < 0) || (c.unsigned64() && y[i] < 0)) && ok(valid, i)) {
            throw overflow(i);
          }
        }
      }
      switch (op) {
        case "+" -> {
          for (int i = 0; i < n; i++) {
            long s = x[i] + y[i];
            if (((x[i] ^ s) & (y[i] ^ s)) < 0 && ok(valid, i)) {
              throw overflow(i);
            }
            out[i] = s;
          }
        }
        case "-" -> {
          for (int i = 0; i < n; i++) {
            long s = x[i] - y[i];
            if (((x[i] ^ y[i]) & (x[i] ^ s)) < 0 && ok(valid, i)) {
              throw overflow(i);
            }
            out[i] = s;
          }
        }
        case "*" -> {
          for (int i = 0; i < n; i++) {
            long hi = Math.multiplyHigh(x[i], y[i]);
            long lo = x[i] * y[i];
            if ((hi != 0 || lo < 0) && (hi != -1 || lo >= 0) && ok(valid, i)) {
              throw overflow(i);
            }
            out[i] = lo;
          }
        }
        case "/", "%" -> {
          boolean div = op.equals("/");
          for (int i = 0; i < n; i++) {
            if (!ok(valid, i)) {
              continue;
            }
            if (y[i] == 0) {
              throw fail("Division by zero (row " + i + ")");
            }
            if (x[i] == Long.MIN_VALUE && y[i] == -1) {
              if (div) {
                throw overflow(i);
              }
              out[i] = 0;
              continue;
            }
            out[i] = div ? x[i] / y[i] : x[i] % y[i];
          }
        }
        default -> throw new IllegalStateException(op);
      }
      return new LongCol(type, out, valid, n, false);
    }

    private static boolean ok(long[] valid, int i) {
      return valid == null || Col.bit(valid, i);
    }

    private ExpressionException overflow(int row) {
      return fail("Integer overflow in " + this + " (row " + row + "; values are computed as BIGINT)");
    }

    private DoubleCol doubles(DoubleCol a, DoubleCol c, int n) {
      double[] x = a.v;
      double[] y = c.v;
      double[] out = new double[n];
      switch (op) {
        case "+" -> {
          for (int i = 0; i < n; i++) {
            out[i] = x[i] + y[i];
          }
        }
        case "-" -> {
          for (int i = 0; i < n; i++) {
            out[i] = x[i] - y[i];
          }
        }
        case "*" -> {
          for (int i = 0; i < n; i++) {
            out[i] = x[i] * y[i];
          }
        }
        case "/" -> {
          for (int i = 0; i < n; i++) {
            out[i] = x[i] / y[i];
          }
        }
        case "%" -> {
          for (int i = 0; i < n; i++) {
            out[i] = x[i] % y[i];
          }
        }
        default -> throw new IllegalStateException(op);
      }
      return new DoubleCol(type, out, Col.andValid(a.valid, c.valid), n, false);
    }

    private DecimalCol decimals(DecimalCol a, DecimalCol c, int n) {
      ArrowType.Decimal t = (ArrowType.Decimal) type;
      BigDecimal[] out = new BigDecimal[n];
      for (int i = 0; i < n; i++) {
        BigDecimal x = a.v[i];
        BigDecimal y = c.v[i];
        if (x == null || y == null) {
          continue;
        }
        if ((op.equals("/") || op.equals("%")) && y.signum() == 0) {
          throw fail("Division by zero (row " + i + ")");
        }
        BigDecimal r = switch (op) {
          case "+" -> x.add(y);
          case "-" -> x.subtract(y);
          case "*" -> x.multiply(y);
          case "/" -> x.divide(y, t.getScale(), RoundingMode.HALF_UP);
          default -> x.remainder(y);
        };
        try {
          out[i] = Casts.fit(r, t);
        } catch (CastFailure e) {
          throw fail("Decimal overflow in " + this + " (row " + i + "): " + e.getMessage());
        }
      }
      return new DecimalCol(type, out, n, false);
    }

    @Override
    void columns(Set<String> out) {
      left.columns(out);
      right.columns(out);
    }

    @Override
    int prec() {
      return op.equals("+") || op.equals("-") ? P_ADD : P_MUL;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, left, left.prec() < prec());
      sb.append(' ').append(op).append(' ');
      printChild(sb, right, right.prec() <= prec());
    }
  }

  static final class Negate extends Node {
    final Node child;

    Negate(Node child, ArrowType type, String src, int pos) {
      super(type, child.nullable, src, pos);
      this.child = child;
    }

    @Override
    Col eval(Batch b) {
      int n = b.n;
      Col c = child.eval(b).expand(n);
      if (c instanceof LongCol lc) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          if ((lc.v[i] == Long.MIN_VALUE || lc.unsigned64() && lc.v[i] < 0) && !lc.isNull(i)) {
            throw fail("Integer overflow negating " + child + " (row " + i + ")");
          }
          out[i] = -lc.v[i];
        }
        return new LongCol(type, out, lc.valid, n, false);
      }
      if (c instanceof DoubleCol dc) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
          out[i] = -dc.v[i];
        }
        return new DoubleCol(type, out, dc.valid, n, false);
      }
      if (c instanceof DecimalCol dc) {
        BigDecimal[] out = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
          out[i] = dc.v[i] == null ? null : dc.v[i].negate();
        }
        return new DecimalCol(type, out, n, false);
      }
      return Casts.nulls(type, n, false);
    }

    @Override
    void columns(Set<String> out) {
      child.columns(out);
    }

    @Override
    int prec() {
      return P_UNARY;
    }

    @Override
    void print(StringBuilder sb) {
      sb.append('-');
      StringBuilder inner = new StringBuilder();
      child.print(inner);
      boolean parens = child.prec() < P_ATOM || inner.charAt(0) == '-';
      sb.append(parens ? "(" + inner + ")" : inner);
    }
  }

  // ==================================================================== predicates

  static final class Compare extends Node {
    final String op;
    final Node left;
    final Node right;
    final int mask;

    Compare(String op, Node left, Node right, String src, int pos) {
      super(Types.BOOL, left.nullable || right.nullable, src, pos);
      this.op = op;
      this.left = left;
      this.right = right;
      this.mask = Kernels.mask(op);
    }

    @Override
    Col eval(Batch b) {
      Col l = left.eval(b);
      Col r = right.eval(b);
      if (l instanceof NullCol || r instanceof NullCol) {
        return Kernels.allNull(b.n);
      }
      return Kernels.compare(l, r, mask, b.n);
    }

    @Override
    void columns(Set<String> out) {
      left.columns(out);
      right.columns(out);
    }

    @Override
    int prec() {
      return P_PRED;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, left, left.prec() < P_PRED);
      sb.append(' ').append(op).append(' ');
      printChild(sb, right, right.prec() <= P_PRED);
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      Node col;
      Literal lit;
      int m;
      if (left.statsRef() != null && right instanceof Literal l) {
        col = left;
        lit = l;
        m = mask;
      } else if (right.statsRef() != null && left instanceof Literal l) {
        col = right;
        lit = l;
        m = Kernels.flip(mask);
      } else {
        return (left instanceof Literal l && l.isNull()) || (right instanceof Literal r && r.isNull()) ? 0 : ANY;
      }
      if (lit.isNull()) {
        return 0;
      }
      ColumnStats s = stats.stats(col.statsRef().name);
      if (s == null) {
        return ANY;
      }
      if (empty(s)) {
        return 0;
      }
      Col bounds = col.bounds(s);
      if (bounds == null) {
        return ANY;
      }
      return rangeOutcomes(bounds, lit.value, m);
    }
  }

  /**
   * Possible outcomes of {@code x <op> v} for x in [bounds[0], bounds[1]] (either bound may be
   * unknown), with {@code mask} the operator's accepted comparison results.
   */
  static int rangeOutcomes(Col bounds, Col v, int mask) {
    boolean minKnown = !bounds.isNull(0);
    boolean maxKnown = !bounds.isNull(1);
    int cmin = minKnown ? Kernels.compareAt(bounds, 0, v, 0) : 0;
    int cmax = maxKnown ? Kernels.compareAt(bounds, 1, v, 0) : 0;
    // Which three-way results (x < v, x = v, x > v) are possible for some x in the range.
    boolean canLess = !minKnown || cmin < 0;
    boolean canGreater = !maxKnown || cmax > 0;
    boolean canEqual = (!minKnown || cmin <= 0) && (!maxKnown || cmax >= 0);
    int possible = (canLess ? Kernels.LT : 0) | (canEqual ? Kernels.EQ : 0) | (canGreater ? Kernels.GT : 0);
    int out = 0;
    if ((possible & mask) != 0) {
      out |= Node.CAN_TRUE;
    }
    if ((possible & ~mask & 7) != 0) {
      out |= Node.CAN_FALSE;
    }
    return out;
  }

  /** AND or OR over two or more operands (chains are kept flat so long lists do not nest deeply). */
  static final class Logic extends Node {
    final boolean and;
    final List<Node> operands;

    Logic(boolean and, List<Node> operands, String src, int pos) {
      super(Types.BOOL, operands.stream().anyMatch(o -> o.nullable), src, pos);
      this.and = and;
      this.operands = List.copyOf(operands);
    }

    @Override
    Col eval(Batch b) {
      BoolCol acc = Kernels.bools(operands.get(0).eval(b), b.n);
      for (int k = 1; k < operands.size(); k++) {
        BoolCol r = Kernels.bools(operands.get(k).eval(b), b.n);
        acc = and ? Kernels.and(acc, r, b.n) : Kernels.or(acc, r, b.n);
      }
      return acc;
    }

    @Override
    void columns(Set<String> out) {
      for (Node o : operands) {
        o.columns(out);
      }
    }

    @Override
    int prec() {
      return and ? P_AND : P_OR;
    }

    @Override
    void print(StringBuilder sb) {
      for (int k = 0; k < operands.size(); k++) {
        if (k > 0) {
          sb.append(and ? " AND " : " OR ");
        }
        printChild(sb, operands.get(k), operands.get(k).prec() <= prec());
      }
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      int acc = operands.get(0).mayMatch(stats);
      for (int k = 1; k < operands.size(); k++) {
        int r = operands.get(k).mayMatch(stats);
        acc = and ? (acc & r & CAN_TRUE) | ((acc | r) & CAN_FALSE) : ((acc | r) & CAN_TRUE) | (acc & r & CAN_FALSE);
      }
      return acc;
    }
  }

  static final class Not extends Node {
    final Node child;

    Not(Node child, String src, int pos) {
      super(Types.BOOL, child.nullable, src, pos);
      this.child = child;
    }

    @Override
    Col eval(Batch b) {
      return Kernels.not(Kernels.bools(child.eval(b), b.n), b.n);
    }

    @Override
    void columns(Set<String> out) {
      child.columns(out);
    }

    @Override
    int prec() {
      return P_NOT;
    }

    @Override
    void print(StringBuilder sb) {
      sb.append("NOT ");
      printChild(sb, child, child.prec() < P_NOT);
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      return swap(child.mayMatch(stats));
    }
  }

  static int swap(int m) {
    return ((m & Node.CAN_TRUE) << 1) | ((m & Node.CAN_FALSE) >>> 1);
  }

  static final class IsNull extends Node {
    final Node child;
    final boolean negated;

    IsNull(Node child, boolean negated, String src, int pos) {
      super(Types.BOOL, false, src, pos);
      this.child = child;
      this.negated = negated;
    }

    @Override
    Col eval(Batch b) {
      int n = b.n;
      long[] valid;
      if (child instanceof ColumnRef ref) {
        valid = ref.validity(b);
      } else {
        Col c = child.eval(b);
        if (c.scalar) {
          valid = c.isNull(0) ? new long[Col.words(n)] : null;
        } else {
          valid = new long[Col.words(n)];
          for (int i = 0; i < n; i++) {
            if (!c.isNull(i)) {
              Col.set(valid, i);
            }
          }
        }
      }
      long[] notNull = valid == null ? Col.allSet(n) : valid;
      return Kernels.definite(notNull, !negated, n);
    }

    @Override
    void columns(Set<String> out) {
      child.columns(out);
    }

    @Override
    int prec() {
      return P_PRED;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, child, child.prec() < P_PRED);
      sb.append(negated ? " IS NOT NULL" : " IS NULL");
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      if (child instanceof Literal l) {
        return (l.isNull() != negated) ? CAN_TRUE : CAN_FALSE;
      }
      ColumnRef ref = child.statsRef();
      if (ref == null) {
        return ANY;
      }
      ColumnStats s = stats.stats(ref.name);
      if (s == null) {
        return ANY;
      }
      if (s.rowCount() != null && s.rowCount() == 0) {
        return 0;
      }
      boolean someNull = s.nullCount() == null || s.nullCount() > 0;
      boolean someValue = s.nullCount() == null || s.rowCount() == null || s.nullCount() < s.rowCount();
      int m = (someNull ? CAN_TRUE : 0) | (someValue ? CAN_FALSE : 0);
      return negated ? swap(m) : m;
    }
  }

  /** {@code x IS [NOT] TRUE|FALSE}: never NULL. */
  static final class IsBool extends Node {
    final Node child;
    final boolean value;
    final boolean negated;

    IsBool(Node child, boolean value, boolean negated, String src, int pos) {
      super(Types.BOOL, false, src, pos);
      this.child = child;
      this.value = value;
      this.negated = negated;
    }

    @Override
    Col eval(Batch b) {
      int n = b.n;
      BoolCol c = Kernels.bools(child.eval(b), n);
      return Kernels.definite(value ? c.t : c.f, negated, n);
    }

    @Override
    void columns(Set<String> out) {
      child.columns(out);
    }

    @Override
    int prec() {
      return P_PRED;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, child, child.prec() < P_PRED);
      sb.append(" IS ").append(negated ? "NOT " : "").append(value ? "TRUE" : "FALSE");
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      int m = child.mayMatch(stats);
      boolean hitPossible = (m & (value ? CAN_TRUE : CAN_FALSE)) != 0;
      int r = (hitPossible ? CAN_TRUE : 0) | CAN_FALSE;
      return negated ? swap(r) : r;
    }
  }

  static final class In extends Node {
    final Node operand;
    final List<Node> items;
    /** operand = item, one per item (same coercions), for the general path and for statistics. */
    final List<Compare> eqs;
    final boolean negated;
    private final long[] sortedLongs;
    private final Set<ByteBuffer> byteSet;
    private final boolean listHasNull;

    In(Node operand, List<Node> items, List<Compare> eqs, boolean negated, String src, int pos) {
      super(Types.BOOL, operand.nullable || items.stream().anyMatch(i -> i.nullable), src, pos);
      this.operand = operand;
      this.items = items;
      this.eqs = eqs;
      this.negated = negated;
      boolean allLiterals = eqs.stream().allMatch(e -> e.right instanceof Literal);
      boolean sameLeft = eqs.stream().allMatch(e -> e.left == eqs.get(0).left);
      this.listHasNull = eqs.stream().anyMatch(e -> e.right instanceof Literal l && l.isNull());
      Node left = eqs.get(0).left;
      if (allLiterals && sameLeft && Types.domain(left.type) == Types.Domain.LONG) {
        sortedLongs = eqs.stream().map(e -> (Literal) e.right).filter(l -> !l.isNull())
            .mapToLong(l -> ((LongCol) l.value).v[0]).sorted().toArray();
        byteSet = null;
      } else if (allLiterals && sameLeft && Types.domain(left.type) == Types.Domain.BYTES) {
        sortedLongs = null;
        byteSet = new HashSet<>();
        for (Compare e : eqs) {
          Literal l = (Literal) e.right;
          if (!l.isNull()) {
            byteSet.add(ByteBuffer.wrap(((BytesCol) l.value).get(0)));
          }
        }
      } else {
        sortedLongs = null;
        byteSet = null;
      }
    }

    @Override
    Col eval(Batch b) {
      int n = b.n;
      BoolCol r;
      if (sortedLongs != null || byteSet != null) {
        Col x = eqs.get(0).left.eval(b);
        if (x instanceof NullCol) {
          r = Kernels.allNull(n);
        } else {
          x = x.expand(n);
          long[] hits = new long[Col.words(n)];
          if (x instanceof LongCol lc) {
            for (int i = 0; i < n; i++) {
              if (Arrays.binarySearch(sortedLongs, lc.v[i]) >= 0) {
                Col.set(hits, i);
              }
            }
          } else {
            BytesCol bc = (BytesCol) x;
            for (int i = 0; i < n; i++) {
              if (byteSet.contains(ByteBuffer.wrap(bc.data, bc.off[i], bc.off[i + 1] - bc.off[i]))) {
                Col.set(hits, i);
              }
            }
          }
          long[] valid = Kernels.validOver(x, n);
          long[] t = new long[hits.length];
          long[] f = new long[hits.length];
          for (int w = 0; w < t.length; w++) {
            long ok = valid == null ? -1L : valid[w];
            t[w] = hits[w] & ok;
            f[w] = listHasNull ? 0 : ~hits[w] & ok;
          }
          Col.clearTail(f, n);
          r = new BoolCol(t, f, n, false);
        }
      } else {
        r = Kernels.bools(eqs.get(0).eval(b), n);
        for (int k = 1; k < eqs.size(); k++) {
          r = Kernels.or(r, Kernels.bools(eqs.get(k).eval(b), n), n);
        }
      }
      return negated ? Kernels.not(r, n) : r;
    }

    @Override
    void columns(Set<String> out) {
      operand.columns(out);
      for (Node i : items) {
        i.columns(out);
      }
    }

    @Override
    int prec() {
      return P_PRED;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, operand, operand.prec() < P_PRED);
      sb.append(negated ? " NOT IN (" : " IN (");
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        items.get(i).print(sb);
      }
      sb.append(')');
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      int canTrue = 0;
      int canFalse = CAN_FALSE;
      for (Compare e : eqs) {
        int x = e.mayMatch(stats);
        canTrue |= x & CAN_TRUE;
        canFalse &= x;
      }
      int m = canTrue | canFalse;
      return negated ? swap(m) : m;
    }
  }

  static final class Between extends Node {
    final Node operand;
    final Node low;
    final Node high;
    final boolean negated;
    final Node inner;

    Between(Node operand, Node low, Node high, boolean negated, Node inner, String src, int pos) {
      super(Types.BOOL, inner.nullable, src, pos);
      this.operand = operand;
      this.low = low;
      this.high = high;
      this.negated = negated;
      this.inner = inner;
    }

    @Override
    Col eval(Batch b) {
      return inner.eval(b);
    }

    @Override
    void columns(Set<String> out) {
      inner.columns(out);
    }

    @Override
    int prec() {
      return P_PRED;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, operand, operand.prec() < P_PRED);
      sb.append(negated ? " NOT BETWEEN " : " BETWEEN ");
      printChild(sb, low, low.prec() <= P_PRED);
      sb.append(" AND ");
      printChild(sb, high, high.prec() <= P_PRED);
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      return inner.mayMatch(stats);
    }
  }

  static final class LikeNode extends Node {
    final Node operand;
    final Literal pattern;
    final Literal escape;
    final Like like;
    final boolean negated;

    LikeNode(Node operand, Literal pattern, Literal escape, Like like, boolean negated, String src, int pos) {
      super(Types.BOOL, operand.nullable || like == null, src, pos);
      this.operand = operand;
      this.pattern = pattern;
      this.escape = escape;
      this.like = like;
      this.negated = negated;
    }

    @Override
    Col eval(Batch b) {
      int n = b.n;
      Col c = operand.eval(b);
      if (like == null || c instanceof NullCol) {
        return Kernels.allNull(n);
      }
      BytesCol bc = (BytesCol) c.expand(n);
      long[] r = new long[Col.words(n)];
      like.match(bc, r);
      BoolCol out = Kernels.fromBits(r, bc.valid, n);
      return negated ? Kernels.not(out, n) : out;
    }

    @Override
    void columns(Set<String> out) {
      operand.columns(out);
    }

    @Override
    int prec() {
      return P_PRED;
    }

    @Override
    void print(StringBuilder sb) {
      printChild(sb, operand, operand.prec() < P_PRED);
      sb.append(negated ? " NOT LIKE " : " LIKE ");
      pattern.print(sb);
      if (escape != null) {
        sb.append(" ESCAPE ");
        escape.print(sb);
      }
    }

    @Override
    int mayMatch(ColumnStatsProvider stats) {
      if (like == null) {
        return 0;
      }
      ColumnRef ref = operand.statsRef();
      if (ref == null || like.prefix.length == 0) {
        return ANY;
      }
      ColumnStats s = stats.stats(ref.name);
      if (s == null) {
        return ANY;
      }
      if (empty(s)) {
        return 0;
      }
      Col bounds = operand.bounds(s);
      if (bounds == null) {
        return ANY;
      }
      BytesCol p = BytesCol.scalar(operand.type, like.prefix);
      int m;
      if (!like.hasWildcard) {
        m = rangeOutcomes(bounds, p, Kernels.EQ);
      } else {
        // Values with the prefix lie in [prefix, successor(prefix)).
        boolean canTrue = bounds.isNull(1) || Kernels.compareAt(bounds, 1, p, 0) >= 0;
        byte[] succ = successor(like.prefix);
        if (canTrue && succ != null && !bounds.isNull(0)) {
          canTrue = Kernels.compareAt(bounds, 0, BytesCol.scalar(operand.type, succ), 0) < 0;
        }
        m = (canTrue ? CAN_TRUE : 0) | CAN_FALSE;
      }
      return negated ? swap(m) : m;
    }

    /** The smallest byte string greater than every string starting with p, or null if none. */
    static byte[] successor(byte[] p) {
      int k = p.length;
      while (k > 0 && p[k - 1] == (byte) 0xFF) {
        k--;
      }
      if (k == 0) {
        return null;
      }
      byte[] s = Arrays.copyOf(p, k);
      s[k - 1]++;
      return s;
    }
  }
}
