package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Col.BoolCol;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A filter, parsed from SQL and bound to a schema: {@code age >= 18 AND name LIKE 'A%'}.
 * Immutable and thread-safe. Rows where the filter is NULL (unknown) do not match, as in SQL
 * {@code WHERE}. See docs/expressions.md for the language.
 */
public final class Predicate {
  private final Node root;
  private final Set<String> columns;

  private Predicate(Node root) {
    this.root = root;
    Set<String> cols = new LinkedHashSet<>();
    root.columns(cols);
    this.columns = Collections.unmodifiableSet(cols);
  }

  /**
   * Parses and type-checks a filter against a schema.
   *
   * @throws ExpressionException on a syntax error, an unknown column, a type mismatch, or a
   *     non-boolean expression; the message quotes the filter and points at the problem
   */
  public static Predicate parse(String sql, Schema schema) {
    Objects.requireNonNull(schema, "schema");
    Node root = new Binder(sql, schema).bind(Parser.parse(sql));
    if (!(root.type instanceof ArrowType.Bool) && !(root.type instanceof ArrowType.Null)) {
      throw new ExpressionException("A filter must be a boolean expression, but this one is "
          + Types.sqlName(root.type), sql, 0);
    }
    return new Predicate(root);
  }

  /** The top-level columns the filter reads (for a struct field, the struct column). */
  public Set<String> columns() {
    return columns;
  }

  /**
   * The rows of {@code batch} for which the filter is TRUE. The batch must hold (at least) the
   * columns in {@link #columns()}, with the types of the schema the filter was bound to.
   *
   * @throws ExpressionException when a column is missing or differs in type, or evaluation fails
   *     (for example integer division by zero)
   */
  public BitSet evaluate(VectorSchemaRoot batch) {
    Node.Batch b = new Node.Batch(batch);
    BoolCol r = Kernels.bools(root.eval(b), b.n);
    long[] t = r.t.clone();
    Col.clearTail(t, b.n);
    return BitSet.valueOf(t);
  }

  /**
   * False only if the statistics prove that no row can match; true when some row may match or
   * nothing can be proved. Never throws for odd or missing statistics (it answers true).
   */
  public boolean mayMatch(ColumnStatsProvider stats) {
    try {
      return (root.mayMatch(stats) & Node.CAN_TRUE) != 0;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** The filter in normalized form (keywords upper case, implicit conversions applied to literals). */
  @Override
  public String toString() {
    return root.toString();
  }
}
