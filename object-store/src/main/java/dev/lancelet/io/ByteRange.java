package dev.lancelet.io;

/**
 * A half-open byte range {@code [offset, offset + length)} inside one object.
 *
 * @param offset first byte, non-negative
 * @param length number of bytes, non-negative
 */
public record ByteRange(long offset, long length) {
  public ByteRange {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Byte range needs a non-negative offset and length: offset=" + offset + ", length=" + length);
    }
    Math.addExact(offset, length);
  }

  /** The first byte after the range. */
  public long end() {
    return offset + length;
  }

  /** True when {@code other} lies entirely inside this range. */
  public boolean contains(ByteRange other) {
    return other.offset >= offset && other.end() <= end();
  }

  @Override
  public String toString() {
    return "[" + offset + ", " + end() + ")";
  }
}
