package dev.lancelet.table.format;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.RowIdsProtos;
import dev.lancelet.table.CorruptManifestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The stable row ids of a fragment's rows, in row order ({@code lance.table.RowIdSequence}): a list
 * of segments, each one of
 *
 * <ul>
 *   <li>a range {@code [start, end)};
 *   <li>a range with holes: {@code [start, end)} minus a sorted list of absent values;
 *   <li>a range with a bitmap: {@code [start, end)} keeping value {@code start + i} when bit
 *       {@code i} is set (bit {@code i} is bit {@code i % 8} of byte {@code i / 8});
 *   <li>a sorted array or an unsorted array of values, each stored as u16 or u32 offsets from a
 *       base, or as plain u64 (all little-endian, packed).
 * </ul>
 *
 * The sequence covers every physical row of the fragment, deleted ones included. Decoded lazily:
 * values are computed per lookup, so a long range costs nothing.
 */
public final class RowIdSequence {
  private final List<Segment> segments;
  private final long[] starts; // row index where each segment starts
  private final long length;

  private RowIdSequence(List<Segment> segments) {
    this.segments = segments;
    this.starts = new long[segments.size()];
    long n = 0;
    for (int i = 0; i < segments.size(); i++) {
      starts[i] = n;
      n += segments.get(i).length();
    }
    this.length = n;
  }

  /**
   * Decodes a serialized sequence.
   *
   * @param file where it came from, for messages
   * @throws CorruptManifestException if it does not decode or is inconsistent
   */
  public static RowIdSequence decode(ByteString bytes, String file) throws CorruptManifestException {
    RowIdsProtos.RowIdSequence p;
    try {
      p = RowIdsProtos.RowIdSequence.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException(file, "row-id sequence does not decode: " + e.getMessage(), e);
    }
    List<Segment> out = new ArrayList<>(p.getSegmentsCount());
    for (int i = 0; i < p.getSegmentsCount(); i++) {
      out.add(segment(p.getSegments(i), file, i));
    }
    return new RowIdSequence(out);
  }

  /** A sequence of one range {@code [start, start + n)}. */
  public static RowIdSequence range(long start, long n) {
    return new RowIdSequence(List.of(new Range(start, start + n)));
  }

  /** The serialized form of a single range {@code [start, start + n)}, as a writer stores it. */
  public static byte[] encodeRange(long start, long n) {
    return RowIdsProtos.RowIdSequence.newBuilder()
        .addSegments(RowIdsProtos.U64Segment.newBuilder()
            .setRange(RowIdsProtos.U64Segment.Range.newBuilder().setStart(start).setEnd(start + n)))
        .build().toByteArray();
  }

  /** Runs of consecutive ids at least this long get a range segment of their own. */
  private static final int MIN_RUN = 16;

  /**
   * The serialized form of the ids {@code ids[0..n)} in this order: runs of consecutive ids become
   * range segments; the stretches between them are stored as one segment each, the smallest of a
   * range with holes, a range with a bitmap or a sorted array when sorted, else an array.
   */
  public static byte[] encode(long[] ids, int n) {
    RowIdsProtos.RowIdSequence.Builder b = RowIdsProtos.RowIdSequence.newBuilder();
    int i = 0;
    int loose = 0; // start of the pending stretch that is no long run
    while (i < n) {
      int j = i + 1;
      while (j < n && ids[j] == ids[j - 1] + 1) {
        j++;
      }
      if (j - i >= MIN_RUN) {
        if (loose < i) {
          b.addSegments(segmentOf(ids, loose, i));
        }
        b.addSegments(RowIdsProtos.U64Segment.newBuilder()
            .setRange(RowIdsProtos.U64Segment.Range.newBuilder().setStart(ids[i]).setEnd(ids[j - 1] + 1)));
        loose = j;
      }
      i = j;
    }
    if (loose < n) {
      b.addSegments(segmentOf(ids, loose, n));
    }
    return b.build().toByteArray();
  }

