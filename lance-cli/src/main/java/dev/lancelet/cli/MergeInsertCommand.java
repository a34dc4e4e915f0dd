package dev.lancelet.cli;

import dev.lancelet.table.Dataset;
import dev.lancelet.table.MergeInsertBuilder;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code lance merge-insert DATASET IN --on key[,key] [--when-matched-update] [--when-not-matched-insert]}. */
@Command(
    name = "merge-insert",
    description = {
      "Merge the rows of a data file into a dataset by key columns (an upsert), committing a new",
      "version. IN has the dataset's columns (any order), in any format 'lance import' reads.",
      "Without --when-* flags: update matched rows and insert the others (both flags).",
      "A commit that conflicts with a concurrent change of the same fragments runs again on the newest",
      "version (--conflict-retries)."
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

  @Option(names = "--when-matched-update-if", paramLabel = "COND",
      description = "Replace a matched dataset row only where COND holds, e.g. 'source.ts > target.ts'.")
  String whenMatchedUpdateIf;

  @Option(names = "--when-matched-delete", description = "Delete dataset rows a source row matches.")
  boolean whenMatchedDelete;

  @Option(names = "--when-matched-fail", description = "Fail (commit nothing) if any source row matches a dataset row.")
  boolean whenMatchedFail;

  @Option(names = "--when-not-matched-insert", description = "Insert source rows whose key is not in the dataset.")
  boolean whenNotMatchedInsert;

  @Option(names = "--when-not-matched-by-source-delete", description = "Delete dataset rows whose key is not in the source.")
  boolean whenNotMatchedBySourceDelete;

  @Option(names = "--when-not-matched-by-source-delete-if", paramLabel = "COND",
      description = "Delete dataset rows whose key is not in the source where COND (over the dataset's columns) holds.")
  String whenNotMatchedBySourceDeleteIf;

  @Option(names = "--conflict-retries", paramLabel = "N", defaultValue = "10",
      description = "Re-runs after a commit conflict (default: ${DEFAULT-VALUE}; 0: fail instead).")
  int conflictRetries;

  @Option(names = "--format", paramLabel = "F", description = "Format of IN (default: from the extension).")
  String format;

  @Option(names = "--schema", paramLabel = "NAME:TYPE,...", description = "CSV / JSON lines column types instead of inferred ones.")
  String columnTypes;

  @Option(names = "--batch-size", paramLabel = "ROWS", defaultValue = "8192", description = "Rows per batch read from IN (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  int execute() throws IOException {
    int matchedClauses = (whenMatchedUpdate ? 1 : 0) + (whenMatchedUpdateIf != null ? 1 : 0) + (whenMatchedDelete ? 1 : 0)
        + (whenMatchedFail ? 1 : 0);
    if (matchedClauses > 1) {
      throw new ParameterException(spec.commandLine(), "Choose one of --when-matched-update, --when-matched-update-if,"
          + " --when-matched-delete, --when-matched-fail");
    }
    if (whenNotMatchedBySourceDelete && whenNotMatchedBySourceDeleteIf != null) {
      throw new ParameterException(spec.commandLine(),
          "Choose one of --when-not-matched-by-source-delete, --when-not-matched-by-source-delete-if");
    }
    if (conflictRetries < 0) {
      throw new ParameterException(spec.commandLine(), "--conflict-retries must be >= 0: " + conflictRetries);
    }
    boolean update = whenMatchedUpdate;
    boolean insert = whenNotMatchedInsert;
    boolean bySource = whenNotMatchedBySourceDelete || whenNotMatchedBySourceDeleteIf != null;
    if (matchedClauses == 0 && !insert && !bySource) {
      update = true;
      insert = true;
    }
    Dataset ds = open(dataset);
    MergeInsertBuilder merge = ds.mergeInsert(keys).conflictRetries(conflictRetries);
    if (update) {
      merge.whenMatchedUpdateAll();
    } else if (whenMatchedUpdateIf != null) {
      merge.whenMatchedUpdateAll(whenMatchedUpdateIf);
    } else if (whenMatchedDelete) {
      merge.whenMatchedDelete();
    } else if (whenMatchedFail) {
      merge.whenMatchedFail();
    }
    if (insert) {
      merge.whenNotMatchedInsertAll();
    }
    if (whenNotMatchedBySourceDelete) {
      merge.whenNotMatchedBySourceDelete();
    } else if (whenNotMatchedBySourceDeleteIf != null) {
      merge.whenNotMatchedBySourceDelete(whenNotMatchedBySourceDeleteIf);
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
