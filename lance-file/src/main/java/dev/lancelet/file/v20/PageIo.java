package dev.lancelet.file.v20;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.io.ByteRange;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.IoScheduler;
import dev.lancelet.io.ReadableObject;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The file a decoder reads from: positional, coalesced range reads plus the location used in
 * every error message.
 */
final class PageIo {
  private final ReadableObject object;
  private final String location;
  private final long fileSize;
  /**
   * The priority of the current thread's reads while a decoder runs a scan step or a take at a
   * priority (null: the object's own). The 2.0 decoder reads on the caller's thread only.
   */
  private final ThreadLocal<IoPriority> priority = new ThreadLocal<>();

  PageIo(ReadableObject object, long fileSize) {
    this.object = object;
    this.location = object.location();
    this.fileSize = fileSize;
  }

  String location() {
    return location;
  }

  long fileSize() {
    return fileSize;
  }

  /** One buffer per range, in the order asked; nearby ranges are fetched together. */
  List<ByteBuffer> read(List<ByteRange> ranges) throws IOException {
    for (ByteRange r : ranges) {
      if (r.end() > fileSize) {
        throw corrupt("read of %s runs past the end of the %d-byte file (file truncated?)", r, fileSize);
      }
    }
    try {
      IoPriority p = priority.get();
      return (p == null ? object : object.withPriority(p)).readRanges(ranges);
    } catch (EOFException e) {
      throw new LanceFormatException(location + ": " + e.getMessage(), e);
    }
  }

  /** Whether reading at {@code p} differs from reading the object as it is (false for local and memory stores). */
  boolean honours(IoPriority p) {
    return object.withPriority(p) != object;
  }

  /** Runs {@code body} with this thread's reads at {@code p}. */
  <T> T at(IoPriority p, IoScheduler.IoCallable<T> body) throws IOException {
    IoPriority before = priority.get();
    priority.set(p);
    try {
      return body.call();
    } finally {
      if (before == null) {
        priority.remove();
      } else {
        priority.set(before);
      }
    }
  }

  LanceFormatException corrupt(String format, Object... args) {
    return LanceFormatException.at(location, format, args);
  }
}
