package dev.lancelet.cli;

import dev.lancelet.file.LanceFileReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lance file inspect FILE [--json]}. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = {
      "Show a Lance file's version, row count, size, schema, and every column's pages",
      "(rows, structural layout, encoding chain, bytes)."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A Lance file: a path, file:// or memory:// URI.")
  String file;

  @Option(names = "--json", description = "Print a machine-readable JSON document instead.")
  boolean json;

  @Option(names = "--all-pages", description = "List every page (by default long page lists are shortened).")
  boolean allPages;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (BufferAllocator allocator = new RootAllocator();
        LanceFileReader reader = LanceFiles.open(file, allocator)) {
      Inspection inspection;
      try {
        inspection = Inspection.of(file, reader);
      } catch (IOException | RuntimeException e) {
        throw CliException.at(file, e);
      }
      if (json) {
        out.println(inspection.json());
      } else {
        inspection.text(allPages).forEach(out::println);
      }
    }
    out.flush();
    return 0;
  }
}
