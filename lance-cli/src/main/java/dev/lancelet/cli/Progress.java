package dev.lancelet.cli;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Rows-done progress on stderr. On a terminal: one line rewritten in place with {@code \r} (at most
 * ten times a second). Otherwise: a plain line every few seconds, so logs stay readable. Always:
 * a final summary line, unless quiet.
 */
final class Progress {
  private static final long TTY_INTERVAL_NANOS = 100_000_000L;
  private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final String verb;
  private final long totalRows;
  private final boolean quiet;
  private final boolean tty;
  private final long start = System.nanoTime();
  private long lastPrint = start;
  private long rows;
  private long batches;
  private boolean drewLine;

  /**
   * @param verb what is being done, e.g. {@code "exported"}
   * @param totalRows rows expected, or -1 if unknown
   */
  Progress(PrintWriter err, String verb, long totalRows, boolean quiet, boolean tty) {
    this.err = err;
    this.verb = verb;
    this.totalRows = totalRows;
    this.quiet = quiet;
    this.tty = tty;
  }

  void advance(long batchRows) {
    rows += batchRows;
    batches++;
    if (quiet) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastPrint < (tty ? TTY_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
      return;
    }
    lastPrint = now;
    if (tty) {
      err.print("\r" + status(now) + "   ");
      drewLine = true;
    } else {
      err.println(status(now));
    }
    err.flush();
  }

  long rows() {
    return rows;
  }

  /** Prints the summary, e.g. {@code exported 100,000 rows in 8 batches to x.arrow (0.41 s, 243,902 rows/s)}. */
  void done(String detail) {
    if (quiet) {
      return;
    }
    long nanos = System.nanoTime() - start;
    String line = String.format(Locale.ROOT, "%s %s rows in %,d batch%s%s (%s, %s rows/s)",
        verb, Formats.count(rows), batches, batches == 1 ? "" : "es", detail == null ? "" : " " + detail,
        Formats.seconds(nanos), Formats.count(nanos == 0 ? 0 : (long) (rows * 1e9 / nanos)));
    err.println((drewLine ? "\r" : "") + line + (drewLine ? "\033[K" : ""));
    err.flush();
  }

  private String status(long now) {
    String of = totalRows >= 0
        ? String.format(Locale.ROOT, " of %s (%.0f%%)", Formats.count(totalRows), totalRows == 0 ? 100.0 : 100.0 * rows / totalRows)
        : "";
    return verb + " " + Formats.count(rows) + " rows" + of + ", " + Formats.seconds(now - start);
  }

  /** Whether stderr is an interactive terminal. */
  static boolean stderrIsTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      // JDK 22+: System.console() may exist without a terminal; Console.isTerminal() tells.
      Method m = java.io.Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
