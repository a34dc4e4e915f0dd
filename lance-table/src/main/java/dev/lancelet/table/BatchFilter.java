package dev.lancelet.table;

import java.util.BitSet;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A row filter evaluated batch by batch during a scan: the scan reads {@link #columns()} in
 * addition to the projection and keeps the rows {@link #evaluate} sets.
 */
interface BatchFilter {

  /** Top-level columns the filter reads. */
  Set<String> columns();

  /** Rows of {@code batch} for which the filter is true. */
  BitSet evaluate(VectorSchemaRoot batch);

  /**
   * Parses a SQL predicate against the dataset schema, with the language of {@code
   * dev.lancelet.table.expr} (see docs/expressions.md).
   *
   * @throws dev.lancelet.table.expr.ExpressionException for a syntax error, an unknown column or
   *     a type mismatch
   */
  static BatchFilter parse(String sql, Schema schema) {
    dev.lancelet.table.expr.Predicate p = dev.lancelet.table.expr.Predicate.parse(sql, schema);
    return new BatchFilter() {
      @Override
      public Set<String> columns() {
        return p.columns();
      }

      @Override
      public BitSet evaluate(VectorSchemaRoot batch) {
        return p.evaluate(batch);
      }

      @Override
      public String toString() {
        return sql;
      }
    };
  }
}
