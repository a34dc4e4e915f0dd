package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.table.expr.ExpressionException;
import dev.lancelet.table.format.DeletionFile;
import dev.lancelet.table.format.FeatureFlags;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.testing.RootsReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Filtered scans, delete, update and merge-insert on in-memory datasets of several fragments
 * with nulls, each checked against a plain Java model of the rows.
 */
class DmlTest {
  static final Schema SCHEMA = new Schema(List.of(
      new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
      new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
      new Field("score", FieldType.nullable(new ArrowType.Int(32, true)), null)));

  /** A row of the model. */
  record Row(long id, String name, Integer score) {}

  BufferAllocator allocator;
  MemoryObjectStore store;
  List<Row> model;

  @BeforeEach
  void open() throws Exception {
    allocator = new RootAllocator();
    store = new MemoryObjectStore("dml");
    model = new ArrayList<>();
    // 4 fragments of 500 rows.
    try (Dataset ds = write(rows(0, 2000), WriteOptions.Mode.CREATE)) {
      assertThat(ds.fragments()).hasSize(4);
    }
  }

  @AfterEach
  void close() throws Exception {
    allocator.close();
  }

  static List<Row> rows(long start, int n) {
    List<Row> out = new ArrayList<>();
    for (long id = start; id < start + n; id++) {
      out.add(new Row(id, id % 7 == 3 ? null : "n" + id, id % 5 == 0 ? null : (int) (id % 100)));
    }
    return out;
  }

