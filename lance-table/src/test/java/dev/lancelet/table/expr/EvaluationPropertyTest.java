package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lancelet.table.expr.Ref.G;
import dev.lancelet.table.expr.Ref.RefError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.BitSet;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Random predicates and expressions over random batches (every type, with nulls), checked
 * against the row-at-a-time reference evaluator in {@link Ref}. Failures print the seed and SQL.
 */
class EvaluationPropertyTest {
  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close(); // fails the test on a leak
  }

  private static final Schema SCHEMA = TestTable.schema();

  @Test
  void predicatesMatchReference() {
    int cases = Integer.getInteger("expr.cases", 600);
    long seed0 = Long.getLong("expr.seed", 20261124L);
    int errors = 0;
    int nonEmpty = 0;
    for (int k = 0; k < cases; k++) {
      long seed = seed0 + k;
      Random rnd = new Random(seed);
      int rows = rnd.nextInt(8) == 0 ? rnd.nextInt(3) : rnd.nextInt(140);
      try (TestTable t = new TestTable(allocator, rnd, rows, rnd.nextInt(4) == 0 ? 0 : 0.25)) {
        G g = new Gen(rnd, t).predicate(rnd.nextInt(4));
        String sql = g.sql();
        Predicate p;
        try {
          p = Predicate.parse(sql, SCHEMA);
        } catch (ExpressionException e) {
          throw new AssertionError("seed " + seed + ": generated predicate did not bind: " + sql, e);
        }
        BitSet expected = new BitSet();
        boolean expectError = false;
        try {
          for (int i = 0; i < rows; i++) {
            if (Boolean.TRUE.equals(g.eval(i))) {
              expected.set(i);
            }
          }
        } catch (RefError e) {
          expectError = true;
        }
        BitSet actual;
        try {
          actual = p.evaluate(t.root);
        } catch (ExpressionException e) {
          if (!expectError) {
            throw new AssertionError("seed " + seed + ": " + sql + " failed: " + e.getMessage(), e);
          }
          errors++;
          continue;
        }
        if (expectError) {
          fail("seed %d: %s evaluated but the reference fails on some row", seed, sql);
        }
        if (!expected.equals(actual)) {
          fail("seed %d: %s (normalized %s)%n expected %s%n actual   %s", seed, sql, p, expected, actual);
        }
        nonEmpty += expected.isEmpty() ? 0 : 1;
        // toString is a normalized expression that reparses to the same predicate.
        Predicate again = Predicate.parse(p.toString(), SCHEMA);
        assertThat(again.toString()).as("seed %d: %s", seed, sql).isEqualTo(p.toString());
        assertThat(again.evaluate(t.root)).as("seed %d: reparsed %s", seed, p).isEqualTo(actual);
      }
    }
    // The generator must exercise both outcomes, not just errors or empty results.
    assertThat(nonEmpty).isGreaterThan(cases / 4);
    assertThat(errors).isLessThan(cases / 5);
  }

  @Test
  void expressionsMatchReference() {
    int cases = Integer.getInteger("expr.cases", 600) / 2;
    long seed0 = Long.getLong("expr.seed", 7_000_000L);
    for (int k = 0; k < cases; k++) {
      long seed = seed0 + k;
      Random rnd = new Random(seed);
      int rows = rnd.nextInt(100);
      try (TestTable t = new TestTable(allocator, rnd, rows, 0.2)) {
        G g = new Gen(rnd, t).arith();
        Expression e = Expression.parse(g.sql(), SCHEMA);
        Object[] expected = new Object[rows];
        boolean expectError = false;
        try {
          for (int i = 0; i < rows; i++) {
            expected[i] = g.eval(i);
          }
        } catch (RefError err) {
          expectError = true;
        }
        FieldVector out;
        try {
          out = e.evaluate(t.root, allocator, "out");
        } catch (ExpressionException ex) {
          if (!expectError) {
            throw new AssertionError("seed " + seed + ": " + g.sql() + " failed: " + ex.getMessage(), ex);
          }
          continue;
        }
        try (out) {
          if (expectError) {
            fail("seed %d: %s evaluated but the reference fails on some row", seed, g.sql());
          }
          assertThat(out.getValueCount()).isEqualTo(rows);
          assertThat(out.getField().getType()).isEqualTo(e.resultType());
          for (int i = 0; i < rows; i++) {
            Object want = expected[i];
            Object got = out.getObject(i);
            String where = "seed " + seed + ": " + g.sql() + " row " + i + " expected " + want + " got " + got;
            if (want == null) {
              assertThat(got).as(where).isNull();
            } else if (out instanceof BigIntVector) {
              assertThat(BigInteger.valueOf((Long) got)).as(where).isEqualTo(want);
            } else if (out instanceof Float8Vector) {
              assertThat(Double.compare((Double) got, (Double) want)).as(where).isZero();
            } else if (out instanceof DecimalVector) {
              assertThat(((BigDecimal) got).compareTo((BigDecimal) want)).as(where).isZero();
            } else {
              fail("unexpected result vector %s for %s", out.getClass(), g.sql());
            }
          }
        }
      }
    }
  }
}
