package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.table.testing.OurScans;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.merge.MergeInsertParams;

/**
 * Merge-insert clauses against lance-core 7.0.0: the same source merged with the same clauses into
 * two copies of one dataset, by lance-core and by us, gives the same rows (compared through
 * lance-core's scan of both).
 */
class MergeInsertClausesInteropTest {
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

  /** 1000 rows (id 0..999, name "n<id>", null every 7th) in fragments of 400, written by lance-core. */
  private Path base() throws Exception {
    Path p = dir.resolve("base.lance");
    if (!Files.exists(p)) {
      List<VectorSchemaRoot> batches = List.of(ReferenceDatasets.idNameBatch(0, 1000, allocator));
      try {
        ReferenceDatasets.write(p.toString(), ReferenceDatasets.ID_NAME, batches,
            ReferenceDatasets.Params.create().maxRowsPerFile(400));
      } finally {
        OurScans.closeAll(batches);
      }
    }
    return p;
  }

  private Path copy(String name) throws Exception {
    Path from = base();
    Path to = dir.resolve(name);
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  /** Source rows: ids 990..1009 (10 match); even ids get names above the targets', odd ones below; one null. */
  private VectorSchemaRoot source(BufferAllocator a) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ReferenceDatasets.ID_NAME, a);
    BigIntVector id = (BigIntVector) root.getVector(0);
    VarCharVector name = (VarCharVector) root.getVector(1);
    id.allocateNew(20);
    name.allocateNew(20);
    for (int i = 0; i < 20; i++) {
      long v = 990 + i;
      id.set(i, v);
      if (v == 995) {
        name.setNull(i);
      } else {
        name.setSafe(i, ((v % 2 == 0 ? "z" : "a") + v).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    id.setValueCount(20);
    name.setValueCount(20);
    root.setRowCount(20);
    return root;
  }

  private void lanceCoreMerge(Path uri, MergeInsertParams params) throws Exception {
    try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset ds = org.lance.Dataset.open(uri.toString(), ref)) {
      VectorSchemaRoot b = source(ref);
      try (RootsReader reader = new RootsReader(ref, ReferenceDatasets.ID_NAME, List.of(b));
          ArrowArrayStream stream = ArrowArrayStream.allocateNew(ref)) {
        Data.exportArrayStream(ref, reader, stream);
        ds.mergeInsert(params, stream);
      } finally {
        b.close();
      }
    }
  }

  private MergeInsertBuilder.Result ourMerge(Path uri, Function<MergeInsertBuilder, MergeInsertBuilder> clauses)
      throws Exception {
    VectorSchemaRoot b = source(allocator);
    try (Dataset ds = Dataset.open(uri.toString(), OpenOptions.builder().allocator(allocator).build());
        RootsReader reader = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b))) {
      return clauses.apply(ds.mergeInsert(List.of("id"))).execute(reader);
    } finally {
      b.close();
    }
  }

  /** Rows as lance-core scans them, "id|name", sorted by id. */
  private List<String> rows(Path uri) throws Exception {
    List<VectorSchemaRoot> roots = ReferenceDatasets.scan(uri.toString(), latest(uri), null, false, false, allocator);
    try {
      List<String> out = new ArrayList<>();
      for (VectorSchemaRoot r : roots) {
        for (int i = 0; i < r.getRowCount(); i++) {
          Object name = r.getVector("name").getObject(i);
          out.add(r.getVector("id").getObject(i) + "|" + name);
        }
      }
      out.sort(java.util.Comparator.comparingLong(x -> Long.parseLong(x.substring(0, x.indexOf('|')))));
      return out;
    } finally {
      OurScans.closeAll(roots);
    }
  }

  private long latest(Path uri) throws Exception {
    try (Dataset ds = Dataset.open(uri.toString(), OpenOptions.builder().allocator(allocator).build())) {
      return ds.version();
    }
  }

  private void compare(String name, MergeInsertParams params, Function<MergeInsertBuilder, MergeInsertBuilder> clauses,
      long inserted, long updated, long deleted) throws Exception {
    Path theirs = copy(name + "-theirs");
    Path ours = copy(name + "-ours");
    lanceCoreMerge(theirs, params);
    try (MergeInsertBuilder.Result r = ourMerge(ours, clauses)) {
      assertThat(List.of(r.rowsInserted(), r.rowsUpdated(), r.rowsDeleted())).as(name)
          .isEqualTo(List.of(inserted, updated, deleted));
    }
    List<String> expected = rows(theirs);
    assertThat(rows(ours)).as(name).isEqualTo(expected);
  }

  @Test
  void clausesGiveTheSameRowsAsLanceCore() throws Exception {
    compare("update-if", new MergeInsertParams(List.of("id")).withMatchedUpdateIf("source.name > target.name")
            .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll),
        b -> b.whenMatchedUpdateAll("source.name > target.name").whenNotMatchedInsertAll(), 10, 4, 0);
    compare("insert-only", new MergeInsertParams(List.of("id")).withMatchedDoNothing()
            .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll),
        b -> b.whenNotMatchedInsertAll(), 10, 0, 0);
    compare("update-delete-region", new MergeInsertParams(List.of("id")).withMatchedUpdateAll()
            .withNotMatched(MergeInsertParams.WhenNotMatched.DoNothing).withNotMatchedBySourceDeleteIf("id < 300"),
        b -> b.whenMatchedUpdateAll().whenNotMatchedBySourceDelete("id < 300"), 0, 10, 300);
    compare("delete-not-matched", new MergeInsertParams(List.of("id")).withMatchedDoNothing()
            .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll).withNotMatchedBySourceDelete(),
        b -> b.whenNotMatchedInsertAll().whenNotMatchedBySourceDelete(), 10, 0, 990);
    compare("delete-matched", new MergeInsertParams(List.of("id")).withMatchedDelete()
            .withNotMatched(MergeInsertParams.WhenNotMatched.DoNothing),
        b -> b.whenMatchedDelete(), 0, 0, 10);
  }

  @Test
  void failOnMatchFailsInBothEngines() throws Exception {
    Path theirs = copy("fail-theirs");
    Path ours = copy("fail-ours");
    assertThatThrownBy(() -> lanceCoreMerge(theirs, new MergeInsertParams(List.of("id")).withMatchedFail()
        .withNotMatched(MergeInsertParams.WhenNotMatched.InsertAll))).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> ourMerge(ours, b -> b.whenMatchedFail().whenNotMatchedInsertAll()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("990");
    assertThat(latest(theirs)).isEqualTo(1);
    assertThat(latest(ours)).isEqualTo(1);
    // Without a match it inserts, in both.
    assertThat(rows(ours)).isEqualTo(rows(theirs));
  }
}
