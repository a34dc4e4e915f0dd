package dev.lancelet.bench.table;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.NoSyncLocalStore;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.OpenOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
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
 * Time to add the column {@code v} ({@code fixed_size_list<float32, 128>}, generated before the
 * trial as 65,536-row batches) to a {@code rows}-row, 100-fragment dataset of {@code id, x, s}
 * written by lance-core, from a stream of the new values in row order: Lancelet's {@code
 * Dataset.addColumns(ArrowReader)} against lance-core's {@code Dataset.addColumns(ArrowArrayStream,
 * Optional.empty())}. Both write one new data file per fragment holding only {@code v} (zero-copy:
 * the old files stay), then commit. Each invocation works on a fresh copy of the dataset (data
 * files hard-linked), opened outside the timing. The setup runs each engine once, checks that the
 * other engine reads the new column's values, and that each wrote no more than the new column's
 * bytes (plus 10% and 4 KiB per fragment).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TableAddColumnBenchmark {
  static final List<String> BASE_COLUMNS = List.of("id", "x", "s");

  @Param("1000000")
  public long rows;

  BaseDataset base;
  private Copies copies;
  private Schema schema;
  private List<VectorSchemaRoot> batches;
  private Path copy;
  private dev.lancelet.table.Dataset lancelet;
  private org.lance.Dataset lanceCore;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    base = new BaseDataset(rows, BASE_COLUMNS, false);
    try {
      copies = new Copies(base.path, base.dir);
      BenchData.Generator g = new BenchData.Generator(List.of("v"), rows);
      schema = g.schema();
      batches = g.all(base.allocator, BenchData.WRITE_BATCH_ROWS);
      verify();
    } catch (Throwable t) {
      tearDown(); // JMH skips @TearDown when @Setup throws
      throw t;
    }
  }

  private void verify() throws Exception {
    long[] probe = {0, rows / 3, rows / 2, rows - 1};
    List<Long> boxed = List.of(probe[0], probe[1], probe[2], probe[3]);
    List<Object> expected = new ArrayList<>();
    for (long p : probe) {
      VectorSchemaRoot b = batches.get((int) (p / BenchData.WRITE_BATCH_ROWS));
      expected.add(new ArrayList<>((List<?>) b.getVector("v").getObject((int) (p % BenchData.WRITE_BATCH_ROWS))));
    }
    long columnBytes = rows * 4L * BenchData.DIM;
    for (String method : List.of("lancelet", "lanceCore")) {
      open(method);
      try {
        call(method);
        closeDatasets();
        long written = copies.newDataBytes(copy);
        Datasets.check(written >= columnBytes && written <= columnBytes * 11 / 10 + Datasets.FRAGMENTS * 4096L,
            method + " wrote " + written + " bytes of data files for a column of " + columnBytes + " bytes");
        List<String> all = List.of("id", "x", "s", "v");
        try (org.lance.Dataset d = org.lance.Dataset.open(copy.toString(), base.allocator);
            dev.lancelet.table.Dataset ours = dev.lancelet.table.Dataset.open(copy.toString(), OpenOptions.builder().allocator(base.allocator).build())) {
          Datasets.checkEqual(rows, d.countRows(), "lance-core's row count after " + method + " added v");
          Datasets.checkEqual(rows, ours.countRows(), "Lancelet's row count after " + method + " added v");
          List<List<Object>> theirs;
          try (ArrowReader r = d.take(boxed, all)) {
            theirs = Datasets.values(r, all);
          }
          try (VectorSchemaRoot r = ours.take(probe, all)) {
            Datasets.checkEqual(theirs, Datasets.values(r, all), "both engines' rows after " + method + " added v");
          }
          Datasets.checkEqual(boxed, theirs.get(0), "ids after " + method + " added v");
          Datasets.checkEqual(expected, theirs.get(3), "v after " + method + " added it");
        }
      } finally {
        closeDatasets();
        Copies.delete(copy);
        copy = null;
      }
    }
  }

  /** A fresh copy of the base dataset, opened by the engine benchmark method {@code method} uses. */
  void open(String method) throws Exception {
    copy = copies.next();
    switch (method) {
      case "lancelet" -> lancelet = dev.lancelet.table.Dataset.open(new LocalObjectStore(copy), OpenOptions.builder().allocator(base.allocator).build());
      case "lanceletNoFsync" -> lancelet = dev.lancelet.table.Dataset.open(new NoSyncLocalStore(copy), OpenOptions.builder().allocator(base.allocator).build());
      case "lanceCore" -> lanceCore = org.lance.Dataset.open(copy.toString(), base.allocator);
      default -> throw new IllegalArgumentException(method);
    }
  }

  private long call(String method) throws Exception {
    return method.equals("lanceCore") ? lanceCore() : lancelet();
  }

  private void closeDatasets() throws Exception {
    if (lancelet != null) {
      lancelet.close();
      lancelet = null;
    }
    if (lanceCore != null) {
      lanceCore.close();
      lanceCore = null;
    }
  }

  @Setup(Level.Invocation)
  public void newCopy(BenchmarkParams params) throws Exception {
    String b = params.getBenchmark();
    open(b.substring(b.lastIndexOf('.') + 1));
  }

  @TearDown(Level.Invocation)
  public void deleteCopy() throws Exception {
    closeDatasets();
    Copies.delete(copy);
    copy = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    closeDatasets();
    if (batches != null) {
      batches.forEach(VectorSchemaRoot::close);
      batches = null;
    }
    if (base != null) {
      base.close();
      base = null;
    }
  }

  /** Lancelet, fsyncing the new files, the manifest and directories. */
  @Benchmark
  public long lancelet() throws Exception {
    try (ArrowReader data = new BatchListReader(base.allocator, schema, batches);
        dev.lancelet.table.Dataset next = lancelet.addColumns(data)) {
      return rows;
    }
  }

  /** Lancelet without fsync, as lance-core's local store writes. */
  @Benchmark
  public long lanceletNoFsync() throws Exception {
    return lancelet();
  }

  /** lance-core's {@code addColumns} from a C stream of the new column. */
  @Benchmark
  public long lanceCore() throws Exception {
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(base.allocator)) {
      // The exported stream owns the reader and closes it when lance-core releases the stream.
      Data.exportArrayStream(base.allocator, new BatchListReader(base.allocator, schema, batches), stream);
      lanceCore.addColumns(stream, Optional.empty());
    }
    return rows;
  }
}
