package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.WriteParams;

/**
 * Schema evolution, compaction, tags and restore against lance-core 7.0.0, both ways: what we
 * commit is read by lance-core exactly as we read it at every version, and what lance-core commits
 * is read by us exactly as lance-core reads it.
 */
class EvolutionInteropTest {
  @TempDir Path dir;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private void assertSameAsReference(String uri, long version, String ctx) throws Exception {
    try (Dataset ours = Dataset.open(uri, OpenOptions.builder().version(version).allocator(allocator).build())) {
      List<VectorSchemaRoot> expected = ReferenceDatasets.scan(uri, version, null, true, true, allocator);
      List<VectorSchemaRoot> actual = OurScans.scan(ours, null, true, true, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual, ctx + ", version " + version);
      } finally {
        OurScans.closeAll(expected);
        OurScans.closeAll(actual);
      }
    }
  }

  private void assertAllVersionsSame(String uri, String ctx) throws Exception {
    long latest;
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      latest = ds.version();
    }
    for (long v = 1; v <= latest; v++) {
      assertSameAsReference(uri, v, ctx);
    }
  }

  /** 1000 rows (id, name) as 3 fragments (400, 400, 200), written by lance-core. */
  private void createWithReference(String uri) throws Exception {
    List<VectorSchemaRoot> batches = List.of(ReferenceDatasets.idNameBatch(0, 1000, allocator));
    try {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, batches, ReferenceDatasets.Params.create().maxRowsPerFile(400));
    } finally {
      OurScans.closeAll(batches);
    }
  }

  private static long[] longs(Dataset ds, String column) throws Exception {
    List<Long> out = new ArrayList<>();
    try (var r = ds.newScan().columns(column).open()) {
      while (r.loadNextBatch()) {
        var v = r.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          out.add(v.isNull(i) ? Long.MIN_VALUE : ((Number) v.getObject(i)).longValue());
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void lanceCoreReadsOurEvolutionAtEveryVersion() throws Exception {
    String uri = dir.resolve("ours.lance").toString();
    createWithReference(uri); // v1
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 10 = 3 OR (id >= 850 AND id < 950)"); // v2: deletions in every fragment
    }
    try (Dataset v2 = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      long live = v2.countRows();
      assertThat(live).isEqualTo(1000 - 100 - 90);
      Map<String, String> exprs = new LinkedHashMap<>();
      exprs.put("double_id", "id * 2");
      exprs.put("label", "id % 5 = 0 AND name IS NOT NULL");
      try (Dataset v3 = v2.addColumns(exprs)) {
        assertThat(v3.version()).isEqualTo(3);
        assertThat(v3.fragments()).allSatisfy(f -> assertThat(f.files()).hasSize(2));
        long[] ids = longs(v3, "id");
        long[] doubled = longs(v3, "double_id");
        for (int i = 0; i < ids.length; i++) {
          assertThat(doubled[i]).isEqualTo(ids[i] * 2);
        }
        Schema nulls = new Schema(List.of(new Field("empty", FieldType.nullable(new ArrowType.Int(32, true)), null)));
        try (Dataset v4 = v3.addColumns(nulls)) {
          assertThat(v4.fragments()).allSatisfy(f -> assertThat(f.files()).hasSize(2));
          Schema tagSchema = new Schema(List.of(new Field("tag", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
          NewColumnsFunction fn = (batch, a) -> {
            BigIntVector id = (BigIntVector) batch.getVector("id");
            VectorSchemaRoot out = VectorSchemaRoot.create(tagSchema, a);
            VarCharVector t = (VarCharVector) out.getVector(0);
            t.allocateNew();
            for (int i = 0; i < batch.getRowCount(); i++) {
              t.setSafe(i, (id.get(i) % 2 == 0 ? "even" : "odd").getBytes(StandardCharsets.UTF_8));
            }
            out.setRowCount(batch.getRowCount());
            return out;
          };
          try (Dataset v5 = v4.addColumns(tagSchema, List.of("id"), fn)) {
            // v6: a stream aligned to the live rows: score = 1000 - position.
            Schema ss = new Schema(List.of(new Field("score", FieldType.nullable(new ArrowType.Int(64, true)), null)));
            List<VectorSchemaRoot> parts = new ArrayList<>();
            int pos = 0;
            for (int size : new int[] {333, 300, (int) live - 633}) {
              VectorSchemaRoot r = VectorSchemaRoot.create(ss, allocator);
              BigIntVector s = (BigIntVector) r.getVector(0);
              s.allocateNew(size);
              for (int i = 0; i < size; i++) {
                s.set(i, 1000 - pos++);
              }
              r.setRowCount(size);
              parts.add(r);
            }
            try (RootsReader in = new RootsReader(allocator, ss, parts); Dataset v6 = v5.addColumns(in)) {
              OurScans.closeAll(parts);
              long[] score = longs(v6, "score");
              assertThat(score).hasSize((int) live);
              for (int i = 0; i < score.length; i++) {
                assertThat(score[i]).isEqualTo(1000 - i);
              }
              try (Dataset v7 = v6.dropColumns("name");
                  Dataset v8 = v7.renameColumn("double_id", "twice")) {
                assertThat(v8.schema().getFields()).extracting(Field::getName)
                    .containsExactly("id", "twice", "label", "empty", "tag", "score");
              }
            }
          }
        }
      }
    }
    assertAllVersionsSame(uri, "after evolution");
    try (Dataset d = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      d.tags().create("evolved", 8);
      CompactionReport rep = d.compact(CompactionOptions.builder().targetRowsPerFragment(600).build());
      assertThat(rep.fragmentsRemoved()).isEqualTo(3);
      assertThat(rep.fragmentsAdded()).isEqualTo(2);
      assertThat(rep.deletedRowsMaterialized()).isEqualTo(190);
      assertThat(rep.version()).isEqualTo(10);
      try (Dataset c = d.checkoutLatest()) {
        assertThat(c.manifest().readerFeatureFlags()).isZero();
        assertThat(c.countRows()).isEqualTo(810);
        assertThat(c.versions()).extracting(VersionInfo::operation).endsWith("ReserveFragments", "Rewrite");
        try (Dataset r = c.restore(3); Dataset three = c.checkout(3)) {
          assertThat(r.version()).isEqualTo(11);
          assertThat(r.schema()).isEqualTo(three.schema());
          assertThat(r.fragments()).isEqualTo(three.fragments());
        }
      }
    }
    assertAllVersionsSame(uri, "after compaction and restore");
    // lance-core sees our tag and continues on top.
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.tags().list()).extracting(org.lance.Tag::getName).containsExactly("evolved");
      assertThat(ds.tags().getVersion("evolved")).isEqualTo(8);
      try (org.lance.Dataset t = ds.checkoutTag("evolved")) {
        assertThat(t.countRows()).isEqualTo(810);
      }
      ds.delete("id < 100");
    }
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.compact(); // lance-core compacts our restored version
    }
    assertAllVersionsSame(uri, "after lance-core changes");
  }

  @Test
  void weReadLanceCoreEvolutionAtEveryVersion() throws Exception {
    String uri = dir.resolve("ref.lance").toString();
    createWithReference(uri); // v1
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.delete("id % 9 = 0"); // v2
      ds.addColumns(new org.lance.schema.SqlExpressions.Builder().withExpression("double_id", "id * 2").build(),
          java.util.Optional.empty()); // v3
      ds.addColumns(List.of(new Field("empty", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))); // v4
      ds.dropColumns(List.of("name")); // v5
      ds.alterColumns(List.of(new org.lance.schema.ColumnAlteration.Builder("double_id").rename("twice").build())); // v6
      ds.tags().create("before-compaction", 6);
      ds.compact(org.lance.compaction.CompactionOptions.builder().withTargetRowsPerFragment(700).build()); // v7, v8
    }
    assertAllVersionsSame(uri, "lance-core evolution");
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.versions()).extracting(VersionInfo::operation).containsExactly("Overwrite", "Delete", "Merge",
          "Merge", "Project", "Project", "ReserveFragments", "Rewrite");
      List<Tags.Tag> tags = ds.tags().list();
      assertThat(tags).extracting(Tags.Tag::name).containsExactly("before-compaction");
      assertThat(tags.get(0).version()).isEqualTo(6);
      assertThat(tags.get(0).createdAt()).isNotNull();
      try (Dataset t = ds.checkoutTag("before-compaction")) {
        assertThat(t.version()).isEqualTo(6);
        assertThat(t.fragments()).hasSize(3);
      }
      // We continue on top of lance-core's versions: add, compact, restore.
      try (Dataset a = ds.addColumns(Map.of("triple", "twice + id"));
          Dataset b = a.checkoutLatest()) {
        long[] ids = longs(b, "id");
        long[] triple = longs(b, "triple");
        for (int i = 0; i < ids.length; i++) {
          assertThat(triple[i]).isEqualTo(3 * ids[i]);
        }
        b.tags().update("before-compaction", 9);
        try (Dataset r = b.restore(2)) {
          assertThat(r.schema().getFields()).extracting(Field::getName).containsExactly("id", "name");
        }
      }
    }
    assertAllVersionsSame(uri, "after our changes on lance-core's");
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.tags().getVersion("before-compaction")).isEqualTo(9);
      ds.delete("id > 990");
      ds.compact();
    }
    assertAllVersionsSame(uri, "after lance-core on ours");
    // lance-core cleans up (keeping the tagged version); we read every version left as it does.
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      org.lance.cleanup.RemovalStats st = ds.cleanupWithPolicy(org.lance.cleanup.CleanupPolicy.builder()
          .withBeforeVersion(ds.latestVersion()).withErrorIfTaggedOldVersions(false).build());
      assertThat(st.getOldVersions()).isGreaterThan(0);
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      List<Long> left = ds.versions().stream().map(VersionInfo::version).toList();
      assertThat(left).contains(9L, ds.version());
      for (long v : left) {
        assertSameAsReference(uri, v, "after lance-core cleanup");
      }
    }
  }

  @Test
  void tagFilesMatchLanceCoreFields() throws Exception {
    String uri = dir.resolve("tags.lance").toString();
    createWithReference(uri);
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.tags().create("theirs", 1);
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      ds.tags().create("ours", 1);
    }
    Path tags = Path.of(uri, "_refs", "tags");
    Object theirs = dev.lancelet.table.format.Json.parse(Files.readString(tags.resolve("theirs.json")));
    Object ours = dev.lancelet.table.format.Json.parse(Files.readString(tags.resolve("ours.json")));
    assertThat(new java.util.TreeSet<Object>(((Map<?, ?>) ours).keySet()))
        .isEqualTo(new java.util.TreeSet<Object>(((Map<?, ?>) theirs).keySet()));
    assertThat(((Map<?, ?>) ours).get("manifestSize")).isEqualTo(((Map<?, ?>) theirs).get("manifestSize"));
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      List<org.lance.Tag> list = ds.tags().list();
      assertThat(list).extracting(org.lance.Tag::getName).containsExactlyInAnyOrder("theirs", "ours");
      org.lance.Tag o = list.stream().filter(t -> t.getName().equals("ours")).findFirst().orElseThrow();
      assertThat(o.getVersion()).isEqualTo(1);
      assertThat(o.getCreatedAt()).isPresent();
      ds.tags().delete("ours");
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(ds.tags().list()).extracting(Tags.Tag::name).containsExactly("theirs");
      assertThatThrownBy(() -> ds.tags().create("theirs", 1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ds.tags().create("x", 99)).isInstanceOf(VersionNotFoundException.class);
      ds.tags().delete("theirs");
      assertThat(ds.tags().list()).isEmpty();
    }
  }

  @Test
  void indexFilesSurviveOurChangesAndCleanup() throws Exception {
    String uri = dir.resolve("idx.lance").toString();
    createWithReference(uri); // v1
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      ds.createIndex(List.of("id"), org.lance.index.IndexType.BTREE, java.util.Optional.of("id_idx"),
          org.lance.index.IndexParams.builder()
              .setScalarIndexParams(org.lance.index.scalar.ScalarIndexParams.create("btree")).build(), true); // v2
    }
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v3 = ds.addColumns(Map.of("y", "id + 1"));
        Dataset v4 = v3.dropColumns("name")) {
      assertThat(v4.manifestFile().indices().getIndicesList()).extracting(i -> i.getName()).containsExactly("id_idx");
      CleanupReport rep = v4.cleanupOldVersions(java.time.Instant.now().plusSeconds(3600), false);
      assertThat(rep.versionsRemoved()).isEqualTo(3);
      assertThat(rep.indexFilesRemoved()).isZero();
      assertThat(v4.versions()).extracting(VersionInfo::version).containsExactly(4L);
    }
    try (java.util.stream.Stream<Path> files = Files.walk(Path.of(uri, "_indices"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isPositive();
    }
    assertSameAsReference(uri, 4, "after cleanup with an index");
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.countRows("id = 500")).isEqualTo(1);
      assertThat(ds.countRows("y = 501")).isEqualTo(1);
    }
    // Dropping the indexed column drops the index, as Lance does; cleanup then removes its files.
    try (Dataset ds = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build());
        Dataset v5 = ds.dropColumns("id")) {
      assertThat(v5.manifestFile().indices().getIndicesList()).isEmpty();
      CleanupReport rep = v5.cleanupOldVersions(java.time.Instant.now().plusSeconds(3600), false);
      assertThat(rep.versionsRemoved()).isEqualTo(1);
      assertThat(rep.indexFilesRemoved()).isPositive();
    }
    try (java.util.stream.Stream<Path> files = Files.walk(Path.of(uri, "_indices"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isZero();
    }
    assertSameAsReference(uri, 5, "after dropping the indexed column");
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri, ref)) {
      assertThat(ds.countRows("y = 501")).isEqualTo(1);
    }
  }
}
