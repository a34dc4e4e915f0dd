package dev.lancelet.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An open object for positional reads. Implementations are safe for concurrent reads from many
 * threads. Every returned buffer is little-endian ordered, positioned at 0, and owned by the
 * caller.
 */
public interface ReadableObject extends AutoCloseable {

  /** Where the object lives, for messages (a URI or path). */
  String location();

  /** The object's size in bytes, fixed for the life of this handle. */
  long size() throws IOException;

  /**
   * Reads exactly {@code length} bytes at {@code offset}.
   *
   * @throws EOFException if the range runs past the end of the object
   */
  ByteBuffer read(long offset, int length) throws IOException;

  /**
   * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}, advancing its position.
   * Implementations that can fill a direct buffer without an intermediate copy override this.
   *
   * @throws EOFException if the range runs past the end of the object
   */
  default void readInto(long offset, ByteBuffer dst) throws IOException {
    dst.put(read(offset, dst.remaining()));
  }

  /** Reads the last {@code min(length, size())} bytes: the footer of a file in one request. */
  default ByteBuffer readTail(int length) throws IOException {
    long size = size();
    int n = (int) Math.min(length, size);
    return read(size - n, n);
  }

  /**
   * Reads several ranges, returning one buffer per range in the order given. The default merges
   * ranges whose gap is at most {@link #coalesceGapBytes()} into one request, so a caller may
   * pass many small ranges without paying one request each.
   */
  default List<ByteBuffer> readRanges(List<ByteRange> ranges) throws IOException {
    return RangeCoalescer.read(this, ranges, coalesceGapBytes());
  }

  /** Ranges closer than this are fetched with one request. */
  default int coalesceGapBytes() {
    return 4096;
  }

  /**
   * A view of this object whose reads are scheduled at {@code priority} (see {@link
   * IoScheduler}); the view shares this handle, so closing either closes both. Reads of an object
   * run at {@link IoPriority#INTERACTIVE} unless made through such a view. Stores that do not
   * schedule their reads (local files, memory) return this object itself.
   */
  default ReadableObject withPriority(IoPriority priority) {
    java.util.Objects.requireNonNull(priority, "priority");
    return this;
  }

  @Override
  void close() throws IOException;

  /** Checks a requested range against the object size, with a message naming the object. */
  static void checkRange(String location, long size, long offset, long length) throws EOFException {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new EOFException(
          "Read past the end of "
              + location
              + ": wanted ["
              + offset
              + ", "
              + (offset + length)
              + ") of an object of "
              + size
              + " bytes (file truncated?)");
    }
  }

  /** A little-endian view of {@code buf}, positioned at 0. */
  static ByteBuffer littleEndian(ByteBuffer buf) {
    return buf.order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Helper for implementations: a list of n nulls to fill. */
  static List<ByteBuffer> slots(int n) {
    List<ByteBuffer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(null);
    }
    return out;
  }
  /**
   * A view of {@code object} that checks every answer has exactly the length asked for and throws
   * {@link EOFException} naming the object otherwise, so that a store answering short (a truncated
   * response, a buggy gateway) gives a clear error instead of a decoder failing on a short buffer.
   * Multi-range reads still go to {@code object}'s own {@link #readRanges}.
   */
  static ReadableObject checkingLengths(ReadableObject object) {
    return new ReadableObject() {
      @Override
      public String location() {
        return object.location();
      }

      @Override
      public long size() throws IOException {
        return object.size();
      }

      @Override
      public ByteBuffer read(long offset, int length) throws IOException {
        return check(object.read(offset, length), offset, length);
      }

      @Override
      public ByteBuffer readTail(int length) throws IOException {
        long size = object.size();
        int n = (int) Math.min(length, size);
        return check(object.readTail(length), size - n, n);
      }

      @Override
      public List<ByteBuffer> readRanges(List<ByteRange> ranges) throws IOException {
        List<ByteBuffer> out = object.readRanges(ranges);
        for (int i = 0; i < ranges.size(); i++) {
          check(out.get(i), ranges.get(i).offset(), ranges.get(i).length());
        }
        return out;
      }

      @Override
      public int coalesceGapBytes() {
        return object.coalesceGapBytes();
      }

      @Override
      public ReadableObject withPriority(IoPriority priority) {
        ReadableObject view = object.withPriority(priority);
        return view == object ? this : checkingLengths(view);
      }

      @Override
      public void close() throws IOException {
        object.close();
      }

      private ByteBuffer check(ByteBuffer b, long offset, long length) throws EOFException {
        if (b == null || b.remaining() != length) {
          throw new EOFException("Short read of " + object.location() + ": asked for [" + offset + ", " + (offset + length)
              + "), the store answered " + (b == null ? "nothing" : b.remaining() + " bytes"));
        }
        return b;
      }
    };
  }
}
