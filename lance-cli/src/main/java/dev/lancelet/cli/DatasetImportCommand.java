package dev.lancelet.cli;

import dev.lancelet.cli.progress.Progress;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.WriteOptions;
import java.io.IOException;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance import IN DATASET [--mode create|append|overwrite] ...}: write rows into a dataset as a new version. */
@Command(
    name = "import",
    description = {
      "Write rows from a data file into a Lance dataset as a new version: create it, append to it",
      "or overwrite it. IN is CSV (.csv, .tsv), JSON lines (.jsonl, .ndjson), Parquet (.parquet)",
      "or Arrow IPC (file or stream; '-' reads a stream from stdin); the extension or --format",
      "tells which. Rows are streamed batch by batch, so memory stays bounded."
    })
final class DatasetImportCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "IN", description = "The data file, or '-' for an Arrow IPC stream on stdin.")
  String in;

  @Parameters(index = "1", paramLabel = "DATASET", description = "The dataset folder (path, file://, memory://, gs://).")
  String dataset;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "create",
      description = "create (fail if the dataset exists), append or overwrite (default: ${DEFAULT-VALUE}).")
  String mode;

  @Mixin InputOptions inputOptions;

  @Option(names = "--max-rows-per-file", paramLabel = "N",
      description = "Most rows per data file (and fragment) (default: 1048576, as Lance).")
  Integer maxRowsPerFile;

  @Option(names = "--file-version", paramLabel = "V",
      description = "Lance file format of a new dataset: 2.0, 2.1 or 2.2 (default: 2.1). Appends keep the dataset's.")
  String fileVersion;

  @Option(names = "--stable-row-ids", description = "Give a new dataset stable row ids.")
  boolean stableRowIds;

  @Mixin ProgressOptions progressOptions;

  @Override
  int execute() throws IOException {
    WriteOptions.Builder options = WriteOptions.builder().mode(parseMode(mode));
    if (maxRowsPerFile != null) {
      if (maxRowsPerFile < 1) {
        throw usage("--max-rows-per-file must be positive, got " + maxRowsPerFile);
      }
      options.maxRowsPerFile(maxRowsPerFile);
    }
    if (fileVersion != null) {
      try {
        options.fileVersion(Formats.parseVersion(fileVersion));
      } catch (IllegalArgumentException e) {
        throw usage("--file-version: " + e.getMessage());
      }
    }
    options.stableRowIds(stableRowIds);
    ObjectStore store = store(dataset);
    long totalBytes = InputOptions.sizeOf(in);
    BufferAllocator allocator = allocator();
    try (ArrowReader input = inputOptions.open(in, spec.commandLine(), allocator);
        Progress progress = Progress.builder("importing")
            .out(err())
            .totalBytes(totalBytes)
            .mode(progressOptions.mode())
            .build();
        ArrowReader rows = new ForwardingReader(input, in.equals("-") ? "stdin" : in, progress, allocator)) {
      try (Dataset written = Dataset.write(rows, store, options.allocator(allocator).build())) {
        progress.close();
        if (!progressOptions.quiet) {
          long nanos = progress.elapsedNanos();
          long n = progress.rows();
          err().println(String.format(Locale.ROOT, "%s %s rows from %s: %s version %d, %s rows in %d fragment%s (%s, %s rows/s)",
              verb(options.build().mode()), Formats.count(n), in.equals("-") ? "stdin" : in, dataset, written.version(),
              Formats.count(written.countRows()), written.fragments().size(), written.fragments().size() == 1 ? "" : "s",
              Formats.seconds(nanos),
              Formats.count(nanos == 0 ? 0 : (long) (n * 1e9 / nanos))));
        }
      }
    }
    return 0;
  }

  private static String verb(WriteOptions.Mode mode) {
    return switch (mode) {
      case CREATE -> "imported";
      case APPEND -> "appended";
      case OVERWRITE -> "overwrote with";
    };
  }

  private WriteOptions.Mode parseMode(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "create" -> WriteOptions.Mode.CREATE;
      case "append" -> WriteOptions.Mode.APPEND;
      case "overwrite" -> WriteOptions.Mode.OVERWRITE;
      default -> throw usage("--mode must be create, append or overwrite, got '" + s + "'");
    };
  }
}
