package dev.lancelet.io;

import java.nio.file.FileAlreadyExistsException;

/**
 * A put-if-absent found the name taken. For a commit this means another writer won the race for
 * that version; the caller decides whether to retry on a newer version.
 */
public class ObjectAlreadyExistsException extends FileAlreadyExistsException {
  private static final long serialVersionUID = 1L;

  public ObjectAlreadyExistsException(String location) {
    super(location, null, "Object already exists");
  }
}
