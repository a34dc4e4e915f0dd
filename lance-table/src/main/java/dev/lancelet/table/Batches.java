package dev.lancelet.table;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.util.VectorAppender;

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
    int[] rows = new int[n];
    int k = 0;
    for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
      rows[k++] = i;
    }
    int[] parts = new int[n];
    List<FieldVector> out = new ArrayList<>();
    try {
      for (FieldVector v : in.getFieldVectors()) {
        out.add(gather(v.getField(), List.of(v), parts, rows, n, allocator));
      }
      VectorSchemaRoot r = new VectorSchemaRoot(in.getSchema().getFields(), out, n);
      out = null;
      return r;
    } finally {
      closeAll(out);
      in.close();
    }
  }

  /**
   * A new vector of {@code f} whose row {@code i} is row {@code rows[i]} of {@code
   * sources.get(parts[i])}, for {@code i < n}. Flat types and fixed-size lists of fixed-width
   * values are copied buffer to buffer ({@link Selection#gather}); others go through {@link
   * #gatherBySlices}.
   */
  static FieldVector gather(Field f, List<FieldVector> sources, int[] parts, int[] rows, int n, BufferAllocator allocator) {
    FieldVector fast = Selection.gather(f, sources, parts, rows, n, allocator);
    return fast != null ? fast : gatherBySlices(f, sources, parts, rows, n, allocator);
  }

  /**
   * As {@link #gather}, for every Arrow type: consecutive source rows are moved as one slice and
   * appended (row-by-row copies do not work for every type, e.g. lists of fixed-size lists).
   */
  static FieldVector gatherBySlices(Field f, List<FieldVector> sources, int[] parts, int[] rows, int n,
      BufferAllocator allocator) {
    FieldVector out = f.createVector(allocator);
    boolean ok = false;
    try {
      out.allocateNew();
      if (hasLargeList(f)) {
        // Arrow Java's appender cannot append large lists; row copies can (bar nested fixed-size lists).
        for (int i = 0; i < n; i++) {
          out.copyFromSafe(rows[i], i, sources.get(parts[i]));
        }
        out.setValueCount(n);
        ok = true;
        return out;
      }
      VectorAppender appender = new VectorAppender(out);
      int i = 0;
      while (i < n) {
        int p = parts[i];
        int start = rows[i];
        int len = 1;
        while (i + len < n && parts[i + len] == p && rows[i + len] == start + len) {
          len++;
        }
        FieldVector src = sources.get(p);
        TransferPair tp = src.getTransferPair(src.getAllocator());
        tp.splitAndTransfer(start, len);
        try (FieldVector piece = (FieldVector) tp.getTo()) {
          piece.accept(appender, null);
        }
        i += len;
      }
      out.setValueCount(n);
      ok = true;
      return out;
    } finally {
      if (!ok) {
        out.close();
      }
    }
  }

  static boolean hasLargeList(Field f) {
    if (f.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.LargeList) {
      return true;
    }
    for (Field c : f.getChildren()) {
      if (hasLargeList(c)) {
        return true;
      }
    }
    return false;
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

  /**
   * Rows {@code [from, from + n)} of {@code in} as a new root of {@code fields} (the caller's names:
   * split vectors rename list items), moved out by transfer into each vector's own allocator;
   * {@code in} keeps its vectors' other rows and stays the caller's to close.
   */
  static VectorSchemaRoot split(VectorSchemaRoot in, List<Field> fields, int from, int n) {
    List<FieldVector> vs = new ArrayList<>();
    try {
      for (FieldVector v : in.getFieldVectors()) {
        TransferPair tp = v.getTransferPair(v.getAllocator());
        tp.splitAndTransfer(from, n);
        vs.add((FieldVector) tp.getTo());
      }
      VectorSchemaRoot out = new VectorSchemaRoot(fields, vs, n);
      vs = null;
      return out;
    } finally {
      closeAll(vs);
    }
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
