/**
 * Data formats of the {@code lance} command line: streaming readers that turn Arrow IPC, CSV, JSON
 * lines and Parquet files into Arrow batches ({@link org.apache.arrow.vector.ipc.ArrowReader}), and
 * writers that turn Arrow batches into those formats. Start at {@link
 * dev.lancelet.cli.formats.Formats}.
 */
package dev.lancelet.cli.formats;
