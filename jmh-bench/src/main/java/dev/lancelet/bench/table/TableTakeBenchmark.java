package dev.lancelet.bench.table;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.Engines;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time to fetch {@code n} random rows by position (all four columns) from a {@code rows}-row,
 * 100-fragment dataset written by lance-core: Lancelet's {@code Dataset.take(long[], columns)}
 * against lance-core's {@code Dataset.take(List<Long>, columns)} (also by position). Each
 * invocation takes the next of 64 seeded sets of distinct positions, sorted ascending. The setup
 * checks that both engines return the same rows (and that {@code id}, the row number, equals the
 * asked position) for two of the sets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TableTakeBenchmark {
  static final int POOL_SETS = 64;

  @Param("1000000")
  public long rows;

  @Param({"100", "10000"})
  public int n;

  BaseDataset base;
  private long[][] pool;
  private List<List<Long>> boxedPool;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    base = new BaseDataset(rows, BenchData.COLUMNS, true);
    try {
      pool = BenchData.rowIdPool(rows, (int) Math.min(n, rows), POOL_SETS, BenchData.SEED + 7 * n);
      boxedPool = Arrays.stream(pool).map(Engines::boxed).toList();
      for (int s = 0; s < 2; s++) {
        List<List<Object>> ours;
        try (VectorSchemaRoot r = base.lancelet.take(pool[s], BenchData.COLUMNS)) {
          ours = Datasets.values(r, BenchData.COLUMNS);
        }
        List<List<Object>> theirs;
        try (ArrowReader r = base.lanceCore.take(boxedPool.get(s), BenchData.COLUMNS)) {
          theirs = Datasets.values(r, BenchData.COLUMNS);
        }
        Datasets.checkEqual(boxedPool.get(s), ours.get(0), "Lancelet's take: id equals the row position");
        Datasets.checkEqual(ours, theirs, "Lancelet's and lance-core's take of set " + s);
      }
    } catch (Throwable t) {
      tearDown(); // JMH skips @TearDown when @Setup throws
      throw t;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (base != null) {
      base.close();
      base = null;
    }
  }

  int expectedRows() {
    return pool[0].length;
  }

  private int nextSet() {
    int i = next;
    next = (next + 1) % POOL_SETS;
    return i;
  }

  @Benchmark
  public long lancelet() throws Exception {
    try (VectorSchemaRoot r = base.lancelet.take(pool[nextSet()], BenchData.COLUMNS)) {
      return r.getRowCount();
    }
  }

  @Benchmark
  public long lanceCore() throws Exception {
    try (ArrowReader r = base.lanceCore.take(boxedPool.get(nextSet()), BenchData.COLUMNS)) {
      return Engines.drain(r);
    }
  }
}
