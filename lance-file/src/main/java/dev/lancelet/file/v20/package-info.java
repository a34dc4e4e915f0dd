/**
 * Lance file format 2.0 (footer version 0.3), frozen: reading and writing the v2.0 {@code
 * lance.encodings.ArrayEncoding} tree.
 *
 * <p>In 2.0 every schema field owns one column, in pre-order: a struct owns a data-less header
 * column ({@code SimpleStruct}), a list owns a column of offsets ({@code List}) and its items
 * follow in their own column(s), and every other field (primitive, fixed-size list, binary,
 * dictionary, blob, packed struct) owns exactly one column. Each page of a column carries its own
 * encoding tree; see {@code docs/format-2.0.md} for the buffers of each node.
 *
 * <p>Entry points: {@link dev.lancelet.file.v20.V20FileDecoder} (reads fields for a row range or a
 * set of rows) and {@link dev.lancelet.file.v20.V20FileEncoder} (turns Arrow batches into pages).
 * Everything else is internal.
 */
package dev.lancelet.file.v20;
