package dev.lancelet.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the one-line messages the CLI prints. */
final class Errors {
  private Errors() {}

  static String describe(Throwable e) {
    String m = e.getMessage();
    if (e instanceof NoSuchFileException) {
      return "No such file: " + m;
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied: " + m;
    }
    if (e instanceof UnsupportedOperationException) {
      return m == null || m.isBlank() ? "Not supported yet by this version of Lancelet" : m;
    }
    if (m == null || m.isBlank()) {
      if (e.getCause() != null && e.getCause() != e) {
        return describe(e.getCause());
      }
      return "Internal error: " + e.getClass().getSimpleName() + " (run with --verbose for the stack trace)";
    }
    // Messages of wrapped exceptions (e.g. "java.io.IOException: x") read better without the class.
    if (e.getCause() != null && m.equals(e.getCause().toString())) {
      return describe(e.getCause());
    }
    return m;
  }
}
