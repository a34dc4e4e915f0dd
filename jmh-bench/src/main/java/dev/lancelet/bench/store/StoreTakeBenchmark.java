package dev.lancelet.bench.store;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.Engines;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.FieldVector;
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
 * A random take of {@code n} rows by position (all four columns) from the {@code rows}-row,
 * 100-fragment dataset on local disk or on S3 (S3Proxy): Lancelet's {@code Dataset.take} against
 * lance-core's {@code Dataset.take}. Each invocation takes the next of 64 seeded sets of distinct
 * sorted positions. Lancelet's method also reports its requests, bytes read and bytes needed per
 * take ({@link IoCounters}). The setup checks that both engines return the same rows for two sets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StoreTakeBenchmark {
  static final int POOL_SETS = 64;

  @Param("1000000")
  public long rows;

  @Param({"local", "s3"})
  public String store;

  @Param("100")
  public int n;

  StoreDataset data;
  private long[][] pool;
  private List<List<Long>> boxedPool;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    data = new StoreDataset(store, rows);
    try {
      pool = BenchData.rowIdPool(rows, (int) Math.min(n, rows), POOL_SETS, BenchData.SEED + 11 * n);
      boxedPool = Arrays.stream(pool).map(Engines::boxed).toList();
      for (int s = 0; s < 2; s++) {
        List<List<Object>> ours;
        try (VectorSchemaRoot r = data.lancelet.take(pool[s], BenchData.COLUMNS)) {
          ours = values(r);
        }
        List<List<Object>> theirs = new ArrayList<>();
        try (ArrowReader r = data.lanceCore.take(boxedPool.get(s), BenchData.COLUMNS)) {
          while (r.loadNextBatch()) {
            List<List<Object>> part = values(r.getVectorSchemaRoot());
            if (theirs.isEmpty()) {
              theirs.addAll(part);
            } else {
              for (int c = 0; c < part.size(); c++) {
                theirs.get(c).addAll(part.get(c));
              }
            }
          }
        }
        StoreDataset.check(ours.get(0).equals(new ArrayList<Object>(boxedPool.get(s))), "Lancelet's take on " + store + ": id equals the position");
        StoreDataset.check(ours.equals(theirs), "Lancelet's and lance-core's take of set " + s + " on " + store);
      }
    } catch (Throwable t) {
      tearDown(); // JMH skips @TearDown when @Setup throws
      throw t;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (data != null) {
      data.close();
      data = null;
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
  public long lancelet(IoCounters io) throws Exception {
    IoCounters.Mark before = IoCounters.Mark.of(data);
    try (VectorSchemaRoot r = data.lancelet.take(pool[nextSet()], BenchData.COLUMNS)) {
      io.add(data, before);
      return r.getRowCount();
    }
  }

  @Benchmark
  public long lanceCore() throws Exception {
    try (ArrowReader r = data.lanceCore.take(boxedPool.get(nextSet()), BenchData.COLUMNS)) {
      return Engines.drain(r);
    }
  }

  /** Every value of the four columns, as Java objects compared by value. */
  static List<List<Object>> values(VectorSchemaRoot root) {
    List<List<Object>> out = new ArrayList<>();
    for (String c : BenchData.COLUMNS) {
      FieldVector v = Objects.requireNonNull(root.getVector(c), c);
      List<Object> col = new ArrayList<>();
      for (int i = 0; i < root.getRowCount(); i++) {
        Object o = v.getObject(i);
        col.add(o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o instanceof List<?> l ? new ArrayList<>(l) : o);
      }
      out.add(col);
    }
    return out;
  }
}