  /** One segment holding {@code ids[from..to)}. */
  static RowIdsProtos.U64Segment segmentOf(long[] ids, int from, int to) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean sorted = true;
    for (int i = from; i < to; i++) {
      min = Math.min(min, ids[i]);
      max = Math.max(max, ids[i]);
      if (i > from && ids[i] <= ids[i - 1]) {
        sorted = false;
      }
    }
    RowIdsProtos.U64Segment.Builder s = RowIdsProtos.U64Segment.newBuilder();
    int count = to - from;
    if (!sorted) {
      return s.setArray(encodeArray(ids, from, to, min, max)).build();
    }
    long slots = max - min + 1;
    long holes = slots - count;
    if (holes == 0) {
      return s.setRange(RowIdsProtos.U64Segment.Range.newBuilder().setStart(min).setEnd(max + 1)).build();
    }
    long withHoles = 4 * holes;
    long withBitmap = (slots + 7) / 8;
    long asArray = 2L * count;
    if (withHoles <= withBitmap && withHoles <= asArray) {
      long[] h = new long[(int) holes];
      int k = 0;
      int next = from;
      for (long v = min; v <= max; v++) {
        if (ids[next] == v) {
          next++;
        } else {
          h[k++] = v;
        }
      }
      return s.setRangeWithHoles(RowIdsProtos.U64Segment.RangeWithHoles.newBuilder().setStart(min).setEnd(max + 1)
          .setHoles(encodeArray(h, 0, h.length, h[0], h[h.length - 1]))).build();
    }
    if (withBitmap <= asArray) {
      byte[] bits = new byte[(int) withBitmap];
      for (int i = from; i < to; i++) {
        long o = ids[i] - min;
        bits[(int) (o >>> 3)] |= (byte) (1 << (o & 7));
      }
      return s.setRangeWithBitmap(RowIdsProtos.U64Segment.RangeWithBitmap.newBuilder().setStart(min).setEnd(max + 1)
          .setBitmap(ByteString.copyFrom(bits))).build();
    }
    return s.setSortedArray(encodeArray(ids, from, to, min, max)).build();
  }

  /** {@code values[from..to)} as u16 or u32 offsets from their minimum when they fit, else u64. */
  private static RowIdsProtos.EncodedU64Array encodeArray(long[] values, int from, int to, long min, long max) {
    int n = to - from;
    long span = max - min;
    RowIdsProtos.EncodedU64Array.Builder a = RowIdsProtos.EncodedU64Array.newBuilder();
    if (span >= 0 && span < (1L << 16)) {
      ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = from; i < to; i++) {
        b.putShort((short) (values[i] - min));
      }
      a.setU16Array(RowIdsProtos.EncodedU64Array.U16Array.newBuilder().setBase(min).setOffsets(ByteString.copyFrom(b.array())));
    } else if (span >= 0 && span < (1L << 32)) {
      ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = from; i < to; i++) {
        b.putInt((int) (values[i] - min));
      }
      a.setU32Array(RowIdsProtos.EncodedU64Array.U32Array.newBuilder().setBase(min).setOffsets(ByteString.copyFrom(b.array())));
    } else {
      ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = from; i < to; i++) {
        b.putLong(values[i]);
      }
      a.setU64Array(RowIdsProtos.EncodedU64Array.U64Array.newBuilder().setValues(ByteString.copyFrom(b.array())));
    }
    return a.build();
  }

  /** Number of row ids (= physical rows of the fragment). */
  public long length() {
    return length;
  }

  /** The row id of row {@code index}. */
  public long get(long index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException("Row " + index + " outside a row-id sequence of " + length);
    }
    int s = Arrays.binarySearch(starts, index);
    if (s < 0) {
      s = -s - 2;
    }
    // Skip empty segments that share a start.
    while (s + 1 < starts.length && starts[s + 1] <= index) {
      s++;
    }
    return segments.get(s).get(index - starts[s]);
  }

  // ------------------------------------------------------------------ segments

  private interface Segment {
    long length();

    long get(long i);
  }

  private record Range(long start, long end) implements Segment {
    public long length() {
      return end - start;
    }

    public long get(long i) {
      return start + i;
    }
  }

  /** [start, end) minus sorted holes. */
  private record Holes(long start, long end, long[] holes) implements Segment {
    public long length() {
      return end - start - holes.length;
    }

    public long get(long i) {
      // The i-th present value v satisfies v - start - (#holes < v) == i. Binary search on v.
      long lo = start + i;
      long hi = Math.min(end - 1, start + i + holes.length);
      while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        long present = mid - start + 1 - holesUpTo(mid);
        if (present > i) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }

    private long holesUpTo(long v) {
      int k = Arrays.binarySearch(holes, v);
      return k >= 0 ? k + 1 : -k - 1;
    }
  }

  /** [start, end) filtered by a bitmap; positions precomputed (the bitmap bounds the size). */
  private record Bitmap(long[] values) implements Segment {
    public long length() {
      return values.length;
    }

    public long get(long i) {
      return values[(int) i];
    }
  }

  private record Values(long[] values) implements Segment {
    public long length() {
      return values.length;
    }

    public long get(long i) {
      return values[(int) i];
    }
  }

  private static Segment segment(RowIdsProtos.U64Segment s, String file, int index) throws CorruptManifestException {
    String where = "row-id segment " + index;
    switch (s.getSegmentCase()) {
      case RANGE -> {
        long a = s.getRange().getStart();
        long b = s.getRange().getEnd();
        if (Long.compareUnsigned(b, a) < 0 || a < 0 || b < 0) {
          throw new CorruptManifestException(file, where + ": range [" + a + ", " + b + ") is reversed or too large");
        }
        return new Range(a, b);
      }
      case RANGE_WITH_HOLES -> {
        RowIdsProtos.U64Segment.RangeWithHoles r = s.getRangeWithHoles();
        long a = r.getStart();
        long b = r.getEnd();
        if (b < a || a < 0) {
          throw new CorruptManifestException(file, where + ": range [" + a + ", " + b + ") is reversed or too large");
        }
        long[] holes = array(r.getHoles(), file, where);
        for (int i = 0; i < holes.length; i++) {
          if (holes[i] < a || holes[i] >= b || (i > 0 && holes[i] <= holes[i - 1])) {
            throw new CorruptManifestException(file, where + ": holes must be increasing values inside [" + a + ", " + b + ")");
          }
        }
        return new Holes(a, b, holes);
      }
      case RANGE_WITH_BITMAP -> {
        RowIdsProtos.U64Segment.RangeWithBitmap r = s.getRangeWithBitmap();
        long a = r.getStart();
        long b = r.getEnd();
        byte[] bits = r.getBitmap().toByteArray();
        if (b < a || a < 0 || b - a > 8L * bits.length) {
          throw new CorruptManifestException(file, where + ": range [" + a + ", " + b + ") does not fit its bitmap of "
              + bits.length + " bytes");
        }
        int n = (int) (b - a);
        int count = 0;
        for (int i = 0; i < n; i++) {
          if ((bits[i >>> 3] & (1 << (i & 7))) != 0) {
            count++;
          }
        }
        long[] vals = new long[count];
        int k = 0;
        for (int i = 0; i < n; i++) {
          if ((bits[i >>> 3] & (1 << (i & 7))) != 0) {
            vals[k++] = a + i;
          }
        }
        return new Bitmap(vals);
      }
      case SORTED_ARRAY -> {
        return new Values(array(s.getSortedArray(), file, where));
      }
      case ARRAY -> {
        return new Values(array(s.getArray(), file, where));
      }
      default -> throw new CorruptManifestException(file, where + " has no known kind (" + s.getSegmentCase() + ")");
    }
  }

  private static long[] array(RowIdsProtos.EncodedU64Array a, String file, String where) throws CorruptManifestException {
    switch (a.getArrayCase()) {
      case U16_ARRAY -> {
        ByteBuffer b = a.getU16Array().getOffsets().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % 2 != 0) {
          throw new CorruptManifestException(file, where + ": u16 offsets of odd byte length " + b.remaining());
        }
        long base = a.getU16Array().getBase();
        long[] out = new long[b.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
          out[i] = base + Short.toUnsignedInt(b.getShort());
        }
        return out;
      }
      case U32_ARRAY -> {
        ByteBuffer b = a.getU32Array().getOffsets().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % 4 != 0) {
          throw new CorruptManifestException(file, where + ": u32 offsets of byte length " + b.remaining() + ", not a multiple of 4");
        }
        long base = a.getU32Array().getBase();
        long[] out = new long[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
          out[i] = base + Integer.toUnsignedLong(b.getInt());
        }
        return out;
      }
      case U64_ARRAY -> {
        ByteBuffer b = a.getU64Array().getValues().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % 8 != 0) {
          throw new CorruptManifestException(file, where + ": u64 values of byte length " + b.remaining() + ", not a multiple of 8");
        }
        long[] out = new long[b.remaining() / 8];
        for (int i = 0; i < out.length; i++) {
          out[i] = b.getLong();
        }
        return out;
      }
      default -> {
        return new long[0];
      }
    }
  }
}
