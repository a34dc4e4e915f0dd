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
   * Parses a SQL predicate against the dataset schema. The predicate language lives in {@code
   * dev.lancelet.table.expr}, which is not part of this build yet.
   */
  static BatchFilter parse(String sql, Schema schema) {
    throw new UnsupportedOperationException("filters arrive with dev.lancelet.table.expr (filter was: " + sql + ")");
  }
}
