package dev.lancelet.file.v20;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.io.ByteRange;
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
      return object.readRanges(ranges);
    } catch (EOFException e) {
      throw new LanceFormatException(location + ": " + e.getMessage(), e);
    }
  }

  LanceFormatException corrupt(String format, Object... args) {
    return LanceFormatException.at(location, format, args);
  }
}
