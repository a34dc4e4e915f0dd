package dev.lancelet.table.expr;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A scalar SQL expression bound to a schema, such as {@code price * 1.2} or {@code 'n/a'}, that
 * computes one value per row. Immutable and thread-safe. See docs/expressions.md.
 */
public final class Expression {
  private final Node root;
  private final Set<String> columns;

  private Expression(Node root) {
    this.root = root;
    Set<String> cols = new LinkedHashSet<>();
    root.columns(cols);
    this.columns = Collections.unmodifiableSet(cols);
  }

  /**
   * Parses and type-checks an expression against a schema.
   *
   * @throws ExpressionException on a syntax error, an unknown column or a type mismatch
   */
  public static Expression parse(String sql, Schema schema) {
    Objects.requireNonNull(schema, "schema");
    return new Expression(new Binder(sql, schema).bind(Parser.parse(sql)));
  }

  /** The Arrow type of the values {@link #evaluate} produces. */
  public ArrowType resultType() {
    return root.type;
  }

  /** False when the expression can never produce NULL (given the schema's nullability). */
  public boolean nullable() {
    return root.nullable;
  }

  /** The top-level columns the expression reads. */
  public Set<String> columns() {
    return columns;
  }

  /**
   * This expression converted to {@code target} (as {@code CAST(expr AS target)}), for writing
   * into a column of that type. Values that do not fit (overflow, unparsable text) fail at
   * evaluation with an {@link ExpressionException}.
   *
   * @throws ExpressionException when no conversion from {@link #resultType()} to {@code target}
   *     exists, or {@code target} is not a type expressions can produce
   */
  public Expression castTo(ArrowType target) {
    Objects.requireNonNull(target, "target");
    if (root.type.equals(target)) {
      return this;
    }
    if (!Casts.canCast(root.type, target)) {
      throw new ExpressionException("Cannot convert " + root + " of type " + Types.sqlName(root.type)
          + " to " + target, root.src, 0);
    }
    return new Expression(new Nodes.Convert(root, target, true, root.src, 0));
  }

  /**
   * Computes the expression for every row of {@code batch} into a new vector named
   * {@code outputName} allocated from {@code allocator}; the caller owns (and closes) it.
   *
   * @throws ExpressionException when a column is missing or evaluation fails
   */
  public FieldVector evaluate(VectorSchemaRoot batch, BufferAllocator allocator, String outputName) {
    Node.Batch b = new Node.Batch(batch);
    Col c = root.eval(b).expand(b.n);
    if (!Casts.writable(c.type)) {
      throw new ExpressionException("Values of type " + c.type + " cannot be written to a vector", root.src, 0);
    }
    return Vectors.write(c, outputName, root.nullable, allocator);
  }

  /** The expression in normalized form. */
  @Override
  public String toString() {
    return root.toString();
  }
}
