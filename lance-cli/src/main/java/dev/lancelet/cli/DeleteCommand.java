package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance delete DATASET --where EXPR}. */
@Command(
    name = "delete",
    description = {
      "Delete the rows matching a SQL predicate, committing a new version. Rows are marked in",
      "deletion files (no data file is rewritten); older versions still show them."
    })
final class DeleteCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--where", required = true, paramLabel = "EXPR", description = "SQL predicate of the rows to delete, e.g. \"id < 100\".")
  String where;

  @Override
  int execute() throws IOException {
    Dataset ds = open(dataset);
    long before = ds.countRows();
    Dataset after = closeLater(ds.delete(where));
    out().printf("deleted %s rows: %s version %d -> %d, %s rows%n", Formats.count(before - after.countRows()), dataset,
        ds.version(), after.version(), Formats.count(after.countRows()));
    return 0;
  }
}
