package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.table.expr.Ref.G;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.Dataset;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

/**
 * The same random filters run by lance-core 7.0 (DataFusion) on a dataset it wrote, and by
 * {@link Predicate} on the same batch: the selected rows must agree. Only the language subset
 * whose semantics the two engines share is generated (see {@link Gen#interop}).
 */
class ReferenceFilterInteropTest {
  @TempDir
  Path dir;

  @Test
  void filtersSelectTheSameRowsAsLanceCore() throws Exception {
    int filters = Integer.getInteger("expr.interop.cases", 150);
    long seed = Long.getLong("expr.seed", 4242L);
    Random rnd = new Random(seed);
    int rows = 300;
    try (BufferAllocator allocator = new RootAllocator();
        TestTable t = new TestTable(allocator, rnd, rows, 0.2)) {
      // The dataset gets one extra column with the row number, to identify the rows lance-core returns.
      List<Field> fields = new ArrayList<>(t.root.getSchema().getFields());
      fields.add(Field.notNullable("rownum", new ArrowType.Int(32, true)));
      Schema schema = new Schema(fields);
      Path ds = dir.resolve("filters.lance");
      try (IntVector rownum = new IntVector("rownum", allocator)) {
        rownum.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          rownum.set(i, i);
        }
        rownum.setValueCount(rows);
        List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>(t.root.getFieldVectors());
        vectors.add(rownum);
        // Not closed: it only borrows t.root's vectors and rownum, which are closed by their owners.
        VectorSchemaRoot withRow = new VectorSchemaRoot(fields, vectors, rows);
        // lance-core's importer needs aligned buffers, so hand it our vectors (not IPC-read slices).
        try (OneBatchReader reader = new OneBatchReader(allocator, withRow);
            Dataset written = Dataset.write().allocator(allocator).reader(reader).uri(ds.toString()).execute()) {
          assertThat(written.countRows()).isEqualTo(rows);
        }
      }
      try (Dataset dataset = Dataset.open(ds.toString(), allocator)) {
        assertThat(dataset.countRows()).isEqualTo(rows);
        int compared = 0;
        List<String> disagreements = new ArrayList<>();
        for (int k = 0; k < filters; k++) {
          G g = Gen.interop(rnd, t).predicate(rnd.nextInt(3));
          String sql = g.sql();
          BitSet ours = Predicate.parse(sql, TestTable.schema()).evaluate(t.root);
          BitSet theirs;
          try {
            theirs = lanceCoreRows(dataset, sql, allocator);
          } catch (Exception e) {
            disagreements.add(sql + "  -> lance-core failed: " + e.getMessage().lines().findFirst().orElse(""));
            continue;
          }
          compared++;
          if (!ours.equals(theirs)) {
            BitSet onlyOurs = (BitSet) ours.clone();
            onlyOurs.andNot(theirs);
            BitSet onlyTheirs = (BitSet) theirs.clone();
            onlyTheirs.andNot(ours);
            disagreements.add(sql + "  -> only Lancelet " + onlyOurs + ", only lance-core " + onlyTheirs);
          }
        }
        assertThat(disagreements).as("seed %d, %d filters compared", seed, compared).isEmpty();
      }
    }
  }

  /** An ArrowReader that yields one in-memory batch (buffers shared, not copied). */
  private static final class OneBatchReader extends ArrowReader {
    private final VectorSchemaRoot source;
    private boolean done;

    OneBatchReader(BufferAllocator allocator, VectorSchemaRoot source) {
      super(allocator);
      this.source = source;
    }

    @Override
    public boolean loadNextBatch() throws java.io.IOException {
      if (done) {
        return false;
      }
      done = true;
      VectorSchemaRoot root = getVectorSchemaRoot();
      try (org.apache.arrow.vector.ipc.message.ArrowRecordBatch batch =
          new org.apache.arrow.vector.VectorUnloader(source).getRecordBatch()) {
        new org.apache.arrow.vector.VectorLoader(root).load(batch);
      }
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return source.getSchema();
    }
  }

  private static BitSet lanceCoreRows(Dataset dataset, String sql, BufferAllocator allocator) throws Exception {
    BitSet out = new BitSet();
    ScanOptions options = new ScanOptions.Builder().filter(sql).columns(List.of("rownum")).build();
    try (LanceScanner scanner = dataset.newScan(options);
        ArrowReader batches = scanner.scanBatches()) {
      while (batches.loadNextBatch()) {
        IntVector v = (IntVector) batches.getVectorSchemaRoot().getVector("rownum");
        for (int i = 0; i < v.getValueCount(); i++) {
          out.set(v.get(i));
        }
      }
    }
    return out;
  }
}
