package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance show DATASET [--version N | --tag T] [--json]}. */
@Command(
    name = "show",
    description = {
      "Describe one version of a dataset (the latest by default): version, commit time, rows,",
      "schema with field ids, fragments (ids, data files, rows, deletions, sizes), feature flags,",
      "writer and tags. Reads manifests only (and deletion files whose counts are not recorded)."
    })
final class ShowCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--version", paramLabel = "N", description = "Show this version (default: the latest).")
  Long version;

  @Option(names = "--tag", paramLabel = "T", description = "Show the version this tag points at.")
  String tag;

  @Option(names = "--json", description = "Print a JSON document instead of text.")
  boolean json;

  @Override
  int execute() throws IOException {
    Dataset ds = open(dataset, version, tag);
    DatasetSummary summary = new DatasetSummary(ds, TagCommand.tagVersions(ds));
    if (json) {
      out().println(summary.json());
    } else {
      summary.printText(out(), true);
    }
    return 0;
  }
}
