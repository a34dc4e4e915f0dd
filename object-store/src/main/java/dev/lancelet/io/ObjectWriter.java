package dev.lancelet.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A streaming write of one object. Nothing is visible under the final name until {@link #close()}
 * returns; {@link #abort()} discards everything written. Not thread-safe.
 */
public interface ObjectWriter extends AutoCloseable {

  /** Appends bytes. */
  void write(byte[] bytes, int offset, int length) throws IOException;

  /** Appends the remaining bytes of {@code buffer}, consuming them. */
  default void write(ByteBuffer buffer) throws IOException {
    if (buffer.hasArray()) {
      write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.position(buffer.limit());
    } else {
      byte[] chunk = new byte[Math.min(buffer.remaining(), 1 << 16)];
      while (buffer.hasRemaining()) {
        int n = Math.min(chunk.length, buffer.remaining());
        buffer.get(chunk, 0, n);
        write(chunk, 0, n);
      }
    }
  }

  /** Bytes written so far. */
  long position();

  /** Makes the object visible under its final name (durably, where the store can). */
  @Override
  void close() throws IOException;

  /** Discards the object; a later close does nothing. */
  void abort() throws IOException;
}
