package dev.lancelet.table;

import java.io.IOException;

/**
 * Base of every error the dataset layer reports about a dataset (as opposed to plain I/O
 * failures of the store, which stay {@link IOException}s). The message names the dataset, the
 * version or the file concerned.
 */
public class LanceTableException extends IOException {
  private static final long serialVersionUID = 1L;

  public LanceTableException(String message) {
    super(message);
  }

  public LanceTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
