package dev.lancelet.file.v20;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Builds a vector from rows of another, picked by index (any order, repeats allowed): {@code
 * dst[i] = src[idx[i]]}. Works for every vector kind the 2.0 decoder produces, nesting included
 * (a list gathers its items with the item indices its offsets name), and copies buffers directly:
 * no per-value objects, one index array per nesting level.
 */
final class Gather {
  private Gather() {}

  /**
   * Fills {@code dst} (a fresh, unallocated vector of {@code src}'s field) with {@code src}'s rows
   * {@code idx[0..n)} and sets its value count to {@code n}.
   */
  static void gather(FieldVector src, int[] idx, int n, FieldVector dst) {
    switch (src) {
      case BitVector s -> {
        BitVector d = (BitVector) dst;
        d.allocateNew(Math.max(n, 1));
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf sd = s.getDataBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        ArrowBuf dd = d.getDataBuffer();
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          BitVectorHelper.setValidityBit(dd, i, BitVectorHelper.get(sd, r));
        }
        d.setValueCount(n);
      }
      case BaseFixedWidthVector s -> {
        BaseFixedWidthVector d = (BaseFixedWidthVector) dst;
        d.allocateNew(Math.max(n, 1));
        int w = s.getTypeWidth();
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf sd = s.getDataBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        ArrowBuf dd = d.getDataBuffer();
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          dd.setBytes((long) i * w, sd, (long) r * w, w);
        }
        d.setValueCount(n);
      }
      case BaseVariableWidthVector s -> {
        BaseVariableWidthVector d = (BaseVariableWidthVector) dst;
        ArrowBuf so = s.getOffsetBuffer();
        long total = 0;
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          total += so.getInt((long) (r + 1) * 4) - so.getInt((long) r * 4);
        }
        if (total > Integer.MAX_VALUE) {
          throw new IllegalStateException("take of " + total + " bytes does not fit a " + s.getField().getType() + " vector");
        }
        d.allocateNew(Math.max(total, 1), Math.max(n, 1));
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf sd = s.getDataBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        ArrowBuf dd = d.getDataBuffer();
        ArrowBuf dof = d.getOffsetBuffer();
        int at = 0;
        dof.setInt(0, 0);
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          int start = so.getInt((long) r * 4);
          int len = so.getInt((long) (r + 1) * 4) - start;
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          if (len > 0) {
            dd.setBytes(at, sd, start, len);
          }
          at += len;
          dof.setInt((long) (i + 1) * 4, at);
        }
        d.setLastSet(n - 1);
        d.setValueCount(n);
      }
      case BaseLargeVariableWidthVector s -> {
        BaseLargeVariableWidthVector d = (BaseLargeVariableWidthVector) dst;
        ArrowBuf so = s.getOffsetBuffer();
        long total = 0;
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          total += so.getLong((long) (r + 1) * 8) - so.getLong((long) r * 8);
        }
        d.allocateNew(Math.max(total, 1), Math.max(n, 1));
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf sd = s.getDataBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        ArrowBuf dd = d.getDataBuffer();
        ArrowBuf dof = d.getOffsetBuffer();
        long at = 0;
        dof.setLong(0, 0);
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          long start = so.getLong((long) r * 8);
          long len = so.getLong((long) (r + 1) * 8) - start;
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          if (len > 0) {
            dd.setBytes(at, sd, start, len);
          }
          at += len;
          dof.setLong((long) (i + 1) * 8, at);
        }
        d.setLastSet(n - 1);
        d.setValueCount(n);
      }
      case FixedSizeListVector s -> {
        FixedSizeListVector d = (FixedSizeListVector) dst;
        int dim = s.getListSize();
        d.setInitialCapacity(Math.max(n, 1));
        d.allocateNew();
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        int[] items = new int[Math.multiplyExact(n, dim)];
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          int base = r * dim;
          for (int j = 0; j < dim; j++) {
            items[i * dim + j] = base + j;
          }
        }
        gather(s.getDataVector(), items, items.length, d.getDataVector());
        d.setValueCount(n);
      }
      case ListVector s -> {
        ListVector d = (ListVector) dst;
        d.setInitialCapacity(Math.max(n, 1));
        d.allocateNew();
        ArrowBuf so = s.getOffsetBuffer();
        long total = 0;
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          total += so.getInt((long) (r + 1) * 4) - so.getInt((long) r * 4);
        }
        int[] items = new int[Math.toIntExact(total)];
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        ArrowBuf dof = d.getOffsetBuffer();
        int at = 0;
        dof.setInt(0, 0);
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          int start = so.getInt((long) r * 4);
          int end = so.getInt((long) (r + 1) * 4);
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          for (int k = start; k < end; k++) {
            items[at++] = k;
          }
          dof.setInt((long) (i + 1) * 4, at);
        }
        gather(s.getDataVector(), items, items.length, d.getDataVector());
        d.setLastSet(n - 1);
        d.setValueCount(n);
      }
      case LargeListVector s -> {
        LargeListVector d = (LargeListVector) dst;
        d.setInitialCapacity(Math.max(n, 1));
        d.allocateNew();
        ArrowBuf so = s.getOffsetBuffer();
        long total = 0;
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          total += so.getLong((long) (r + 1) * 8) - so.getLong((long) r * 8);
        }
        int[] items = new int[Math.toIntExact(total)];
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        ArrowBuf dof = d.getOffsetBuffer();
        int at = 0;
        dof.setLong(0, 0);
        for (int i = 0; i < n; i++) {
          int r = idx[i];
          long start = so.getLong((long) r * 8);
          long end = so.getLong((long) (r + 1) * 8);
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, r));
          for (long k = start; k < end; k++) {
            items[at++] = Math.toIntExact(k);
          }
          dof.setLong((long) (i + 1) * 8, at);
        }
        gather(s.getDataVector(), items, items.length, d.getDataVector());
        d.setLastSet(n - 1);
        d.setValueCount(n);
      }
      case StructVector s -> {
        StructVector d = (StructVector) dst;
        d.setInitialCapacity(Math.max(n, 1));
        d.allocateNew();
        ArrowBuf sv = s.getValidityBuffer();
        ArrowBuf dv = d.getValidityBuffer();
        for (int i = 0; i < n; i++) {
          BitVectorHelper.setValidityBit(dv, i, BitVectorHelper.get(sv, idx[i]));
        }
        var sk = s.getChildrenFromFields();
        var dk = d.getChildrenFromFields();
        for (int c = 0; c < sk.size(); c++) {
          gather(sk.get(c), idx, n, dk.get(c));
        }
        d.setValueCount(n);
      }
      case NullVector s -> dst.setValueCount(n);
      default -> throw new UnsupportedOperationException("Cannot gather rows of " + src.getClass().getSimpleName());
    }
  }
}
