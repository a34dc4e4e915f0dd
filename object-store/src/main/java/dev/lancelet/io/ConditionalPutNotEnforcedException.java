package dev.lancelet.io;

import java.io.IOException;

/**
 * A store accepted a second put-if-absent of the same name: it does not enforce the condition,
 * so concurrent commits on it could overwrite each other. Thrown by {@link ConditionalPutProbe}.
 */
public class ConditionalPutNotEnforcedException extends IOException {
  private static final long serialVersionUID = 1L;

  public ConditionalPutNotEnforcedException(String message) {
    super(message);
  }
}
