package dev.lancelet.io.s3;

import java.io.IOException;

/**
 * S3 refused a request with an error the {@code dev.lancelet.io} exception types do not cover
 * (those are {@link dev.lancelet.io.ObjectNotFoundException}, {@link
 * java.nio.file.AccessDeniedException} and {@link dev.lancelet.io.ObjectAlreadyExistsException}).
 * The message names the operation, the {@code s3://} location, the HTTP status, S3's error code and
 * the request id.
 */
public class S3RequestException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String errorCode;

  public S3RequestException(String message, int statusCode, String errorCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  /** The HTTP status of the answer. */
  public int statusCode() {
    return statusCode;
  }

  /** S3's error code, e.g. {@code SlowDown} or {@code InvalidRange}; null when there was none. */
  public String errorCode() {
    return errorCode;
  }
}
