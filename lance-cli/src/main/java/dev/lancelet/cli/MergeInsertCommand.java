package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import dev.lancelet.table.MergeInsertBuilder;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance merge-insert DATASET IN --on key[,key] [--when-matched-update] [--when-not-matched-insert]}. */
@Command(
    name = "merge-insert",
    description = {
      "Merge the rows of a data file into a dataset by key columns (an upsert), committing a new",
      "version. IN has the dataset's columns (any order), in any format 'lance import' reads.",
      "Without --when-* flags: update matched rows and insert the others (both flags)."
    })
final class MergeInsertCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Parameters(index = "1", paramLabel = "IN", description = "The source rows (CSV, TSV, JSON lines, Parquet, Arrow IPC).")
  String in;

  @Option(names = "--on", required = true, split = ",", paramLabel = "KEY", description = "Key columns rows are matched on.")
  List<String> keys;

  @Option(names = "--when-matched-update", description = "Replace a dataset row by the source row with its key.")
  boolean whenMatchedUpdate;

  @Option(names = "--when-not-matched-insert", description = "Insert source rows whose key is not in the dataset.")
  boolean whenNotMatchedInsert;

  @Option(names = "--when-not-matched-by-source-delete", description = "Delete dataset rows whose key is not in the source.")
  boolean whenNotMatchedBySourceDelete;

  @Option(names = "--format", paramLabel = "F", description = "Format of IN (default: from the extension).")
  String format;

  @Option(names = "--schema", paramLabel = "NAME:TYPE,...", description = "CSV / JSON lines column types instead of inferred ones.")
  String columnTypes;

  @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "8192", description = "Rows per batch read from IN (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  int execute() throws IOException {
    boolean update = whenMatchedUpdate;
    boolean insert = whenNotMatchedInsert;
    if (!update && !insert && !whenNotMatchedBySourceDelete) {
      update = true;
      insert = true;
    }
    Dataset ds = open(dataset);
    MergeInsertBuilder merge = ds.mergeInsert(keys);
    if (update) {
      merge.whenMatchedUpdateAll();
    }
    if (insert) {
      merge.whenNotMatchedInsertAll();
    }
    if (whenNotMatchedBySourceDelete) {
      merge.whenNotMatchedBySourceDelete();
    }
    BufferAllocator allocator = allocator();
    try (ArrowReader input = InputFiles.open(in, format, columnTypes, batchSize, spec.commandLine(), allocator);
        ArrowReader rows = new ForwardingReader(input, in, null, allocator);
        MergeInsertBuilder.Result result = merge.execute(rows)) {
      out().printf("merged %s: %s inserted, %s updated, %s deleted: %s version %d -> %d%n", in,
          Formats.count(result.rowsInserted()), Formats.count(result.rowsUpdated()), Formats.count(result.rowsDeleted()),
          dataset, ds.version(), result.dataset().version());
    }
    return 0;
  }
}
