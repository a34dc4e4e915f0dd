package dev.lancelet.cli;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance restore DATASET --version N | --tag T}. */
@Command(
    name = "restore",
    description = {
      "Make an old version the latest again: commits a new version with that version's schema",
      "and rows. Versions in between stay (time travel still reaches them)."
    })
final class RestoreCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--version", paramLabel = "N", description = "The version to restore.")
  Long version;

  @Option(names = "--tag", paramLabel = "T", description = "The tag whose version to restore.")
  String tag;

  @Override
  int execute() throws IOException {
    if (version == null && tag == null) {
      throw usage("Give --version N or --tag T");
    }
    throw notAvailable("restore", "Dataset.restore(version)");
  }
}
