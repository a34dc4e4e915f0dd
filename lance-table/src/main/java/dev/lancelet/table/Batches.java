package dev.lancelet.table;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/** Helpers that move Arrow batches around without leaking buffers. */
final class Batches {
  private Batches() {}

  /** A vector of {@code f} with {@code n} null values. */
  static FieldVector nulls(Field f, int n, BufferAllocator allocator) {
    FieldVector v = f.createVector(allocator);
    boolean ok = false;
    try {
      v.allocateNew();
      v.setValueCount(n);
      ok = true;
      return v;
    } finally {
      if (!ok) {
        v.close();
      }
    }
  }

  /** Moves the buffers of {@code from} into a fresh vector of {@code as} (same type, maybe other name). */
  static FieldVector move(FieldVector from, Field as, BufferAllocator allocator) {
    FieldVector to = as.createVector(allocator);
    try {
      from.makeTransferPair(to).transfer();
      return to;
    } catch (RuntimeException e) {
      to.close();
      throw e;
    }
  }

  /** The rows of {@code in} set in {@code keep}, in order, as a new root; {@code in} is closed. */
  static VectorSchemaRoot select(VectorSchemaRoot in, BitSet keep, BufferAllocator allocator) {
    int n = keep.cardinality();
    if (n == in.getRowCount()) {
      return in;
    }
    List<FieldVector> out = new ArrayList<>();
    try {
      for (FieldVector v : in.getFieldVectors()) {
        FieldVector o = v.getField().createVector(allocator);
        out.add(o);
        o.allocateNew();
        int k = 0;
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
          o.copyFromSafe(i, k++, v);
        }
        o.setValueCount(n);
      }
      VectorSchemaRoot r = new VectorSchemaRoot(in.getSchema().getFields(), out, n);
      out = null;
      return r;
    } finally {
      if (out != null) {
        out.forEach(FieldVector::close);
      }
      in.close();
    }
  }

  /** Rows {@code [from, from + n)} of {@code in} as a new root; {@code in} is closed. */
  static VectorSchemaRoot slice(VectorSchemaRoot in, int from, int n, BufferAllocator allocator) {
    if (from == 0 && n == in.getRowCount()) {
      return in;
    }
    BitSet keep = new BitSet();
    keep.set(from, from + n);
    return select(in, keep, allocator);
  }

  /** Closes every vector; null-safe. */
  static void closeAll(List<? extends AutoCloseable> cs) {
    if (cs == null) {
      return;
    }
    for (AutoCloseable c : cs) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }
}
