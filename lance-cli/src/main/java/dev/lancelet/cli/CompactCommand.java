package dev.lancelet.cli;

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
    throw notAvailable("compact", "Dataset.compact");
  }
}
