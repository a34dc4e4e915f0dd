package dev.lancelet.file.v20;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.EncodingsV20Protos;

/**
 * Positions and sizes of the buffers a page's encoding may point at: the page's own buffers, its
 * column's buffers and the file's global buffers. Every extent has been checked to lie inside the
 * file.
 */
record PageBuffers(
    PageIo io, long[] pagePos, long[] pageSize, long[] colPos, long[] colSize, long[] filePos, long[] fileSize) {

  /** A resolved buffer extent. */
  record Extent(long position, long size) {}

  Extent resolve(EncodingsV20Protos.Buffer buffer, String what) throws LanceFormatException {
    int index = buffer.getBufferIndex();
    long[] pos;
    long[] size;
    String kind;
    switch (buffer.getBufferType()) {
      case page -> {
        pos = pagePos;
        size = pageSize;
        kind = "page";
      }
      case column -> {
        pos = colPos;
        size = colSize;
        kind = "column";
      }
      case file -> {
        pos = filePos;
        size = fileSize;
        kind = "global";
      }
      default -> throw io.corrupt("%s refers to an unknown buffer type %d", what, buffer.getBufferTypeValue());
    }
    if (index < 0 || index >= pos.length) {
      throw io.corrupt("%s refers to %s buffer %d but there are only %d", what, kind, Integer.toUnsignedLong(index), pos.length);
    }
    return new Extent(pos[index], size[index]);
  }

  /** Checks that every extent fits in the file. */
  static void checkExtents(PageIo io, long[] pos, long[] size, String what) throws LanceFormatException {
    if (pos.length != size.length) {
      throw io.corrupt("%s has %d buffer offsets but %d buffer sizes", what, pos.length, size.length);
    }
    for (int i = 0; i < pos.length; i++) {
      if (pos[i] < 0 || size[i] < 0 || pos[i] > io.fileSize() || size[i] > io.fileSize() - pos[i]) {
        throw io.corrupt(
            "%s buffer %d at [%s, +%s) lies outside the %d-byte file (file truncated?)",
            what, i, Long.toUnsignedString(pos[i]), Long.toUnsignedString(size[i]), io.fileSize());
      }
    }
  }
}
