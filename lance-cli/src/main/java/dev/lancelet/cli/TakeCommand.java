package dev.lancelet.cli;

import dev.lancelet.cli.formats.BatchWriter;
import dev.lancelet.cli.formats.DataFormat;
import dev.lancelet.table.Dataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lance take DATASET --rows 1,5,9 [OUT]} or {@code --addresses A,B}: read rows by position or address. */
@Command(
    name = "take",
    description = {
      "Read rows of a dataset version by position (--rows: 0-based among the visible rows, in",
      "dataset order) or by row address (--addresses: fragment id << 32 | row offset), in the",
      "order given; only the pages holding them are read. Without OUT the rows are printed."
    })
final class TakeCommand extends DatasetCommand {
  private static final int SLICE = 8192;
  private static final int MAX_PRINTED = 10_000;

  @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset folder.")
  String dataset;

  @Parameters(index = "1", arity = "0..1", paramLabel = "OUT",
      description = "File to write (format by extension or --format); default: print a table.")
  String out;

  @Option(names = "--rows", split = ",", paramLabel = "ROW", description = "Row positions, e.g. 1,5,9 or 10-19.")
  List<String> rows;

  @Option(names = "--addresses", split = ",", paramLabel = "ADDR", description = "Row addresses (as _rowaddr shows them).")
  List<String> addresses;

  @Option(names = "--columns", split = ",", paramLabel = "COL", description = "Top-level columns, in this order (default: all).")
  List<String> columns;

  @Option(names = "--version", paramLabel = "N", description = "Read this version (default: the latest).")
  Long version;

  @Option(names = "--tag", paramLabel = "T", description = "Read the version this tag points at.")
  String tag;

  @Option(names = "--format", paramLabel = "F", description = "Format of OUT (default: from the extension).")
  String format;

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  @Override
  int execute() throws IOException {
    if ((rows == null) == (addresses == null)) {
      throw usage("Give --rows or --addresses (one of them)");
    }
    long[] wanted;
    if (rows != null) {
      wanted = RowList.parse(rows, spec.commandLine());
    } else {
      wanted = new long[addresses.size()];
      for (int i = 0; i < wanted.length; i++) {
        try {
          wanted[i] = Long.parseUnsignedLong(addresses.get(i).trim());
        } catch (NumberFormatException e) {
          throw usage("--addresses: not a row address: '" + addresses.get(i) + "'");
        }
      }
    }
    if (out == null && wanted.length > MAX_PRINTED) {
      throw usage("Printing is limited to " + MAX_PRINTED + " rows; give OUT to take " + wanted.length);
    }
    DataFormat dataFormat = out == null ? null : DatasetExportCommand.outputFormat(this, out, format);
    Dataset ds = open(dataset, version, tag);
    {
      BufferAllocator allocator = allocator();
      if (out == null) {
        try (VectorSchemaRoot batch = take(ds, wanted)) {
          print(batch, out());
        }
        return 0;
      }
      BatchWriter writer = null;
      boolean ok = false;
      try {
        // In slices, so memory stays bounded however many rows are asked for.
        for (int start = 0; start < wanted.length || writer == null; start += SLICE) {
          long[] slice = Arrays.copyOfRange(wanted, start, Math.min(wanted.length, start + SLICE));
          try (VectorSchemaRoot batch = take(ds, slice)) {
            if (writer == null) {
              writer = DatasetExportCommand.openWriter(out, dataFormat, batch.getSchema(), force, allocator);
            }
            writer.write(batch);
          }
        }
        writer.close();
        ok = true;
      } finally {
        if (!ok && writer != null) {
          writer.abort();
        }
      }
      err().println("took " + Formats.count(wanted.length) + " rows of " + dataset + " version " + ds.version() + " to " + out);
    }
    return 0;
  }

  private VectorSchemaRoot take(Dataset ds, long[] slice) throws IOException {
    try {
      return rows != null ? ds.take(slice, columns) : ds.takeByAddress(slice, columns);
    } catch (IndexOutOfBoundsException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /** Prints rows as an aligned table, one line per row, with long values cut. */
  static void print(VectorSchemaRoot batch, PrintWriter out) {
    int n = batch.getFieldVectors().size();
    String[] headers = new String[n];
    for (int c = 0; c < n; c++) {
      headers[c] = batch.getVector(c).getName();
    }
    TextTable table = new TextTable(headers);
    for (int c = 0; c < n; c++) {
      table.maxWidth(c, 40);
    }
    for (int r = 0; r < batch.getRowCount(); r++) {
      Object[] cells = new Object[n];
      for (int c = 0; c < n; c++) {
        cells[c] = ValueFormat.format(batch.getVector(c), r);
      }
      table.row(cells);
    }
    for (String line : table.lines("")) {
      out.println(line);
    }
  }
}