  VectorSchemaRoot batch(List<Row> rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    BigIntVector id = (BigIntVector) root.getVector(0);
    VarCharVector name = (VarCharVector) root.getVector(1);
    IntVector score = (IntVector) root.getVector(2);
    root.allocateNew();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      id.setSafe(i, r.id());
      if (r.name() == null) {
        name.setNull(i);
      } else {
        name.setSafe(i, r.name().getBytes(StandardCharsets.UTF_8));
      }
      if (r.score() == null) {
        score.setNull(i);
      } else {
        score.setSafe(i, r.score());
      }
    }
    root.setRowCount(rows.size());
    return root;
  }

  Dataset write(List<Row> rows, WriteOptions.Mode mode) throws Exception {
    try (VectorSchemaRoot b = batch(rows); RootsReader in = new RootsReader(allocator, SCHEMA, List.of(b))) {
      Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(mode).maxRowsPerFile(500).allocator(allocator).build());
      model.addAll(rows);
      return ds;
    }
  }

  Dataset latest() throws Exception {
    return Dataset.open(store, OpenOptions.builder().allocator(allocator).build());
  }

  static List<Row> read(ArrowReader r) throws Exception {
    List<Row> out = new ArrayList<>();
    try (r) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot b = r.getVectorSchemaRoot();
        for (int i = 0; i < b.getRowCount(); i++) {
          Object name = b.getVector("name").getObject(i);
          Object score = b.getVector("score").getObject(i);
          out.add(new Row((Long) b.getVector("id").getObject(i), name == null ? null : name.toString(), (Integer) score));
        }
      }
    }
    return out;
  }

  void assertModel(Dataset ds) throws Exception {
    assertThat(read(ds.newScan().batchSize(300).open())).containsExactlyInAnyOrderElementsOf(model);
    assertThat(ds.countRows()).isEqualTo(model.size());
  }

  static List<Row> where(List<Row> rows, Predicate<Row> p) {
    return rows.stream().filter(p).toList();
  }

  // ------------------------------------------------------------------ filters

  @Test
  void filteredScansMatchTheModel() throws Exception {
    try (Dataset ds = latest()) {
      Predicate<Row> p = r -> r.score() != null && r.score() > 90 && r.name() != null;
      List<Row> expected = where(model, p);
      assertThat(read(ds.newScan().filter("score > 90 AND name IS NOT NULL").batchSize(128).open()))
          .containsExactlyElementsOf(expected);
      // Projection without the filter's columns, offset and limit after the filter.
      try (ArrowReader r = ds.newScan().columns("id").filter("score > 90 AND name IS NOT NULL").offset(5).limit(7)
          .withRowAddress(true).withRowId(true).open()) {
        List<Long> ids = new ArrayList<>();
        while (r.loadNextBatch()) {
          VectorSchemaRoot b = r.getVectorSchemaRoot();
          assertThat(b.getSchema().getFields()).extracting(Field::getName).containsExactly("id", "_rowid", "_rowaddr");
          for (int i = 0; i < b.getRowCount(); i++) {
            long id = ((BigIntVector) b.getVector("id")).get(i);
            ids.add(id);
            // 500 rows per fragment, ids = positions.
            long addr = ((UInt8Vector) b.getVector("_rowaddr")).get(i);
            assertThat(addr).isEqualTo(((id / 500) << 32) | (id % 500));
            assertThat(((UInt8Vector) b.getVector("_rowid")).get(i)).isEqualTo(addr);
          }
        }
        assertThat(ids).containsExactlyElementsOf(expected.subList(5, 12).stream().map(Row::id).toList());
      }
      assertThat(ds.countRows("score IS NULL")).isEqualTo(where(model, r -> r.score() == null).size());
      assertThat(ds.countRows("name LIKE 'n1%'")).isEqualTo(
          where(model, r -> r.name() != null && r.name().startsWith("n1")).size());
      assertThat(ds.countRows("id < 0")).isZero();
      assertThat(ds.countRows("true")).isEqualTo(2000);
    }
  }

  @Test
  void sparseAndDenseFiltersOverDeletedRows() throws Exception {
    try (Dataset v1 = latest(); Dataset ds = v1.delete("id % 3 = 0")) {
      model.removeIf(r -> r.id() % 3 == 0);
      // Sparse (rows taken one by one), dense (row ranges read and cut), everything, nothing.
      for (String f : List.of("id % 50 = 7", "score > 40", "id >= 0", "id < 0", "name IS NULL AND score IS NOT NULL")) {
        Predicate<Row> p = switch (f) {
          case "id % 50 = 7" -> r -> r.id() % 50 == 7;
          case "score > 40" -> r -> r.score() != null && r.score() > 40;
          case "id >= 0" -> r -> true;
          case "id < 0" -> r -> false;
          default -> r -> r.name() == null && r.score() != null;
        };
        for (int batch : new int[] {64, 1000}) {
          assertThat(read(ds.newScan().filter(f).batchSize(batch).open())).as(f + ", batch " + batch)
              .containsExactlyElementsOf(where(model, p));
        }
        assertThat(ds.countRows(f)).as(f).isEqualTo(where(model, p).size());
      }
    }
  }

  @Test
  void badFiltersNameTheExpression() throws Exception {
    try (Dataset ds = latest()) {
      assertThatThrownBy(() -> ds.newScan().filter("nope = 1")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("nope = 1");
      assertThatThrownBy(() -> ds.countRows("score >")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("score >");
      assertThatThrownBy(() -> ds.delete("name + 1")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("name + 1");
      assertThatThrownBy(() -> ds.update(Map.of("score", "score +"), null)).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("score +");
      assertThatThrownBy(() -> ds.update(Map.of("score", "1"), "missing > 2")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("missing > 2");
      assertThatThrownBy(() -> ds.update(Map.of("nope", "1"), null)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nope");
      // Runtime failures too: division by zero.
      assertThatThrownBy(() -> ds.countRows("id / 0 > 1")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("id / 0");
      assertThat(ds.latestVersion()).isEqualTo(1);
    }
  }

  @Test
  void fragmentsWhoseFilterColumnsAreAllMissingAreSkippedOrReadWhole() throws Exception {
    // A column added without data files is null everywhere: "extra IS NULL" matches all, "extra = 1" none.
    try (Dataset ds = latest()) {
      var m = ds.manifest();
      var schema = m.schema().withAdded(new Schema(List.of(new Field("extra", FieldType.nullable(new ArrowType.Int(32, true)), null))));
      var op = new dev.lancelet.table.commit.Operation() {
        @Override
        public String name() {
          return "Merge";
        }

        @Override
        public Applied apply(dev.lancelet.table.format.Manifest base) {
          TransactionProtos.Transaction.Merge.Builder mb = TransactionProtos.Transaction.Merge.newBuilder();
          return new Applied(base.withSchema(schema), TransactionProtos.Transaction.newBuilder().setMerge(mb));
        }

        @Override
        public boolean commutesWith(dev.lancelet.table.format.Transaction other) {
          return false;
        }
      };
      new dev.lancelet.table.commit.Committer(store, 0).commit(op, 1);
    }
    try (Dataset ds = latest()) {
      assertThat(ds.countRows("extra = 1")).isZero();
      assertThat(ds.countRows("extra IS NULL")).isEqualTo(2000);
      assertThat(ds.countRows("extra IS NULL AND id < 10")).isEqualTo(10);
    }
  }

  // ------------------------------------------------------------------ delete

  @Test
  void deleteMarksRowsMergesWithEarlierDeletionsAndDropsEmptyFragments() throws Exception {
    try (Dataset ds = latest(); Dataset v2 = ds.delete("score IS NULL OR id % 10 = 1")) {
      model.removeIf(r -> r.score() == null || r.id() % 10 == 1);
      assertThat(v2.version()).isEqualTo(2);
      assertModel(v2);
      assertThat(ds.countRows()).isEqualTo(2000); // the old version is unchanged
      assertThat(v2.manifest().readerFeatureFlags() & FeatureFlags.DELETION_FILES).isEqualTo(FeatureFlags.DELETION_FILES);
      assertThat(v2.manifest().writerFeatureFlags() & FeatureFlags.DELETION_FILES).isEqualTo(FeatureFlags.DELETION_FILES);
      for (Fragment f : v2.fragments()) {
        assertThat(f.deletionFile().type()).isEqualTo(DeletionFile.Type.ARROW_ARRAY);
        assertThat(f.deletionFile().numDeletedRows()).isEqualTo(150);
        assertThat(f.deletionFile().readVersion()).isEqualTo(1);
        assertThat(f.files()).isEqualTo(ds.manifest().fragment(f.id()).files()); // no rewrite
      }
      TransactionProtos.Transaction t = v2.manifestFile().transaction().toProto();
      assertThat(t.getDelete().getPredicate()).isEqualTo("score IS NULL OR id % 10 = 1");
      assertThat(t.getDelete().getUpdatedFragmentsCount()).isEqualTo(4);
      assertThat(t.getReadVersion()).isEqualTo(1);
      // Second delete: merged with the first deletion file; fragment 1 (ids 500..999) goes entirely.
      try (Dataset v3 = v2.delete("(id >= 500 AND id < 1000) OR name IS NULL")) {
        model.removeIf(r -> (r.id() >= 500 && r.id() < 1000) || r.name() == null);
        assertModel(v3);
        assertThat(v3.fragments()).extracting(Fragment::id).containsExactly(0L, 2L, 3L);
        TransactionProtos.Transaction.Delete d = v3.manifestFile().transaction().toProto().getDelete();
        assertThat(d.getDeletedFragmentIdsList()).containsExactly(1L);
        assertThat(d.getUpdatedFragmentsList()).extracting(f -> f.getId()).containsExactly(0L, 2L, 3L);
        assertThat(v3.versions()).extracting(VersionInfo::operation).containsExactly("Overwrite", "Delete", "Delete");
        // A delete matching nothing still commits a version, with no change.
        try (Dataset v4 = v3.delete("id < 0")) {
          assertThat(v4.version()).isEqualTo(4);
          assertThat(v4.fragments()).isEqualTo(v3.fragments());
          assertModel(v4);
        }
      }
    }
  }

  @Test
  void largeDeletionsAreWrittenAsBitmaps() throws Exception {
    try (Dataset big = write(rows(2000, 12_000), WriteOptions.Mode.APPEND)) {
      assertThat(big.fragments()).hasSize(28);
    }
    // One fragment of 12000 rows to cross Lance's 5000-row threshold.
    model.clear();
    try (VectorSchemaRoot b = batch(rows(0, 12_000)); RootsReader in = new RootsReader(allocator, SCHEMA, List.of(b));
        Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(WriteOptions.Mode.OVERWRITE).allocator(allocator).build())) {
      model.addAll(rows(0, 12_000));
      try (Dataset v = ds.delete("id % 2 = 0 AND id < 9998")) { // 4999 rows: an Arrow file
        model.removeIf(r -> r.id() % 2 == 0 && r.id() < 9998);
        assertThat(v.fragments().get(0).deletionFile().type()).isEqualTo(DeletionFile.Type.ARROW_ARRAY);
        assertModel(v);
        // Merged to 5001 rows: above the threshold, a bitmap.
        try (Dataset w = v.delete("id = 9998 OR id = 10000")) {
          model.removeIf(r -> r.id() == 9998 || r.id() == 10000);
          assertThat(w.fragments().get(0).deletionFile().type()).isEqualTo(DeletionFile.Type.BITMAP);
          assertThat(w.fragments().get(0).deletionFile().numDeletedRows()).isEqualTo(5001);
          assertModel(w);
          // A bitmap stays a bitmap.
          try (Dataset x = w.delete("id = 1")) {
            assertThat(x.fragments().get(0).deletionFile().type()).isEqualTo(DeletionFile.Type.BITMAP);
          }
        }
      }
    }
    // A first deletion of 5000 rows is a bitmap right away, as in Lance.
    try (VectorSchemaRoot b = batch(rows(0, 12_000)); RootsReader in = new RootsReader(allocator, SCHEMA, List.of(b));
        Dataset ds = Dataset.write(in, new MemoryObjectStore("fresh"), WriteOptions.builder().allocator(allocator).build());
        Dataset v = ds.delete("id % 2 = 0 AND id < 10000")) {
      assertThat(v.fragments().get(0).deletionFile().type()).isEqualTo(DeletionFile.Type.BITMAP);
      assertThat(v.countRows()).isEqualTo(7000);
    }
  }

  // ------------------------------------------------------------------ update

  @Test
  void updateRewritesMatchingRowsIntoNewFragments() throws Exception {
    try (Dataset v1 = latest();
        Dataset v2 = v1.update(Map.of("score", "score * 2 + 1", "name", "'upd'"), "score > 95 OR name IS NULL")) {
      List<Row> next = new ArrayList<>();
      for (Row r : model) {
        boolean hit = (r.score() != null && r.score() > 95) || r.name() == null;
        next.add(hit ? new Row(r.id(), "upd", r.score() == null ? null : r.score() * 2 + 1) : r);
      }
      model = next;
      assertModel(v2);
      TransactionProtos.Transaction.Update u = v2.manifestFile().transaction().toProto().getUpdate();
      assertThat(u.getNewFragmentsCount()).isEqualTo(1);
      assertThat(u.getNewFragments(0).getId()).isEqualTo(4);
      assertThat(u.getUpdatedFragmentsCount()).isEqualTo(4);
      assertThat(u.getRemovedFragmentIdsCount()).isZero();
      assertThat(v2.fragments()).extracting(Fragment::id).containsExactly(0L, 1L, 2L, 3L, 4L);
      long moved = where(next, r -> "upd".equals(r.name())).size();
      assertThat(v2.fragments().get(4).physicalRows()).isEqualTo(moved);
      // Set from another column, with a conversion; all rows of fragment 0 -> fragment removed.
      try (Dataset v3 = v2.update(new LinkedHashMap<>(Map.of("score", "id % 3")), "id < 500")) {
        model = new ArrayList<>(model.stream().map(r -> r.id() < 500 ? new Row(r.id(), r.name(), (int) (r.id() % 3)) : r).toList());
        assertModel(v3);
        assertThat(v3.manifestFile().transaction().toProto().getUpdate().getRemovedFragmentIdsList()).containsExactly(0L);
        assertThat(v3.fragments()).extracting(Fragment::id).doesNotContain(0L);
      }
    }
  }

  @Test
  void updateErrorsAreClear() throws Exception {
    try (Dataset ds = latest()) {
      assertThatThrownBy(() -> ds.update(Map.of("score", "'abc'"), "id = 1")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("abc");
      assertThatThrownBy(() -> ds.update(Map.of("id", "NULL"), "id = 1")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not nullable");
      assertThatThrownBy(() -> ds.update(Map.of(), "id = 1")).isInstanceOf(IllegalArgumentException.class);
      assertThat(ds.latestVersion()).isEqualTo(1);
      // Nothing left behind by the failed updates.
      assertThat(store.list("data/")).hasSize(4);
    }
  }

  // ------------------------------------------------------------------ merge insert

  ArrowReader source(List<Row> rows) {
    VectorSchemaRoot b = batch(rows);
    return new RootsReader(allocator, SCHEMA, List.of(b)) {
      @Override
      protected void closeReadSource() {
        super.closeReadSource();
        b.close();
      }
    };
  }

  @Test
  void mergeInsertUpsertsByKey() throws Exception {
    List<Row> src = new ArrayList<>();
    for (long id = 1990; id < 2010; id++) {
      src.add(new Row(id, id % 3 == 0 ? null : "m" + id, (int) id));
    }
    src.add(new Row(1, "one", null));
    try (Dataset v1 = latest(); ArrowReader in = source(src);
        MergeInsertBuilder.Result r = v1.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(in)) {
      assertThat(r.rowsUpdated()).isEqualTo(11);
      assertThat(r.rowsInserted()).isEqualTo(10);
      assertThat(r.rowsDeleted()).isZero();
      model.removeIf(x -> x.id() == 1 || (x.id() >= 1990));
      model.addAll(src);
      assertModel(r.dataset());
      TransactionProtos.Transaction.Update u = r.dataset().manifestFile().transaction().toProto().getUpdate();
      assertThat(u.getNewFragmentsCount()).isEqualTo(1);
      assertThat(u.getNewFragments(0).getPhysicalRows()).isEqualTo(21);
      assertThat(u.getUpdatedFragmentsList()).extracting(f -> f.getId()).containsExactly(0L, 3L);
    }
  }

  @Test
  void mergeInsertVariants() throws Exception {
    List<Row> src = List.of(new Row(5, "five", 5), new Row(9000, "new", 1), new Row(6, null, null));
    // Insert only: matched rows untouched.
    try (Dataset v1 = latest(); ArrowReader in = source(src);
        MergeInsertBuilder.Result r = v1.mergeInsert(List.of("id")).whenNotMatchedInsertAll().execute(in)) {
      assertThat(r.rowsInserted()).isEqualTo(1);
      assertThat(r.rowsUpdated()).isZero();
      model.add(new Row(9000, "new", 1));
      assertModel(r.dataset());
    }
    // Update + delete by source on a composite key: only ids 6 and 8 match (by id and score; id 5
    // has a NULL score, which matches nothing), everything else goes.
    List<Row> src2 = List.of(new Row(5, "five", null), new Row(6, "six", 6), new Row(8, "eight", 8), new Row(7, "x", 99));
    try (Dataset v = latest(); ArrowReader in = source(src2);
        MergeInsertBuilder.Result r = v.mergeInsert(List.of("id", "score")).whenMatchedUpdateAll()
            .whenNotMatchedBySourceDelete().execute(in)) {
      assertThat(r.rowsUpdated()).isEqualTo(2);
      assertThat(r.rowsInserted()).isZero();
      assertThat(r.rowsDeleted()).isEqualTo(2001 - 2);
      model = new ArrayList<>(List.of(new Row(6, "six", 6), new Row(8, "eight", 8)));
      assertModel(r.dataset());
      assertThat(r.dataset().fragments()).hasSize(1);
      assertThat(r.dataset().manifestFile().transaction().toProto().getUpdate().getRemovedFragmentIdsList()).hasSize(5);
    }
  }

  @Test
  void mergeInsertConditionalClauses() throws Exception {
    // Update only where the source's score is higher; NULL scores compare to NULL (false).
    List<Row> src = List.of(new Row(1, "up", 99), new Row(2, "down", 0), new Row(5, "nullTarget", 50),
        new Row(7000, "new", 1));
    try (Dataset v1 = latest(); ArrowReader in = source(src);
        MergeInsertBuilder.Result r = v1.mergeInsert(List.of("id"))
            .whenMatchedUpdateAll("source.score > target.score").whenNotMatchedInsertAll().execute(in)) {
      assertThat(r.rowsUpdated()).isEqualTo(1);
      assertThat(r.rowsInserted()).isEqualTo(1);
      model.removeIf(x -> x.id() == 1);
      model.add(new Row(1, "up", 99));
      model.add(new Row(7000, "new", 1));
      assertModel(r.dataset());
    }
    // Delete matched rows; delete unmatched target rows only where id < 100 (a region replaced).
    List<Row> src2 = List.of(new Row(3, "x", 1), new Row(4, "y", 2), new Row(150, "z", 3), new Row(8000, "n", 4));
    try (Dataset v = latest(); ArrowReader in = source(src2);
        MergeInsertBuilder.Result r = v.mergeInsert(List.of("id")).whenMatchedDelete()
            .whenNotMatchedBySourceDelete("id < 100").execute(in)) {
      assertThat(r.rowsUpdated()).isZero();
      assertThat(r.rowsInserted()).isZero();
      assertThat(r.rowsDeleted()).isEqualTo(101); // 3 matched (3, 4, 150) + the 98 others below 100
      model.removeIf(x -> x.id() < 100 || x.id() == 150);
      assertModel(r.dataset());
    }
    // Fail on any match: nothing committed, nothing left.
    int files = store.list("data/").size();
    try (Dataset v = latest(); ArrowReader in = source(List.of(new Row(9001, "a", 1), new Row(200, "b", 2)))) {
      assertThatThrownBy(() -> v.mergeInsert(List.of("id")).whenMatchedFail().whenNotMatchedInsertAll().execute(in))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200").hasMessageContaining("whenMatchedFail");
      assertThat(v.latestVersion()).isEqualTo(v.version());
    }
    assertThat(store.list("data/")).hasSize(files);
    // Conditions must be boolean expressions over known columns.
    try (Dataset v = latest(); ArrowReader in = source(List.of(new Row(1, "a", 1)))) {
      assertThatThrownBy(() -> v.mergeInsert(List.of("id")).whenMatchedUpdateAll("source.score + 1").execute(in))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a boolean");
      assertThatThrownBy(() -> v.mergeInsert(List.of("id")).whenMatchedUpdateAll("score > 1").execute(in))
          .isInstanceOf(dev.lancelet.table.expr.ExpressionException.class);
      assertThatThrownBy(() -> v.mergeInsert(List.of("id")).whenNotMatchedBySourceDelete("nope = 1").execute(in))
          .isInstanceOf(dev.lancelet.table.expr.ExpressionException.class);
    }
  }

  @Test
  void mergeInsertErrors() throws Exception {
    try (Dataset v1 = latest()) {
      try (ArrowReader in = source(List.of(new Row(3000, "a", 1), new Row(3000, "b", 2)))) {
        assertThatThrownBy(() -> v1.mergeInsert(List.of("id")).whenNotMatchedInsertAll().execute(in))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than one row").hasMessageContaining("3000");
      }
      assertThatThrownBy(() -> v1.mergeInsert(List.of("nope"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nope");
      Schema other = new Schema(List.of(SCHEMA.getFields().get(0)));
      try (VectorSchemaRoot b = VectorSchemaRoot.create(other, allocator); RootsReader in = new RootsReader(allocator, other, List.of(b))) {
        assertThatThrownBy(() -> v1.mergeInsert(List.of("id")).whenNotMatchedInsertAll().execute(in))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
      }
      try (ArrowReader in = source(List.of())) {
        assertThatThrownBy(() -> v1.mergeInsert(List.of("id")).execute(in)).isInstanceOf(IllegalStateException.class);
      }
      assertThat(v1.latestVersion()).isEqualTo(1);
      assertThat(store.list("data/")).hasSize(4);
    }
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void twoDeletesOfTheSameFragmentFromTheSameVersionKeepBothDeletions() throws Exception {
    try (Dataset a = latest(); Dataset b = latest()) {
      try (Dataset va = a.delete("id % 4 = 0")) {
        assertThat(va.version()).isEqualTo(2);
      }
      // b still shows version 1: its commit loses the race for version 2 and rebases.
      try (Dataset vb = b.delete("id % 4 = 1")) {
        assertThat(vb.version()).isEqualTo(3);
        model.removeIf(r -> r.id() % 4 == 0 || r.id() % 4 == 1);
        assertModel(vb);
        assertThat(vb.fragments().get(0).deletionFile().readVersion()).isEqualTo(2);
      }
    }
  }

  @Test
  void deleteRacingAppendBothSucceed() throws Exception {
    try (Dataset a = latest()) {
      try (Dataset appended = write(rows(2000, 300), WriteOptions.Mode.APPEND)) {
        assertThat(appended.version()).isEqualTo(2);
      }
      // The delete read version 1, so it does not see (or delete) the appended rows.
      try (Dataset d = a.delete("score > 50")) {
        assertThat(d.version()).isEqualTo(3);
        model.removeIf(r -> r.id() < 2000 && r.score() != null && r.score() > 50);
        assertModel(d);
      }
    }
  }

  @Test
  void concurrentDeletesInThreadsLoseNothing() throws Exception {
    int n = 4;
    List<Thread> ts = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int k = 0; k < n; k++) {
      int kk = k;
      ts.add(new Thread(() -> {
        try (Dataset ds = latest(); Dataset v = ds.delete("id % 8 = " + kk)) {
          Objects.requireNonNull(v);
        } catch (Throwable e) {
          errors.add(e);
        }
      }));
    }
    ts.forEach(Thread::start);
    for (Thread t : ts) {
      t.join();
    }
    assertThat(errors).isEmpty();
    model.removeIf(r -> r.id() % 8 < n);
    try (Dataset ds = latest()) {
      assertThat(ds.version()).isEqualTo(1 + n);
      assertModel(ds);
    }
  }

  @Test
  void deletesAndAppendsInThreadsAllLand() throws Exception {
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Row> appended = rows(5000, 600);
    Thread appender = new Thread(() -> {
      try {
        for (int k = 0; k < 3; k++) {
          List<Row> part = appended.subList(k * 200, (k + 1) * 200);
          try (VectorSchemaRoot b = batch(part); RootsReader in = new RootsReader(allocator, SCHEMA, List.of(b));
              Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(WriteOptions.Mode.APPEND)
                  .allocator(allocator).commitRetries(100).build())) {
            Objects.requireNonNull(ds);
          }
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    });
    Thread deleter = new Thread(() -> {
      try {
        for (int k = 0; k < 3; k++) {
          try (Dataset ds = latest(); Dataset v = ds.delete("id < 2000 AND id % 9 = " + k)) {
            Objects.requireNonNull(v);
          }
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    });
    appender.start();
    deleter.start();
    appender.join();
    deleter.join();
    assertThat(errors).isEmpty();
    model.removeIf(r -> r.id() % 9 < 3);
    model.addAll(appended);
    try (Dataset ds = latest()) {
      assertThat(ds.version()).isEqualTo(7);
      assertModel(ds);
    }
  }

  @Test
  void updateConflictingWithADeleteOfTheSameFragmentRunsAgainOnTheNewestVersion() throws Exception {
    try (Dataset a = latest(); Dataset b = latest()) {
      try (Dataset va = a.delete("id = 10 OR id = 11")) {
        assertThat(va.version()).isEqualTo(2);
      }
      // The plan made on version 1 conflicts with the delete (same fragment): its files are
      // removed, it runs again on version 2 and does not resurrect the deleted rows.
      int files = store.list("data/").size();
      try (Dataset vb = b.update(Map.of("score", "0"), "id < 20")) {
        assertThat(vb.version()).isEqualTo(3);
        assertThat(store.list("data/")).hasSize(files + 1);
        model.removeIf(r -> r.id() == 10 || r.id() == 11);
        model = new ArrayList<>(model.stream().map(r -> r.id() < 20 ? new Row(r.id(), r.name(), 0) : r).toList());
        assertModel(vb);
      }
    }
  }

  @Test
  void mergeInsertConflictingWithADeleteReRunsOnTheNewestVersion() throws Exception {
    String tmp = System.getProperty("java.io.tmpdir");
    try (Dataset a = latest(); Dataset b = latest()) {
      try (Dataset va = a.delete("id = 10")) {
        assertThat(va.version()).isEqualTo(2);
      }
      int files = store.list("data/").size();
      // Without re-runs the conflict surfaces and the merge leaves nothing behind.
      try (ArrowReader in = source(List.of(new Row(12, "x", 1)))) {
        assertThatThrownBy(() -> b.mergeInsert(List.of("id")).whenMatchedUpdateAll().conflictRetries(0).execute(in))
            .isInstanceOf(CommitConflictException.class).hasMessageContaining("Delete");
      }
      assertThat(store.list("data/")).hasSize(files);
      // By default it runs again on version 2 (the source replayed from its spill copy) and commits.
      long spills = spillFiles(tmp);
      try (ArrowReader in = source(List.of(new Row(12, "x", 1), new Row(10, "back", 3)));
          MergeInsertBuilder.Result r = b.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll()
              .execute(in)) {
        assertThat(r.dataset().version()).isEqualTo(3);
        assertThat(r.rowsUpdated()).isEqualTo(1);
        assertThat(r.rowsInserted()).isEqualTo(1); // id 10 was deleted by the other writer
        model.removeIf(x -> x.id() == 10 || x.id() == 12);
        model.add(new Row(12, "x", 1));
        model.add(new Row(10, "back", 3));
        assertModel(r.dataset());
      }
      assertThat(spillFiles(tmp)).isEqualTo(spills);
      // A merge touching other fragments commutes with that delete (rebased, no re-run).
      try (ArrowReader in = source(List.of(new Row(1500, "y", 2)));
          MergeInsertBuilder.Result r = b.mergeInsert(List.of("id")).whenMatchedUpdateAll().execute(in)) {
        assertThat(r.dataset().version()).isEqualTo(4);
        model.removeIf(x -> x.id() == 1500);
        model.add(new Row(1500, "y", 2));
        assertModel(r.dataset());
      }
    }
  }

  private static long spillFiles(String dir) throws Exception {
    try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(java.nio.file.Path.of(dir))) {
      return s.filter(p -> p.getFileName().toString().startsWith("lancelet-merge-insert-")).count();
    }
  }

  @Test
  void concurrentMergeInsertsOnOneFragmentAllLandThroughReRuns() throws Exception {
    int writers = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
      List<java.util.concurrent.Future<Long>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        long id = 20 + w; // all in fragment 0: every pair of these commits conflicts
        done.add(pool.submit(() -> {
          try (Dataset d = latest(); ArrowReader in = source(List.of(new Row(id, "w" + id, 7)))) {
            start.await();
            try (MergeInsertBuilder.Result r = d.mergeInsert(List.of("id")).whenMatchedUpdateAll().execute(in)) {
              assertThat(r.rowsUpdated()).isEqualTo(1);
              return r.dataset().version();
            }
          }
        }));
      }
      java.util.Set<Long> versions = new java.util.HashSet<>();
      for (var f : done) {
        versions.add(f.get());
      }
      assertThat(versions).containsExactlyInAnyOrder(2L, 3L, 4L, 5L);
    } finally {
      pool.shutdownNow();
    }
    for (int w = 0; w < writers; w++) {
      long id = 20 + w;
      model.removeIf(x -> x.id() == id);
      model.add(new Row(id, "w" + id, 7));
    }
    try (Dataset d = latest()) {
      assertModel(d);
    }
  }

}
