package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rough single-thread throughput of filter evaluation on 64K-row batches (prints ns per row).
 * Not a JMH benchmark: tagged "bench" so the default run skips it.
 */
@Tag("bench")
class ExpressionThroughputTest {
  private static java.util.BitSet handWritten(BigIntVector id, int n) {
    java.util.BitSet out = new java.util.BitSet(n);
    for (int i = 0; i < n; i++) {
      if (!id.isNull(i) && id.get(i) > 500) {
        out.set(i);
      }
    }
    return out;
  }

  @Test
  void filterThroughput() {
    int n = 65_536;
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        Field.nullable("name", ArrowType.Utf8.INSTANCE)));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      Random rnd = new Random(1);
      BigIntVector id = (BigIntVector) root.getVector("id");
      Float8Vector score = (Float8Vector) root.getVector("score");
      VarCharVector name = (VarCharVector) root.getVector("name");
      for (int i = 0; i < n; i++) {
        id.setSafe(i, rnd.nextInt(1000));
        if (i % 10 == 0) {
          score.setNull(i);
        } else {
          score.setSafe(i, rnd.nextDouble());
        }
        name.setSafe(i, ("user-" + rnd.nextInt(5000)).getBytes());
      }
      root.setRowCount(n);
      // Baseline: the hand-written loop a caller would write for "id > 500" on the Arrow vector.
      int baseMatches = 0;
      for (int w = 0; w < 200; w++) {
        baseMatches = handWritten(id, n).cardinality();
      }
      long b0 = System.nanoTime();
      for (int r = 0; r < 500; r++) {
        baseMatches = handWritten(id, n).cardinality();
      }
      double baseNs = (System.nanoTime() - b0) / 500.0 / n;
      System.out.printf(Locale.ROOT, "%-45s %6.2f ns/row (%d matches)%n", "[hand-written loop] id > 500", baseNs,
          baseMatches);
      for (String sql : List.of("id > 500", "id > 500 AND score < 0.5", "id IN (1, 5, 17, 400, 999)",
          "name LIKE 'user-1%'", "name = 'user-42'", "id * 2 + 1 > 1000", "score BETWEEN 0.25 AND 0.75 OR id = 3")) {
        Predicate p = Predicate.parse(sql, schema);
        int matches = 0;
        for (int w = 0; w < 200; w++) {
          matches = p.evaluate(root).cardinality();
        }
        int reps = 500;
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
          matches = p.evaluate(root).cardinality();
        }
        double nsPerRow = (System.nanoTime() - t0) / (double) reps / n;
        System.out.printf(Locale.ROOT, "%-45s %6.2f ns/row (%d matches), %.2fx the hand-written loop%n", sql,
            nsPerRow, matches, nsPerRow / baseNs);
        assertThat(matches).isPositive();
      }
    }
  }
}
