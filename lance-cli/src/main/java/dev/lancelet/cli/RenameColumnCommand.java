package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lance rename-column DATASET OLD NEW}. */
@Command(name = "rename-column", description = "Rename a column, committing a new version (metadata only).")
final class RenameColumnCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Parameters(index = "1", paramLabel = "OLD", description = "The column's name (dotted path for a struct field).")
  String oldName;

  @Parameters(index = "2", paramLabel = "NEW", description = "Its new name.")
  String newName;

  @Override
  int execute() throws IOException {
    Dataset ds = open(dataset);
    Dataset after = closeLater(ds.renameColumn(oldName, newName));
    out().printf("renamed %s to %s: %s version %d -> %d%n", oldName, newName, dataset, ds.version(), after.version());
    return 0;
  }
}
