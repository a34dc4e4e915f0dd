package dev.lancelet.file;

import java.io.IOException;

/**
 * The bytes of a Lance file (or of one of its buffers) do not follow the format: a length points
 * past the end, a header has an impossible value, a decoded count disagrees with the expected one.
 *
 * <p>Messages name the expected and the actual values.
 */
public class LanceFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public LanceFormatException(String message) {
    super(message);
  }

  public LanceFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
