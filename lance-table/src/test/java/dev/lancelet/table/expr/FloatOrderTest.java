package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * Floating point compares in IEEE 754 totalOrder, as lance-core's filters do: a NaN with the sign
 * bit set is below every number, any other NaN above, and -0.0 is below (not equal to) 0.0.
 */
class FloatOrderTest {
  private static final double NEG_NAN = Double.longBitsToDouble(0xfff8000000000000L);
  /** Rows: -NaN, -Inf, -1, -0.0, 0.0, 1, +Inf, NaN. */
  private static final double[] VALUES = {
    NEG_NAN, Double.NEGATIVE_INFINITY, -1, -0.0, 0.0, 1, Double.POSITIVE_INFINITY, Double.NaN
  };

  private static final Schema SCHEMA = new Schema(List.of(
      Field.nullable("d", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      Field.nullable("f", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));

  @Test
  void comparisonsFollowTotalOrder() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      root.allocateNew();
      Float8Vector d = (Float8Vector) root.getVector("d");
      Float4Vector f = (Float4Vector) root.getVector("f");
      for (int i = 0; i < VALUES.length; i++) {
        d.setSafe(i, VALUES[i]);
        f.setSafe(i, (float) VALUES[i]);
      }
      root.setRowCount(VALUES.length);
      assertThat(Float.floatToRawIntBits(f.get(0))).as("float -NaN keeps its sign").isNegative();
      for (String c : List.of("d", "f")) {
        assertThat(rows(root, c + " < 0")).as(c).containsExactly(0, 1, 2, 3);
        assertThat(rows(root, c + " > 0")).as(c).containsExactly(5, 6, 7);
        assertThat(rows(root, c + " = 0")).as(c).containsExactly(4);
        assertThat(rows(root, c + " <= -1")).as(c).containsExactly(0, 1, 2);
      }
      assertThat(rows(root, "d = f")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
      ColumnStats stats = ColumnStats.compute(d);
      assertThat(Double.doubleToRawLongBits(((Number) stats.min()).doubleValue())).isEqualTo(Double.doubleToRawLongBits(NEG_NAN));
      assertThat(((Number) stats.max()).doubleValue()).isNaN();
    }
  }

  private static int[] rows(VectorSchemaRoot root, String sql) {
    BitSet b = Predicate.parse(sql, root.getSchema()).evaluate(root);
    return b.stream().toArray();
  }
}
