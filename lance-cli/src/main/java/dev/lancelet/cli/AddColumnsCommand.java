package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
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

  @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "8192", description = "Rows per batch read from --from (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  int execute() throws IOException {
    if ((sql == null) == (from == null)) {
      throw usage("Give --sql NAME=EXPR (repeatable) or --from IN");
    }
    Dataset ds = open(dataset);
    Dataset after;
    if (sql != null) {
      Map<String, String> columns = new LinkedHashMap<>();
      for (String a : sql) {
        int eq = a.indexOf('=');
        if (eq <= 0 || eq == a.length() - 1) {
          throw usage("--sql takes NAME=EXPRESSION, got '" + a + "'");
        }
        String name = a.substring(0, eq).trim();
        if (columns.put(name, a.substring(eq + 1).trim()) != null) {
          throw usage("--sql: column '" + name + "' given twice");
        }
      }
      after = closeLater(ds.addColumns(columns));
    } else {
      BufferAllocator allocator = allocator();
      try (ArrowReader input = InputFiles.open(from, format, columnTypes, batchSize, spec.commandLine(), allocator);
          ArrowReader rows = new ForwardingReader(input, from, null, allocator)) {
        after = closeLater(ds.addColumns(rows));
      }
    }
    List<String> added = new ArrayList<>(after.schema().getFields().stream().map(f -> f.getName()).toList());
    added.removeAll(ds.schema().getFields().stream().map(f -> f.getName()).toList());
    out().printf("added %s: %s version %d -> %d%n", String.join(", ", added), dataset, ds.version(), after.version());
    return 0;
  }
}
