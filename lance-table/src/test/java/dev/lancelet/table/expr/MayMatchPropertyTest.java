package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.table.expr.Ref.G;
import dev.lancelet.table.expr.TestTable.Instant;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Soundness of statistics pruning: statistics are derived from a random batch (exactly, or
 * loosened, or partly unknown); whenever {@link Predicate#mayMatch} says no row can match,
 * evaluating the predicate on that batch must find no row.
 */
class MayMatchPropertyTest {
  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private static final Schema SCHEMA = TestTable.schema();

  @Test
  void mayMatchFalseImpliesNoMatchingRow() {
    int cases = Integer.getInteger("expr.cases", 600) * 4 / 3;
    long seed0 = Long.getLong("expr.seed", 555_000L);
    int pruned = 0;
    for (int k = 0; k < cases; k++) {
      long seed = seed0 + k;
      Random rnd = new Random(seed);
      int rows = rnd.nextInt(6) == 0 ? rnd.nextInt(2) : 1 + rnd.nextInt(12);
      double nullRate = new double[] {0, 0.2, 0.6, 1.0}[rnd.nextInt(4)];
      try (TestTable t = new TestTable(allocator, rnd, rows, nullRate)) {
        G g = new Gen(rnd, t).predicate(rnd.nextInt(3));
        Predicate p = Predicate.parse(g.sql(), SCHEMA);
        Map<String, ColumnStats> stats = new HashMap<>();
        for (TestTable.Column c : TestTable.COLUMNS) {
          stats.put(c.name(), loosen(referenceStats(t.values(c.name()), c.type()), c.type(), rnd));
        }
        stats.put("st.x", loosen(referenceStats(t.values(TestTable.ST_X), new ArrowType.Int(32, true)),
            new ArrowType.Int(32, true), rnd));
        stats.put("st.y", loosen(referenceStats(t.values(TestTable.ST_Y), ArrowType.Utf8.INSTANCE),
            ArrowType.Utf8.INSTANCE, rnd));
        boolean may = p.mayMatch(stats::get);
        if (may) {
          continue;
        }
        pruned++;
        java.util.BitSet hits;
        try {
          hits = p.evaluate(t.root);
        } catch (ExpressionException e) {
          continue; // evaluation fails (e.g. division by zero): nothing to compare
        }
        assertThat(hits.isEmpty()).as("seed %d: %s pruned by %s but matches rows %s", seed, g.sql(), stats, hits).isTrue();
      }
    }
    assertThat(pruned).as("pruning must happen for a fair share of cases").isGreaterThan(cases / 20);
  }

  @Test
  void computedStatsEqualReferenceStats() {
    for (int k = 0; k < 200; k++) {
      Random rnd = new Random(k);
      try (TestTable t = new TestTable(allocator, rnd, rnd.nextInt(60), k % 5 == 0 ? 1.0 : 0.3)) {
        for (TestTable.Column c : TestTable.COLUMNS) {
          FieldVector v = t.root.getVector(c.name());
          ColumnStats got = ColumnStats.compute(v);
          ColumnStats want = referenceStats(t.values(c.name()), c.type());
          assertThat(got.rowCount()).isEqualTo(want.rowCount());
          assertThat(got.nullCount()).as(c.name()).isEqualTo(want.nullCount());
          if (c.kind() == TestTable.Kind.STRUCT || c.kind() == TestTable.Kind.LIST) {
            assertThat(got.min()).isNull();
            continue;
          }
          assertSameValue(c, got.min(), want.min());
          assertSameValue(c, got.max(), want.max());
        }
      }
    }
  }

  private static void assertSameValue(TestTable.Column c, Object got, Object want) {
    if (want == null) {
      assertThat(got).as(c.name()).isNull();
      return;
    }
    Col a = new ColumnStats(got, got, 0L, 1L).bounds(c.type());
    Col b = new ColumnStats(want, want, 0L, 1L).bounds(c.type());
    assertThat(a.isNull(0)).as(c.name() + " " + got).isFalse();
    assertThat(Kernels.compareAt(a, 0, b, 0)).as(c.name() + ": " + got + " vs " + want).isZero();
  }

  /** Exact statistics from the reference values, as the Java types ColumnStats documents. */
  static ColumnStats referenceStats(Object[] values, ArrowType type) {
    Object min = null;
    Object max = null;
    long nulls = 0;
    boolean scalar = !(type instanceof ArrowType.Struct || type instanceof ArrowType.List);
    for (Object v : values) {
      if (v == null) {
        nulls++;
        continue;
      }
      if (!scalar) {
        continue;
      }
      if (min == null || Ref.cmp(v, min) < 0) {
        min = v;
      }
      if (max == null || Ref.cmp(v, max) > 0) {
        max = v;
      }
    }
    return new ColumnStats(toStats(min, type), toStats(max, type), nulls, (long) values.length);
  }

  private static Object toStats(Object v, ArrowType type) {
    if (v instanceof Instant in) {
      BigInteger[] qr = in.nanos().divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
      java.time.Instant instant = java.time.Instant.ofEpochSecond(qr[0].longValue(), qr[1].longValue());
      if (type instanceof ArrowType.Date) {
        return LocalDate.ofInstant(instant, java.time.ZoneOffset.UTC);
      }
      return instant;
    }
    return v;
  }

  /** Widens bounds or forgets parts of the statistics at random (all still true statements). */
  private static ColumnStats loosen(ColumnStats s, ArrowType type, Random rnd) {
    Object min = s.min();
    Object max = s.max();
    Long nulls = s.nullCount();
    Long rows = s.rowCount();
    int r = rnd.nextInt(10);
    if (r < 4) {
      return s;
    }
    if (r == 4) {
      return ColumnStats.unknown();
    }
    if (rnd.nextBoolean()) {
      min = rnd.nextInt(3) == 0 ? null : lower(min);
    }
    if (rnd.nextBoolean()) {
      max = rnd.nextInt(3) == 0 ? null : higher(max);
    }
    if (rnd.nextInt(4) == 0) {
      nulls = null;
    }
    if (rnd.nextInt(4) == 0) {
      rows = null;
    }
    return new ColumnStats(min, max, nulls, rows);
  }

  private static Object lower(Object v) {
    return switch (v) {
      case null -> null;
      case BigInteger b -> b.subtract(BigInteger.ONE);
      case Double d -> d - 1;
      case BigDecimal d -> d.subtract(BigDecimal.ONE);
      case Boolean b -> false;
      case String s -> s.isEmpty() ? s : s.substring(0, s.length() - 1);
      case byte[] b -> Arrays.copyOf(b, Math.max(0, b.length - 1));
      case java.time.Instant i -> i.minusSeconds(1);
      case LocalDate d -> d.minusDays(1);
      default -> v;
    };
  }

  private static Object higher(Object v) {
    return switch (v) {
      case null -> null;
      case BigInteger b -> b.add(BigInteger.ONE);
      case Double d -> d + 1;
      case BigDecimal d -> d.add(BigDecimal.ONE);
      case Boolean b -> true;
      case String s -> s + "z";
      case byte[] b -> {
        byte[] c = Arrays.copyOf(b, b.length + 1);
        c[b.length] = 'z';
        yield c;
      }
      case java.time.Instant i -> i.plusSeconds(1);
      case LocalDate d -> d.plusDays(1);
      default -> v;
    };
  }

  @Test
  void examples() {
    Map<String, ColumnStats> stats = new HashMap<>();
    stats.put("i32", new ColumnStats(0, 5, 0L, 10L));
    stats.put("s", new ColumnStats("apple", "banana", 2L, 10L));
    stats.put("f64", new ColumnStats(null, null, 10L, 10L)); // all null
    stats.put("flag", new ColumnStats(false, false, 0L, 10L));
    stats.put("ts_us", new ColumnStats(java.time.Instant.parse("2024-01-01T00:00:00Z"),
        java.time.Instant.parse("2024-01-31T00:00:00Z"), 0L, 10L));
    ColumnStatsProvider sp = stats::get;
    Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
    cases.put("i32 > 5", false);
    cases.put("i32 >= 5", true);
    cases.put("i32 < 0", false);
    cases.put("i32 = 3", true);
    cases.put("i32 = 6", false);
    cases.put("i32 != 3", true);
    cases.put("i32 > 2.5", true);
    cases.put("i32 > 5.5", false);
    cases.put("i32 IN (7, 8, NULL)", false);
    cases.put("i32 IN (7, 4)", true);
    cases.put("i32 NOT IN (7, 8)", true);
    cases.put("i32 BETWEEN 6 AND 9", false);
    cases.put("i32 NOT BETWEEN -10 AND 10", false);
    cases.put("i32 IS NULL", false);
    cases.put("i32 IS NOT NULL", true);
    cases.put("NOT i32 <= 5", false);
    cases.put("i32 > 5 OR s = 'zebra'", false);
    cases.put("i32 > 5 OR s = 'apple'", true);
    cases.put("i32 > 5 AND i64 = 1", false);
    cases.put("s LIKE 'c%'", false);
    cases.put("s LIKE 'b%'", true);
    cases.put("s LIKE 'ap%'", true);
    cases.put("s LIKE 'a'", false);
    cases.put("s LIKE '%z'", true);
    cases.put("s IS NULL", true);
    cases.put("f64 > 0", false);
    cases.put("f64 IS NULL", true);
    cases.put("flag", false);
    cases.put("NOT flag", true);
    cases.put("flag IS TRUE", false);
    cases.put("ts_us > TIMESTAMP '2024-02-01 00:00:00'", false);
    cases.put("ts_us > DATE '2024-01-15'", true);
    cases.put("i64 > 100", true); // no statistics
    cases.put("NULL", false);
    cases.put("FALSE", false);
    cases.put("i32 + 1 > 100", true); // expressions are not analysed
    cases.forEach((sql, want) ->
        assertThat(Predicate.parse(sql, SCHEMA).mayMatch(sp)).as(sql).isEqualTo(want));
    // No rows at all: nothing can match.
    assertThat(Predicate.parse("i32 IS NULL", SCHEMA).mayMatch(c -> new ColumnStats(null, null, 0L, 0L))).isFalse();
    // Garbage statistics are ignored, not trusted.
    assertThat(Predicate.parse("i32 > 5", SCHEMA).mayMatch(c -> new ColumnStats("x", List.of(), 0L, 10L))).isTrue();
    assertThat(Predicate.parse("s = 'a'", SCHEMA)
        .mayMatch(c -> new ColumnStats("b".getBytes(StandardCharsets.UTF_8), "c", 0L, 10L))).isFalse();
  }
}
