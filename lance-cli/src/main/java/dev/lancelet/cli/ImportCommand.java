package dev.lancelet.cli;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.cli.formats.FormatException;
import dev.lancelet.cli.progress.Progress;
import dev.lancelet.io.ObjectStores;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lance file import IN OUT.lance [--format F] [--format-version 2.0|2.1|2.2|2.3]}. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Write a data file to a Lance file, batch by batch. IN is CSV (.csv, .tsv), JSON lines",
      "(.jsonl, .ndjson), Parquet (.parquet) or Arrow IPC; the extension or --format tells",
      "which. Arrow IPC files and streams are told apart by the ARROW1 magic; '-' reads an",
      "Arrow IPC stream from stdin. Dictionary-encoded columns are stored as their values.",
      "CSV and JSON lines column types are inferred from the first rows (see --schema)."
    })
final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IN", description = "The data file, or '-' for an Arrow IPC stream on stdin.")
  String in;

  @Parameters(index = "1", paramLabel = "OUT", description = "The Lance file to write (path, file:// or memory:// URI).")
  String out;

  @Option(names = "--format-version", paramLabel = "V",
      description = "Lance file format version to write: 2.0, 2.1, 2.2 or 2.3 (default: 2.1, as Lance 7.0).")
  String formatVersion;

  @Mixin InputOptions inputOptions;

  @Option(names = "--force", description = "Replace OUT if it exists.")
  boolean force;

  @Mixin ProgressOptions progressOptions;

  @Override
  public Integer call() throws IOException {
    WriteOptions.Builder options = WriteOptions.builder();
    if (formatVersion != null) {
      try {
        LanceFileVersion v = Formats.parseVersion(formatVersion);
        options.version(v);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--format-version: " + e.getMessage());
      }
    }
    LanceFiles.checkWritable(out, force);
    ObjectStores.Location target = LanceFiles.resolve(out);
    try (BufferAllocator allocator = new RootAllocator();
        ArrowReader reader = openInput(allocator)) {
      VectorSchemaRoot root;
      Schema schema;
      try {
        root = reader.getVectorSchemaRoot();
        schema = PlainBatches.plain(root.getSchema(), reader);
      } catch (IOException | RuntimeException e) {
        if (e instanceof CliException c) {
          throw c;
        }
        if (e instanceof FormatException) {
          throw CliException.at(in, e);
        }
        throw new CliException(in + ": Not an Arrow IPC file or stream (" + Errors.describe(e) + ")", e);
      }
      boolean decode = PlainBatches.hasDictionaries(root.getSchema());
      long totalBytes = InputOptions.sizeOf(in);
      Progress progress = Progress.builder("importing")
          .out(spec.commandLine().getErr())
          .totalBytes(totalBytes)
          .mode(progressOptions.mode())
          .build();
      long batches = 0;
      LanceFileWriter writer;
      try {
        writer = LanceFileWriter.create(target.store(), target.path(), schema, allocator, options.build());
      } catch (IOException | RuntimeException e) {
        throw e instanceof CliException c ? c : CliException.at(out, e);
      }
      boolean ok = false;
      try (PlainBatches plain = decode ? new PlainBatches(root.getSchema(), reader, allocator) : null) {
        while (nextBatch(reader)) {
          int n = root.getRowCount();
          VectorSchemaRoot batch = decode ? plain.load(root) : root;
          try {
            writer.write(batch);
          } catch (IOException | RuntimeException e) {
            throw e instanceof CliException c ? c : CliException.at(out, e);
          }
          if (decode) {
            plain.root().clear();
          }
          batches++;
          progress.addRows(n);
          progress.setBytes(reader.bytesRead());
        }
        try {
          writer.close();
        } catch (IOException | RuntimeException e) {
          throw CliException.at(out, e);
        }
        ok = true;
      } finally {
        progress.close();
        if (!ok) {
          try {
            writer.abort();
          } catch (IOException | RuntimeException suppressed) {
            // the first failure is the one to report
          }
        }
      }
      if (!progressOptions.quiet) {
        long nanos = progress.elapsedNanos();
        long rows = progress.rows();
        spec.commandLine().getErr().println(String.format(Locale.ROOT, "imported %s rows in %,d batch%s from %s to %s (%s, %s rows/s)",
            Formats.count(rows), batches, batches == 1 ? "" : "es", in.equals("-") ? "stdin" : in, out,
            Formats.seconds(nanos), Formats.count(nanos == 0 ? 0 : (long) (rows * 1e9 / nanos))));
        spec.commandLine().getErr().flush();
      }
    }
    return 0;
  }

  private boolean nextBatch(ArrowReader reader) {
    try {
      return reader.loadNextBatch();
    } catch (IOException | RuntimeException e) {
      throw CliException.at(in, e);
    }
  }

  private ArrowReader openInput(BufferAllocator allocator) {
    return inputOptions.open(in, spec.commandLine(), allocator);
  }
}
