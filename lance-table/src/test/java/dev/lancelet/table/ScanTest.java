package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scan options (projection, limit, offset, batch size, filter hook) and take, on an in-memory dataset. */
class ScanTest {
  BufferAllocator allocator;
  Dataset ds;

  @BeforeEach
  void open() throws Exception {
    allocator = new RootAllocator();
    MemoryObjectStore store = new MemoryObjectStore("scan");
    List<VectorSchemaRoot> batches = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batches.add(ReferenceDatasets.idNameBatch(i * 300L, 300, allocator));
    }
    try (RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, batches)) {
      ds = Dataset.write(in, store, WriteOptions.builder().maxRowsPerFile(400).allocator(allocator).build());
    } finally {
      batches.forEach(VectorSchemaRoot::close);
    }
  }

  @AfterEach
  void close() throws Exception {
    ds.close();
    allocator.close();
  }

  private List<Long> ids(ArrowReader r) throws Exception {
    List<Long> out = new ArrayList<>();
    try (r) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot root = r.getVectorSchemaRoot();
        BigIntVector v = (BigIntVector) root.getVector("id");
        assertThat(root.getRowCount()).isLessThanOrEqualTo(64);
        for (int i = 0; i < root.getRowCount(); i++) {
          out.add(v.get(i));
        }
      }
    }
    return out;
  }

  @Test
  void limitOffsetAndProjection() throws Exception {
    assertThat(ds.fragments()).hasSize(4);
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int k = 0; k < 20; k++) {
      int offset = r.nextInt(1600);
      int limit = r.nextInt(700);
      List<Long> got = ids(ds.newScan().columns("id").offset(offset).limit(limit).batchSize(64)
          .fragmentReadahead(r.nextInt(3)).open());
      List<Long> want = new ArrayList<>();
      for (long i = offset; i < Math.min(1500, offset + limit); i++) {
        want.add(i);
      }
      assertThat(got).as("seed %d offset %d limit %d", seed, offset, limit).isEqualTo(want);
    }
    try (ArrowReader rd = ds.newScan().columns("name", "id").withRowAddress(true).open()) {
      assertThat(rd.getVectorSchemaRoot().getSchema().getFields()).extracting(f -> f.getName())
          .containsExactly("name", "id", "_rowaddr");
    }
    assertThatThrownBy(() -> ds.newScan().columns("nope").open()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void filterHookKeepsTheRowsItSelects() throws Exception {
    BatchFilter even = new BatchFilter() {
      @Override
      public Set<String> columns() {
        return Set.of("id");
      }

      @Override
      public BitSet evaluate(VectorSchemaRoot batch) {
        BitSet b = new BitSet();
        BigIntVector v = (BigIntVector) batch.getVector("id");
        for (int i = 0; i < batch.getRowCount(); i++) {
          if (v.get(i) % 2 == 0) {
            b.set(i);
          }
        }
        return b;
      }
    };
    try (ArrowReader r = ds.newScan().columns("name").filter(even).offset(3).limit(5).open()) {
      assertThat(r.loadNextBatch()).isTrue();
      VectorSchemaRoot root = r.getVectorSchemaRoot();
      assertThat(root.getSchema().getFields()).hasSize(1);
      List<String> names = new ArrayList<>();
      for (int i = 0; i < root.getRowCount(); i++) {
        names.add(root.getVector(0).getObject(i) == null ? null : root.getVector(0).getObject(i).toString());
      }
      assertThat(names).containsExactly("n6", "n8", null, "n12", "n14");
    }
    assertThat(ids(ds.newScan().columns("id").filter("id >= 3 AND id < 9 AND id <> 5").batchSize(64).open()))
        .containsExactly(3L, 4L, 6L, 7L, 8L);
    assertThatThrownBy(() -> ds.newScan().filter("nope > 3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void takeByPositionAndAddress() throws Exception {
    List<VectorSchemaRoot> all = OurScans.scan(ds, null, false, false, allocator);
    try {
      long[] rows = {1499, 0, 400, 400, 799, 3};
      try (VectorSchemaRoot t = ds.take(rows, null)) {
        ArrowAssert.assertRowsEqual(all, null, rows, t, null, "take");
      }
      long[] addrs = {(3L << 32) | 299, 0, (1L << 32)};
      try (VectorSchemaRoot t = ds.takeByAddress(addrs, List.of("id"))) {
        BigIntVector v = (BigIntVector) t.getVector(0);
        assertThat(List.of(v.get(0), v.get(1), v.get(2))).containsExactly(1499L, 0L, 400L);
      }
      assertThatThrownBy(() -> ds.take(new long[] {1500}, null)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> ds.takeByAddress(new long[] {(9L << 32)}, null)).isInstanceOf(IllegalArgumentException.class);
    } finally {
      OurScans.closeAll(all);
    }
  }

  @Test
  void closingAScanEarlyReleasesEverything() throws Exception {
    for (int i = 0; i < 10; i++) {
      try (ArrowReader r = ds.newScan().batchSize(7).fragmentReadahead(3).open()) {
        assertThat(r.loadNextBatch()).isTrue();
      }
    }
    // The allocator check in close() fails the test if anything leaked.
  }
}
