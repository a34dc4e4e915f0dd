package dev.lancelet.cli;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process and captures exit code, stdout, stderr and the exception it reported. */
record CliRun(int exit, String out, String err, Throwable failure) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = LanceCli.commandLine();
    CommandLine.IExecutionExceptionHandler handler = cl.getExecutionExceptionHandler();
    Throwable[] seen = new Throwable[1];
    cl.setExecutionExceptionHandler(
        (e, c, pr) -> {
          seen[0] = e;
          return handler.handleExecutionException(e, c, pr);
        });
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new CliRun(exit, out.toString(), err.toString(), seen[0]);
  }

  /**
   * Skips (not fails) the calling test while the reader or writer it needs is still the skeleton,
   * which throws {@link UnsupportedOperationException}; once they land, the test runs.
   */
  CliRun assumeImplemented() {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assumeFalse(t instanceof UnsupportedOperationException, "Needs the lance-file reader/writer: " + t.getMessage());
    }
    return this;
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
