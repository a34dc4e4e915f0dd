/**
 * The SQL-like filter and expression language of Lance tables: {@link
 * dev.lancelet.table.expr.Predicate} for filters (scan, delete, update WHERE) with statistics-based
 * pruning, {@link dev.lancelet.table.expr.Expression} for computed values (update SET, new
 * columns). Parsing is a hand-written recursive-descent parser; evaluation is vectorized over
 * Arrow batches. The language is described in docs/expressions.md.
 */
package dev.lancelet.table.expr;
