package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.cli.formats.DataFormat;
import dev.lancelet.cli.formats.Formats;
import dev.lancelet.cli.formats.ReaderOptions;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.ScanBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset commands end to end through picocli, in-process, on temporary datasets. What a
 * command printed or wrote is compared with what the lance-table API returns for the same
 * version and options.
 */
class DatasetCommandsTest {
  @TempDir Path tmp;
  BufferAllocator allocator;
  String ds;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    ds = tmp.resolve("ds").toString();
  }

  @AfterEach
  void tearDown() {
    allocator.close();
  }

  /** A CSV file of ids {@code from .. from+n-1}, a name and a score. */
  Path csv(String name, int from, int n) throws IOException {
    StringBuilder sb = new StringBuilder("id,name,score\n");
    for (int i = from; i < from + n; i++) {
      sb.append(i).append(",name").append(i % 17).append(',').append(String.format(Locale.ROOT, "%.2f", i * 0.25)).append('\n');
    }
    Path p = tmp.resolve(name);
    Files.writeString(p, sb);
    return p;
  }

  static CliRun ok(String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  static CliRun fails(int exit, String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    assertThat(r.err().lines().filter(l -> l.startsWith("lance: ")).count()).as(r.toString()).isEqualTo(1);
    if (exit == 1) {
      assertThat(r.err().lines().count()).as("one line: " + r).isEqualTo(1);
    }
    return r;
  }

  static List<String> rows(VectorSchemaRoot root) {
    List<String> out = new ArrayList<>();
    for (int r = 0; r < root.getRowCount(); r++) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < root.getFieldVectors().size(); c++) {
        if (c > 0) {
          sb.append('|');
        }
        sb.append(root.getVector(c).getName()).append('=').append(root.getVector(c).getObject(r));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Rows of a scan through the API. */
  List<String> apiScan(Long version, Consumer<ScanBuilder> options) throws IOException {
    OpenOptions.Builder o = OpenOptions.builder().allocator(allocator);
    if (version != null) {
      o.version(version);
    }
    List<String> out = new ArrayList<>();
    try (Dataset d = Dataset.open(ds, o.build())) {
      ScanBuilder scan = d.newScan();
      options.accept(scan);
      try (ArrowReader r = scan.open()) {
        while (r.loadNextBatch()) {
          out.addAll(rows(r.getVectorSchemaRoot()));
        }
      }
    }
    return out;
  }

  /** Rows of a data file the CLI wrote. */
  List<String> fileRows(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    DataFormat f = Formats.forPath(file.toString());
    try (ArrowReader r = Formats.openReader(file, f, ReaderOptions.builder().build(), allocator)) {
      while (r.loadNextBatch()) {
        out.addAll(rows(r.getVectorSchemaRoot()));
      }
    }
    return out;
  }

  long apiCount(Long version) throws IOException {
    OpenOptions.Builder o = OpenOptions.builder().allocator(allocator);
    if (version != null) {
      o.version(version);
    }
    try (Dataset d = Dataset.open(ds, o.build())) {
      return d.countRows();
    }
  }

  // ------------------------------------------------------------------ import

  @Test
  void importCreatesAppendsAndOverwrites() throws Exception {
    Path a = csv("a.csv", 0, 1000);
    CliRun r = ok("import", a.toString(), ds, "--max-rows-per-file", "300", "--progress");
    assertThat(r.err()).contains("\rimporting ").contains("imported 1,000 rows from " + a).contains("version 1");
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(d.version()).isEqualTo(1);
      assertThat(d.countRows()).isEqualTo(1000);
      assertThat(d.fragments()).hasSize(4);
      assertThat(d.schema().getFields()).extracting(f -> f.getName()).containsExactly("id", "name", "score");
    }
    assertThat(apiScan(null, s -> s.limit(2))).containsExactly("id=0|name=name0|score=0.0", "id=1|name=name1|score=0.25");

    ok("import", csv("b.csv", 1000, 500).toString(), ds, "--mode", "append", "-q");
    assertThat(apiCount(null)).isEqualTo(1500);
    assertThat(apiCount(1L)).isEqualTo(1000);

    ok("import", csv("c.csv", 5000, 10).toString(), ds, "--mode", "overwrite", "-q");
    assertThat(apiScan(null, s -> s.columns("id"))).hasSize(10).first().isEqualTo("id=5000");
    assertThat(apiCount(2L)).isEqualTo(1500);
  }

  @Test
  void importRefusesAnExistingDatasetInCreateMode() throws Exception {
    Path a = csv("a.csv", 0, 10);
    ok("import", a.toString(), ds, "-q");
    CliRun r = fails(1, "import", a.toString(), ds, "-q");
    assertThat(r.err()).contains(Path.of(ds).getFileName().toString());
    assertThat(apiCount(null)).isEqualTo(10);
  }

  @Test
  void importFileVersionAndArrowInput() throws Exception {
    Path a = csv("a.csv", 0, 100);
    ok("import", a.toString(), ds, "--file-version", "2.2", "-q");
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(d.manifest().dataStorageVersion()).isEqualTo("2.2");
    }
    // export to Arrow IPC, import that into a second dataset: same rows.
    Path arrow = tmp.resolve("all.arrow");
    ok("export", ds, arrow.toString(), "-q");
    String ds2 = tmp.resolve("ds2").toString();
    ok("import", arrow.toString(), ds2, "-q");
    List<String> expected = apiScan(null, s -> {});
    String saved = ds;
    ds = ds2;
    assertThat(apiScan(null, s -> {})).isEqualTo(expected);
    ds = saved;
  }

  @Test
  void importDecodesDictionaryColumns() throws Exception {
    Path in = ArrowFixtures.writeIpc(tmp.resolve("dict.arrows"), true, 3, 400, allocator);
    ok("import", in.toString(), ds, "-q");
    Path out = tmp.resolve("back.arrow");
    ok("export", ds, out.toString(), "-q");
    assertThat(ArrowFixtures.schemaOf(out, allocator).getFields()).extracting(f -> f.getDictionary()).containsOnlyNulls();
    assertThat(ArrowFixtures.readRows(out, allocator)).isEqualTo(ArrowFixtures.expectedRows(1200, allocator));
  }

  @Test
  void importUsageErrors() throws Exception {
    Path a = csv("a.csv", 0, 10);
    fails(2, "import", a.toString(), ds, "--mode", "upsert");
    fails(2, "import", a.toString(), ds, "--file-version", "9.9");
    fails(2, "import", a.toString(), ds, "--max-rows-per-file", "0");
    fails(2, "import", a.toString(), ds, "--no-such-option");
    CliRun missing = fails(1, "import", tmp.resolve("nope.csv").toString(), ds);
    assertThat(missing.err()).contains("nope.csv");
  }

  // ------------------------------------------------------------------ export, take

  @Test
  void exportMatchesTheApiScan() throws Exception {
    ok("import", csv("a.csv", 0, 1000).toString(), ds, "--max-rows-per-file", "256", "-q");
    ok("import", csv("b.csv", 1000, 100).toString(), ds, "--mode", "append", "-q");

    Path all = tmp.resolve("all.arrow");
    CliRun r = ok("export", ds, all.toString(), "--progress");
    assertThat(r.err()).contains("\rexporting ").contains("exported 1,100 rows");
    assertThat(fileRows(all)).isEqualTo(apiScan(null, s -> {}));

    Path v1 = tmp.resolve("v1.jsonl");
    ok("export", ds, v1.toString(), "--version", "1", "-q");
    assertThat(fileRows(v1)).hasSize(1000);

    Path some = tmp.resolve("some.arrows");
    ok("export", ds, some.toString(), "--columns", "score,id", "--where", "id % 3 = 0 AND name <> 'name5'",
        "--offset", "10", "--limit", "50", "--with-rowid", "-q");
    List<String> expected = apiScan(null, s -> s.columns("score", "id").filter("id % 3 = 0 AND name <> 'name5'")
        .offset(10).limit(50).withRowId(true));
    assertThat(expected).hasSize(50);
    assertThat(fileRows(some)).isEqualTo(expected);

    Path csvOut = tmp.resolve("out.csv");
    ok("export", ds, csvOut.toString(), "--columns", "id,name", "--limit", "3", "-q");
    assertThat(Files.readAllLines(csvOut)).containsExactly("id,name", "0,\"name0\"", "1,\"name1\"", "2,\"name2\"");

    // refuses to replace without --force, then replaces with it
    fails(1, "export", ds, csvOut.toString(), "-q");
    ok("export", ds, csvOut.toString(), "--columns", "id", "--limit", "1", "--force", "-q");
    assertThat(Files.readAllLines(csvOut)).containsExactly("id", "0");
  }

  @Test
  void exportErrors() throws Exception {
    ok("import", csv("a.csv", 0, 10).toString(), ds, "-q");
    CliRun missing = fails(1, "export", tmp.resolve("none").toString(), tmp.resolve("x.arrow").toString());
    assertThat(missing.err()).contains("No Lance dataset at").contains("none");
    CliRun badVersion = fails(1, "export", ds, tmp.resolve("x.arrow").toString(), "--version", "7");
    assertThat(badVersion.err()).contains("7");
    CliRun badPredicate = fails(1, "export", ds, tmp.resolve("x.arrow").toString(), "--where", "id >>> 3");
    assertThat(badPredicate.err()).contains("id >>> 3");
    CliRun badColumn = fails(1, "export", ds, tmp.resolve("x.arrow").toString(), "--where", "nosuch = 1");
    assertThat(badColumn.err()).contains("nosuch");
    fails(2, "export", ds, tmp.resolve("x.unknown").toString());
    fails(2, "export", ds, tmp.resolve("x.arrow").toString(), "--version", "1", "--tag", "t");
    fails(2, "export", ds, tmp.resolve("x.arrow").toString(), "--limit", "-1");
    assertThat(Files.exists(tmp.resolve("x.arrow"))).isFalse();
  }

  @Test
  void takeByPositionAndAddress() throws Exception {
    ok("import", csv("a.csv", 0, 1000).toString(), ds, "--max-rows-per-file", "300", "-q");
    ok("delete", ds, "--where", "id < 5");
    Path out = tmp.resolve("t.arrow");
    ok("take", ds, "--rows", "0,299,3-5,994", out.toString(), "--columns", "id,name");
    List<String> expected;
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build());
        VectorSchemaRoot t = d.take(new long[] {0, 299, 3, 4, 5, 994}, List.of("id", "name"))) {
      expected = rows(t);
    }
    assertThat(expected.get(0)).startsWith("id=5|");
    assertThat(fileRows(out)).isEqualTo(expected);

    // printed, at an older version (before the delete)
    CliRun printed = ok("take", ds, "--rows", "0,1", "--version", "1", "--columns", "id,score");
    assertThat(printed.out().lines().toList()).hasSize(4);
    assertThat(printed.out()).contains("0.25");

    // by address: fragment 1, offset 2 is id 302
    long addr = (1L << 32) | 2;
    CliRun byAddr = ok("take", ds, "--addresses", Long.toString(addr), "--columns", "id");
    assertThat(byAddr.out()).contains("302");

    CliRun outOfRange = fails(1, "take", ds, "--rows", "995");
    assertThat(outOfRange.err()).contains("995");
    CliRun deleted = fails(1, "take", ds, "--addresses", "3");
    assertThat(deleted.err()).contains("deleted");
    fails(2, "take", ds);
    fails(2, "take", ds, "--rows", "1", "--addresses", "1");
    fails(2, "take", ds, "--rows", "x");
  }

  // ------------------------------------------------------------------ show, versions, checkout, tags

  @Test
  void showDescribesTheVersion() throws Exception {
    ok("import", csv("a.csv", 0, 1000).toString(), ds, "--max-rows-per-file", "400", "-q");
    ok("delete", ds, "--where", "id >= 100 AND id < 110");
    CliRun text = ok("show", ds);
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(text.out()).contains("Version   2 of 2 (latest)").contains("990 in 3 fragments")
          .contains("1,000 physical, 10 deleted").contains("Lance file 2.1").contains("lancelet");
      for (var f : d.fragments()) {
        assertThat(text.out()).contains(f.files().get(0).path());
      }
      assertThat(text.out()).contains("deletion files");
    }
    CliRun json = ok("show", ds, "--json", "--version", "1");
    Object doc = dev.lancelet.table.format.Json.parse(json.out());
    assertThat(doc).isInstanceOf(java.util.Map.class);
    java.util.Map<?, ?> m = (java.util.Map<?, ?>) doc;
    assertThat(m.get("version")).isEqualTo(1L);
    assertThat(m.get("latest_version")).isEqualTo(2L);
    assertThat(m.get("rows")).isEqualTo(1000L);
    assertThat((List<?>) m.get("fragments")).hasSize(3);
    List<?> schema = (List<?>) m.get("schema");
    assertThat(schema).hasSize(3);
    assertThat(((java.util.Map<?, ?>) schema.get(0)).get("id")).isEqualTo(0L);
    assertThat(((java.util.Map<?, ?>) schema.get(2)).get("name")).isEqualTo("score");

    CliRun missing = fails(1, "show", tmp.resolve("missing").toString());
    assertThat(missing.err()).contains("No Lance dataset at");
    fails(1, "show", ds, "--version", "3");
    fails(1, "show", ds, "--tag", "nosuchtag");
    fails(2, "show", ds, "--version", "0");
  }

  @Test
  void versionsListsEveryVersion() throws Exception {
    ok("import", csv("a.csv", 0, 100).toString(), ds, "-q");
    ok("import", csv("b.csv", 100, 50).toString(), ds, "--mode", "append", "-q");
    ok("delete", ds, "--where", "id < 10");
    CliRun text = ok("versions", ds);
    List<String> lines = text.out().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(2)).contains("Overwrite").contains("100");
    assertThat(lines.get(3)).contains("Append").contains("150");
    assertThat(lines.get(4)).contains("Delete").contains("140");
    CliRun json = ok("versions", ds, "--json");
    List<?> doc = (List<?>) dev.lancelet.table.format.Json.parse(json.out());
    assertThat(doc).hasSize(3);
    assertThat(((java.util.Map<?, ?>) doc.get(2)).get("rows")).isEqualTo(140L);
    fails(1, "versions", tmp.resolve("missing").toString());
  }

  @Test
  void checkoutShowsAnOldVersionReadOnly() throws Exception {
    ok("import", csv("a.csv", 0, 100).toString(), ds, "-q");
    ok("delete", ds, "--where", "id < 50");
    CliRun r = ok("checkout", ds, "--version", "1", "--head", "3");
    assertThat(r.out()).contains("Version   1 of 2").contains("First rows").contains("name2")
        .contains("lance restore");
    assertThat(apiCount(null)).isEqualTo(50);
    fails(2, "checkout", ds);
    fails(1, "checkout", ds, "--version", "5");
  }

  @Test
  void tagsCreateListUpdateDelete() throws Exception {
    ok("import", csv("a.csv", 0, 10).toString(), ds, "-q");
    ok("import", csv("b.csv", 10, 5).toString(), ds, "--mode", "append", "-q");
    assertThat(ok("tag", "create", ds, "gold", "--version", "1").out()).contains("version 1 as gold");
    ok("tag", "create", ds, "head");
    CliRun list = ok("tag", "list", ds);
    assertThat(list.out()).contains("gold").contains("head");
    CliRun json = ok("tag", "list", ds, "--json");
    assertThat(dev.lancelet.table.format.Json.parse(json.out())).isEqualTo(java.util.Map.of("gold", 1L, "head", 2L));
    Path out = tmp.resolve("g.jsonl");
    ok("export", ds, out.toString(), "--tag", "gold", "-q");
    assertThat(fileRows(out)).hasSize(10);
    assertThat(ok("show", ds).out()).contains("tags head").contains("gold -> 1");

    assertThat(ok("tag", "update", ds, "gold", "--version", "2").out()).contains("from version 1 to 2");
    assertThat(ok("show", ds, "--tag", "gold", "--json").out()).contains("\"version\": 2");
    assertThat(ok("tag", "delete", ds, "gold").out()).contains("deleted tag gold");
    assertThat(dev.lancelet.table.format.Json.parse(ok("tag", "list", ds, "--json").out()))
        .isEqualTo(java.util.Map.of("head", 2L));

    fails(1, "tag", "create", ds, "head");
    fails(1, "tag", "delete", ds, "gold");
    fails(1, "tag", "create", ds, "x", "--version", "9");
    fails(2, "tag", "update", ds, "head");
    fails(2, "tag", ds);
  }

  @Test
  void restoreMakesAnOldVersionTheLatest() throws Exception {
    ok("import", csv("a.csv", 0, 20).toString(), ds, "-q");
    ok("delete", ds, "--where", "id < 15");
    CliRun r = ok("restore", ds, "--version", "1");
    assertThat(r.out()).contains("restored").contains("version 1 as version 3").contains("20 rows");
    assertThat(apiScan(null, s -> {})).isEqualTo(apiScan(1L, s -> {}));
    assertThat(ok("versions", ds).out()).contains("Restore");
    fails(1, "restore", ds, "--version", "8");
    fails(2, "restore", ds);
  }

  // ------------------------------------------------------------------ schema evolution, maintenance

  @Test
  void addDropAndRenameColumns() throws Exception {
    ok("import", csv("a.csv", 0, 50).toString(), ds, "--max-rows-per-file", "20", "-q");
    ok("delete", ds, "--where", "id = 3");
    CliRun add = ok("add-columns", ds, "--sql", "double_id=id * 2", "--sql", "big=score > 5");
    assertThat(add.out()).contains("added double_id, big").contains("version 2 -> 3");
    assertThat(apiScan(null, s -> s.columns("id", "double_id").limit(4)))
        .containsExactly("id=0|double_id=0", "id=1|double_id=2", "id=2|double_id=4", "id=4|double_id=8");

    // --from: one row per visible row, in dataset order
    StringBuilder col = new StringBuilder("label\n");
    for (int i = 0; i < 49; i++) {
      col.append("L").append(i).append('\n');
    }
    Path labels = tmp.resolve("labels.csv");
    Files.writeString(labels, col);
    ok("add-columns", ds, "--from", labels.toString());
    assertThat(apiScan(null, s -> s.columns("id", "label").offset(3).limit(1))).containsExactly("id=4|label=L3");

    ok("rename-column", ds, "label", "tag");
    ok("drop-columns", ds, "big,score");
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(d.schema().getFields()).extracting(f -> f.getName()).containsExactly("id", "name", "double_id", "tag");
    }
    Files.writeString(labels, "label\nx\n");
    fails(1, "add-columns", ds, "--from", labels.toString());
    CliRun badExpr = fails(1, "add-columns", ds, "--sql", "z=id +* 2");
    assertThat(badExpr.err()).contains("id +* 2");
    fails(1, "drop-columns", ds, "nosuch");
    fails(1, "rename-column", ds, "nosuch", "x");
    CliRun cast = ok("alter-column", ds, "id", "--type", "int32");
    assertThat(cast.out()).contains("changed id to int32").contains("version 6 -> 7");
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(d.schema().findField("id").getType()).isEqualTo(new org.apache.arrow.vector.types.pojo.ArrowType.Int(32, true));
    }
    assertThat(apiScan(null, s -> s.columns("id", "tag").offset(3).limit(1))).containsExactly("id=4|tag=L3");
    assertThat(fails(1, "alter-column", ds, "tag", "--type", "int64").err()).contains("Cannot cast column 'tag'");
    assertThat(fails(2, "alter-column", ds, "id", "--type", "int99").err()).contains("--type");
    fails(2, "alter-column", ds, "id");
    assertThat(AlterColumnCommand.parse("v", "fixed_size_list(float16, 8)").toString())
        .isEqualTo(new org.apache.arrow.vector.types.pojo.Field("v", org.apache.arrow.vector.types.pojo.FieldType.nullable(
            new org.apache.arrow.vector.types.pojo.ArrowType.FixedSizeList(8)), List.of(AlterColumnCommand.parse("item",
            "float16"))).toString());
    fails(2, "add-columns", ds);
    fails(2, "add-columns", ds, "--sql", "novalue");
  }

  @Test
  void compactAndCleanup() throws Exception {
    ok("import", csv("a.csv", 0, 300).toString(), ds, "--max-rows-per-file", "50", "-q");
    ok("import", csv("b.csv", 300, 20).toString(), ds, "--mode", "append", "-q");
    ok("delete", ds, "--where", "id % 2 = 0");
    ok("tag", "create", ds, "first", "--version", "1");
    List<String> before = apiScan(null, s -> {});
    CliRun compact = ok("compact", ds, "--target-rows", "1000", "--progress");
    assertThat(compact.out()).contains("compacted 7 fragments into 1").contains("160 rows rewritten, 160 deleted rows dropped");
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build())) {
      assertThat(d.fragments()).hasSize(1);
      assertThat(d.countRows()).isEqualTo(160);
    }
    assertThat(apiScan(null, s -> {})).isEqualTo(before);
    assertThat(ok("compact", ds).out()).contains("nothing to compact");

    long versions = ok("versions", ds, "--json").out().lines().filter(l -> l.contains("\"version\"")).count();
    CliRun dry = ok("cleanup", ds, "--older-than", "0s", "--dry-run");
    assertThat(dry.out()).contains("would remove " + (versions - 2) + " versions");
    assertThat(ok("versions", ds, "--json").out().lines().filter(l -> l.contains("\"version\"")).count())
        .isEqualTo(versions);
    CliRun clean = ok("cleanup", ds, "--older-than", "0s");
    assertThat(clean.out()).contains("removed " + (versions - 2) + " versions");
    assertThat(apiScan(null, s -> {})).isEqualTo(before);
    assertThat(apiCount(1L)).isEqualTo(300); // tagged: kept
    fails(1, "show", ds, "--version", "2");
    fails(2, "cleanup", ds, "--older-than", "7x");
    fails(2, "cleanup", ds);
    fails(2, "compact", ds, "--target-rows", "0");
  }

  // ------------------------------------------------------------------ delete, update, merge-insert

  @Test
  void deleteUpdateAndMergeInsert() throws Exception {
    ok("import", csv("a.csv", 0, 100).toString(), ds, "-q");
    CliRun del = ok("delete", ds, "--where", "id >= 90");
    assertThat(del.out()).contains("deleted 10 rows").contains("version 1 -> 2");
    assertThat(apiCount(null)).isEqualTo(90);

    CliRun upd = ok("update", ds, "--set", "name='changed'", "--set", "score=score * 2", "--where", "id < 3");
    assertThat(upd.out()).contains("updated 3 rows").contains("version 2 -> 3");
    assertThat(apiScan(null, s -> s.filter("id < 3").columns("id", "name", "score")))
        .containsExactlyInAnyOrder("id=0|name=changed|score=0.0", "id=1|name=changed|score=0.5",
            "id=2|name=changed|score=1.0");

    // upsert: ids 85..94 (85..89 exist, 90..94 were deleted so they are new)
    Path src = csv("src.csv", 85, 10);
    String text = Files.readString(src).replaceAll(",name(\\d+),", ",merged$1,");
    Files.writeString(src, text);
    CliRun merge = ok("merge-insert", ds, src.toString(), "--on", "id");
    assertThat(merge.out()).contains("5 inserted, 5 updated, 0 deleted");
    assertThat(apiCount(null)).isEqualTo(95);
    assertThat(apiScan(null, s -> s.filter("id >= 85").columns("name")))
        .hasSize(10).allMatch(row -> row.startsWith("name=merged"));

    // insert only: nothing of the matched rows changes
    Files.writeString(src, "id,name,score\n1,again,9.0\n200,new,1.5\n");
    CliRun insertOnly = ok("merge-insert", ds, src.toString(), "--on", "id", "--when-not-matched-insert");
    assertThat(insertOnly.out()).contains("1 inserted, 0 updated");
    assertThat(apiScan(null, s -> s.filter("id = 1").columns("name"))).containsExactly("name=changed");

    CliRun bad = fails(1, "delete", ds, "--where", "id <");
    assertThat(bad.err()).contains("id <");
    fails(1, "update", ds, "--set", "nosuch=1");
    fails(2, "update", ds, "--set", "name");
    fails(2, "delete", ds);
    fails(1, "merge-insert", ds, src.toString(), "--on", "nosuch");
    assertThat(apiCount(null)).isEqualTo(96);

    // conditional update: only where the source's score is higher (id 1 has 0.5, id 3 has 1.5)
    Files.writeString(src, "id,name,score\n1,higher,9.0\n3,lower,0.0\n");
    CliRun cond = ok("merge-insert", ds, src.toString(), "--on", "id", "--when-matched-update-if",
        "source.score > target.score", "--conflict-retries", "0");
    assertThat(cond.out()).contains("0 inserted, 1 updated, 0 deleted");
    assertThat(apiScan(null, s -> s.filter("id = 1 OR id = 3").columns("name")))
        .containsExactlyInAnyOrder("name=higher", "name=name3");
    // replace a region: delete unmatched rows with id < 10, delete matched ones, fail on a match
    CliRun region = ok("merge-insert", ds, src.toString(), "--on", "id", "--when-matched-delete",
        "--when-not-matched-by-source-delete-if", "id < 10");
    assertThat(region.out()).contains("0 inserted, 0 updated, 10 deleted");
    assertThat(apiCount(null)).isEqualTo(86);
    Files.writeString(src, "id,name,score\n50,dup,1.0\n300,new,1.0\n");
    assertThat(fails(1, "merge-insert", ds, src.toString(), "--on", "id", "--when-matched-fail").err())
        .contains("whenMatchedFail");
    assertThat(apiCount(null)).isEqualTo(86);
    fails(2, "merge-insert", ds, src.toString(), "--on", "id", "--when-matched-delete", "--when-matched-fail");
    fails(2, "merge-insert", ds, src.toString(), "--on", "id", "--conflict-retries", "-1");
  }

  /** id -> _rowid of the latest version. */
  java.util.Map<Long, Long> rowIds() throws IOException {
    java.util.Map<Long, Long> out = new java.util.HashMap<>();
    try (Dataset d = Dataset.open(ds, OpenOptions.builder().allocator(allocator).build());
        ArrowReader r = d.newScan().columns("id").withRowId(true).open()) {
      while (r.loadNextBatch()) {
        var root = r.getVectorSchemaRoot();
        for (int i = 0; i < root.getRowCount(); i++) {
          out.put(((Number) root.getVector("id").getObject(i)).longValue(),
              ((Number) root.getVector("_rowid").getObject(i)).longValue());
        }
      }
    }
    return out;
  }

  @Test
  void updateMergeInsertAndCompactKeepStableRowIds() throws Exception {
    ok("import", csv("a.csv", 0, 100).toString(), ds, "--stable-row-ids", "--max-rows-per-file", "30", "-q");
    java.util.Map<Long, Long> before = rowIds();
    assertThat(ok("update", ds, "--set", "name='changed'", "--where", "id < 40").out()).contains("updated 40 rows");
    Path src = csv("src.csv", 95, 10); // 95..99 exist, 100..104 are new
    assertThat(ok("merge-insert", ds, src.toString(), "--on", "id").out()).contains("5 inserted, 5 updated, 0 deleted");
    assertThat(ok("compact", ds, "--target-rows", "1000").out()).contains("into 1");
    java.util.Map<Long, Long> after = rowIds();
    assertThat(after).hasSize(105);
    for (long id = 0; id < 100; id++) {
      assertThat(after.get(id)).as("row id of id " + id).isEqualTo(before.get(id));
    }
    assertThat(java.util.stream.LongStream.range(100, 105).map(after::get).sorted().toArray())
        .containsExactly(100, 101, 102, 103, 104);
    assertThat(apiScan(null, s -> s.filter("id < 40").columns("name"))).hasSize(40).allMatch(r -> r.equals("name=changed"));
  }

  // ------------------------------------------------------------------ options

  @Test
  void storageOptionsAreNotSilentlyDropped() throws Exception {
    ok("import", csv("a.csv", 0, 10).toString(), ds, "-q");
    CliRun r = fails(1, "show", ds, "--storage-option", "region=us-east-1");
    assertThat(r.err()).contains("--storage-option");
    CliRun global = fails(1, "--storage-option", "region=us-east-1", "show", ds);
    assertThat(global.err()).contains("--storage-option");
    fails(2, "show", ds, "--storage-option", "novalue");
  }

  @Test
  void helpListsTheDatasetCommands() {
    CliRun r = ok("--help");
    for (String c : List.of("import", "export", "take", "show", "versions", "checkout", "tag", "restore", "delete",
        "update", "merge-insert", "add-columns", "drop-columns", "rename-column", "alter-column", "compact", "cleanup")) {
      assertThat(r.out()).contains("  " + c + " ");
    }
    assertThat(ok("show", "--help").out()).contains("--storage-option").contains("--version");
    fails(2, "show");
    fails(2, "versions", ds, "--bogus");
  }
}
