package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Casts.CastFailure;
import dev.lancelet.table.expr.Col.BoolCol;
import dev.lancelet.table.expr.Col.BytesCol;
import dev.lancelet.table.expr.Col.DecimalCol;
import dev.lancelet.table.expr.Col.DoubleCol;
import dev.lancelet.table.expr.Col.LongCol;
import dev.lancelet.table.expr.Col.NullCol;
import dev.lancelet.table.expr.Nodes.Arith;
import dev.lancelet.table.expr.Nodes.Between;
import dev.lancelet.table.expr.Nodes.Compare;
import dev.lancelet.table.expr.Nodes.Convert;
import dev.lancelet.table.expr.Nodes.In;
import dev.lancelet.table.expr.Nodes.IsBool;
import dev.lancelet.table.expr.Nodes.IsNull;
import dev.lancelet.table.expr.Nodes.LikeNode;
import dev.lancelet.table.expr.Nodes.Literal;
import dev.lancelet.table.expr.Nodes.Logic;
import dev.lancelet.table.expr.Nodes.Negate;
import dev.lancelet.table.expr.Nodes.Not;
import dev.lancelet.table.expr.Types.Domain;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Resolves column names against a schema, type-checks, and inserts implicit conversions. */
final class Binder {
  private final String src;
  private final Schema schema;

  Binder(String src, Schema schema) {
    this.src = src;
    this.schema = schema;
  }

  private ExpressionException error(String msg, Ast at) {
    return new ExpressionException(msg, src, at.pos());
  }

  private static final int MAX_DEPTH = 400;
  private int depth;

  Node bind(Ast a) {
    if (++depth > MAX_DEPTH) {
      throw error("Expression nested too deeply (more than " + MAX_DEPTH + " levels)", a);
    }
    try {
      return bindNode(a);
    } finally {
      depth--;
    }
  }

  private Node bindNode(Ast a) {
    return switch (a) {
      case Ast.Ident id -> column(id);
      case Ast.IntLit lit -> intLiteral(lit);
      case Ast.NumLit lit -> {
        BigDecimal exact = new BigDecimal(lit.text());
        double d = exact.doubleValue();
        if (Double.isInfinite(d)) {
          throw error("Number " + lit.text() + " is out of range for DOUBLE", a);
        }
        yield new Literal(new DoubleCol(Types.FLOAT64, new double[] {d}, null, 1, true), exact, src, a.pos());
      }
      case Ast.StrLit lit -> new Literal(BytesCol.scalar(Types.UTF8, lit.value().getBytes(StandardCharsets.UTF_8)),
          src, a.pos());
      case Ast.BoolLit lit -> new Literal(BoolCol.scalar(lit.value()), src, a.pos());
      case Ast.NullLit lit -> new Literal(new NullCol(Types.NULL, 1, true), src, a.pos());
      case Ast.TypedLit lit -> {
        try {
          Col text = BytesCol.scalar(Types.UTF8, lit.text().getBytes(StandardCharsets.UTF_8));
          yield new Literal(Casts.cast(text, lit.type()), src, a.pos());
        } catch (CastFailure e) {
          throw error("Bad " + Types.sqlName(lit.type()) + " literal: " + e.getMessage(), a);
        }
      }
      case Ast.Binary bin -> binary(bin);
      case Ast.Unary un -> unary(un);
      case Ast.IsTest is -> isTest(is);
      case Ast.In in -> in(in);
      case Ast.Between bt -> between(bt);
      case Ast.Like like -> like(like);
      case Ast.Cast cast -> {
        Node x = bind(cast.operand());
        if (!Casts.canCast(x.type, cast.type())) {
          throw error("Cannot CAST " + describe(x) + " to " + Types.sqlName(cast.type()), a);
        }
        yield new Convert(x, cast.type(), true, src, a.pos());
      }
      case Ast.Call call -> throw error("Unknown function " + call.name() + "(...): functions are not supported "
          + "(see docs/expressions.md for the supported syntax)", a);
    };
  }

