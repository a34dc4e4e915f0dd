package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance update DATASET --set c=EXPR [--set ...] [--where EXPR]}. */
@Command(
    name = "update",
    description = {
      "Set columns of the rows matching a SQL predicate (all rows without --where) to SQL",
      "expressions over the row's current values, committing a new version. The updated rows",
      "are rewritten into new fragments; their old copies are marked deleted."
    })
final class UpdateCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Option(names = "--set", required = true, paramLabel = "COL=EXPR",
      description = "Column and its new value as a SQL expression, e.g. \"price=price * 1.1\" or \"label='n/a'\" (repeatable).")
  List<String> assignments;

  @Option(names = "--where", paramLabel = "EXPR", description = "SQL predicate of the rows to update (default: all rows).")
  String where;

  @Override
  int execute() throws IOException {
    Map<String, String> set = new LinkedHashMap<>();
    for (String a : assignments) {
      int eq = a.indexOf('=');
      if (eq <= 0 || eq == a.length() - 1) {
        throw usage("--set takes COLUMN=EXPRESSION, got '" + a + "'");
      }
      String column = a.substring(0, eq).trim();
      if (set.put(column, a.substring(eq + 1).trim()) != null) {
        throw usage("--set: column '" + column + "' given twice");
      }
    }
    Dataset ds = open(dataset);
    long matching = where == null || where.isBlank() ? ds.countRows() : ds.countRows(where);
    Dataset after = closeLater(ds.update(set, where));
    out().printf("updated %s rows: %s version %d -> %d%n", Formats.count(matching), dataset, ds.version(), after.version());
    return 0;
  }
}
