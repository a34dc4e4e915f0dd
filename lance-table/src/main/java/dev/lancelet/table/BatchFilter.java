package dev.lancelet.table;

import dev.lancelet.table.expr.Predicate;
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
   * Parses a SQL predicate against the dataset schema.
   *
   * @throws dev.lancelet.table.expr.ExpressionException for a malformed predicate, an unknown
   *     column or a type mismatch; the message quotes the predicate
   */
  static BatchFilter parse(String sql, Schema schema) {
    java.util.Objects.requireNonNull(sql, "filter");
    Predicate p = Predicate.parse(sql, schema);
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
