package dev.lancelet.bench.file;

import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Time to fetch {@code n} random rows (distinct, sorted ascending, all columns unless {@code
 * columns} says otherwise) by row number. Each invocation takes the next of 64 row-id sets drawn
 * with a fixed seed before the trial, so invocations do not repeat the same rows back to back.
 * The per-engine inputs (long[], boxed lists, ranges) are built before the trial too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TakeBenchmark {
  static final int POOL_SETS = 64;

  @Param("1000000")
  public long rows;

  @Param({"1", "100", "10000"})
  public int n;

  @Param({"all"})
  public String columns;

  TableFiles files;
  private List<String> projection;
  private long[][] pool;
  private List<List<Long>> boxedPool;
  private List<List<org.lance.util.Range>> rangePool;
  private int next;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    setUp(TableFiles.methodOf(params.getBenchmark()));
  }

  /** Prepares the files that benchmark method {@code method} reads, and the row-id pool. */
  void setUp(String method) throws Exception {
    if (files == null) {
      files = new TableFiles(rows);
      projection = BenchData.columns(columns);
      int size = (int) Math.min(n, rows);
      pool = BenchData.rowIdPool(rows, size, POOL_SETS, BenchData.SEED + n);
      boxedPool = java.util.Arrays.stream(pool).map(Engines::boxed).toList();
      rangePool = java.util.Arrays.stream(pool).map(Engines::singleRowRanges).toList();
    }
    try {
      files.prepare(method);
    } catch (Throwable t) {
      // JMH skips @TearDown when @Setup throws: do not leave the table behind.
      try {
        tearDown();
      } catch (Throwable suppressed) {
        t.addSuppressed(suppressed);
      }
      throw t;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (files != null) {
      files.close();
      files = null;
    }
  }

  /** Rows each invocation asks for (n, capped at the table size). */
  int expectedRows() {
    return pool[0].length;
  }

  private int nextSet() {
    int i = next;
    next = (next + 1) % POOL_SETS;
    return i;
  }

  /** Lancelet's take, on the file Lancelet wrote. */
  @Benchmark
  public long lancelet() throws Exception {
    return Engines.takeLancelet(files.lancelet, pool[nextSet()], projection);
  }

  /** Lancelet's take, on the file lance-core wrote. */
  @Benchmark
  public long lanceletOnLanceCoreFile() throws Exception {
    return Engines.takeLancelet(files.lanceletOnLanceCoreFile, pool[nextSet()], projection);
  }

  /** lance-core's file reader: no take, so one single-row range per row id. */
  @Benchmark
  public long lanceCoreFile() throws Exception {
    return Engines.takeLanceCoreFile(files.lanceCore, rangePool.get(nextSet()), projection);
  }

  /** lance-core's {@code Dataset.take} on a one-fragment dataset of the same rows. */
  @Benchmark
  public long lanceCoreDataset() throws Exception {
    return Engines.takeLanceCoreDataset(files.lanceCoreDataset, boxedPool.get(nextSet()), projection);
  }

  /** parquet-java filtering on the sorted {@code id} column, with page-index pruning. */
  @Benchmark
  public long parquet() throws Exception {
    return Engines.takeParquet(files.parquet, pool[nextSet()], projection);
  }
}
