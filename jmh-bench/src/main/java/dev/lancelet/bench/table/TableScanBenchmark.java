package dev.lancelet.bench.table;

import dev.lancelet.bench.file.BenchData;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;
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
 * Time to scan a {@code rows}-row, 100-fragment dataset written by lance-core with a filter
 * {@code x < t}, projecting all four columns and counting the rows that pass. {@code x} is uniform
 * in [-500, 500), so {@code t = -500 + 1000 * selectivity} keeps that fraction of the rows. Both
 * engines read 8,192-row batches. The setup checks that both return the exact number of rows with
 * {@code x < t} (counted from an unfiltered scan) and the same sum of {@code id}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TableScanBenchmark {
  @Param("1000000")
  public long rows;

  @Param({"0.01", "0.5"})
  public double selectivity;

  BaseDataset base;
  String filter;
  long expectedRows;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    base = new BaseDataset(rows, BenchData.COLUMNS, true);
    try {
      double t = -500.0 + 1000.0 * selectivity;
      filter = String.format(Locale.ROOT, "x < %.4f", t);
      long count = 0;
      long idSum = 0;
      try (ArrowReader r = base.lancelet.newScan().columns("id", "x").open()) {
        while (r.loadNextBatch()) {
          BigIntVector id = (BigIntVector) r.getVectorSchemaRoot().getVector("id");
          Float8Vector x = (Float8Vector) r.getVectorSchemaRoot().getVector("x");
          for (int i = 0; i < x.getValueCount(); i++) {
            if (x.get(i) < t) {
              count++;
              idSum += id.get(i);
            }
          }
        }
      }
      expectedRows = count;
      Datasets.check(count > 0, "filter " + filter + " keeps no row");
      long[] ours = countAndSum(lanceletReader());
      Datasets.checkEqual(count, ours[0], "Lancelet's row count for " + filter);
      Datasets.checkEqual(idSum, ours[1], "Lancelet's sum of id for " + filter);
      try (LanceScanner s = lanceCoreScanner()) {
        long[] theirs = countAndSum(s.scanBatches());
        Datasets.checkEqual(count, theirs[0], "lance-core's row count for " + filter);
        Datasets.checkEqual(idSum, theirs[1], "lance-core's sum of id for " + filter);
      }
    } catch (Throwable e) {
      tearDown(); // JMH skips @TearDown when @Setup throws
      throw e;
    }
  }

  private static long[] countAndSum(ArrowReader reader) throws Exception {
    try (ArrowReader r = reader) {
      long count = 0;
      long sum = 0;
      while (r.loadNextBatch()) {
        BigIntVector id = (BigIntVector) r.getVectorSchemaRoot().getVector("id");
        Datasets.checkEqual(BenchData.COLUMNS.size(), r.getVectorSchemaRoot().getFieldVectors().size(), "projected columns");
        for (int i = 0; i < r.getVectorSchemaRoot().getRowCount(); i++) {
          sum += id.get(i);
        }
        count += r.getVectorSchemaRoot().getRowCount();
      }
      return new long[] {count, sum};
    }
  }

  private ArrowReader lanceletReader() throws Exception {
    return base.lancelet.newScan().columns(BenchData.COLUMNS).filter(filter).batchSize(BenchData.READ_BATCH_ROWS).open();
  }

  private LanceScanner lanceCoreScanner() {
    return base.lanceCore.newScan(
        new ScanOptions.Builder().columns(BenchData.COLUMNS).filter(filter).batchSize(BenchData.READ_BATCH_ROWS).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (base != null) {
      base.close();
      base = null;
    }
  }

  @Benchmark
  public long lancelet() throws Exception {
    try (ArrowReader r = lanceletReader()) {
      return drainRows(r);
    }
  }

  @Benchmark
  public long lanceCore() throws Exception {
    try (LanceScanner s = lanceCoreScanner(); ArrowReader r = s.scanBatches()) {
      return drainRows(r);
    }
  }

  private static long drainRows(ArrowReader r) throws Exception {
    return dev.lancelet.bench.file.Engines.drain(r);
  }
}
