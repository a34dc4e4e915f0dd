package dev.lancelet.cli.formats;

import java.io.IOException;

/**
 * Input that cannot be read or a batch that cannot be written in the requested format. The
 * message always names the file and, where known, the line (text formats), row or column at
 * fault, e.g. {@code data.csv: line 17: column 'price': "abc" is not a float64}.
 */
public final class FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;

  /**
   * @param file the file involved, as the user named it
   * @param line the 1-based line (text formats) or -1
   * @param message what is wrong, without the file name
   */
  public FormatException(String file, long line, String message) {
    this(file, line, message, null);
  }

  /** As {@link #FormatException(String, long, String)}, with the cause. */
  public FormatException(String file, long line, String message, Throwable cause) {
    super(file + ": " + (line > 0 ? "line " + line + ": " : "") + message, cause);
    this.file = file;
    this.line = line;
  }

  /** The file, as the user named it. */
  public String file() {
    return file;
  }

  /** The 1-based line of a text format where the problem is, or -1. */
  public long line() {
    return line;
  }
}
