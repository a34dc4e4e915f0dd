package dev.lancelet.table.expr;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** A reference to a top-level column or a field inside struct columns. */
final class ColumnRef extends Node {
  private static final Set<String> QUOTE = Set.of("AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE",
      "BETWEEN", "LIKE", "ESCAPE", "CAST", "AS", "DATE", "DATE64", "TIMESTAMP", "DECIMAL", "NUMERIC");

  final List<String> path;
  final String name;

  ColumnRef(List<String> path, ArrowType type, boolean nullable, String src, int pos) {
    super(type, nullable, src, pos);
    this.path = path;
    this.name = String.join(".", path);
  }

  /** The column's vector in the batch and the validity of the structs above it (null = all valid). */
  private record Located(ValueVector vector, long[] parentValid) {}

  private Located locate(Batch b) {
    ValueVector v = b.root.getVector(path.get(0));
    if (v == null) {
      throw fail("Column " + quote(path.get(0)) + " is not in the batch (it has "
          + b.root.getSchema().getFields().stream().map(f -> f.getName()).toList() + ")");
    }
    long[] parentValid = null;
    for (int k = 1; k < path.size(); k++) {
      if (!(v instanceof StructVector sv)) {
        throw fail("Column " + quote(path.get(k - 1)) + " is not a struct in the batch");
      }
      parentValid = Col.andValid(parentValid, Vectors.validity(sv, b.n));
      v = sv.getChild(path.get(k));
      if (v == null) {
        throw fail("Field " + name + " is not in the batch");
      }
    }
    if (v.getValueCount() < b.n) {
      throw fail("Column " + name + " has " + v.getValueCount() + " values but the batch has " + b.n + " rows");
    }
    ArrowType actual = v.getField().getType();
    if (!actual.equals(type)) {
      throw fail("Column " + name + " has type " + actual + " in the batch but " + type
          + " in the schema the expression was bound to");
    }
    return new Located(v, parentValid);
  }

  @Override
  Col eval(Batch b) {
    Col c = b.cache.get(name);
    if (c == null) {
      Located at = locate(b);
      c = Vectors.read(at.vector, type, at.parentValid, b.n);
      b.cache.put(name, c);
    }
    return c;
  }

  /** Validity of the column (including enclosing structs) without reading its values. */
  long[] validity(Batch b) {
    Located at = locate(b);
    long[] own = Vectors.validity(at.vector, b.n);
    return Col.andValid(own, at.parentValid);
  }

  @Override
  void columns(Set<String> out) {
    out.add(path.get(0));
  }

  @Override
  int prec() {
    return P_ATOM;
  }

  @Override
  void print(StringBuilder sb) {
    for (int i = 0; i < path.size(); i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(quote(path.get(i)));
    }
  }

  static String quote(String s) {
    boolean plain = !s.isEmpty() && (Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')
        && s.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')
        && !QUOTE.contains(s.toUpperCase(Locale.ROOT));
    return plain ? s : "`" + s.replace("`", "``") + "`";
  }

  @Override
  ColumnRef statsRef() {
    return this;
  }

  @Override
  Col bounds(ColumnStats stats) {
    return stats.bounds(type);
  }

  @Override
  int mayMatch(ColumnStatsProvider stats) {
    if (!(type instanceof ArrowType.Bool)) {
      return ANY;
    }
    ColumnStats s = stats.stats(name);
    if (s == null) {
      return ANY;
    }
    if (Nodes.empty(s)) {
      return 0;
    }
    Col bd = s.bounds(type);
    boolean minTrue = !bd.isNull(0) && ((Col.BoolCol) bd).isTrue(0);
    boolean maxFalse = !bd.isNull(1) && !((Col.BoolCol) bd).isTrue(1);
    return (maxFalse ? 0 : CAN_TRUE) | (minTrue ? 0 : CAN_FALSE);
  }
}
