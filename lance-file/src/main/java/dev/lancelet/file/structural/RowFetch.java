package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.io.ByteRange;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads chosen rows of one page with the least I/O its layout allows, in two phases: every fetch
 * of a take first names the byte ranges it needs, the decoder reads the ranges of all fetches with
 * one {@link ReadableObject#readRanges} call (which coalesces neighbours), then each fetch decodes
 * its bytes. Variable-width full-zip pages and blobs need a second round (row offsets, then
 * values; descriptors, then payloads).
 *
 * <p>Input: sorted, distinct page-relative rows. Output: for each of them, the {@link Run} that
 * holds it and its row number inside that run ({@code runOf[at + i]}, {@code rowIn[at + i]}). A
 * run of a mini-block fetch covers whole chunks, so it may hold more rows than were asked for; a
 * full-zip fetch holds exactly the asked rows in order.
 */
abstract class RowFetch {
  final Leaf leaf;
  final PageIndex ix;
  final int[] rows;
  final int count;
  final Run[] runOf;
  final int[] rowIn;
  final int at;

  RowFetch(Leaf leaf, PageIndex ix, int[] rows, int count, Run[] runOf, int[] rowIn, int at) {
    this.leaf = leaf;
    this.ix = ix;
    this.rows = rows;
    this.count = count;
    this.runOf = runOf;
    this.rowIn = rowIn;
    this.at = at;
  }

  /** Ranges to read in {@code phase} (0 or 1); empty when none. */
  abstract void ranges(int phase, List<ByteRange> out) throws LanceFormatException;

  /** The buffers of this fetch's ranges of {@code phase}, in the order named. */
  abstract void receive(int phase, List<ByteBuffer> bufs) throws LanceFormatException;

  static final int PHASES = 2;

  /**
   * Whether each span of neighbouring chunks must decode as one run (a scan names one row per
   * chunk and takes the whole stretch); a take may decode chunk by chunk, and only its rows.
   */
  boolean stretch;

  /** Marks this fetch as a scan's: see {@link #stretch}. */
  RowFetch stretch() {
    stretch = true;
    return this;
  }

  static RowFetch create(Leaf leaf, PageIndex ix, int[] rows, int count, Run[] runOf, int[] rowIn, int at) throws LanceFormatException {
    switch (ix.layout.getLayoutCase()) {
      case MINI_BLOCK_LAYOUT:
        return new Mini(leaf, ix, rows, count, runOf, rowIn, at);
      case FULL_ZIP_LAYOUT:
        return new Zip(leaf, ix, rows, count, runOf, rowIn, at);
      case CONSTANT_LAYOUT:
        return new Constant(leaf, ix, rows, count, runOf, rowIn, at);
      case BLOB_LAYOUT:
        return new Blob(leaf, ix, rows, count, runOf, rowIn, at);
      default:
        throw new LanceFormatException("Unsupported page layout " + ix.layout.getLayoutCase());
    }
  }

  /** Runs every fetch through both phases, reading each phase's ranges in one call. */
  static void execute(ReadableObject obj, List<RowFetch> fetches) throws IOException {
    List<ByteRange> all = new ArrayList<>();
    int[] counts = new int[fetches.size()];
    for (int phase = 0; phase < PHASES; phase++) {
      all.clear();
      for (int f = 0; f < fetches.size(); f++) {
        int before = all.size();
        fetches.get(f).ranges(phase, all);
        counts[f] = all.size() - before;
      }
      List<ByteBuffer> bufs = all.isEmpty() ? List.of() : read(obj, all);
      int pos = 0;
      for (int f = 0; f < fetches.size(); f++) {
        fetches.get(f).receive(phase, bufs.subList(pos, pos + counts[f]));
        pos += counts[f];
      }
    }
  }

  /** Ranges from which a read is split in two halves read in parallel. */
  static final int PARALLEL_READ_RANGES = 512;

  /**
   * Reads the ranges with {@link ReadableObject#readRanges}; many ranges are split at a gap wider
   * than the object's coalescing gap into two calls that run in parallel (so the requests are the
   * ones a single call would make).
   */
  static List<ByteBuffer> read(ReadableObject obj, List<ByteRange> all) throws IOException {
    int n = all.size();
    if (Workers.HELPERS == 0 || n < PARALLEL_READ_RANGES) {
      return obj.readRanges(all);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> all.get(i).offset()));
    long gap = obj.coalesceGapBytes();
    int cut = -1;
    long end = Long.MIN_VALUE;
    for (int k = 0; k < n; k++) {
      ByteRange r = all.get(order[k]);
      if (k >= n / 2 && r.offset() > end + gap) {
        cut = k;
        break;
      }
      end = Math.max(end, r.offset() + r.length());
    }
    if (cut <= 0) {
      return obj.readRanges(all);
    }
    List<ByteRange> lo = new ArrayList<>(cut);
    List<ByteRange> hi = new ArrayList<>(n - cut);
    for (int k = 0; k < n; k++) {
      (k < cut ? lo : hi).add(all.get(order[k]));
    }
    List<List<ByteBuffer>> got = new ArrayList<>(List.of(List.of(), List.of()));
    Workers.runAll(List.of(
        () -> got.set(0, obj.readRanges(lo)),
        () -> got.set(1, obj.readRanges(hi))));
    ByteBuffer[] out = new ByteBuffer[n];
    for (int k = 0; k < n; k++) {
      out[order[k]] = k < cut ? got.get(0).get(k) : got.get(1).get(k - cut);
    }
    return java.util.Arrays.asList(out);
  }

  /** Bytes of a buffer as (array, offset), without copying when it is heap-backed. */
  static Decompress.Slice slice(ByteBuffer b) {
    if (b.hasArray()) {
      return new Decompress.Slice(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return new Decompress.Slice(a, 0, a.length);
  }

  // ------------------------------------------------------------------ mini-block

  /** Reads the chunks holding the rows (all chunks of a row that spans several). */
  static final class Mini extends RowFetch {
    private int[] spanFirst = new int[8];
    private int[] spanLast = new int[8];
    private int spans;

    Mini(Leaf leaf, PageIndex ix, int[] rows, int count, Run[] runOf, int[] rowIn, int at) {
      super(leaf, ix, rows, count, runOf, rowIn, at);
    }

    @Override
    void ranges(int phase, List<ByteRange> out) throws LanceFormatException {
      if (phase != 0 || count == 0) {
        return;
      }
      int n = ix.chunks();
      if (ix.firstRow == null) {
        // Lists without a repetition index: only the whole page can be located.
        addSpan(0, n - 1);
      } else {
        int i = 0;
        while (i < count) {
          int c = chunkOf(rows[i]);
          // Every asked row in chunk c shares its span; only the last can continue into the next chunk.
          long chunkEnd = ix.firstRow[c + 1];
          int j = i + 1;
          while (j < count && rows[j] < chunkEnd) {
            j++;
          }
          i = j;
          int r = rows[j - 1];
          int e = c;
          if (ix.trailer != null && ix.trailer[c] && r == ix.firstRow[c + 1] - 1) {
            e = c + 1;
            while (e < n - 1 && ix.firstRow[e + 1] == ix.firstRow[e] && ix.trailer[e]) {
              e++;
            }
            if (e >= n) {
              throw new LanceFormatException("Row " + r + " continues past the page's last chunk");
            }
          }
          if (spans > 0 && c <= spanLast[spans - 1] + 1) {
            spanLast[spans - 1] = Math.max(spanLast[spans - 1], e);
          } else {
            addSpan(c, e);
          }
        }
      }
      for (int s = 0; s < spans; s++) {
        long from = ix.chunkStart[spanFirst[s]];
        long to = ix.chunkStart[spanLast[s] + 1];
        out.add(new ByteRange(ix.dataPos + from, to - from));
      }
    }

    private void addSpan(int c0, int c1) {
      if (spans == spanFirst.length) {
        spanFirst = java.util.Arrays.copyOf(spanFirst, spans * 2);
        spanLast = java.util.Arrays.copyOf(spanLast, spans * 2);
      }
      spanFirst[spans] = c0;
      spanLast[spans] = c1;
      spans++;
    }

    /** Decodes the chunks of span {@code s} chunk by chunk, from asked row {@code i}; returns the next asked row. */
    private int receiveChunks(int s, Decompress.Slice sl, int i) throws LanceFormatException {
      long spanStart = ix.chunkStart[spanFirst[s]];
      for (int c = spanFirst[s]; c <= spanLast[s]; c++) {
        long first = ix.firstRow[c];
        long end = ix.firstRow[c + 1];
        if (i < count && rows[i] < first) {
          throw new LanceFormatException("Row " + rows[i] + " is not in chunk " + c);
        }
        int j = i;
        while (j < count && rows[j] < end) {
          j++;
        }
        if (j == i) {
          continue;
        }
        int off = sl.off() + (int) (ix.chunkStart[c] - spanStart);
        Run run;
        if (j - i < end - first) {
          int[] pick = new int[j - i];
          for (int q = i; q < j; q++) {
            pick[q - i] = (int) (rows[q] - first);
          }
          run = PageDecoder.decodeSpan(leaf, ix, c, c, sl.a(), off, pick);
          if (run.numRows != pick.length) {
            throw new LanceFormatException("Chunk " + c + " decoded " + run.numRows + " of the " + pick.length + " rows asked");
          }
          for (int q = i; q < j; q++) {
            runOf[at + q] = run;
            rowIn[at + q] = q - i;
          }
        } else {
          run = PageDecoder.decodeSpan(leaf, ix, c, c, sl.a(), off);
          if (run.numRows != end - first) {
            throw new LanceFormatException("Chunk " + c + " decoded " + run.numRows + " rows, the index says " + (end - first));
          }
          for (int q = i; q < j; q++) {
            runOf[at + q] = run;
            rowIn[at + q] = (int) (rows[q] - first);
          }
        }
        LevelCheck.check(run, leaf.isList());
        i = j;
      }
      return i;
    }

    /** The chunk in which row {@code r} starts: the last chunk whose first row is at most r. */
    private int chunkOf(int r) {
      long[] fr = ix.firstRow;
      int lo = 0;
      int hi = fr.length - 2;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (fr[mid] <= r) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      return lo;
    }

    @Override
    void receive(int phase, List<ByteBuffer> bufs) throws LanceFormatException {
      if (phase != 0 || count == 0) {
        return;
      }
      int i = 0;
      boolean canPick = !leaf.hasLists() && !ix.mini.hasRepCompression() && ix.firstRow != null;
      for (int s = 0; s < spans; s++) {
        Decompress.Slice sl = slice(bufs.get(s));
        if (canPick && (!stretch || spanFirst[s] == spanLast[s])) {
          // Columns without lists: every chunk of the span holds asked rows; decode each chunk on
          // its own, and only the asked rows of it when they are not all of its rows.
          i = receiveChunks(s, sl, i);
          continue;
        }
        Run run = PageDecoder.decodeSpan(leaf, ix, spanFirst[s], spanLast[s], sl.a(), sl.off());
        LevelCheck.check(run, leaf.isList());
        long first = ix.firstRow == null ? 0 : ix.firstRow[spanFirst[s]];
        long end = first + run.numRows;
        while (i < count && rows[i] < end) {
          int local = (int) (rows[i] - first);
          if (local < 0) {
            throw new LanceFormatException("Row " + rows[i] + " is not in chunks " + spanFirst[s] + ".." + spanLast[s]);
          }
          runOf[at + i] = run;
          rowIn[at + i] = local;
          i++;
        }
      }
      if (i != count) {
        throw new LanceFormatException("Chunks decoded " + i + " of the " + count + " rows asked (row " + rows[i] + " missing); repetition index and chunks disagree");
      }
    }
  }

  // ------------------------------------------------------------------ full-zip

  /**
   * Fixed width without repetition: row r is {@code stride} bytes at {@code r * stride}. Otherwise
   * the row-offset entries of each run of consecutive rows are read first, then the rows' bytes.
   */
  static final class Zip extends RowFetch {
    private int groups;
    private int[] groupStart;
    private int[] groupEnd;
    private long[] dataFrom;
    private long[] dataTo;

    Zip(Leaf leaf, PageIndex ix, int[] rows, int count, Run[] runOf, int[] rowIn, int at) {
      super(leaf, ix, rows, count, runOf, rowIn, at);
      groupStart = new int[Math.max(1, count)];
      groupEnd = new int[Math.max(1, count)];
      for (int i = 0; i < count; i++) {
        if (groups > 0 && groupEnd[groups - 1] == rows[i]) {
          groupEnd[groups - 1]++;
        } else {
          groupStart[groups] = rows[i];
          groupEnd[groups] = rows[i] + 1;
          groups++;
        }
      }
    }

    @Override
    void ranges(int phase, List<ByteRange> out) {
      if (count == 0) {
        return;
      }
      if (ix.stride > 0) {
        if (phase == 0) {
          for (int g = 0; g < groups; g++) {
            out.add(new ByteRange(ix.dataPos + groupStart[g] * ix.stride, (long) (groupEnd[g] - groupStart[g]) * ix.stride));
          }
        }
        return;
      }
      if (phase == 0) {
        int w = ix.repWidth;
        for (int g = 0; g < groups; g++) {
          out.add(new ByteRange(ix.repPos + (long) groupStart[g] * w, (long) (groupEnd[g] - groupStart[g] + 1) * w));
        }
      } else {
        for (int g = 0; g < groups; g++) {
          out.add(new ByteRange(ix.dataPos + dataFrom[g], dataTo[g] - dataFrom[g]));
        }
      }
    }

    @Override
    void receive(int phase, List<ByteBuffer> bufs) throws LanceFormatException {
      if (count == 0) {
        return;
      }
      if (ix.stride == 0 && phase == 0) {
        dataFrom = new long[groups];
        dataTo = new long[groups];
        int w = ix.repWidth;
        long size = ix.page.getBufferSizes(0);
        for (int g = 0; g < groups; g++) {
          Decompress.Slice s = slice(bufs.get(g));
          int last = groupEnd[g] - groupStart[g];
          dataFrom[g] = LittleEndian.getUnsigned(s.a(), s.off(), w);
          dataTo[g] = LittleEndian.getUnsigned(s.a(), s.off() + last * w, w);
          if (dataFrom[g] < 0 || dataTo[g] < dataFrom[g] || dataTo[g] > size) {
            throw new LanceFormatException("Full-zip rows " + groupStart[g] + ".." + groupEnd[g] + " at [" + dataFrom[g] + ", " + dataTo[g] + ") are outside the " + size + "-byte data buffer");
          }
        }
        return;
      }
      if ((ix.stride > 0) != (phase == 0)) {
        return;
      }
      long total = 0;
      for (ByteBuffer b : bufs) {
        total += b.remaining();
      }
      if (total > Decompress.MAX_BUFFER) {
        throw new LanceFormatException("Rows of " + total + " bytes do not fit one batch; take fewer rows");
      }
      Decompress.Slice whole;
      if (bufs.size() == 1) {
        whole = slice(bufs.get(0));
      } else {
        byte[] a = new byte[(int) total];
        int p = 0;
        for (ByteBuffer b : bufs) {
          int len = b.remaining();
          b.duplicate().get(a, p, len);
          p += len;
        }
        whole = new Decompress.Slice(a, 0, a.length);
      }
      Run run = PageDecoder.unzip(leaf, ix.zip, whole.a(), whole.off(), whole.off() + whole.len());
      LevelCheck.check(run, leaf.isList());
      if (run.numRows != count) {
        throw new LanceFormatException("Full-zip bytes of " + count + " rows decoded to " + run.numRows + " rows");
      }
      for (int i = 0; i < count; i++) {
        runOf[at + i] = run;
        rowIn[at + i] = i;
      }
    }
  }

  // ------------------------------------------------------------------ constant / all-null

  static final class Constant extends RowFetch {
    Constant(Leaf leaf, PageIndex ix, int[] rows, int count, Run[] runOf, int[] rowIn, int at) {
      super(leaf, ix, rows, count, runOf, rowIn, at);
    }

    @Override
    void ranges(int phase, List<ByteRange> out) {}

    @Override
    void receive(int phase, List<ByteBuffer> bufs) throws LanceFormatException {
      if (phase != 0 || count == 0) {
        return;
      }
      if (ix.whole != null) {
        for (int i = 0; i < count; i++) {
          runOf[at + i] = ix.whole;
          rowIn[at + i] = rows[i];
        }
        return;
      }
      Run run = PageDecoder.constantRows(leaf, ix.layout.getConstantLayout(), ix.constantValue, count);
      LevelCheck.check(run, leaf.isList());
      for (int i = 0; i < count; i++) {
        runOf[at + i] = run;
        rowIn[at + i] = i;
      }
    }
  }

  // ------------------------------------------------------------------ blob (legacy)

  /** Phase 0: the descriptor chunks; phase 1: the payloads of the asked rows. */
  static final class Blob extends RowFetch {
    private final Mini desc;
    private final Run[] descRun;
    private final int[] descRow;
    private PageDecoder.BlobPlan plan;

    Blob(Leaf leaf, PageIndex ix, int[] rows, int count, Run[] runOf, int[] rowIn, int at) {
      super(leaf, ix, rows, count, runOf, rowIn, at);
      descRun = new Run[count];
      descRow = new int[count];
      desc = new Mini(PageDecoder.descriptorLeaf(leaf), ix.inner, rows, count, descRun, descRow, 0);
    }

    @Override
    void ranges(int phase, List<ByteRange> out) throws LanceFormatException {
      if (phase == 0) {
        desc.ranges(0, out);
      } else if (plan != null) {
        out.addAll(plan.ranges);
      }
    }

    @Override
    void receive(int phase, List<ByteBuffer> bufs) throws LanceFormatException {
      if (count == 0) {
        return;
      }
      if (phase == 0) {
        desc.receive(0, bufs);
        LeafPiece piece = new LeafPiece(false, 16);
        for (int i = 0; i < count; i++) {
          piece.append(descRun[i], descRow[i], descRow[i] + 1);
        }
        short[] def = piece.def();
        Run d = new Run(null, def, piece.values(), 0, 1);
        plan = PageDecoder.blobPlan(leaf, d);
        return;
      }
      Run run = PageDecoder.blobRun(leaf, ix.layout.getBlobLayout(), plan, bufs);
      LevelCheck.check(run, leaf.isList());
      for (int i = 0; i < count; i++) {
        runOf[at + i] = run;
        rowIn[at + i] = i;
      }
    }
  }
}
