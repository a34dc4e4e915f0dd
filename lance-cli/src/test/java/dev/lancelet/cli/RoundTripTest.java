package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arrow IPC → {@code lance file import} → Lance → {@code lance file export} → Arrow IPC must give
 * back the same rows. Skipped (by assumption) while lance-file's reader or writer is a skeleton.
 */
class RoundTripTest {
  static final int BATCHES = 3;
  static final int ROWS_PER_BATCH = 1000;
  static final int ROWS = BATCHES * ROWS_PER_BATCH;

  @TempDir Path tmp;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private Path imported(String formatVersion, boolean streamInput) throws Exception {
    Path in = ArrowFixtures.writeIpc(tmp.resolve(streamInput ? "in.arrows" : "in.arrow"), streamInput, BATCHES, ROWS_PER_BATCH, allocator);
    Path lance = tmp.resolve("t-" + formatVersion + ".lance");
    CliRun r = formatVersion == null
        ? CliRun.of("file", "import", in.toString(), lance.toString())
        : CliRun.of("file", "import", in.toString(), lance.toString(), "--format-version", formatVersion);
    r.assumeImplemented();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).contains("imported " + Formats.count(ROWS) + " rows in " + BATCHES + " batches");
    assertThat(lance).isRegularFile();
    return lance;
  }

  @Test
  void importThenExportGivesBackTheRows() throws Exception {
    Path lance = imported(null, false);
    List<Map<String, String>> expected = ArrowFixtures.expectedRows(ROWS, allocator);
    for (String name : new String[] {"back.arrow", "back.arrows"}) {
      Path back = tmp.resolve(name);
      CliRun r = CliRun.of("file", "export", lance.toString(), back.toString(), "--batch-size", "700").assumeImplemented();
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.err()).contains("exported " + Formats.count(ROWS) + " rows");
      assertThat(ArrowFixtures.readRows(back, allocator)).isEqualTo(expected);
      assertThat(ArrowFixtures.schemaOf(back, allocator).getFields()).extracting(Field::getName)
          .containsExactly("id", "name", "score", "vec", "tags", "color");
    }
  }

  @Test
  void exportTakesRowsAndColumns() throws Exception {
    Path lance = imported(null, false);
    Path out = tmp.resolve("some.arrow");
    CliRun r = CliRun.of("file", "export", lance.toString(), out.toString(), "--columns", "score,id", "--rows", "5,0,2998-2999,5", "-q")
        .assumeImplemented();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    List<Map<String, String>> all = ArrowFixtures.expectedRows(ROWS, allocator);
    List<Map<String, String>> expected = LongStream.of(5, 0, 2998, 2999, 5)
        .mapToObj(i -> all.get((int) i))
        .map(row -> Map.of("score", row.get("score"), "id", row.get("id")))
        .collect(Collectors.toList());
    List<Map<String, String>> got = ArrowFixtures.readRows(out, allocator);
    assertThat(got).isEqualTo(expected);
    assertThat(ArrowFixtures.schemaOf(out, allocator).getFields()).extracting(Field::getName).containsExactly("score", "id");

    CliRun range = CliRun.of("file", "export", lance.toString(), tmp.resolve("bad.arrow").toString(), "--rows", "3000");
    assertThat(range.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(range.err()).isEqualTo("lance: " + lance + ": Row 3000 is out of range (the file has 3,000 rows)" + System.lineSeparator());
  }

  @Test
  void importsStreamsAndWritesTheAskedVersion() throws Exception {
    Path lance = imported("2.0", true);
    CliRun r = CliRun.of("file", "inspect", lance.toString()).assumeImplemented();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("format version  2.0").contains("rows            3,000").contains("Schema (6 fields)")
        .contains("├── id: int64 not null").contains("vec: fixed_size_list<float32, 4> not null").contains("Totals");
    Path back = tmp.resolve("back.arrow");
    CliRun e = CliRun.of("file", "export", lance.toString(), back.toString()).assumeImplemented();
    assertThat(e.exit()).as(e.toString()).isZero();
    assertThat(ArrowFixtures.readRows(back, allocator)).isEqualTo(ArrowFixtures.expectedRows(ROWS, allocator));
  }

  @Test
  void inspectJsonDescribesTheFile() throws Exception {
    Path lance = imported("2.1", false);
    CliRun r = CliRun.of("file", "inspect", lance.toString(), "--json").assumeImplemented();
    assertThat(r.exit()).as(r.toString()).isZero();
    String json = r.out().strip();
    assertThat(json).startsWith("{").endsWith("}")
        .contains("\"version\": \"2.1\"").contains("\"rows\": 3000").contains("\"file_size\": " + Files.size(lance))
        .contains("\"name\": \"color\"").contains("\"pages\": [").contains("\"layout\": ").contains("\"totals\": {");
  }

  @Test
  void refusesToOverwriteWithoutForce() throws Exception {
    Path lance = imported(null, false);
    Path in = tmp.resolve("in.arrow");
    CliRun again = CliRun.of("file", "import", in.toString(), lance.toString());
    assertThat(again.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(again.err()).contains("File exists (use --force");
    CliRun forced = CliRun.of("file", "import", in.toString(), lance.toString(), "--force", "-q").assumeImplemented();
    assertThat(forced.exit()).as(forced.toString()).isZero();
  }
}
