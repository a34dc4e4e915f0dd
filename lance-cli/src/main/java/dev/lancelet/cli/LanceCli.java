package dev.lancelet.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code lance} command line. Exit codes: 0 success, 1 error (message on stderr), 2 usage
 * error. A failure prints one line, {@code lance: <message>}; {@code --verbose} adds the stack
 * trace.
 */
@Command(
    name = "lance",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Work with Lance datasets and files: import, export, inspect, time travel, change (a pure-Java implementation of the Lance format).",
    subcommands = {
      FileCommand.class,
      DatasetImportCommand.class,
      DatasetExportCommand.class,
      TakeCommand.class,
      ShowCommand.class,
      VersionsCommand.class,
      CheckoutCommand.class,
      TagCommand.class,
      RestoreCommand.class,
      DeleteCommand.class,
      UpdateCommand.class,
      MergeInsertCommand.class,
      AddColumnsCommand.class,
      DropColumnsCommand.class,
      RenameColumnCommand.class,
      AlterColumnCommand.class,
      CompactCommand.class,
      CleanupCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    usageHelpAutoWidth = true)
public final class LanceCli implements Runnable {
  /** Exit code for a failed operation. */
  public static final int EXIT_ERROR = 1;
  /** Exit code for a command line that could not be parsed. */
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @Option(
      names = "--storage-option",
      paramLabel = "KEY=VALUE",
      description = "Object store option for the dataset commands (repeatable), e.g. google_service_account=/sa.json;"
          + " may also follow the command.")
  java.util.Map<String, String> storageOptions = new java.util.LinkedHashMap<>();

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of import, export, take, show, versions, delete, ..., file, demo");
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line with the given streams and returns the exit code (for tests and embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LanceCli());
    cl.setParameterExceptionHandler(LanceCli::handleUsageError);
    cl.setExecutionExceptionHandler(LanceCli::handleError);
    return cl;
  }

  private static int handleUsageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("lance: " + e.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
    if (verbose(cl.getParseResult()) || java.util.Arrays.asList(args).contains("--verbose")) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_USAGE;
  }

  private static int handleError(Exception e, CommandLine cl, ParseResult parseResult) {
    if (e instanceof ParameterException pe) {
      return handleUsageError(pe, new String[0]);
    }
    PrintWriter err = cl.getErr();
    err.println("lance: " + oneLine(Errors.describe(e)));
    if (verbose(parseResult)) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_ERROR;
  }

  /**
   * Joins a multi-line message (an expression error quotes the expression on its own line and
   * points at the position with a caret line) into one line; the caret line is dropped, since the
   * message states the position.
   */
  static String oneLine(String message) {
    if (message == null || message.indexOf('\n') < 0) {
      return message;
    }
    StringBuilder sb = new StringBuilder();
    for (String line : message.split("\\R")) {
      String t = line.strip();
      if (t.isEmpty() || t.chars().allMatch(c -> c == '^' || c == '~')) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(t);
    }
    return sb.toString();
  }

  private static boolean verbose(ParseResult pr) {
    for (ParseResult r = pr; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
