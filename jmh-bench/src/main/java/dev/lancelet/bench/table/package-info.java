/**
 * Dataset benchmarks: Lancelet's {@code dev.lancelet.table.Dataset} against lance-core's {@code
 * org.lance.Dataset} on the same dataset (random take, filtered scan, append, add-column), in the
 * same JMH run. See docs/benchmarks.md.
 */
package dev.lancelet.bench.table;
