package dev.lancelet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Merges nearby byte ranges into fewer requests and slices the answers back apart. */
final class RangeCoalescer {
  /** Never merge into a single request larger than this. */
  static final long MAX_MERGED_BYTES = 64L << 20;

  private RangeCoalescer() {}

  static List<ByteBuffer> read(ReadableObject object, List<ByteRange> ranges, int gap)
      throws IOException {
    int n = ranges.size();
    List<ByteBuffer> out = ReadableObject.slots(n);
    if (n == 0) {
      return out;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> ranges.get(i).offset()));
    int start = 0;
    while (start < n) {
      ByteRange first = ranges.get(order[start]);
      long groupStart = first.offset();
      long groupEnd = first.end();
      int end = start + 1;
      while (end < n) {
        ByteRange next = ranges.get(order[end]);
        long newEnd = Math.max(groupEnd, next.end());
        if (next.offset() > groupEnd + gap || newEnd - groupStart > MAX_MERGED_BYTES) {
          break;
        }
        groupEnd = newEnd;
        end++;
      }
      int len = Math.toIntExact(groupEnd - groupStart);
      ByteBuffer merged = object.read(groupStart, len);
      if (merged.remaining() != len) {
        throw new java.io.EOFException("Short read of " + object.location() + ": asked for [" + groupStart + ", "
            + groupEnd + "), the store answered " + merged.remaining() + " bytes");
      }
      for (int k = start; k < end; k++) {
        ByteRange r = ranges.get(order[k]);
        int pos = (int) (r.offset() - groupStart);
        out.set(
            order[k],
            merged.slice(pos, (int) r.length()).order(ByteOrder.LITTLE_ENDIAN));
      }
      start = end;
    }
    return out;
  }
}
