package dev.lancelet.bench.table;

import dev.lancelet.bench.file.BenchData;
import dev.lancelet.bench.file.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.WriteParams;

/** Shared pieces of the dataset benchmarks: the base dataset, copies of it, checks. */
final class Datasets {
  /** The base dataset is cut into this many fragments (one data file each). */
  static final int FRAGMENTS = 100;

  private Datasets() {}

  static int rowsPerFragment(long rows) {
    return (int) Math.max(1, (rows + FRAGMENTS - 1) / FRAGMENTS);
  }

  /**
   * Writes the base dataset with lance-core ({@code Dataset.create}, format 2.1): {@code rows} rows
   * of {@code columns} in {@link #FRAGMENTS} fragments. Both engines then read these bytes.
   */
  static void writeBase(Path dir, List<String> columns, long rows, BufferAllocator allocator) {
    Engines.writeLanceCoreFragments(dir, new BenchData.Generator(columns, rows), rowsPerFragment(rows), allocator);
  }

  /**
   * A fresh copy of a dataset folder: data files (immutable) are hard-linked, everything else
   * (manifests, transactions, the version hint) is copied, so writing a new version into the copy
   * never touches the original.
   */
  static void linkCopy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (p.getFileName().toString().endsWith(".lance")) {
          Files.createLink(target, p);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** lance-core: writes {@code data} into the dataset at {@code dir} in mode {@code mode}. */
  static void lanceCoreWrite(BufferAllocator allocator, ArrowReader data, Path dir, WriteParams.WriteMode mode) {
    WriteParams params = new WriteParams.Builder().withMode(mode).build();
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      Data.exportArrayStream(allocator, data, stream);
      org.lance.Dataset.create(allocator, stream, dir.toString(), params).close();
    }
  }

  /** Every value of {@code r}, column by column, as Java objects (for comparing the engines' answers). */
  static List<List<Object>> values(ArrowReader r, List<String> columns) throws IOException {
    List<List<Object>> out = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      out.add(new ArrayList<>());
    }
    while (r.loadNextBatch()) {
      append(out, r.getVectorSchemaRoot(), columns);
    }
    return out;
  }

  static List<List<Object>> values(VectorSchemaRoot root, List<String> columns) {
    List<List<Object>> out = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      out.add(new ArrayList<>());
    }
    append(out, root, columns);
    return out;
  }

  private static void append(List<List<Object>> out, VectorSchemaRoot root, List<String> columns) {
    for (int c = 0; c < columns.size(); c++) {
      FieldVector v = root.getVector(columns.get(c));
      if (v == null) {
        throw new IllegalStateException("Column '" + columns.get(c) + "' missing from " + root.getSchema());
      }
      for (int i = 0; i < root.getRowCount(); i++) {
        out.get(c).add(normalize(v.getObject(i)));
      }
    }
  }

  /** Text and JsonStringArrayList compare by value once turned into String and List. */
  private static Object normalize(Object o) {
    if (o instanceof org.apache.arrow.vector.util.Text t) {
      return t.toString();
    }
    if (o instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return o;
  }

  /** Fails loudly (the benchmark's setup must not go on) when {@code ok} is false. */
  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("Benchmark self-check failed: " + what);
    }
  }

  static void checkEqual(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      String e = String.valueOf(expected);
      String a = String.valueOf(actual);
      throw new IllegalStateException("Benchmark self-check failed: " + what + ": expected "
          + (e.length() > 300 ? e.substring(0, 300) + "..." : e) + " but got " + (a.length() > 300 ? a.substring(0, 300) + "..." : a));
    }
  }

  static void deleteQuietly(Path dir) {
    try {
      Engines.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
