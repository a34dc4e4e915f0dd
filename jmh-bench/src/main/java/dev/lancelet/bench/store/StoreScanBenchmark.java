package dev.lancelet.bench.store;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.Engines;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BigIntVector;
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
 * A full scan (all four columns, 8,192-row batches, no filter) of the {@code rows}-row,
 * 100-fragment dataset on local disk or on S3 (S3Proxy): Lancelet's {@code newScan()} against
 * lance-core's {@code newScan(ScanOptions)}, counting the rows. Lancelet's method also reports its
 * requests, bytes read and bytes needed per scan ({@link IoCounters}). The setup checks that both
 * engines count {@code rows} rows with the same sum of {@code id}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StoreScanBenchmark {
  @Param("1000000")
  public long rows;

  @Param({"local", "s3"})
  public String store;

  StoreDataset data;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    data = new StoreDataset(store, rows);
    try {
      long expectedSum = rows * (rows - 1) / 2;
      long[] ours = countAndSum(lanceletReader());
      long[] theirs;
      try (LanceScanner s = lanceCoreScanner()) {
        theirs = countAndSum(s.scanBatches());
      }
      StoreDataset.check(ours[0] == rows && ours[1] == expectedSum, "Lancelet's full scan on " + store);
      StoreDataset.check(theirs[0] == rows && theirs[1] == expectedSum, "lance-core's full scan on " + store);
    } catch (Throwable t) {
      tearDown();
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

  private ArrowReader lanceletReader() throws Exception {
    return data.lancelet.newScan().columns(BenchData.COLUMNS.toArray(String[]::new)).batchSize(BenchData.READ_BATCH_ROWS).open();
  }

  private LanceScanner lanceCoreScanner() {
    return data.lanceCore.newScan(new ScanOptions.Builder().columns(BenchData.COLUMNS).batchSize(BenchData.READ_BATCH_ROWS).build());
  }

  private static long[] countAndSum(ArrowReader r) throws Exception {
    try (r) {
      long n = 0;
      long sum = 0;
      while (r.loadNextBatch()) {
        BigIntVector id = (BigIntVector) r.getVectorSchemaRoot().getVector("id");
        for (int i = 0; i < id.getValueCount(); i++) {
          sum += id.get(i);
        }
        n += id.getValueCount();
      }
      return new long[] {n, sum};
    }
  }

  @Benchmark
  public long lancelet(IoCounters io) throws Exception {
    IoCounters.Mark before = IoCounters.Mark.of(data);
    long n;
    try (ArrowReader r = lanceletReader()) {
      n = Engines.drain(r);
    }
    io.add(data, before);
    return n;
  }

  @Benchmark
  public long lanceCore() throws Exception {
    try (LanceScanner s = lanceCoreScanner(); ArrowReader r = s.scanBatches()) {
      return Engines.drain(r);
    }
  }
}