  private String describe(Node n) {
    return (n instanceof Literal ? "literal " : "") + n + " (" + Types.sqlName(n.type) + ")";
  }

  // ------------------------------------------------------------------ leaves

  private Node column(Ast.Ident id) {
    List<String> path = id.path();
    List<Field> fields = schema.getFields();
    Field f = find(fields, path.get(0));
    if (f == null) {
      List<String> names = fields.stream().map(Field::getName).limit(20).toList();
      throw error("Unknown column " + ColumnRef.quote(path.get(0)) + " (the schema has " + names
          + (fields.size() > 20 ? " ..." : "") + ")", id);
    }
    if (f.getDictionary() != null) {
      throw error("Column " + ColumnRef.quote(f.getName()) + " is dictionary-encoded; expressions over "
          + "dictionary-encoded columns are not supported (decode it first)", id);
    }
    List<String> resolved = new ArrayList<>();
    resolved.add(f.getName());
    boolean nullable = f.isNullable();
    for (int k = 1; k < path.size(); k++) {
      if (!(f.getType() instanceof ArrowType.Struct)) {
        throw error("Column " + String.join(".", resolved) + " is not a struct (it is " + f.getType()
            + "), so it has no field " + ColumnRef.quote(path.get(k)), id);
      }
      Field child = find(f.getChildren(), path.get(k));
      if (child == null) {
        throw error("Struct " + String.join(".", resolved) + " has no field " + ColumnRef.quote(path.get(k))
            + " (it has " + f.getChildren().stream().map(Field::getName).toList() + ")", id);
      }
      if (child.getDictionary() != null) {
        throw error("Field " + ColumnRef.quote(child.getName()) + " is dictionary-encoded; expressions over "
            + "dictionary-encoded columns are not supported (decode it first)", id);
      }
      f = child;
      resolved.add(f.getName());
      nullable |= f.isNullable();
    }
    return new ColumnRef(List.copyOf(resolved), f.getType(), nullable, src, id.pos());
  }

  /** Exact name match, else a unique case-insensitive match. */
  private static Field find(List<Field> fields, String name) {
    Field ci = null;
    int ciCount = 0;
    for (Field f : fields) {
      if (f.getName().equals(name)) {
        return f;
      }
      if (f.getName().equalsIgnoreCase(name)) {
        ci = f;
        ciCount++;
      }
    }
    return ciCount == 1 ? ci : null;
  }

  private Node intLiteral(Ast.IntLit lit) {
    BigInteger v = new BigInteger(lit.digits());
    if (v.bitLength() < 64) {
      return new Literal(LongCol.scalar(Types.INT64, v.longValue()), src, lit.pos());
    }
    if (v.signum() > 0 && v.bitLength() == 64) {
      return new Literal(LongCol.scalar(Types.UINT64, v.longValue()), src, lit.pos());
    }
    if (v.abs().toString().length() <= Types.MAX_DECIMAL_PRECISION) {
      ArrowType.Decimal t = new ArrowType.Decimal(Types.MAX_DECIMAL_PRECISION, 0, 128);
      return new Literal(new DecimalCol(t, new BigDecimal[] {new BigDecimal(v)}, 1, true), src, lit.pos());
    }
    throw error("Integer literal " + lit.digits() + " is too large", lit);
  }

  // ------------------------------------------------------------------ coercion

  /** {@code n} converted to {@code target}; literals are converted now, columns at evaluation. */
  private Node coerce(Node n, ArrowType target) {
    if (n.type.equals(target) || Types.domain(n.type) == Domain.BYTES && Types.domain(target) == Domain.BYTES
        && !(n instanceof Literal)) {
      return n;
    }
    if (n instanceof Literal lit) {
      try {
        if (lit.exact != null && target instanceof ArrowType.Decimal d) {
          return new Literal(new DecimalCol(d, new BigDecimal[] {Casts.fit(lit.exact, d)}, 1, true), src, n.pos);
        }
        return new Literal(Casts.cast(lit.value, target), src, n.pos);
      } catch (CastFailure e) {
        throw new ExpressionException("Cannot use " + describe(n) + " as " + Types.sqlName(target) + ": "
            + e.getMessage(), src, n.pos);
      }
    }
    return new Convert(n, target, false, src, n.pos);
  }

