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

  /** A message of the form {@code "<location>: <formatted detail>"}. */
  public static LanceFormatException at(String location, String format, Object... args) {
    return new LanceFormatException(location + ": " + String.format(format, args));
  }
}
