package dev.lancelet.bench.table;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.NoSyncLocalStore;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.WriteOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.WriteParams;
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
 * Time to append {@code appendRows} rows (all four columns, batches of 65,536 rows generated before
 * the trial) to a {@code rows}-row, 100-fragment dataset written by lance-core: data file, manifest
 * and commit. Each invocation appends to a fresh copy of the dataset (data files hard-linked, made
 * outside the timing), so every append does the same work: one new fragment (both engines cut files
 * at about a million rows) and version 2. {@code lancelet} fsyncs what it writes ({@code
 * LocalObjectStore}); {@code lanceletNoFsync} does not, like lance-core's local store. The setup
 * appends once with each engine and checks that the other engine reads the result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TableAppendBenchmark {
  @Param("1000000")
  public long rows;

  @Param("100000")
  public long appendRows;

  BaseDataset base;
  private Copies copies;
  private Schema schema;
  private List<VectorSchemaRoot> batches;
  private Path copy;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    base = new BaseDataset(rows, BenchData.COLUMNS, false);
    try {
      copies = new Copies(base.path, base.dir);
      BenchData.Generator g = new BenchData.Generator(BenchData.COLUMNS, appendRows);
      schema = g.schema();
      batches = g.all(base.allocator, BenchData.WRITE_BATCH_ROWS);
      verify();
    } catch (Throwable t) {
      tearDown(); // JMH skips @TearDown when @Setup throws
      throw t;
    }
  }

  /** One append per engine; the other engine must see every row and the same appended values. */
  private void verify() throws Exception {
    long[] probe = {rows - 1, rows, rows + appendRows / 2, rows + appendRows - 1};
    List<Long> boxed = List.of(probe[0], probe[1], probe[2], probe[3]);
    List<List<Object>> seen = null;
    for (String method : List.of("lancelet", "lanceCore")) {
      copy = copies.next();
      try {
        run(method);
        try (org.lance.Dataset d = org.lance.Dataset.open(copy.toString(), base.allocator);
            dev.lancelet.table.Dataset ours = dev.lancelet.table.Dataset.open(copy.toString(), OpenOptions.builder().allocator(base.allocator).build())) {
          Datasets.checkEqual(rows + appendRows, d.countRows(), "lance-core's row count after " + method + " appended");
          Datasets.checkEqual(rows + appendRows, ours.countRows(), "Lancelet's row count after " + method + " appended");
          Datasets.checkEqual(Datasets.FRAGMENTS + 1, ours.fragments().size(), "fragments after " + method + " appended");
          List<List<Object>> theirs;
          try (ArrowReader r = d.take(boxed, BenchData.COLUMNS)) {
            theirs = Datasets.values(r, BenchData.COLUMNS);
          }
          try (VectorSchemaRoot r = ours.take(probe, BenchData.COLUMNS)) {
            Datasets.checkEqual(theirs, Datasets.values(r, BenchData.COLUMNS), "both engines' rows after " + method + " appended");
          }
          Datasets.checkEqual(List.of(rows - 1, 0L, appendRows / 2, appendRows - 1), theirs.get(0), "ids around the append");
          if (seen != null) {
            Datasets.checkEqual(seen, theirs, "rows appended by Lancelet and by lance-core");
          }
          seen = theirs;
        }
      } finally {
        Copies.delete(copy);
        copy = null;
      }
    }
  }

  @Setup(Level.Invocation)
  public void newCopy() throws Exception {
    copy = copies.next();
  }

  @TearDown(Level.Invocation)
  public void deleteCopy() throws Exception {
    Copies.delete(copy);
    copy = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (batches != null) {
      batches.forEach(VectorSchemaRoot::close);
      batches = null;
    }
    if (base != null) {
      base.close();
      base = null;
    }
  }

  private long run(String method) throws Exception {
    return switch (method) {
      case "lancelet" -> lanceletAppend(new LocalObjectStore(copy));
      case "lanceletNoFsync" -> lanceletAppend(new NoSyncLocalStore(copy));
      case "lanceCore" -> lanceCore();
      default -> throw new IllegalArgumentException(method);
    };
  }

  private long lanceletAppend(ObjectStore store) throws Exception {
    WriteOptions options = WriteOptions.builder().mode(WriteOptions.Mode.APPEND).allocator(base.allocator).build();
    try (ArrowReader data = new BatchListReader(base.allocator, schema, batches);
        dev.lancelet.table.Dataset d = dev.lancelet.table.Dataset.write(data, store, options)) {
      return appendRows;
    }
  }

  /** Lancelet, fsyncing data files, manifest and directories. */
  @Benchmark
  public long lancelet() throws Exception {
    return lanceletAppend(new LocalObjectStore(copy));
  }

  /** Lancelet without fsync, as lance-core's local store writes. */
  @Benchmark
  public long lanceletNoFsync() throws Exception {
    return lanceletAppend(new NoSyncLocalStore(copy));
  }

  /** lance-core's {@code Dataset.create} in APPEND mode over the C stream interface. */
  @Benchmark
  public long lanceCore() throws Exception {
    // The exported stream owns the reader and closes it when lance-core releases the stream.
    Datasets.lanceCoreWrite(base.allocator, new BatchListReader(base.allocator, schema, batches), copy, WriteParams.WriteMode.APPEND);
    return appendRows;
  }
}
