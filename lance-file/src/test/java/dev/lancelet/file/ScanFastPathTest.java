package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan fast path for mini-block pages of columns without nulls (chunks decoded straight into
 * Arrow buffers: plain, bit-packed, variable-width and FSST values) and the scan's one-batch
 * read-ahead, against the generated data: odd batch sizes, row ranges that start and end inside
 * chunks and pages, a scan closed after its first batch (the batch decoded ahead is released).
 */
class ScanFastPathTest {
  static final int ROWS = 70_001;

  @TempDir Path dir;

  @Test
  void scansMatchTheData() throws Exception {
    Schema schema = new Schema(List.of(
        Field.notNullable("i8", new ArrowType.Int(8, true)),
        Field.notNullable("i16", new ArrowType.Int(16, true)),
        Field.notNullable("i32", new ArrowType.Int(32, true)),
        Field.notNullable("small", new ArrowType.Int(64, true)),
        Field.notNullable("big", new ArrowType.Int(64, true)),
        Field.notNullable("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        Field.notNullable("s", ArrowType.Utf8.INSTANCE),
        Field.notNullable("b", ArrowType.Binary.INSTANCE)));
    SplittableRandom r = new SplittableRandom(4242);
    byte[] i8 = new byte[ROWS];
    short[] i16 = new short[ROWS];
    int[] i32 = new int[ROWS];
    long[] small = new long[ROWS];
    long[] big = new long[ROWS];
    double[] x = new double[ROWS];
    String[] s = new String[ROWS];
    byte[][] b = new byte[ROWS][];
    String[] syl = {"lan", "ce", "let", "ar", "row", "q", "zip", "ok"};
    for (int i = 0; i < ROWS; i++) {
      i8[i] = (byte) r.nextInt(-100, 100);
      i16[i] = (short) r.nextInt(0, 3000);
      i32[i] = r.nextInt();
      small[i] = i * 3L + r.nextInt(3);
      big[i] = r.nextLong();
      x[i] = r.nextDouble() - 0.5;
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(40);
      while (sb.length() < len) {
        sb.append(syl[r.nextInt(syl.length)]);
      }
      s[i] = sb.toString();
      b[i] = new byte[r.nextInt(6)];
      r.nextBytes(b[i]);
    }
    LocalObjectStore store = new LocalObjectStore(dir);
    try (BufferAllocator a = new RootAllocator()) {
      try (LanceFileWriter wr = LanceFileWriter.create(store, "f.lance", schema, a, WriteOptions.builder().build())) {
        int batch = 10_007;
        for (int start = 0; start < ROWS; start += batch) {
          int n = Math.min(batch, ROWS - start);
          try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, a)) {
            root.allocateNew();
            for (int i = 0; i < n; i++) {
              int row = start + i;
              ((TinyIntVector) root.getVector("i8")).setSafe(i, i8[row]);
              ((SmallIntVector) root.getVector("i16")).setSafe(i, i16[row]);
              ((IntVector) root.getVector("i32")).setSafe(i, i32[row]);
              ((BigIntVector) root.getVector("small")).setSafe(i, small[row]);
              ((BigIntVector) root.getVector("big")).setSafe(i, big[row]);
              ((Float8Vector) root.getVector("x")).setSafe(i, x[row]);
              ((VarCharVector) root.getVector("s")).setSafe(i, s[row].getBytes(StandardCharsets.UTF_8));
              ((VarBinaryVector) root.getVector("b")).setSafe(i, b[row]);
            }
            root.setRowCount(n);
            wr.write(root);
          }
        }
      }
      try (LanceFileReader rd = LanceFileReader.open(store, "f.lance", a)) {
        // The encodings the fast path is for.
        List<String> encodings = new ArrayList<>();
        for (FileInfo.ColumnInfo c : rd.info().columns()) {
          for (FileInfo.PageInfo p : c.pages()) {
            encodings.add(c.field() + ": " + p.encoding());
          }
        }
        assertThat(encodings).anySatisfy(e -> assertThat(e).startsWith("small").contains("InlineBitpacking"));
        assertThat(encodings).anySatisfy(e -> assertThat(e).startsWith("x").contains("Flat(64)"));
        assertThat(encodings).anySatisfy(e -> assertThat(e).startsWith("s").contains("Fsst(Variable"));
        assertThat(encodings).anySatisfy(e -> assertThat(e).startsWith("b").contains("MiniBlock(values=Variable"));
        for (int batch : new int[] {1_000, 4_099, 8_192, 100_000}) {
          scan(rd, batch, 0, ROWS, i8, i16, i32, small, big, x, s, b);
        }
        scan(rd, 777, 1, 2_049, i8, i16, i32, small, big, x, s, b);
        scan(rd, 5_000, 12_345, ROWS - 3, i8, i16, i32, small, big, x, s, b);
        scan(rd, 1, 65_530, 65_540, i8, i16, i32, small, big, x, s, b);
        // Closed after one batch: the batch decoded ahead is released (the allocator checks).
        try (ArrowReader sc = rd.scan(ScanOptions.builder().batchSize(1_000).build())) {
          assertThat(sc.loadNextBatch()).isTrue();
        }
      }
    }
  }

  private static void scan(LanceFileReader rd, int batch, long from, long to, byte[] i8, short[] i16, int[] i32, long[] small, long[] big,
      double[] x, String[] s, byte[][] b) throws Exception {
    try (ArrowReader sc = rd.scan(ScanOptions.builder().batchSize(batch).rowRange(from, to).build())) {
      long row = from;
      List<String> bad = new ArrayList<>();
      while (sc.loadNextBatch()) {
        VectorSchemaRoot root = sc.getVectorSchemaRoot();
        for (FieldVector v : root.getFieldVectors()) {
          assertThat(v.getNullCount()).as(v.getField().getName()).isZero();
        }
        for (int i = 0; i < root.getRowCount() && bad.size() < 10; i++) {
          int at = (int) (row + i);
          if (((TinyIntVector) root.getVector("i8")).get(i) != i8[at]
              || ((SmallIntVector) root.getVector("i16")).get(i) != i16[at]
              || ((IntVector) root.getVector("i32")).get(i) != i32[at]
              || ((BigIntVector) root.getVector("small")).get(i) != small[at]
              || ((BigIntVector) root.getVector("big")).get(i) != big[at]
              || Double.compare(((Float8Vector) root.getVector("x")).get(i), x[at]) != 0
              || !new String(((VarCharVector) root.getVector("s")).get(i), StandardCharsets.UTF_8).equals(s[at])
              || !java.util.Arrays.equals(((VarBinaryVector) root.getVector("b")).get(i), b[at])) {
            bad.add("batch " + batch + " row " + at);
          }
        }
        row += root.getRowCount();
      }
      assertThat(bad).isEmpty();
      assertThat(row).isEqualTo(to);
    }
  }
}
