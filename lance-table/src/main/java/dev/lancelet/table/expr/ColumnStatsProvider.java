package dev.lancelet.table.expr;

/**
 * Statistics of the columns of one unit of data (a fragment, a file, a page), consulted by
 * {@link Predicate#mayMatch} to skip units no row of which can match.
 */
@FunctionalInterface
public interface ColumnStatsProvider {
  /**
   * Statistics of a column, or {@code null} when nothing is known about it.
   *
   * @param column a top-level column name, or for a struct field the names of the path joined by
   *     {@code '.'} (for example {@code "meta.score"})
   */
  ColumnStats stats(String column);
}
