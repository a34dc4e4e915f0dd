package dev.lancelet.cli;

/** A failure to report to the user as one line; the message names the file involved. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code "<file>: <cause's message>"}, without repeating the file if the cause already names it. */
  static CliException at(String file, Throwable cause) {
    String detail = Errors.describe(cause);
    return new CliException(detail.contains(file) ? detail : file + ": " + detail, cause);
  }
}
