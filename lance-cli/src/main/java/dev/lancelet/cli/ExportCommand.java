package dev.lancelet.cli;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.ScanOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lance file export FILE OUT [--columns a,b] [--rows i,j,k] [--batch-size N]}. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Write a Lance file's rows to Arrow IPC: OUT ending in .arrow gets the IPC file format,",
      ".arrows the IPC stream format. Without --rows the file is streamed batch by batch.",
      "Dictionary-encoded columns are written as plain values."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The Lance file to read.")
  String file;

  @Parameters(index = "1", paramLabel = "OUT", description = "The Arrow IPC output (.arrow or .arrows).")
  String out;

  @Option(names = "--columns", split = ",", paramLabel = "COL", description = "Top-level columns to export, in this order (default: all).")
  List<String> columns;

  @Option(names = "--rows", split = ",", paramLabel = "ROW", description = "Export only these rows, in this order (0-based; ranges like 10-19 allowed).")
  List<String> rows;

  @Option(names = "--batch-size", paramLabel = "N", description = "Rows per Arrow batch (default: ${DEFAULT-VALUE}).")
  int batchSize = ScanOptions.DEFAULT_BATCH_SIZE;

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    IpcOutput.Format format = IpcOutput.formatOf(out);
    if (format == null) {
      throw new ParameterException(spec.commandLine(), "OUT must end in .arrow (IPC file) or .arrows (IPC stream): " + out);
    }
    if (batchSize <= 0) {
      throw new ParameterException(spec.commandLine(), "--batch-size must be positive, got " + batchSize);
    }
    long[] rowList = rows == null ? null : RowList.parse(rows, spec.commandLine());
    LanceFiles.checkWritable(out, force);
    try (BufferAllocator allocator = new RootAllocator();
        LanceFileReader reader = LanceFiles.open(file, allocator)) {
      try {
        if (rowList == null) {
          scan(reader, allocator, format);
        } else {
          take(reader, allocator, format, rowList);
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof CliException c) {
          throw c;
        }
        throw CliException.at(file, e);
      }
    }
    return 0;
  }

  private void scan(LanceFileReader reader, BufferAllocator allocator, IpcOutput.Format format) throws IOException {
    ScanOptions.Builder options = ScanOptions.builder().batchSize(batchSize);
    if (columns != null) {
      options.columns(columns);
    }
    Progress progress = new Progress(spec.commandLine().getErr(), "exported", reader.numRows(), quiet, Progress.stderrIsTerminal());
    try (ArrowReader batches = reader.scan(options.build())) {
      VectorSchemaRoot root = batches.getVectorSchemaRoot();
      try (IpcOutput output = IpcOutput.create(Path.of(out), format, root.getSchema(), batches, allocator)) {
        while (batches.loadNextBatch()) {
          int n = root.getRowCount();
          output.write(root);
          progress.advance(n);
        }
        output.commit();
      }
    }
    progress.done("to " + out);
  }

  private void take(LanceFileReader reader, BufferAllocator allocator, IpcOutput.Format format, long[] rowList)
      throws IOException {
    long numRows = reader.numRows();
    for (long r : rowList) {
      if (r >= numRows) {
        throw new CliException(file + ": Row " + r + " is out of range (the file has " + Formats.count(numRows) + " rows)");
      }
    }
    Progress progress = new Progress(spec.commandLine().getErr(), "exported", rowList.length, quiet, Progress.stderrIsTerminal());
    IpcOutput output = null;
    try {
      // Take in slices of batch-size rows, so memory stays bounded however many rows are asked for.
      for (int start = 0; start < rowList.length || output == null; start += batchSize) {
        int end = Math.min(rowList.length, start + batchSize);
        long[] slice = java.util.Arrays.copyOfRange(rowList, start, end);
        try (VectorSchemaRoot batch = reader.take(slice, columns)) {
          if (output == null) {
            output = IpcOutput.create(Path.of(out), format, batch.getSchema(), null, allocator);
          }
          output.write(batch);
          progress.advance(slice.length);
        }
      }
      output.commit();
    } finally {
      if (output != null) {
        output.close();
      }
    }
    progress.done("to " + out);
  }
}
