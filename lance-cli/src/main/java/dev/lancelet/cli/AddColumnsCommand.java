package dev.lancelet.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance add-columns DATASET --sql name=EXPR ... | --from IN}. */
@Command(
    name = "add-columns",
    description = {
      "Add columns, committing a new version. --sql computes each from existing columns with a",
      "SQL expression; --from takes them from a data file whose rows line up one to one with the",
      "dataset's visible rows (in dataset order). Existing data files are not rewritten."
    })
final class AddColumnsCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--sql", paramLabel = "NAME=EXPR", description = "A new column and its SQL expression, e.g. \"total=price * qty\" (repeatable).")
  List<String> sql;

  @Option(names = "--from", paramLabel = "IN", description = "A data file holding the new columns, one row per dataset row.")
  String from;

  @Option(names = "--format", paramLabel = "F", description = "Format of --from (default: from the extension).")
  String format;

  @Option(names = "--schema", paramLabel = "NAME:TYPE,...", description = "CSV / JSON lines column types of --from.")
  String columnTypes;

  @Override
  int execute() throws IOException {
    if ((sql == null) == (from == null)) {
      throw usage("Give --sql NAME=EXPR (repeatable) or --from IN");
    }
    throw notAvailable("add-columns", "Dataset.addColumns");
  }
}
