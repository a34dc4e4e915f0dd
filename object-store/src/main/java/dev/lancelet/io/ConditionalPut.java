package dev.lancelet.io;

import java.io.IOException;

/**
 * Capability: create an object only if its name is free, atomically. Commits depend on it: two
 * writers racing for one manifest name must see exactly one success.
 */
public interface ConditionalPut {

  /**
   * Writes {@code data} at {@code path} if and only if no object exists there.
   *
   * @throws ObjectAlreadyExistsException if the name was taken (nothing was changed)
   */
  void putIfAbsent(String path, byte[] data) throws IOException;
}
