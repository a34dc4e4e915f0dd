package dev.lancelet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of {@code lance file import} and {@code lance import} that say how to read IN (a picocli mixin). */
final class InputOptions {
  @Option(names = "--format", paramLabel = "F",
      description = "Format of IN: arrow, arrows, csv, tsv, jsonl or parquet (default: from the extension).")
  String format;

  @Option(names = "--schema", paramLabel = "NAME:TYPE,...",
      description = "CSV / JSON lines column types instead of inferred ones, e.g. 'id:int64,at:timestamp(ms, UTC)'.")
  String columnTypes;

  @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "8192",
      description = "Rows per batch read from CSV, JSON lines or Parquet (default: ${DEFAULT-VALUE}).")
  int batchSize;

  /** Opens {@code in} with these options (see {@link InputFiles#open}). */
  ArrowReader open(String in, CommandLine cl, BufferAllocator allocator) {
    return InputFiles.open(in, format, columnTypes, batchSize, cl, allocator);
  }

  /** The size of the file {@code in} in bytes, or -1 for stdin or a file that cannot be read (reported when opened). */
  static long sizeOf(String in) {
    if (in.equals("-")) {
      return -1;
    }
    try {
      return Files.size(Path.of(in));
    } catch (IOException e) {
      return -1;
    }
  }
}
