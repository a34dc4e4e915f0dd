package dev.lancelet.io;

import java.io.FileNotFoundException;

/** The object named does not exist in the store. */
public class ObjectNotFoundException extends FileNotFoundException {
  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String location) {
    super("Object not found: " + location);
  }
}
