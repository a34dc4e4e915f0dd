package dev.lancelet.table;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Fast row copies for filter results (dense or scattered) and takes. The wanted rows are cut into
 * runs of consecutive rows of one source once; then fixed-width vectors, strings and binaries
 * (32-bit offsets) and fixed-size lists of fixed-width values (embeddings) copy their values run
 * by run straight between buffers, with validity bits set in bulk when the sources have no nulls.
 * Other types (bits, large strings, nested types) go row by row or through {@link Batches#gather}.
 */
final class Selection {
  private Selection() {}

  /** Output rows as runs: run {@code r} is rows {@code [start, start + len)} of source {@code part}. */
  private record Runs(int n, int[] part, int[] start, int[] len, int count) {
    static Runs of(BitSet keep) {
      int n = keep.cardinality();
      int[] starts = new int[n];
      int[] lens = new int[n];
      int runs = 0;
      for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
        if (runs > 0 && starts[runs - 1] + lens[runs - 1] == i) {
          lens[runs - 1]++;
        } else {
          starts[runs] = i;
          lens[runs] = 1;
          runs++;
        }
      }
      return new Runs(n, new int[n], starts, lens, runs);
    }

    static Runs of(int[] parts, int[] rows, int n) {
      int[] ps = new int[n];
      int[] starts = new int[n];
      int[] lens = new int[n];
      int runs = 0;
      for (int i = 0; i < n; i++) {
        if (runs > 0 && ps[runs - 1] == parts[i] && starts[runs - 1] + lens[runs - 1] == rows[i]) {
          lens[runs - 1]++;
        } else {
          ps[runs] = parts[i];
          starts[runs] = rows[i];
          lens[runs] = 1;
          runs++;
        }
      }
      return new Runs(n, ps, starts, lens, runs);
    }

    /** Every output row's source row (for row-by-row fallbacks). */
    int[] rows() {
      int[] out = new int[n];
      int i = 0;
      for (int r = 0; r < count; r++) {
        for (int j = 0; j < len[r]; j++) {
          out[i++] = start[r] + j;
        }
      }
      return out;
    }
  }

  /** The rows of {@code in} set in {@code keep}, in order, as a new root; {@code in} is closed. */
  static VectorSchemaRoot select(VectorSchemaRoot in, BitSet keep, BufferAllocator allocator) {
    int n = keep.cardinality();
    if (n == in.getRowCount()) {
      return in;
    }
    Runs runs = Runs.of(keep);
    List<FieldVector> out = new ArrayList<>();
    try {
      for (FieldVector v : in.getFieldVectors()) {
        FieldVector o = copy(v.getField(), List.of(v), runs, allocator);
        if (o == null) {
          o = selectSlow(v, runs, allocator);
        }
        out.add(o);
      }
      VectorSchemaRoot r = new VectorSchemaRoot(in.getSchema().getFields(), out, n);
      out = null;
      return r;
    } finally {
      Batches.closeAll(out);
      in.close();
    }
  }

  /**
   * A new vector of {@code f} whose row {@code i} is row {@code rows[i]} of {@code
   * sources.get(parts[i])}, or null when the type has no fast path here.
   */
  static FieldVector gather(Field f, List<FieldVector> sources, int[] parts, int[] rows, int n, BufferAllocator allocator) {
    return copy(f, sources, Runs.of(parts, rows, n), allocator);
  }

  private static FieldVector selectSlow(FieldVector v, Runs runs, BufferAllocator allocator) {
    int n = runs.n();
    int[] rows = runs.rows();
    if (v.getField().getChildren().isEmpty()
        && (v instanceof BaseFixedWidthVector || v instanceof org.apache.arrow.vector.BaseLargeVariableWidthVector)) {
      FieldVector o = v.getField().createVector(allocator);
      try {
        o.setInitialCapacity(n);
        o.allocateNew();
        for (int i = 0; i < n; i++) {
          o.copyFromSafe(rows[i], i, v);
        }
        o.setValueCount(n);
        return o;
      } catch (RuntimeException e) {
        o.close();
        throw e;
      }
    }
    return Batches.gatherBySlices(v.getField(), List.of(v), new int[n], rows, n, allocator);
  }

  private static boolean fastFixed(FieldVector v) {
    return v instanceof BaseFixedWidthVector && !(v instanceof BitVector) && v.getField().getChildren().isEmpty();
  }

  /** The runs copied from {@code sources} (all of the same type as {@code f}) into a new vector, or null. */
  private static FieldVector copy(Field f, List<FieldVector> sources, Runs runs, BufferAllocator allocator) {
    if (sources.isEmpty()) {
      return null;
    }
    FieldVector first = sources.get(0);
    for (FieldVector s : sources) {
      if (s.getClass() != first.getClass()) {
        return null;
      }
    }
    int n = runs.n();
    if (fastFixed(first)) {
      BaseFixedWidthVector dst = (BaseFixedWidthVector) f.createVector(allocator);
      try {
        if (dst.getClass() != first.getClass()) {
          dst.close();
          return null;
        }
        int width = ((BaseFixedWidthVector) first).getTypeWidth();
        ArrowBuf[] data = new ArrowBuf[sources.size()];
        ArrowBuf[] validity = new ArrowBuf[sources.size()];
        for (int p = 0; p < data.length; p++) {
          data[p] = sources.get(p).getDataBuffer();
          validity[p] = sources.get(p).getValidityBuffer();
        }
        fill(dst, allocator, data, validity, allValid(sources), width, 1, runs);
        return dst;
      } catch (RuntimeException e) {
        dst.close();
        throw e;
      }
    }
    if (first instanceof BaseVariableWidthVector && f.getChildren().isEmpty()) {
      BaseVariableWidthVector dst = (BaseVariableWidthVector) f.createVector(allocator);
      try {
        if (dst.getClass() != first.getClass()) {
          dst.close();
          return null;
        }
        long total = 0;
        for (int r = 0; r < runs.count(); r++) {
          ArrowBuf so = sources.get(runs.part()[r]).getOffsetBuffer();
          int s = runs.start()[r];
          total += so.getInt(4L * (s + runs.len()[r])) - so.getInt(4L * s);
        }
        if (total > Integer.MAX_VALUE) {
          dst.close();
          return null;
        }
        dst.allocateNew(Math.max(total, 1), n);
        ArrowBuf dOff = dst.getOffsetBuffer();
        long dData = dst.getDataBuffer().memoryAddress();
        int at = 0;
        int i = 0;
        dOff.setInt(0, 0);
        for (int r = 0; r < runs.count(); r++) {
          FieldVector src = sources.get(runs.part()[r]);
          ArrowBuf so = src.getOffsetBuffer();
          int s = runs.start()[r];
          int len = runs.len()[r];
          int from = so.getInt(4L * s);
          int to = so.getInt(4L * (s + len));
          MemoryUtil.copyMemory(src.getDataBuffer().memoryAddress() + from, dData + at, to - from);
          for (int j = 1; j <= len; j++) {
            dOff.setInt(4L * (i + j), at + so.getInt(4L * (s + j)) - from);
          }
          at += to - from;
          i += len;
        }
        ArrowBuf[] validity = new ArrowBuf[sources.size()];
        for (int p = 0; p < validity.length; p++) {
          validity[p] = sources.get(p).getValidityBuffer();
        }
        copyValidity(validity, allValid(sources), dst.getValidityBuffer(), 1, runs);
        dst.setLastSet(n - 1);
        dst.setValueCount(n);
        return dst;
      } catch (RuntimeException e) {
        dst.close();
        throw e;
      }
    }
    if (first instanceof FixedSizeListVector fsl && fastFixed(fsl.getDataVector())) {
      List<FieldVector> children = new ArrayList<>();
      for (FieldVector s : sources) {
        children.add(((FixedSizeListVector) s).getDataVector());
        if (((FixedSizeListVector) s).getListSize() != fsl.getListSize()
            || children.get(children.size() - 1).getClass() != fsl.getDataVector().getClass()) {
          return null;
        }
      }
      FixedSizeListVector dst = (FixedSizeListVector) f.createVector(allocator);
      try {
        int size = fsl.getListSize();
        FieldVector dchild = dst.getDataVector();
        if (dchild == null || dchild.getClass() != fsl.getDataVector().getClass()) {
          dst.close();
          return null;
        }
        ArrowBuf[] data = new ArrowBuf[sources.size()];
        ArrowBuf[] validity = new ArrowBuf[sources.size()];
        ArrowBuf[] childValidity = new ArrowBuf[sources.size()];
        for (int p = 0; p < data.length; p++) {
          data[p] = children.get(p).getDataBuffer();
          validity[p] = sources.get(p).getValidityBuffer();
          childValidity[p] = children.get(p).getValidityBuffer();
        }
        int width = ((BaseFixedWidthVector) fsl.getDataVector()).getTypeWidth();
        fill(dchild, allocator, data, childValidity, allValid(children), width, size, runs);
        try (ArrowBuf bits = validityFor(allocator, n)) {
          int nulls = copyValidity(validity, allValid(sources), bits, 1, runs);
          dst.loadFieldBuffers(new ArrowFieldNode(n, nulls), List.of(bits));
        }
        return dst;
      } catch (RuntimeException e) {
        dst.close();
        throw e;
      }
    }
    return null;
  }

  private static boolean allValid(List<FieldVector> vs) {
    for (FieldVector v : vs) {
      if (v.getNullCount() != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Loads into fresh fixed-width vector {@code dst} the runs' values ({@code per} values of {@code
   * width} bytes per row) and validity, into buffers that are written once (not zeroed first).
   */
  private static void fill(FieldVector dst, BufferAllocator allocator, ArrowBuf[] data, ArrowBuf[] validity,
      boolean allValid, int width, int per, Runs runs) {
    long values = (long) runs.n() * per;
    try (ArrowBuf bits = validityFor(allocator, values); ArrowBuf bytes = allocator.buffer(Math.max(1, values * width))) {
      copyValues(data, bytes, (long) width * per, runs);
      int nulls = copyValidity(validity, allValid, bits, per, runs);
      dst.loadFieldBuffers(new ArrowFieldNode(values, nulls), List.of(bits, bytes));
    }
  }

  /** A zeroed validity buffer for {@code values} bits. */
  private static ArrowBuf validityFor(BufferAllocator allocator, long values) {
    ArrowBuf b = allocator.buffer(Math.max(1, (values + 7) >>> 3));
    b.setZero(0, b.capacity());
    return b;
  }

  /** Copies the runs' values of {@code width} bytes each. */
  private static void copyValues(ArrowBuf[] src, ArrowBuf dst, long width, Runs runs) {
    long d = dst.memoryAddress();
    long at = 0;
    for (int r = 0; r < runs.count(); r++) {
      long bytes = runs.len()[r] * width;
      MemoryUtil.copyMemory(src[runs.part()[r]].memoryAddress() + runs.start()[r] * width, d + at, bytes);
      at += bytes;
    }
  }

  /**
   * Sets the validity bits of the output rows, {@code per} bits per row (list items): all of them
   * when the sources have no nulls, else copied bit by bit. {@code dst} starts zeroed.
   */
  private static int copyValidity(ArrowBuf[] src, boolean allValid, ArrowBuf dst, int per, Runs runs) {
    long bits = (long) runs.n() * per;
    if (allValid) {
      long full = bits >>> 3;
      dst.setOne(0, full);
      for (long b = full << 3; b < bits; b++) {
        BitVectorHelper.setBit(dst, b);
      }
      return 0;
    }
    long set = 0;
    long i = 0;
    for (int r = 0; r < runs.count(); r++) {
      ArrowBuf s = src[runs.part()[r]];
      long from = (long) runs.start()[r] * per;
      long to = from + (long) runs.len()[r] * per;
      for (long b = from; b < to; b++, i++) {
        if (BitVectorHelper.get(s, (int) b) != 0) {
          BitVectorHelper.setBit(dst, i);
          set++;
        }
      }
    }
    return (int) (bits - set);
  }
}
