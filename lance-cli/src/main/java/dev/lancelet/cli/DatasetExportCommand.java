package dev.lancelet.cli;

import dev.lancelet.cli.formats.BatchWriter;
import dev.lancelet.cli.formats.DataFormat;
import dev.lancelet.cli.formats.WriterOptions;
import dev.lancelet.cli.progress.Progress;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.ScanBuilder;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance export DATASET OUT [--version N | --tag T] [--columns] [--where] [--limit] [--offset]}. */
@Command(
    name = "export",
    description = {
      "Write the rows of one version of a dataset (the latest by default) to a data file, streamed",
      "batch by batch: Arrow IPC file (.arrow) or stream (.arrows), CSV (.csv, .tsv), JSON lines",
      "(.jsonl) or Parquet (.parquet), by the extension of OUT or --format. --where keeps the rows",
      "matching a SQL predicate; --offset and --limit then count matching rows."
    })
final class DatasetExportCommand extends DatasetCommand {
  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Parameters(index = "1", paramLabel = "OUT", description = "The file to write.")
  String out;

  @Option(names = "--version", paramLabel = "N", description = "Export this version (default: the latest).")
  Long version;

  @Option(names = "--tag", paramLabel = "T", description = "Export the version this tag points at.")
  String tag;

  @Option(names = "--columns", split = ",", paramLabel = "COL", description = "Top-level columns, in this order (default: all).")
  List<String> columns;

  @Option(names = "--where", paramLabel = "EXPR", description = "SQL predicate rows must match, e.g. \"price > 10 AND kind = 'a'\".")
  String where;

  @Option(names = "--limit", paramLabel = "N", description = "At most N rows.")
  Long limit;

  @Option(names = "--offset", paramLabel = "N", description = "Skip the first N (matching) rows.")
  Long offset;

  @Option(names = "--with-rowid", description = "Add the _rowid column (uint64).")
  boolean withRowId;

  @Option(names = "--with-rowaddr", description = "Add the _rowaddr column (uint64: fragment id << 32 | row offset).")
  boolean withRowAddress;

  @Option(names = "--format", paramLabel = "F", description = "Format of OUT: arrow, arrows, csv, tsv, jsonl or parquet (default: from the extension).")
  String format;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8192", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  @Mixin ProgressOptions progressOptions;

  @Override
  int execute() throws IOException {
    DataFormat dataFormat = outputFormat(out, format);
    if (limit != null && limit < 0) {
      throw usage("--limit must be >= 0, got " + limit);
    }
    if (offset != null && offset < 0) {
      throw usage("--offset must be >= 0, got " + offset);
    }
    if (batchSize <= 0) {
      throw usage("--batch-size must be positive, got " + batchSize);
    }
    Dataset ds = open(dataset, version, tag);
    ScanBuilder scan = ds.newScan().batchSize(batchSize).withRowId(withRowId).withRowAddress(withRowAddress);
    if (columns != null) {
      scan.columns(columns);
    }
    if (where != null) {
      scan.filter(where);
    }
    if (limit != null) {
      scan.limit(limit);
    }
    if (offset != null) {
      scan.offset(offset);
    }
    long total = -1;
    if (where == null) {
      total = Math.max(0, ds.countRows() - (offset == null ? 0 : offset));
      if (limit != null) {
        total = Math.min(total, limit);
      }
    }
    BufferAllocator allocator = allocator();
    try (Progress progress = progress("exporting", total);
        ArrowReader batches = scan.open()) {
      VectorSchemaRoot root = batches.getVectorSchemaRoot();
      writeAll(root, batches, dataFormat, allocator, progress);
      progress.close();
      summary(progress, ds);
    }
    return 0;
  }

  private void writeAll(VectorSchemaRoot root, ArrowReader batches, DataFormat dataFormat, BufferAllocator allocator,
      Progress progress) throws IOException {
    BatchWriter writer = openWriter(out, dataFormat, root.getSchema(), force, allocator);
    boolean ok = false;
    try {
      while (batches.loadNextBatch()) {
        writer.write(root);
        progress.addRows(root.getRowCount());
      }
      writer.close();
      ok = true;
    } finally {
      if (!ok) {
        writer.abort();
      }
    }
  }

  Progress progress(String label, long totalRows) {
    return Progress.builder(label)
        .out(err())
        .totalRows(totalRows)
        .mode(progressOptions.mode())
        .build();
  }

  private void summary(Progress progress, Dataset ds) {
    if (!progressOptions.quiet) {
      long nanos = progress.elapsedNanos();
      err().println(String.format(Locale.ROOT, "exported %s rows of %s version %d to %s (%s)",
          Formats.count(progress.rows()), dataset, ds.version(), out, Formats.seconds(nanos)));
    }
  }

  /** The format of an output file from {@code --format} or its extension; a usage error otherwise. */
  static DataFormat outputFormat(DatasetCommand command, String out, String format) {
    try {
      return format != null
          ? dev.lancelet.cli.formats.Formats.forName(format)
          : dev.lancelet.cli.formats.Formats.forPath(out);
    } catch (IllegalArgumentException e) {
      throw command.usage((format != null ? "--format: " : "OUT: ") + e.getMessage());
    }
  }

  private DataFormat outputFormat(String out, String format) {
    return outputFormat(this, out, format);
  }

  /** Opens a writer for {@code out}; the messages name the file. */
  static BatchWriter openWriter(String out, DataFormat format, org.apache.arrow.vector.types.pojo.Schema schema,
      boolean force, BufferAllocator allocator) {
    try {
      return dev.lancelet.cli.formats.Formats.openWriter(Path.of(out), format, schema,
          WriterOptions.builder().overwrite(force).build(), allocator);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(out + ": File exists (use --force to replace it)");
    } catch (IOException | RuntimeException e) {
      throw e instanceof CliException c ? c : CliException.at(out, e);
    }
  }
}
