package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lance drop-columns DATASET a,b}. */
@Command(
    name = "drop-columns",
    description = {
      "Drop columns (top-level names or dotted struct paths), committing a new version. Only the",
      "schema changes; the data stays in the files until 'lance compact' and 'lance cleanup'."
    })
final class DropColumnsCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Parameters(index = "1", split = ",", arity = "1..*", paramLabel = "COLUMN", description = "Columns to drop (comma-separated).")
  List<String> columns;

  @Override
  int execute() throws IOException {
    Dataset ds = open(dataset);
    Dataset after = closeLater(ds.dropColumns(columns.toArray(String[]::new)));
    out().printf("dropped %s: %s version %d -> %d%n", String.join(", ", columns), dataset, ds.version(), after.version());
    return 0;
  }
}
