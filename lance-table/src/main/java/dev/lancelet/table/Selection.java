package dev.lancelet.table;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Row selection tuned for scattered rows (filter results): flat vectors (fixed-width, strings,
 * binaries) are copied row by row, which costs the same whatever the pattern; nested vectors go
 * through {@link Batches#gather}, which moves runs of consecutive rows.
 */
final class Selection {
  private Selection() {}

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
    List<FieldVector> out = new ArrayList<>();
    try {
      for (FieldVector v : in.getFieldVectors()) {
        if ((v instanceof BaseFixedWidthVector || v instanceof BaseVariableWidthVector) && v.getField().getChildren().isEmpty()) {
          FieldVector o = v.getField().createVector(allocator);
          out.add(o);
          o.setInitialCapacity(n);
          o.allocateNew();
          for (int i = 0; i < n; i++) {
            o.copyFromSafe(rows[i], i, v);
          }
          o.setValueCount(n);
        } else {
          out.add(Batches.gather(v.getField(), List.of(v), new int[n], rows, n, allocator));
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
}