  private static boolean isStringLiteral(Node n) {
    return n instanceof Literal && Types.isString(n.type);
  }

  private static boolean scalar(ArrowType t) {
    Domain d = Types.domain(t);
    return d != Domain.OTHER;
  }

  /** The type both sides of a comparison are converted to, or null when they cannot be compared. */
  private ArrowType compareType(Node a, Node b) {
    ArrowType ta = a.type;
    ArrowType tb = b.type;
    if (!scalar(ta) || !scalar(tb)) {
      return null;
    }
    if (ta instanceof ArrowType.Null) {
      return tb;
    }
    if (tb instanceof ArrowType.Null || ta.equals(tb)) {
      return ta;
    }
    if (isStringLiteral(b) && !Types.isBinary(ta) && !Types.isString(ta)) {
      return ta;
    }
    if (isStringLiteral(a) && !Types.isBinary(tb) && !Types.isString(tb)) {
      return tb;
    }
    Domain da = Types.domain(ta);
    Domain db = Types.domain(tb);
    if (da == Domain.BYTES && db == Domain.BYTES) {
      return ta;
    }
    if (Types.isInteger(ta) && Types.isInteger(tb)) {
      boolean ua = Types.isUInt64(ta);
      boolean ub = Types.isUInt64(tb);
      if (!ua && !ub) {
        return Types.INT64;
      }
      Node other = ua ? b : a;
      if (other instanceof Literal lit && !lit.isNull() && ((LongCol) lit.value).v[0] >= 0 || (ua && ub)) {
        return Types.UINT64;
      }
      if (!((ArrowType.Int) other.type).getIsSigned()) {
        return Types.UINT64;
      }
      return new ArrowType.Decimal(Types.MAX_DECIMAL_PRECISION, 0, 128);
    }
    if (Types.isNumeric(ta) && Types.isNumeric(tb)) {
      if (Types.isDecimal(ta) && b instanceof Literal lb && lb.exact != null) {
        return decimalFor((ArrowType.Decimal) ta, lb.exact);
      }
      if (Types.isDecimal(tb) && a instanceof Literal la && la.exact != null) {
        return decimalFor((ArrowType.Decimal) tb, la.exact);
      }
      if (Types.isFloat(ta) || Types.isFloat(tb)) {
        return Types.FLOAT64;
      }
      int s = Math.max(scaleOf(ta), scaleOf(tb));
      return new ArrowType.Decimal(Types.MAX_DECIMAL_PRECISION, s, 128);
    }
    if (Types.isTemporal(ta) && Types.isTemporal(tb)) {
      // As in Lance: a literal against a timestamp column, or a date literal against a date column,
      // is converted to the column's type (a finer literal is floored to the column's unit). A
      // timestamp literal against a date column compares as timestamps (the date is midnight).
      if (b instanceof Literal && !(a instanceof Literal)
          && (ta instanceof ArrowType.Timestamp || tb instanceof ArrowType.Date)) {
        return ta;
      }
      if (a instanceof Literal && !(b instanceof Literal)
          && (tb instanceof ArrowType.Timestamp || ta instanceof ArrowType.Date)) {
        return tb;
      }
      if (ta instanceof ArrowType.Date && tb instanceof ArrowType.Date) {
        return new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.MILLISECOND);
      }
      // Two timestamp columns of different units compare in the coarser unit, as DataFusion
      // (Lance's engine) does; otherwise (two literals, a date and a timestamp column) the finer.
      boolean columns = ta instanceof ArrowType.Timestamp && tb instanceof ArrowType.Timestamp
          && !(a instanceof Literal);
      long unit = columns ? Math.max(Types.nanosPerUnit(ta), Types.nanosPerUnit(tb))
          : Math.min(Types.nanosPerUnit(ta), Types.nanosPerUnit(tb));
      String tz = ta instanceof ArrowType.Timestamp t && t.getTimezone() != null ? t.getTimezone()
          : tb instanceof ArrowType.Timestamp t2 ? t2.getTimezone() : null;
      return new ArrowType.Timestamp(Types.unitFor(unit), tz);
    }
    return null;
  }

  private static ArrowType decimalFor(ArrowType.Decimal col, BigDecimal literal) {
    int s = Math.max(col.getScale(), Math.max(0, literal.stripTrailingZeros().scale()));
    if (s > Types.MAX_DECIMAL_PRECISION - 1) {
      return Types.FLOAT64;
    }
    return new ArrowType.Decimal(Types.MAX_DECIMAL_PRECISION, s, 128);
  }

  private static int scaleOf(ArrowType t) {
    return t instanceof ArrowType.Decimal d ? d.getScale() : 0;
  }

  // ------------------------------------------------------------------ operators

  private Node binary(Ast.Binary bin) {
    String op = bin.op();
    if (op.equals("AND") || op.equals("OR")) {
      // Flatten chains iteratively: a OR b OR c ... parses left-deep and may be thousands long.
      java.util.ArrayDeque<Ast> pending = new java.util.ArrayDeque<>();
      List<Ast> flat = new ArrayList<>();
      pending.push(bin);
      while (!pending.isEmpty()) {
        Ast x = pending.pop();
        if (x instanceof Ast.Binary b && b.op().equals(op)) {
          pending.push(b.right());
          pending.push(b.left());
        } else {
          flat.add(x);
        }
      }
      List<Node> operands = new ArrayList<>();
      for (Ast x : flat) {
        Node n = bind(x);
        requireBool(n, op, x);
        operands.add(n);
      }
      return new Logic(op.equals("AND"), operands, src, bin.pos());
    }
    Node l = bind(bin.left());
    Node r = bind(bin.right());
    switch (op) {
      case "=", "!=", "<", "<=", ">", ">=" -> {
        return compare(op, l, r, bin);
      }
      default -> {
        return arith(op, l, r, bin);
      }
    }
  }

  private Compare compare(String op, Node l, Node r, Ast at) {
    ArrowType t = compareType(l, r);
    if (t == null) {
      throw error("Cannot compare " + describe(l) + " with " + describe(r), at);
    }
    return new Compare(op, coerce(l, t), coerce(r, t), src, at.pos());
  }

  private void requireBool(Node n, String op, Ast at) {
    if (!(n.type instanceof ArrowType.Bool) && !(n.type instanceof ArrowType.Null)) {
      throw error(op + " needs a boolean operand, but " + describe(n) + " is not boolean", at);
    }
  }

  private Node arith(String op, Node l, Node r, Ast.Binary at) {
    for (Node n : List.of(l, r)) {
      if (!Types.isNumeric(n.type) && !(n.type instanceof ArrowType.Null)) {
        throw error("Operator " + op + " needs numbers, but " + describe(n) + " is not a number"
            + (Types.isTemporal(n.type) ? " (date/time arithmetic is not supported)" : ""), at);
      }
    }
    ArrowType tl = l.type instanceof ArrowType.Null ? (r.type instanceof ArrowType.Null ? Types.INT64 : r.type) : l.type;
    ArrowType tr = r.type instanceof ArrowType.Null ? tl : r.type;
    boolean decL = Types.isDecimal(tl) || Types.isFloat(tl) && l instanceof Literal ll && ll.exact != null
        && Types.isDecimal(tr);
    boolean decR = Types.isDecimal(tr) || Types.isFloat(tr) && r instanceof Literal lr && lr.exact != null
        && Types.isDecimal(tl);
    if ((Types.isFloat(tl) && !decL) || (Types.isFloat(tr) && !decR)) {
      return new Arith(op, coerce(l, Types.FLOAT64), coerce(r, Types.FLOAT64), Types.FLOAT64, src, at.pos());
    }
    if (decL || decR) {
      ArrowType.Decimal dl = asDecimal(l, tl);
      ArrowType.Decimal dr = asDecimal(r, tr);
      ArrowType.Decimal out = decimalResult(op, dl, dr, at);
      return new Arith(op, coerce(l, dl), coerce(r, dr), out, src, at.pos());
    }
    // UInt64 operands stay unsigned; the kernel rejects values above BIGINT's range row by row.
    return new Arith(op, Types.isUInt64(l.type) ? l : coerce(l, Types.INT64),
        Types.isUInt64(r.type) ? r : coerce(r, Types.INT64), Types.INT64, src, at.pos());
  }

  private static ArrowType.Decimal asDecimal(Node n, ArrowType t) {
    if (t instanceof ArrowType.Decimal d) {
      return d;
    }
    if (n instanceof Literal lit && lit.value instanceof LongCol lc && !lit.isNull()) {
      String digits = lc.unsigned64() ? Long.toUnsignedString(lc.v[0]) : Long.toString(Math.abs(lc.v[0]));
      return new ArrowType.Decimal(Math.max(1, digits.replace("-", "").length()), 0, 128);
    }
    if (n instanceof Literal lit && lit.exact != null) {
      BigDecimal e = lit.exact.stripTrailingZeros();
      int s = Math.max(0, e.scale());
      int p = Math.max(1, Math.max(e.precision() - e.scale(), 1) + s);
      return new ArrowType.Decimal(Math.min(p, Types.MAX_DECIMAL_PRECISION), Math.min(s, Types.MAX_DECIMAL_PRECISION), 128);
    }
    return new ArrowType.Decimal(Types.integerDigits((ArrowType.Int) t), 0, 128);
  }

  private ArrowType.Decimal decimalResult(String op, ArrowType.Decimal a, ArrowType.Decimal b, Ast at) {
    int p1 = a.getPrecision();
    int s1 = a.getScale();
    int p2 = b.getPrecision();
    int s2 = b.getScale();
    int p;
    int s;
    switch (op) {
      case "+", "-" -> {
        s = Math.max(s1, s2);
        p = Math.max(p1 - s1, p2 - s2) + s + 1;
      }
      case "*" -> {
        s = s1 + s2;
        p = p1 + p2 + 1;
      }
      case "/" -> {
        s = Math.max(6, s1 + p2 + 1);
        p = p1 - s1 + s2 + s;
      }
      default -> {
        s = Math.max(s1, s2);
        p = Math.min(p1 - s1, p2 - s2) + s;
      }
    }
    if (s > Types.MAX_DECIMAL_PRECISION) {
      throw error("Decimal result of " + op + " would need scale " + s + " (more than 38)", at);
    }
    if (p > Types.MAX_DECIMAL_PRECISION) {
      // Keep as many integer digits as possible, giving up fraction digits (at least 6 if available).
      int intDigits = p - s;
      s = Math.max(Math.min(s, 6), Types.MAX_DECIMAL_PRECISION - intDigits);
      s = Math.min(s, Types.MAX_DECIMAL_PRECISION);
      p = Types.MAX_DECIMAL_PRECISION;
    }
    return new ArrowType.Decimal(Math.max(p, 1), s, 128);
  }

  private Node unary(Ast.Unary un) {
    Node x = bind(un.operand());
    if (un.op().equals("NOT")) {
      requireBool(x, "NOT", un.operand());
      return new Not(x, src, un.pos());
    }
    if (x.type instanceof ArrowType.Null) {
      return new Negate(coerce(x, Types.INT64), Types.INT64, src, un.pos());
    }
    if (!Types.isNumeric(x.type)) {
      throw error("Unary minus needs a number, but " + describe(x) + " is not a number", un);
    }
    if (Types.isInteger(x.type)) {
      return new Negate(Types.isUInt64(x.type) ? x : coerce(x, Types.INT64), Types.INT64, src, un.pos());
    }
    if (Types.isFloat(x.type)) {
      x = coerce(x, Types.FLOAT64);
    }
    return new Negate(x, x.type, src, un.pos());
  }

  private Node isTest(Ast.IsTest is) {
    Node x = bind(is.operand());
    if (is.what().equals("NULL")) {
      return new IsNull(x, is.negated(), src, is.pos());
    }
    if (!(x.type instanceof ArrowType.Bool) && !(x.type instanceof ArrowType.Null)) {
      throw error("IS " + (is.negated() ? "NOT " : "") + is.what() + " needs a boolean operand, but "
          + describe(x) + " is not boolean", is);
    }
    return new IsBool(x, is.what().equals("TRUE"), is.negated(), src, is.pos());
  }

  /** The common comparison type of several operands, or an error naming the first misfit. */
  private ArrowType commonType(List<Node> nodes, Ast at) {
    Node rep = nodes.stream().filter(n -> !(n instanceof Literal)).findFirst().orElse(nodes.get(0));
    Node acc = rep;
    for (Node n : nodes) {
      if (n == rep) {
        continue;
      }
      ArrowType u = compareType(acc, n);
      if (u == null) {
        throw error("Cannot compare " + describe(rep) + " with " + describe(n), at);
      }
      if (!u.equals(acc.type)) {
        acc = acc instanceof Literal ? coerce(acc, u) : new Convert(acc, u, false, src, acc.pos);
      }
    }
    return acc.type;
  }

  private Node in(Ast.In in) {
    Node x = bind(in.operand());
    List<Node> all = new ArrayList<>();
    all.add(x);
    for (Ast item : in.items()) {
      all.add(bind(item));
    }
    ArrowType t = commonType(all, in);
    for (Node n : all) {
      if (!scalar(n.type)) {
        throw error("IN cannot compare " + describe(n), in);
      }
    }
    Node cx = coerce(x, t);
    List<Node> items = new ArrayList<>();
    List<Compare> eqs = new ArrayList<>();
    for (int i = 1; i < all.size(); i++) {
      Node item = coerce(all.get(i), t);
      items.add(item);
      eqs.add(new Compare("=", cx, item, src, in.pos()));
    }
    return new In(x, items, eqs, in.negated(), src, in.pos());
  }

  private Node between(Ast.Between bt) {
    Node x = bind(bt.operand());
    Node lo = bind(bt.low());
    Node hi = bind(bt.high());
    ArrowType t = commonType(List.of(x, lo, hi), bt);
    Node cx = coerce(x, t);
    Node inner = new Logic(true, List.of(new Compare(">=", cx, coerce(lo, t), src, bt.pos()),
        new Compare("<=", cx, coerce(hi, t), src, bt.pos())), src, bt.pos());
    if (bt.negated()) {
      inner = new Not(inner, src, bt.pos());
    }
    return new Between(x, lo, hi, bt.negated(), inner, src, bt.pos());
  }

  private Node like(Ast.Like lk) {
    Node x = bind(lk.operand());
    if (Types.domain(x.type) != Domain.BYTES && !(x.type instanceof ArrowType.Null)) {
      throw error("LIKE needs a string or binary operand, but " + describe(x) + " is neither", lk);
    }
    Node p = bind(lk.pattern());
    if (!(p instanceof Literal pl) || !(Types.isString(p.type) || p.type instanceof ArrowType.Null)) {
      throw error("The LIKE pattern must be a string literal", lk.pattern());
    }
    Literal el = null;
    Character escape = null;
    if (lk.escape() != null) {
      Node e = bind(lk.escape());
      if (!(e instanceof Literal l) || !Types.isString(e.type)
          || Casts.utf8((BytesCol) l.value, 0).codePointCount(0, Casts.utf8((BytesCol) l.value, 0).length()) != 1
          || Casts.utf8((BytesCol) l.value, 0).length() != 1) {
        throw error("ESCAPE must be a string literal of exactly one character", lk.escape());
      }
      el = l;
      escape = Casts.utf8((BytesCol) l.value, 0).charAt(0);
    }
    Like like = null;
    if (!pl.isNull()) {
      try {
        like = new Like(Casts.utf8((BytesCol) pl.value, 0), escape);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage(), lk.pattern());
      }
    }
    if (x.type instanceof ArrowType.Null) {
      like = null;
    }
    return new LikeNode(x, pl, el, like, lk.negated(), src, lk.pos());
  }
}
