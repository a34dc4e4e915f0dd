package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
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
    if (version != null && tag != null) {
      throw usage("Give --version or --tag, not both");
    }
    if (version != null && version < 1) {
      throw usage("--version: versions start at 1, got " + version);
    }
    Dataset latest = open(dataset);
    long target = version != null ? version : latest.tags().get(tag).version();
    try (Dataset restored = latest.restore(target)) {
      out().printf("restored %s version %d as version %d (%s rows)%n", dataset, target, restored.version(),
          Formats.count(restored.countRows()));
    }
    return 0;
  }
}
