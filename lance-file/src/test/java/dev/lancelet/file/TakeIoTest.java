package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.CountingObjectStore;
import dev.lancelet.io.LocalObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Take reads only what the asked rows need: files written by lance-core 7.0, reads counted by
 * {@link CountingObjectStore}. Every value is checked against the generated data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TakeIoTest {
  static final long SEED = 20251115L;
  static final int ROWS = 1_048_577; // one past the default max rows of a page: two chunks' worth at the end
  static final int VEC_ROWS = 40_000;
  static final int DIM = 128;

  @TempDir static Path dir;
  BufferAllocator alloc;
  long[] ids;
  int[][] lists; // null = null list
  float[] vecs;

  static Field f(String name, ArrowType t, boolean nullable, Field... children) {
    return new Field(name, new FieldType(nullable, t, null), List.of(children));
  }

  @BeforeAll
  void write() throws Exception {
    alloc = new RootAllocator();
    Random r = new Random(SEED);
    ids = new long[ROWS];
    lists = new int[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      ids[i] = r.nextLong();
      int k = r.nextInt(8);
      if (k == 0) {
        lists[i] = null;
      } else {
        int[] l = new int[k == 1 ? 0 : r.nextInt(4)];
        for (int j = 0; j < l.length; j++) {
          l[j] = r.nextInt();
        }
        lists[i] = l;
      }
    }
    Schema s = new Schema(List.of(
        f("id", new ArrowType.Int(64, true), false),
        f("li", ArrowType.List.INSTANCE, true, f("item", new ArrowType.Int(32, true), false))));
    try (org.lance.file.LanceFileWriter w = org.lance.file.LanceFileWriter.open(dir.resolve("big.lance").toString(), alloc, null, Optional.of("2.1"), Map.of())) {
      int batch = 1 << 17;
      for (int start = 0; start < ROWS; start += batch) {
        int n = Math.min(batch, ROWS - start);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(s, alloc)) {
          BigIntVector id = (BigIntVector) root.getVector("id");
          id.allocateNew(n);
          for (int i = 0; i < n; i++) {
            id.set(i, ids[start + i]);
          }
          id.setValueCount(n);
          ListVector li = (ListVector) root.getVector("li");
          UnionListWriter lw = li.getWriter();
          for (int i = 0; i < n; i++) {
            lw.setPosition(i);
            int[] l = lists[start + i];
            if (l == null) {
              lw.writeNull();
              continue;
            }
            lw.startList();
            for (int v : l) {
              lw.integer().writeInt(v);
            }
            lw.endList();
          }
          li.setValueCount(n);
          root.setRowCount(n);
          w.write(root);
        }
      }
    }
    vecs = new float[VEC_ROWS * DIM];
    for (int i = 0; i < vecs.length; i++) {
      vecs[i] = r.nextFloat();
    }
    Schema vs = new Schema(List.of(f("vec", new ArrowType.FixedSizeList(DIM), false, f("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false))));
    try (org.lance.file.LanceFileWriter w = org.lance.file.LanceFileWriter.open(dir.resolve("vec.lance").toString(), alloc, null, Optional.of("2.1"), Map.of());
        VectorSchemaRoot root = VectorSchemaRoot.create(vs, alloc)) {
      FixedSizeListVector v = (FixedSizeListVector) root.getVector("vec");
      Float4Vector items = (Float4Vector) v.getDataVector();
      v.setInitialCapacity(VEC_ROWS);
      v.allocateNew();
      for (int i = 0; i < VEC_ROWS; i++) {
        v.setNotNull(i);
        for (int j = 0; j < DIM; j++) {
          items.setSafe(i * DIM + j, vecs[i * DIM + j]);
        }
      }
      v.setValueCount(VEC_ROWS);
      root.setRowCount(VEC_ROWS);
      w.write(root);
    }
  }

  @AfterAll
  void close() {
    alloc.close();
  }

  static long[] randomRows(Random r, int n, int bound) {
    long[] rows = new long[n];
    for (int i = 0; i < n; i++) {
      rows[i] = r.nextInt(bound);
    }
    if (n > 2) {
      rows[n - 1] = rows[0]; // a duplicate
    }
    return rows;
  }

  void checkIds(VectorSchemaRoot t, long[] rows, String ctx) {
    BigIntVector v = (BigIntVector) t.getVector("id");
    assertThat(t.getRowCount()).isEqualTo(rows.length);
    for (int i = 0; i < rows.length; i++) {
      assertThat(v.get(i)).as("%s row %d (seed %d)", ctx, rows[i], SEED).isEqualTo(ids[(int) rows[i]]);
    }
  }

  @Test
  void takeInt64ReadsOnlyTheChunksOfTheRows() throws Exception {
    CountingObjectStore store = new CountingObjectStore(new LocalObjectStore(dir));
    try (LanceFileReader r = LanceFileReader.open(store, "big.lance", alloc)) {
      Random rnd = new Random(SEED + 1);
      try (VectorSchemaRoot t = r.take(new long[] {5}, List.of("id"))) {
        checkIds(t, new long[] {5}, "warm-up");
      }
      for (long row : new long[] {rnd.nextInt(ROWS), 0, ROWS - 1, ROWS - 2, 1_048_576, 1_048_575}) {
        store.reset();
        try (VectorSchemaRoot t = r.take(new long[] {row}, List.of("id"))) {
          checkIds(t, new long[] {row}, "take 1");
        }
        System.out.printf("take 1 int64 row %d: %d requests, %d bytes%n", row, store.requests(), store.bytesRead());
        assertThat(store.requests()).as("requests for row %d", row).isEqualTo(1);
        assertThat(store.bytesRead()).as("bytes for row %d", row).isLessThanOrEqualTo(8192);
      }
      long[] rows = randomRows(rnd, 100, ROWS);
      store.reset();
      try (VectorSchemaRoot t = r.take(rows, List.of("id"))) {
        checkIds(t, rows, "take 100");
      }
      System.out.printf("take 100 int64: %d requests, %d bytes%n", store.requests(), store.bytesRead());
      assertThat(store.requests()).isLessThanOrEqualTo(100);
      assertThat(store.bytesRead()).isLessThanOrEqualTo(100 * 8192);
      rows = randomRows(rnd, 10_000, ROWS);
      store.reset();
      try (VectorSchemaRoot t = r.take(rows, List.of("id"))) {
        checkIds(t, rows, "take 10000");
      }
      System.out.printf("take 10000 int64: %d requests, %d bytes%n", store.requests(), store.bytesRead());
      assertThat(store.requests()).as("coalesced").isLessThan(100);
    }
  }

  @Test
  void takeListsUsesTheRepetitionIndex() throws Exception {
    CountingObjectStore store = new CountingObjectStore(new LocalObjectStore(dir));
    try (LanceFileReader r = LanceFileReader.open(store, "big.lance", alloc)) {
      Random rnd = new Random(SEED + 2);
      r.take(new long[] {1}, List.of("li")).close();
      for (int round = 0; round < 20; round++) {
        long[] rows = randomRows(rnd, 1 + rnd.nextInt(300), ROWS);
        if (round == 0) {
          rows = new long[] {0, ROWS - 1, ROWS - 1, 1_048_575, 1_048_576, 3};
        }
        store.reset();
        try (VectorSchemaRoot t = r.take(rows, List.of("li", "id"))) {
          checkIds(t, rows, "take lists");
          ListVector li = (ListVector) t.getVector("li");
          IntVector items = (IntVector) li.getDataVector();
          for (int i = 0; i < rows.length; i++) {
            int[] e = lists[(int) rows[i]];
            if (e == null) {
              assertThat(li.isNull(i)).as("row %d null (seed %d)", rows[i], SEED).isTrue();
              continue;
            }
            int s = li.getOffsetBuffer().getInt(4L * i);
            int end = li.getOffsetBuffer().getInt(4L * (i + 1));
            int[] a = new int[end - s];
            for (int j = s; j < end; j++) {
              a[j - s] = items.get(j);
            }
            assertThat(a).as("row %d (seed %d)", rows[i], SEED).containsExactly(e);
          }
        }
        if (rows.length == 1) {
          assertThat(store.requests()).isLessThanOrEqualTo(2);
        }
      }
    }
  }

  @Test
  void scanInOddBatches() throws Exception {
    CountingObjectStore store = new CountingObjectStore(new LocalObjectStore(dir));
    try (LanceFileReader r = LanceFileReader.open(store, "big.lance", alloc);
        ArrowReader ar = r.scan(ScanOptions.builder().columns("id", "li").rowRange(1000, ROWS).batchSize(65_537).build())) {
      long pos = 1000;
      while (ar.loadNextBatch()) {
        VectorSchemaRoot b = ar.getVectorSchemaRoot();
        BigIntVector v = (BigIntVector) b.getVector("id");
        ListVector li = (ListVector) b.getVector("li");
        for (int i = 0; i < b.getRowCount(); i++) {
          assertThat(v.get(i)).as("scan row %d (seed %d)", pos + i, SEED).isEqualTo(ids[(int) (pos + i)]);
          assertThat(li.isNull(i)).as("scan row %d null (seed %d)", pos + i, SEED).isEqualTo(lists[(int) (pos + i)] == null);
        }
        pos += b.getRowCount();
      }
      assertThat(pos).isEqualTo(ROWS);
      System.out.printf("scan of %d rows (id, li): %d requests, %d bytes%n", ROWS - 1000, store.requests(), store.bytesRead());
    }
  }

  @Test
  void takeVectorsReadsOnlyTheirBytes() throws Exception {
    CountingObjectStore store = new CountingObjectStore(new LocalObjectStore(dir));
    try (LanceFileReader r = LanceFileReader.open(store, "vec.lance", alloc)) {
      Random rnd = new Random(SEED + 3);
      r.take(new long[] {7}, null).close();
      for (int n : new int[] {1, 100, 10_000}) {
        long[] rows = randomRows(rnd, n, VEC_ROWS);
        store.reset();
        try (VectorSchemaRoot t = r.take(rows, null)) {
          FixedSizeListVector v = (FixedSizeListVector) t.getVector("vec");
          Float4Vector items = (Float4Vector) v.getDataVector();
          for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < DIM; j++) {
              assertThat(items.get(i * DIM + j)).as("vec row %d item %d (seed %d)", rows[i], j, SEED).isEqualTo(vecs[(int) rows[i] * DIM + j]);
            }
          }
        }
        System.out.printf("take %d vectors: %d requests, %d bytes%n", n, store.requests(), store.bytesRead());
        if (n <= 100) {
          assertThat(store.bytesRead()).isLessThanOrEqualTo((long) n * (DIM * 4 + 8) + 4096 * n / 10 + 4096);
        }
      }
    }
  }
}
