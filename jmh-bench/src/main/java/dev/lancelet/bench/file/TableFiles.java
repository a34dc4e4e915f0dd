package dev.lancelet.bench.file;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.io.LocalObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.lance.Dataset;

/**
 * The benchmark table written once per trial, by whichever engines the trial's benchmark method
 * needs, into a fresh temporary directory, and the readers opened on it. Every engine writes the
 * same generated rows. Closing deletes the directory.
 */
final class TableFiles implements AutoCloseable {
  static final String LANCELET_FILE = "lancelet.lance";
  static final String LANCE_CORE_FILE = "lance-core.lance";
  static final String LANCE_CORE_DATASET = "lance-core.dataset";
  static final String PARQUET_FILE = "table.parquet";

  final long rows;
  final BufferAllocator allocator;
  final Path dir;
  final LocalObjectStore store;

  LanceFileReader lancelet;
  LanceFileReader lanceletOnLanceCoreFile;
  org.lance.file.LanceFileReader lanceCore;
  Dataset lanceCoreDataset;
  Path parquet;

  TableFiles(long rows) throws IOException {
    this.rows = rows;
    this.allocator = new RootAllocator();
    this.dir = Engines.tempDir("lancelet-bench-table");
    this.store = new LocalObjectStore(dir);
  }

  /**
   * Writes and opens what benchmark method {@code method} reads: {@code lancelet} reads
   * Lancelet's own file, {@code lanceletOnLanceCoreFile} reads lance-core's file with Lancelet,
   * {@code lanceCore*} reads lance-core's file, {@code lanceCoreDataset} a one-fragment dataset,
   * {@code parquet} the Parquet file.
   */
  TableFiles prepare(String method) throws Exception {
    switch (method) {
      case "lancelet" -> {
        if (lancelet == null) {
          Engines.writeLancelet(store, LANCELET_FILE, generator(), allocator);
          lancelet = LanceFileReader.open(store, LANCELET_FILE, allocator);
        }
      }
      case "lanceletOnLanceCoreFile" -> {
        writeLanceCoreFile();
        if (lanceletOnLanceCoreFile == null) {
          lanceletOnLanceCoreFile = LanceFileReader.open(store, LANCE_CORE_FILE, allocator);
        }
      }
      case "lanceCore", "lanceCoreFile" -> {
        writeLanceCoreFile();
        if (lanceCore == null) {
          lanceCore = org.lance.file.LanceFileReader.open(dir.resolve(LANCE_CORE_FILE).toString(), allocator);
        }
      }
      case "lanceCoreDataset" -> {
        if (lanceCoreDataset == null) {
          Path p = dir.resolve(LANCE_CORE_DATASET);
          Engines.writeLanceCoreDataset(p, generator(), rows, allocator);
          lanceCoreDataset = Dataset.open(p.toString(), allocator);
        }
      }
      case "parquet" -> {
        if (parquet == null) {
          Path p = dir.resolve(PARQUET_FILE);
          Engines.writeParquet(p, generator(), allocator);
          parquet = p;
        }
      }
      default -> throw new IllegalArgumentException("No table files known for benchmark method '" + method + "'");
    }
    return this;
  }

  private void writeLanceCoreFile() throws Exception {
    if (!store.exists(LANCE_CORE_FILE)) {
      Engines.writeLanceCore(dir.resolve(LANCE_CORE_FILE), generator(), allocator);
    }
  }

  private BenchData.Generator generator() {
    return new BenchData.Generator(BenchData.COLUMNS, rows);
  }

  @Override
  public void close() throws Exception {
    try {
      if (lancelet != null) {
        lancelet.close();
      }
      if (lanceletOnLanceCoreFile != null) {
        lanceletOnLanceCoreFile.close();
      }
      if (lanceCore != null) {
        lanceCore.close();
      }
      if (lanceCoreDataset != null) {
        lanceCoreDataset.close();
      }
    } finally {
      Engines.deleteRecursively(dir);
      allocator.close();
    }
  }

  /** The method name of a JMH benchmark id such as {@code dev.lancelet.bench.file.ScanBenchmark.lancelet}. */
  static String methodOf(String benchmark) {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }
}
