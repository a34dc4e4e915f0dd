package dev.lancelet.table.expr;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A bound, type-checked expression node. {@link #eval} returns a column of {@link #type} for
 * the batch (possibly a broadcast scalar); {@link #mayMatch} answers, for boolean nodes, which
 * outcomes statistics leave possible.
 */
abstract class Node {
  /** mayMatch bit: some row may evaluate to TRUE. */
  static final int CAN_TRUE = 1;
  /** mayMatch bit: some row may evaluate to FALSE. */
  static final int CAN_FALSE = 2;
  static final int ANY = CAN_TRUE | CAN_FALSE;

  /** Printing precedence levels, loosest first. */
  static final int P_OR = 1;
  static final int P_AND = 2;
  static final int P_NOT = 3;
  static final int P_PRED = 4;
  static final int P_ADD = 5;
  static final int P_MUL = 6;
  static final int P_UNARY = 7;
  static final int P_ATOM = 8;

  final ArrowType type;
  final boolean nullable;
  final String src;
  final int pos;

  Node(ArrowType type, boolean nullable, String src, int pos) {
    this.type = type;
    this.nullable = nullable;
    this.src = src;
    this.pos = pos;
  }

  /** Evaluation state of one batch: its rows and the columns already read. */
  static final class Batch {
    final VectorSchemaRoot root;
    final int n;
    final Map<String, Col> cache = new HashMap<>();

    Batch(VectorSchemaRoot root) {
      this.root = root;
      this.n = root.getRowCount();
    }
  }

  abstract Col eval(Batch b);

  abstract void columns(Set<String> out);

  abstract int prec();

  abstract void print(StringBuilder sb);

  /** For boolean nodes: which of {@link #CAN_TRUE} / {@link #CAN_FALSE} statistics leave possible. */
  int mayMatch(ColumnStatsProvider stats) {
    return ANY;
  }

  /** The column whose statistics bound this node's values (through monotone coercions), or null. */
  ColumnRef statsRef() {
    return null;
  }

  /** This node's [min, max] derived from its column's statistics (see {@link #statsRef}), or null. */
  Col bounds(ColumnStats stats) {
    return null;
  }

  ExpressionException fail(String message) {
    return new ExpressionException(message, src, pos);
  }

  void printChild(StringBuilder sb, Node child, boolean parens) {
    if (parens) {
      sb.append('(');
      child.print(sb);
      sb.append(')');
    } else {
      child.print(sb);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    print(sb);
    return sb.toString();
  }
}
