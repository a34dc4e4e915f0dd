package dev.lancelet.file.write;

import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.io.LocalObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes batches with Lancelet, then reads the file back with lance-core 7.0 and with Lancelet's
 * own reader, comparing every row as text. Used by the writer tests.
 */
final class WriteHarness {
  /** Fills one batch; {@code batch} counts from 0. */
  interface Filler {
    void fill(VectorSchemaRoot root, int batch);
  }

  private WriteHarness() {}

  /** Rows of {@code root} as lists of printable values (byte arrays printed element-wise). */
  static List<List<String>> rows(VectorSchemaRoot root) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < root.getRowCount(); i++) {
      List<String> row = new ArrayList<>();
      for (FieldVector v : root.getFieldVectors()) {
        row.add(printable(v.getObject(i)));
      }
      out.add(row);
    }
    return out;
  }

  static String printable(Object o) {
    if (o instanceof byte[] b) {
      return Arrays.toString(b);
    }
    if (o instanceof List<?> l) {
      List<String> s = new ArrayList<>();
      for (Object x : l) {
        s.add(printable(x));
      }
      return s.toString();
    }
    return String.valueOf(o);
  }

  /** Writes {@code batches} batches filled by {@code filler}; returns the expected rows. */
  static List<List<String>> write(
      BufferAllocator alloc, Path dir, String name, Schema schema, WriteOptions opts, int batches, Filler filler)
      throws IOException {
    List<List<String>> expected = new ArrayList<>();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, name, schema, alloc, opts)) {
      for (int b = 0; b < batches; b++) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
          root.allocateNew();
          filler.fill(root, b);
          expected.addAll(rows(root));
          w.write(root);
        }
      }
    }
    return expected;
  }

  /** All rows as lance-core 7.0 reads them. */
  static List<List<String>> readWithLance(BufferAllocator alloc, Path file) throws IOException {
    List<List<String>> actual = new ArrayList<>();
    try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(file.toString(), alloc);
        ArrowReader ar = r.readAll(null, null, 3000)) {
      while (ar.loadNextBatch()) {
        actual.addAll(rows(ar.getVectorSchemaRoot()));
      }
    } catch (Exception e) {
      throw e instanceof IOException io ? io : new IOException(e);
    }
    return actual;
  }

  /** All rows as Lancelet's reader scans them. */
  static List<List<String>> readWithLancelet(BufferAllocator alloc, Path dir, String name, int batchSize)
      throws IOException {
    List<List<String>> actual = new ArrayList<>();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, name, alloc);
        ArrowReader ar = r.scan(ScanOptions.builder().batchSize(batchSize).build())) {
      while (ar.loadNextBatch()) {
        actual.addAll(rows(ar.getVectorSchemaRoot()));
      }
    }
    return actual;
  }

  /** The physical layout as Lancelet's reader sees it. */
  static FileInfo info(BufferAllocator alloc, Path dir, String name) throws IOException {
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
      return r.info();
    }
  }

  /** Every page encoding of the file, one string per page. */
  static List<String> pageEncodings(BufferAllocator alloc, Path dir, String name) throws IOException {
    List<String> out = new ArrayList<>();
    for (FileInfo.ColumnInfo c : info(alloc, dir, name).columns()) {
      for (FileInfo.PageInfo p : c.pages()) {
        out.add(p.encoding());
      }
    }
    return out;
  }

  /** Compares row by row so a failure names the first differing row and the context. */
  static void assertSameRows(String context, List<List<String>> expected, List<List<String>> actual) {
    if (expected.size() != actual.size()) {
      throw new AssertionError(context + ": expected " + expected.size() + " rows, got " + actual.size());
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            context + ": row " + i + " differs: expected " + expected.get(i) + " got " + actual.get(i));
      }
    }
  }
}
