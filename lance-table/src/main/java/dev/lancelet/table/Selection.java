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

/**
 * Row selection tuned for filter results, dense or scattered. The kept rows are cut into runs of
 * consecutive rows once; then fixed-width vectors, strings and binaries (32-bit offsets) and
 * fixed-size lists of fixed-width values (embeddings) copy their values run by run straight
 * between buffers, with validity bits set in bulk when the source has no nulls. Other types
 * (bits, large strings, nested types) are copied row by row or through {@link Batches#gather}.
 */
final class Selection {
  private Selection() {}

  /** The kept rows, and the same as runs of consecutive rows. */
  private record Rows(int[] rows, int n, int[] runStart, int[] runLen, int runs) {
    static Rows of(BitSet keep) {
      int n = keep.cardinality();
      int[] rows = new int[n];
      int[] starts = new int[n];
      int[] lens = new int[n];
      int k = 0;
      int runs = 0;
      for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
        rows[k++] = i;
        if (runs > 0 && starts[runs - 1] + lens[runs - 1] == i) {
          lens[runs - 1]++;
        } else {
          starts[runs] = i;
          lens[runs] = 1;
          runs++;
        }
      }
      return new Rows(rows, n, starts, lens, runs);
    }
  }

  /** The rows of {@code in} set in {@code keep}, in order, as a new root; {@code in} is closed. */
  static VectorSchemaRoot select(VectorSchemaRoot in, BitSet keep, BufferAllocator allocator) {
    int n = keep.cardinality();
    if (n == in.getRowCount()) {
      return in;
    }
    Rows rows = Rows.of(keep);
    List<FieldVector> out = new ArrayList<>();
    try {
      for (FieldVector v : in.getFieldVectors()) {
        FieldVector o = v.getField().createVector(allocator);
        out.add(o);
        if (!selectFast(v, o, rows)) {
          out.remove(out.size() - 1);
          o.close();
          out.add(selectSlow(v, rows, allocator));
        }
      }
      VectorSchemaRoot r = new VectorSchemaRoot(in.getSchema().getFields(), out, n);
      out = null;
      return r;
    } finally {
      Batches.closeAll(out);
      in.close();
    }
  }

  private static FieldVector selectSlow(FieldVector v, Rows rows, BufferAllocator allocator) {
    int n = rows.n();
    if (v.getField().getChildren().isEmpty()
        && (v instanceof BaseFixedWidthVector || v instanceof org.apache.arrow.vector.BaseLargeVariableWidthVector)) {
      FieldVector o = v.getField().createVector(allocator);
      try {
        o.setInitialCapacity(n);
        o.allocateNew();
        for (int i = 0; i < n; i++) {
          o.copyFromSafe(rows.rows()[i], i, v);
        }
        o.setValueCount(n);
        return o;
      } catch (RuntimeException e) {
        o.close();
        throw e;
      }
    }
    return Batches.gather(v.getField(), List.of(v), new int[n], rows.rows(), n, allocator);
  }

  /** Fills {@code o} (fresh, same field as {@code v}) with the kept rows; false when the type has no fast path. */
  private static boolean selectFast(FieldVector v, FieldVector o, Rows rows) {
    if (!v.getField().getChildren().isEmpty() && !(v instanceof FixedSizeListVector)) {
      return false;
    }
    int n = rows.n();
    if (v instanceof BaseFixedWidthVector src && !(v instanceof BitVector)) {
      BaseFixedWidthVector dst = (BaseFixedWidthVector) o;
      dst.allocateNew(n);
      copyValues(src.getDataBuffer(), dst.getDataBuffer(), src.getTypeWidth(), rows);
      copyValidity(src.getValidityBuffer(), src.getNullCount() == 0, dst.getValidityBuffer(), 1, rows);
      dst.setValueCount(n);
      return true;
    }
    if (v instanceof BaseVariableWidthVector src) {
      BaseVariableWidthVector dst = (BaseVariableWidthVector) o;
      ArrowBuf so = src.getOffsetBuffer();
      long total = 0;
      for (int r = 0; r < rows.runs(); r++) {
        int s = rows.runStart()[r];
        total += so.getInt(4L * (s + rows.runLen()[r])) - so.getInt(4L * s);
      }
      dst.allocateNew(Math.max(total, 1), n);
      ArrowBuf dOff = dst.getOffsetBuffer();
      long sData = src.getDataBuffer().memoryAddress();
      long dData = dst.getDataBuffer().memoryAddress();
      int at = 0;
      int i = 0;
      dOff.setInt(0, 0);
      for (int r = 0; r < rows.runs(); r++) {
        int s = rows.runStart()[r];
        int len = rows.runLen()[r];
        int from = so.getInt(4L * s);
        int to = so.getInt(4L * (s + len));
        MemoryUtil.copyMemory(sData + from, dData + at, to - from);
        for (int j = 1; j <= len; j++) {
          dOff.setInt(4L * (i + j), at + so.getInt(4L * (s + j)) - from);
        }
        at += to - from;
        i += len;
      }
      copyValidity(src.getValidityBuffer(), src.getNullCount() == 0, dst.getValidityBuffer(), 1, rows);
      dst.setLastSet(n - 1);
      dst.setValueCount(n);
      return true;
    }
    if (v instanceof FixedSizeListVector src && src.getDataVector() instanceof BaseFixedWidthVector child
        && !(child instanceof BitVector) && child.getField().getChildren().isEmpty()) {
      FixedSizeListVector dst = (FixedSizeListVector) o;
      int size = src.getListSize();
      dst.setInitialCapacity(n);
      dst.allocateNew();
      BaseFixedWidthVector dchild = (BaseFixedWidthVector) dst.getDataVector();
      if (dst.getValueCapacity() < n || dchild.getValueCapacity() < (long) n * size) {
        return false;
      }
      copyValues(child.getDataBuffer(), dchild.getDataBuffer(), child.getTypeWidth() * size, rows);
      copyValidity(src.getValidityBuffer(), src.getNullCount() == 0, dst.getValidityBuffer(), 1, rows);
      copyValidity(child.getValidityBuffer(), child.getNullCount() == 0, dchild.getValidityBuffer(), size, rows);
      dchild.setValueCount(n * size);
      dst.setValueCount(n);
      return true;
    }
    return false;
  }

  /** Copies the kept rows' values of {@code width} bytes each, run by run. */
  private static void copyValues(ArrowBuf src, ArrowBuf dst, long width, Rows rows) {
    long s = src.memoryAddress();
    long d = dst.memoryAddress();
    long at = 0;
    for (int r = 0; r < rows.runs(); r++) {
      long bytes = rows.runLen()[r] * width;
      MemoryUtil.copyMemory(s + rows.runStart()[r] * width, d + at, bytes);
      at += bytes;
    }
  }

  /**
   * Sets the validity bits of the kept rows, {@code per} bits per row (list items): all of them
   * when the source has no nulls, else copied bit by bit. {@code dst} starts zeroed.
   */
  private static void copyValidity(ArrowBuf src, boolean allValid, ArrowBuf dst, int per, Rows rows) {
    long bits = (long) rows.n() * per;
    if (allValid) {
      long full = bits >>> 3;
      dst.setOne(0, full);
      for (long b = full << 3; b < bits; b++) {
        BitVectorHelper.setBit(dst, b);
      }
      return;
    }
    long i = 0;
    for (int r = 0; r < rows.runs(); r++) {
      long from = (long) rows.runStart()[r] * per;
      long to = from + (long) rows.runLen()[r] * per;
      for (long b = from; b < to; b++, i++) {
        if (BitVectorHelper.get(src, (int) b) != 0) {
          BitVectorHelper.setBit(dst, i);
        }
      }
    }
  }
}
