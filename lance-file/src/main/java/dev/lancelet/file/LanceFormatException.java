package dev.lancelet.file;

import java.io.IOException;

/**
 * A Lance file (or an object that claims to be one) is malformed: truncated, corrupted, of an
 * unknown version, or using an encoding Lancelet does not understand. The message always names
 * the file and, where known, the byte offset and the expected versus actual value.
 */
public class LanceFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public LanceFormatException(String message) {
    super(message);
  }

  public LanceFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * System property for tests: when {@code true}, {@link #wrapUnexpected} rethrows instead of
   * wrapping, so a runtime exception that no explicit check caught reaches the caller. The fuzz
   * test sets it to prove that every damage it finds is rejected by an explicit validation.
   */
  public static final String STRICT_PROPERTY = "lancelet.file.strict";

  /**
   * The reader's last line of defence: wraps a runtime exception thrown while decoding damaged
   * data (a validation that is missing) into a {@code LanceFormatException} with {@code message}.
   * With {@link #STRICT_PROPERTY} set, rethrows {@code e} instead.
   */
  public static LanceFormatException wrapUnexpected(String message, RuntimeException e) {
    if (Boolean.getBoolean(STRICT_PROPERTY)) {
      throw e;
    }
    return new LanceFormatException(message, e);
  }

  /** A message of the form {@code "<location>: <formatted detail>"}. */
  public static LanceFormatException at(String location, String format, Object... args) {
    return new LanceFormatException(location + ": " + String.format(format, args));
  }
}
