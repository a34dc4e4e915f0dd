package dev.lancelet.cli;

import dev.lancelet.cli.progress.Progress;
import dev.lancelet.table.CompactionOptions;
import dev.lancelet.table.CompactionReport;
import dev.lancelet.table.Dataset;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance compact DATASET [--target-rows N]}. */
@Command(
    name = "compact",
    description = {
      "Rewrite small fragments and fragments with many deleted rows into fragments of about",
      "--target-rows rows, without the deleted rows. Old versions keep their files until",
      "'lance cleanup'."
    })
final class CompactCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--target-rows", paramLabel = "N", description = "Rows per compacted fragment (default: 1048576, as Lance).")
  Long targetRows;

  @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
  boolean quiet;

  @Option(names = "--progress", description = "Draw the progress line even if stderr is not a terminal.")
  boolean forceProgress;

  @Override
  int execute() throws IOException {
    if (targetRows != null && targetRows < 1) {
      throw usage("--target-rows must be positive, got " + targetRows);
    }
    Dataset ds = open(dataset);
    CompactionOptions.Builder options = CompactionOptions.builder();
    if (targetRows != null) {
      options.targetRowsPerFragment(targetRows);
    }
    CompactionReport report;
    try (Progress progress = Progress.builder("compacting")
        .out(err())
        .mode(quiet ? Progress.Mode.NEVER : forceProgress ? Progress.Mode.ALWAYS : Progress.Mode.AUTO)
        .build()) {
      long[] done = new long[1];
      options.progress(p -> {
        progress.addRows(p.rowsDone() - done[0]);
        done[0] = p.rowsDone();
      });
      report = ds.compact(options.build());
    }
    if (report.fragmentsRemoved() == 0 && report.fragmentsAdded() == 0) {
      out().printf("nothing to compact: %s version %d stays the latest%n", dataset, ds.version());
    } else {
      out().printf("compacted %d fragments into %d (%s rows rewritten, %s deleted rows dropped, %d files written,"
          + " %d no longer used): %s version %d -> %d%n", report.fragmentsRemoved(), report.fragmentsAdded(),
          Formats.count(report.rowsRewritten()), Formats.count(report.deletedRowsMaterialized()), report.filesAdded(),
          report.filesRemoved(), dataset, ds.version(), report.version());
    }
    return 0;
  }
}
