package dev.lancelet.cli;

import dev.lancelet.cli.formats.BatchWriter;
import dev.lancelet.cli.formats.DataFormat;
import dev.lancelet.cli.formats.WriterOptions;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine;

/**
 * {@code lance demo --dataset}: the dataset workflow on generated data, by running the real
 * commands in-process and printing each one before its output: import (create), import (append),
 * delete, versions, show, time travel (take and checkout at an old version), tag, export. The row
 * counts are checked against the generator.
 */
final class DatasetDemo {
  private static final int BATCH = 8192;

  private final PrintWriter out;
  private final PrintWriter err;

  DatasetDemo(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  void run(Path dir, long rows) throws IOException {
    Path first = dir.resolve("sample.arrow");
    Path more = dir.resolve("more.arrow");
    long added = Math.max(1, rows / 5);
    String ds = dir.resolve("demo_dataset").toString();
    out.printf(Locale.ROOT, "Writing %s + %s rows of sample data to Arrow IPC files in %s%n%n", Formats.count(rows),
        Formats.count(added), dir);
    writeArrow(first, 0, rows);
    writeArrow(more, rows, added);
    long toys = 0;
    for (long id = 0; id < rows + added; id++) {
      if (DemoData.row(id).category().equals("toys")) {
        toys++;
      }
    }

    step("import", first.toString(), ds, "--max-rows-per-file", Long.toString(Math.max(1, rows / 4)));
    step("import", more.toString(), ds, "--mode", "append");
    step("delete", ds, "--where", "category = 'toys'");
    step("versions", ds);
    step("show", ds);
    step("take", ds, "--version", "1", "--rows", "0,1,2", "--columns", "id,category,caption,score");
    step("checkout", ds, "--version", "2", "--head", "0");
    step("tag", "create", ds, "before-delete", "--version", "2");
    Path exported = dir.resolve("toys.jsonl");
    step("export", ds, exported.toString(), "--tag", "before-delete", "--where", "category = 'toys'",
        "--columns", "id,caption", "--force");
    step("take", ds, "--rows", "0-2", "--columns", "id,category,score");

    try (BufferAllocator allocator = new RootAllocator();
        Dataset latest = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build());
        Dataset v2 = latest.checkout(2)) {
      long expected = rows + added - toys;
      boolean ok = latest.countRows() == expected && v2.countRows() == rows + added;
      out.printf(Locale.ROOT, "Rows: %s at version 2, %s now (%s toys deleted); the generator agrees %s%n",
          Formats.count(v2.countRows()), Formats.count(latest.countRows()), Formats.count(toys), ok ? "✓" : "✗ MISMATCH");
      if (!ok) {
        throw new CliException(ds + ": expected " + expected + " rows after the delete, found " + latest.countRows());
      }
    }
    out.println();
    out.println("Next, try:");
    out.println("  lance show " + ds + " --json");
    out.println("  lance restore " + ds + " --version 2");
    out.println("  lance compact " + ds);
  }

  private void step(String... args) {
    List<String> shown = new ArrayList<>();
    for (String a : args) {
      shown.add(a.contains(" ") || a.contains("'") ? "\"" + a + "\"" : a);
    }
    out.println("▶ lance " + String.join(" ", shown));
    out.flush();
    CommandLine cl = LanceCli.commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int exit = cl.execute(args);
    out.println();
    if (exit != 0) {
      throw new CliException("demo step 'lance " + String.join(" ", args) + "' failed with exit code " + exit);
    }
  }

  private static void writeArrow(Path file, long start, long n) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(DemoData.schema(), allocator);
        BatchWriter writer = dev.lancelet.cli.formats.Formats.openWriter(file, DataFormat.ARROW_FILE, root.getSchema(),
            WriterOptions.builder().overwrite(true).build(), allocator)) {
      for (long s = start; s < start + n; s += BATCH) {
        int k = (int) Math.min(BATCH, start + n - s);
        DemoData.fill(root, s, k);
        writer.write(root);
        root.clear();
      }
    }
  }
}
