package dev.lancelet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A flat namespace of immutable objects, addressed by '/'-separated paths relative to the store's
 * root. The core is deliberately small; optional powers are capability interfaces (such as
 * {@link ConditionalPut}) checked with {@code instanceof}. Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  /** The root of this store as a URI, e.g. {@code file:///data/x} or {@code memory://t1}. */
  String uri();

  /** Opens an object for positional reads. */
  ReadableObject open(String path) throws IOException;

  /** Size of an object in bytes. */
  default long size(String path) throws IOException {
    try (ReadableObject o = open(path)) {
      return o.size();
    }
  }

  /** Whether an object exists. */
  boolean exists(String path) throws IOException;

  /** Reads a whole object. */
  default byte[] readAll(String path) throws IOException {
    try (ReadableObject o = open(path)) {
      long size = o.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new IOException("Object too large to read whole: " + o.location() + " (" + size + " bytes)");
      }
      ByteBuffer b = o.read(0, (int) size);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    }
  }

  /** Writes a whole object, replacing any object of that name atomically. */
  default void put(String path, byte[] data) throws IOException {
    try (ObjectWriter w = create(path)) {
      w.write(data, 0, data.length);
    }
  }

  /** Starts a streaming write; the object appears under {@code path} on close. */
  ObjectWriter create(String path) throws IOException;

  /** Objects whose path starts with {@code prefix}, sorted by path. */
  List<ObjectInfo> list(String prefix) throws IOException;

  /** Deletes an object; deleting a missing object is not an error. */
  void delete(String path) throws IOException;

  @Override
  default void close() throws IOException {}
}
