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
 * Time to read every row of the whole table ({@code columns=all}) or of one column, as Arrow
 * batches of 8,192 rows, from a file on local disk that the trial wrote (so it is in the page
 * cache). Readers are opened once per trial; each invocation starts a new scan and drains it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScanBenchmark {
  @Param("1000000")
  public long rows;

  @Param({"all", "id", "x", "s", "v"})
  public String columns;

  TableFiles files;
  private List<String> projection;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    setUp(TableFiles.methodOf(params.getBenchmark()));
  }

  /** Prepares the files that benchmark method {@code method} reads. */
  void setUp(String method) throws Exception {
    if (files == null) {
      files = new TableFiles(rows);
      projection = BenchData.columns(columns);
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

  /** Lancelet reading the file Lancelet wrote. */
  @Benchmark
  public long lancelet() throws Exception {
    return Engines.scanLancelet(files.lancelet, projection);
  }

  /** Lancelet reading the file lance-core wrote: the same bytes lance-core reads. */
  @Benchmark
  public long lanceletOnLanceCoreFile() throws Exception {
    return Engines.scanLancelet(files.lanceletOnLanceCoreFile, projection);
  }

  @Benchmark
  public long lanceCore() throws Exception {
    return Engines.scanLanceCore(files.lanceCore, projection);
  }
}
