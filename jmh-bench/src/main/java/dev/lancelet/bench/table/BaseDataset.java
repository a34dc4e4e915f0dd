package dev.lancelet.bench.table;

import dev.lancelet.bench.file.Engines;
import dev.lancelet.table.OpenOptions;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * One trial's base dataset: written once by lance-core ({@link Datasets#writeBase}) into a fresh
 * temporary directory and opened by both engines. Closing deletes the directory.
 */
final class BaseDataset implements AutoCloseable {
  final long rows;
  final BufferAllocator allocator;
  final Path dir;
  final Path path;
  dev.lancelet.table.Dataset lancelet;
  org.lance.Dataset lanceCore;

  BaseDataset(long rows, List<String> columns, boolean open) throws Exception {
    this.rows = rows;
    this.allocator = new RootAllocator();
    Path d = null;
    try {
      d = Engines.tempDir("lancelet-bench-dataset");
      this.dir = d;
      this.path = dir.resolve("base.lance");
      Datasets.writeBase(path, columns, rows, allocator);
      if (open) {
        lancelet = dev.lancelet.table.Dataset.open(path.toString(), OpenOptions.builder().allocator(allocator).build());
        lanceCore = org.lance.Dataset.open(path.toString(), allocator);
        Datasets.checkEqual(rows, lancelet.countRows(), "Lancelet's row count of the base dataset");
        Datasets.checkEqual(rows, lanceCore.countRows(), "lance-core's row count of the base dataset");
        Datasets.checkEqual(Datasets.FRAGMENTS, lancelet.fragments().size(), "fragments of the base dataset");
      }
    } catch (Throwable t) {
      closeQuietly(t, d);
      throw t;
    }
  }

  private void closeQuietly(Throwable t, Path d) {
    try {
      if (lancelet != null) {
        lancelet.close();
      }
      if (lanceCore != null) {
        lanceCore.close();
      }
      if (d != null) {
        Engines.deleteRecursively(d);
      }
      allocator.close();
    } catch (Throwable suppressed) {
      t.addSuppressed(suppressed);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (lancelet != null) {
        lancelet.close();
      }
      if (lanceCore != null) {
        lanceCore.close();
      }
    } finally {
      Engines.deleteRecursively(dir);
      allocator.close();
    }
  }
}
