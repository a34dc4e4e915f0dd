package dev.lancelet.io;

/**
 * A half-open byte range {@code [offset, offset + length)} inside one object.
 *
 * @param offset first byte, non-negative
 * @param length number of bytes, non-negative
 */
public record ByteRange(long offset, long length) {
  /**
   * Remote stores always merge ranges whose gap is at most this many bytes (a request costs more
   * than that); larger gaps are merged only while the bytes fetched in vain stay below the bytes
   * asked for, so a multi-range read over-reads less than 2x plus these tiny gaps.
   */
  public static final int TINY_GAP_BYTES = 4096;

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
