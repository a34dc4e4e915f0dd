package dev.lancelet.bench.file;

import dev.lancelet.io.LocalObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
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

/**
 * Time to write the whole table ({@code columns=all}) or one column of it to a new Lance file on
 * local disk, from Arrow batches of 65,536 rows generated before the trial. {@code lancelet}
 * publishes through {@link LocalObjectStore} (fsync of file and directory, then rename); {@code
 * lanceletNoFsync} through {@link NoSyncLocalStore}, which like lance-core's local store does not
 * fsync. The file is deleted after each invocation, outside the timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WriteBenchmark {
  @Param("1000000")
  public long rows;

  @Param({"all", "id", "x", "s", "v"})
  public String columns;

  private BufferAllocator allocator;
  private Path dir;
  private LocalObjectStore store;
  private NoSyncLocalStore noSyncStore;
  private Schema schema;
  private List<VectorSchemaRoot> batches;
  private int sequence;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    allocator = new RootAllocator();
    dir = Engines.tempDir("lancelet-bench-write");
    store = new LocalObjectStore(dir);
    noSyncStore = new NoSyncLocalStore(dir);
    try {
      BenchData.Generator g = new BenchData.Generator(BenchData.columns(columns), rows);
      schema = g.schema();
      batches = g.all(allocator, BenchData.WRITE_BATCH_ROWS);
    } catch (RuntimeException e) {
      tearDown(); // JMH skips @TearDown when @Setup throws
      throw e;
    }
  }

  @TearDown(Level.Invocation)
  public void deleteWritten() throws IOException {
    Engines.deleteChildren(dir);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (batches != null) {
      batches.forEach(VectorSchemaRoot::close);
    }
    Engines.deleteRecursively(dir);
    allocator.close();
  }

  @Benchmark
  public long lancelet() throws IOException {
    try (BufferAllocator child = allocator.newChildAllocator("lancelet-write", 0, Long.MAX_VALUE)) {
      Engines.writeLancelet(store, "lancelet-" + sequence++ + ".lance", schema, batches, child);
    }
    return rows;
  }

  /**
   * Lancelet through a store that skips the fsyncs, as lance-core's local store does: the writers'
   * own work on equal terms.
   */
  @Benchmark
  public long lanceletNoFsync() throws IOException {
    try (BufferAllocator child = allocator.newChildAllocator("lancelet-write", 0, Long.MAX_VALUE)) {
      Engines.writeLancelet(noSyncStore, "lancelet-" + sequence++ + ".lance", schema, batches, child);
    }
    return rows;
  }

  @Benchmark
  public long lanceCore() throws Exception {
    try (BufferAllocator child = allocator.newChildAllocator("lance-core-write", 0, Long.MAX_VALUE)) {
      Engines.writeLanceCore(dir.resolve("lance-core-" + sequence++ + ".lance"), batches, child);
    }
    return rows;
  }
}
