package dev.lancelet.cli;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.io.LocalObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lance demo}: write sample data, inspect it, take random rows, scan a column. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Show Lancelet at work: write sample data to a Lance file, inspect it, take rows, scan.",
      "The data (id, category, caption, score, 128-d embedding, tags) is generated in code;",
      "the 5 rows read back at random are checked against the generator."
    })
final class DemoCommand implements Callable<Integer> {
  static final String FILE_NAME = "demo.lance";
  private static final int BATCH = 8192;
  private static final int TAKE = 5;

  @Spec CommandSpec spec;

  @Option(names = "--rows", paramLabel = "N", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
  long rows = 100_000;

  @Option(names = "--out", paramLabel = "DIR", description = "Folder for " + FILE_NAME + " (default: a new temporary folder).")
  Path outDir;

  @Option(names = "--format-version", paramLabel = "V", description = "Lance file format version to write (default: 2.1).")
  String formatVersion;

  @Option(names = "--seed", paramLabel = "S", description = "Seed for picking the random rows (default: ${DEFAULT-VALUE}).")
  long seed = 7;

  @Option(names = "--dataset", description = "Show the dataset workflow instead: import, append, delete, versions, time travel, tag, take (default rows: 20000).")
  boolean dataset;

  @Override
  public Integer call() throws IOException {
    if (dataset) {
      if (!spec.commandLine().getParseResult().hasMatchedOption("--rows")) {
        rows = 20_000;
      }
      if (rows < TAKE || rows > 10_000_000L) {
        throw new ParameterException(spec.commandLine(), "--rows must be between " + TAKE + " and 10000000 with --dataset, got " + rows);
      }
      Path dir = outDir == null ? Files.createTempDirectory("lance-demo-") : outDir;
      Files.createDirectories(dir);
      new DatasetDemo(spec.commandLine().getOut(), spec.commandLine().getErr()).run(dir.toAbsolutePath(), rows);
      return 0;
    }
    if (rows < TAKE || rows > 100_000_000L) {
      throw new ParameterException(spec.commandLine(), "--rows must be between " + TAKE + " and 100000000, got " + rows);
    }
    WriteOptions.Builder options = WriteOptions.builder();
    if (formatVersion != null) {
      try {
        options.version(Formats.parseVersion(formatVersion));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--format-version: " + e.getMessage());
      }
    }
    WriteOptions writeOptions = options.build();
    PrintWriter out = spec.commandLine().getOut();
    boolean tempDir = outDir == null;
    Path dir = tempDir ? Files.createTempDirectory("lance-demo-") : outDir;
    Path file = dir.resolve(FILE_NAME).toAbsolutePath();
    String name = file.toString();
    boolean ok = false;
    try (BufferAllocator allocator = new RootAllocator()) {
      Files.createDirectories(dir);
      out.printf(Locale.ROOT, "Writing %s rows of sample data (Lance format %s)%n  to %s%n",
          Formats.count(rows), Formats.version(writeOptions.version()), name);
      out.flush();
      long t0 = System.nanoTime();
      write(new LocalObjectStore(dir), allocator, writeOptions, name);
      long writeNanos = System.nanoTime() - t0;
      long size = Files.size(file);
      out.printf(Locale.ROOT, "  %s in %s (%s rows/s)%n%n", Formats.bytes(size), Formats.seconds(writeNanos),
          Formats.count((long) (rows * 1e9 / Math.max(1, writeNanos))));

      try (LanceFileReader reader = LanceFiles.open(name, allocator)) {
        try {
          showcase(reader, out, name);
        } catch (IOException | RuntimeException e) {
          throw e instanceof CliException c ? c : CliException.at(name, e);
        }
      }
      ok = true;
    } finally {
      if (!ok && tempDir) {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    }
    return 0;
  }

  private void write(LocalObjectStore store, BufferAllocator allocator, WriteOptions options, String name) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(DemoData.schema(), allocator)) {
      LanceFileWriter writer = LanceFileWriter.create(store, FILE_NAME, root.getSchema(), allocator, options);
      boolean ok = false;
      try {
        writer.addMetadata(java.util.Map.of("lancelet.demo.rows", Long.toString(rows), "lancelet.version", VersionInfo.lanceletVersion()));
        for (long start = 0; start < rows; start += BATCH) {
          int n = (int) Math.min(BATCH, rows - start);
          DemoData.fill(root, start, n);
          writer.write(root);
          root.clear();
        }
        writer.close();
        ok = true;
      } finally {
        if (!ok) {
          try {
            writer.abort();
          } catch (IOException | RuntimeException suppressed) {
            // report the first failure
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      throw e instanceof CliException c ? c : CliException.at(name, e);
    }
  }

  private void showcase(LanceFileReader reader, PrintWriter out, String name) throws IOException {
    out.println("▶ lance file inspect " + name);
    Inspection.of(name, reader).text(false).forEach(out::println);
    out.println();

    long[] picks = new SplittableRandom(seed).longs(TAKE, 0, reader.numRows()).toArray();
    out.println("▶ take " + TAKE + " random rows: " + joined(picks));
    long t0 = System.nanoTime();
    try (VectorSchemaRoot taken = reader.take(picks, null)) {
      long takeNanos = System.nanoTime() - t0;
      TextTable table = new TextTable(taken.getSchema().getFields().stream().map(f -> f.getName()).toArray(String[]::new));
      int matching = 0;
      long firstBad = -1;
      for (int i = 0; i < taken.getRowCount(); i++) {
        Object[] cells = new Object[taken.getFieldVectors().size()];
        for (int c = 0; c < cells.length; c++) {
          cells[c] = ValueFormat.format(taken.getVector(c), i);
        }
        table.row(cells);
        if (DemoData.matches(taken, i, DemoData.row(picks[i]))) {
          matching++;
        } else if (firstBad < 0) {
          firstBad = picks[i];
        }
      }
      for (int c = 0; c < taken.getFieldVectors().size(); c++) {
        table.maxWidth(c, 44);
      }
      table.lines("  ").forEach(out::println);
      out.printf(Locale.ROOT, "  %d rows in %.1f ms; %d of %d match the generator%s%n%n", taken.getRowCount(),
          takeNanos / 1e6, matching, TAKE, matching == TAKE ? " ✓" : "  ✗ MISMATCH");
      if (taken.getRowCount() != TAKE || matching != TAKE) {
        throw new CliException(name + ": take() returned rows that differ from the data written (first: row " + firstBad + ")");
      }
    }

    out.println("▶ scan column 'score'");
    t0 = System.nanoTime();
    long count = 0;
    long nulls = 0;
    long batches = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    try (ArrowReader scan = reader.scan(ScanOptions.builder().columns("score").build())) {
      VectorSchemaRoot root = scan.getVectorSchemaRoot();
      while (scan.loadNextBatch()) {
        batches++;
        Float8Vector score = (Float8Vector) root.getVector("score");
        int n = root.getRowCount();
        for (int i = 0; i < n; i++) {
          if (score.isNull(i)) {
            nulls++;
            continue;
          }
          double v = score.get(i);
          min = Math.min(min, v);
          max = Math.max(max, v);
          sum += v;
        }
        count += n;
      }
    }
    long scanNanos = System.nanoTime() - t0;
    out.printf(Locale.ROOT, "  count %s  nulls %s  min %.4f  max %.4f  mean %.4f%n", Formats.count(count),
        Formats.count(nulls), min, max, sum / Math.max(1, count - nulls));
    out.printf(Locale.ROOT, "  %s batches in %.1f ms (%s rows/s)%n%n", Formats.count(batches), scanNanos / 1e6,
        Formats.count((long) (count * 1e9 / Math.max(1, scanNanos))));
    if (count != reader.numRows()) {
      throw new CliException(name + ": Scan returned " + count + " rows, expected " + reader.numRows());
    }

    out.println("Next, try:");
    out.println("  lance file inspect " + name + " --json");
    out.println("  lance file export  " + name + " demo.arrow --columns id,category,caption");
    out.println("  lance file import  demo.arrow copy.lance");
  }

  private static String joined(long[] rows) {
    return String.join(", ", Arrays.stream(rows).mapToObj(Long::toString).toList());
  }
}
