package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The take and scan fast paths (one-chunk picks that decompress only the asked FSST strings,
 * full-zip fixed-width pages without levels read as one block, values loaded straight into Arrow
 * buffers) against the generated data, on seeded random rows with prime counts, nulls and
 * duplicates.
 */
class TakeFastPathTest {
  static final int ROWS = 100_003;
  static final int DIM = 7;

  @TempDir Path dir;

  static Field f(String name, ArrowType t, boolean nullable, Field... kids) {
    return new Field(name, new FieldType(nullable, t, null), List.of(kids));
  }

  @ParameterizedTest
  @EnumSource(value = LanceFileVersion.class, names = {"V2_1", "V2_2"})
  void takeAndScanMatchTheData(LanceFileVersion version) throws Exception {
    Schema schema = new Schema(List.of(
        f("id", new ArrowType.Int(64, true), true),
        f("s", ArrowType.Utf8.INSTANCE, true),
        f("t", ArrowType.Utf8.INSTANCE, false),
        f("v", new ArrowType.FixedSizeList(DIM), true, f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false)),
        f("w", new ArrowType.FixedSizeList(64), false, f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false))));
    SplittableRandom r = new SplittableRandom(977);
    Long[] ids = new Long[ROWS];
    String[] s = new String[ROWS];
    String[] t = new String[ROWS];
    float[][] v = new float[ROWS][];
    float[][] w = new float[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      ids[i] = r.nextInt(13) == 0 ? null : r.nextLong();
      s[i] = r.nextInt(11) == 0 ? null : word(r, 3 + r.nextInt(41));
      t[i] = word(r, r.nextInt(29));
      if (r.nextInt(17) != 0) {
        v[i] = new float[DIM];
        for (int k = 0; k < DIM; k++) {
          v[i][k] = (float) r.nextGaussian();
        }
      }
      w[i] = new float[64];
      for (int k = 0; k < 64; k++) {
        w[i][k] = (float) r.nextGaussian();
      }
    }
    LocalObjectStore store = new LocalObjectStore(dir);
    try (BufferAllocator a = new RootAllocator()) {
      try (LanceFileWriter wr = LanceFileWriter.create(store, "f.lance", schema, a, WriteOptions.builder().version(version).build())) {
        int batch = 8191;
        for (int start = 0; start < ROWS; start += batch) {
          int n = Math.min(batch, ROWS - start);
          try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, a)) {
            BigIntVector id = (BigIntVector) root.getVector("id");
            VarCharVector sv = (VarCharVector) root.getVector("s");
            VarCharVector tv = (VarCharVector) root.getVector("t");
            FixedSizeListVector vv = (FixedSizeListVector) root.getVector("v");
            FixedSizeListVector wv = (FixedSizeListVector) root.getVector("w");
            id.allocateNew(n);
            sv.allocateNew(n);
            tv.allocateNew(n);
            vv.setInitialCapacity(n);
            vv.allocateNew();
            wv.setInitialCapacity(n);
            wv.allocateNew();
            Float4Vector vi = (Float4Vector) vv.getDataVector();
            Float4Vector wi = (Float4Vector) wv.getDataVector();
            for (int i = 0; i < n; i++) {
              int row = start + i;
              if (ids[row] == null) {
                id.setNull(i);
              } else {
                id.set(i, ids[row]);
              }
              if (s[row] == null) {
                sv.setNull(i);
              } else {
                sv.setSafe(i, s[row].getBytes(StandardCharsets.UTF_8));
              }
              tv.setSafe(i, t[row].getBytes(StandardCharsets.UTF_8));
              if (v[row] == null) {
                vv.setNull(i);
                for (int k = 0; k < DIM; k++) {
                  vi.setSafe(i * DIM + k, 0f);
                }
              } else {
                vv.setNotNull(i);
                for (int k = 0; k < DIM; k++) {
                  vi.setSafe(i * DIM + k, v[row][k]);
                }
              }
              wv.setNotNull(i);
              for (int k = 0; k < 64; k++) {
                wi.setSafe(i * 64 + k, w[row][k]);
              }
            }
            vi.setValueCount(n * DIM);
            wi.setValueCount(n * 64);
            root.setRowCount(n);
            wr.write(root);
          }
        }
      }
      try (LanceFileReader rd = LanceFileReader.open(store, "f.lance", a)) {
        // The layouts the fast paths are for: FSST strings in mini-blocks, w full-zip without levels.
        FileInfo info = rd.info();
        assertThat(info.columns().get(4).pages()).allSatisfy(p -> assertThat(p.encoding()).startsWith("FullZip").contains("bits_rep=0, bits_def=0"));
        assertThat(info.columns().get(2).pages()).anySatisfy(p -> assertThat(p.encoding()).contains("Fsst"));
        // Scan: every row, batches that do not line up with chunks.
        try (ArrowReader sc = rd.scan(ScanOptions.builder().batchSize(4099).build())) {
          int row = 0;
          while (sc.loadNextBatch()) {
            VectorSchemaRoot root = sc.getVectorSchemaRoot();
            long[] rows = new long[root.getRowCount()];
            for (int i = 0; i < rows.length; i++) {
              rows[i] = row + i;
            }
            check(root, rows, ids, s, t, v, w);
            row += root.getRowCount();
          }
          assertThat(row).isEqualTo(ROWS);
        }
        // Takes: 1, a few, many; unsorted with duplicates.
        for (int n : new int[] {1, 2, 3, 31, 101, 1009, 10007}) {
          long[] rows = new long[n];
          for (int i = 0; i < n; i++) {
            rows[i] = i > 0 && r.nextInt(5) == 0 ? rows[r.nextInt(i)] : r.nextInt(ROWS);
          }
          try (VectorSchemaRoot root = rd.take(rows, null)) {
            check(root, rows, ids, s, t, v, w);
          }
          try (VectorSchemaRoot root = rd.take(rows, List.of("s"))) {
            assertThat(root.getFieldVectors()).hasSize(1);
            VarCharVector sv = (VarCharVector) root.getVector(0);
            for (int i = 0; i < n; i++) {
              assertThat(sv.getObject(i) == null ? null : sv.getObject(i).toString()).isEqualTo(s[(int) rows[i]]);
            }
          }
        }
      }
    }
  }

  private static void check(VectorSchemaRoot root, long[] rows, Long[] ids, String[] s, String[] t, float[][] v, float[][] w) {
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector sv = (VarCharVector) root.getVector("s");
    VarCharVector tv = (VarCharVector) root.getVector("t");
    FixedSizeListVector vv = (FixedSizeListVector) root.getVector("v");
    FixedSizeListVector wv = (FixedSizeListVector) root.getVector("w");
    Float4Vector vi = (Float4Vector) vv.getDataVector();
    Float4Vector wi = (Float4Vector) wv.getDataVector();
    assertThat(root.getRowCount()).isEqualTo(rows.length);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      int row = (int) rows[i];
      Long gotId = id.isNull(i) ? null : id.get(i);
      String gotS = sv.isNull(i) ? null : sv.getObject(i).toString();
      String gotT = tv.getObject(i).toString();
      if (!java.util.Objects.equals(gotId, ids[row]) || !java.util.Objects.equals(gotS, s[row]) || !gotT.equals(t[row])) {
        bad.add("row " + row + ": " + gotId + "/" + gotS + "/" + gotT);
      }
      if (vv.isNull(i) != (v[row] == null)) {
        bad.add("row " + row + ": v validity");
      } else if (v[row] != null) {
        for (int k = 0; k < DIM; k++) {
          if (Float.compare(vi.get(i * DIM + k), v[row][k]) != 0) {
            bad.add("row " + row + ": v[" + k + "]");
          }
        }
      }
      if (wv.isNull(i)) {
        bad.add("row " + row + ": w null");
      }
      for (int k = 0; k < 64; k++) {
        if (Float.compare(wi.get(i * 64 + k), w[row][k]) != 0) {
          bad.add("row " + row + ": w[" + k + "]");
          break;
        }
      }
      if (bad.size() > 10) {
        break;
      }
    }
    assertThat(bad).isEmpty();
  }

  private static String word(SplittableRandom r, int len) {
    // A small alphabet with repeated syllables so that the writer picks FSST.
    String[] syl = {"lan", "ce", "let", "ar", "row", "q", "zip", "ok"};
    StringBuilder b = new StringBuilder();
    while (b.length() < len) {
      b.append(syl[r.nextInt(syl.length)]);
    }
    return b.substring(0, len);
  }
}
