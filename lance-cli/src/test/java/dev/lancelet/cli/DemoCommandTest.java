package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void demoRunsEndToEnd() {
    CliRun r = CliRun.of("demo", "--rows", "20000", "--out", tmp.toString()).assumeImplemented();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("Writing 20,000 rows of sample data (Lance format 2.1)")
        .contains("▶ lance file inspect " + tmp.resolve("demo.lance"))
        .contains("format version  2.1")
        .contains("embedding: fixed_size_list<float32, 128> not null")
        .contains("5 of 5 match the generator ✓")
        .contains("count 20,000  nulls 0");
    assertThat(tmp.resolve(DemoCommand.FILE_NAME)).isRegularFile();
  }

  @Test
  void datasetDemoRunsEndToEnd() {
    CliRun r = CliRun.of("demo", "--dataset", "--rows", "3000", "--out", tmp.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    String ds = tmp.resolve("demo_dataset").toString();
    assertThat(r.out())
        .contains("▶ lance import " + tmp.resolve("sample.arrow") + " " + ds)
        .contains("▶ lance delete " + ds + " --where \"category = 'toys'\"")
        .contains("Overwrite").contains("Append").contains("Delete")
        .contains("Version   2 of 3")
        .contains("tagged " + ds + " version 2 as before-delete")
        .contains("the generator agrees ✓");
    assertThat(r.err()).contains("imported 3,000 rows").contains("appended 600 rows").contains("exported ");
    assertThat(tmp.resolve("toys.jsonl")).isRegularFile();
  }

  @Test
  void generatedRowsAreDeterministicAndInRange() {
    Set<String> categories = new HashSet<>();
    int nullTags = 0;
    for (long id = 0; id < 5000; id++) {
      DemoData.Row a = DemoData.row(id);
      DemoData.Row b = DemoData.row(id);
      assertThat(a.caption()).isEqualTo(b.caption());
      assertThat(a.embedding()).containsExactly(b.embedding());
      assertThat(a.caption().length()).as(a.caption()).isBetween(20, 50);
      assertThat(a.score()).isBetween(0.0, 1.0);
      assertThat(a.embedding()).hasSize(DemoData.DIM);
      categories.add(a.category());
      if (a.tags() == null) {
        nullTags++;
      }
    }
    assertThat(categories).hasSize(DemoData.CATEGORIES.length);
    assertThat(nullTags).isBetween(800, 1200);
  }

  @Test
  void filledBatchesMatchTheGenerator() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(DemoData.schema(), allocator)) {
      DemoData.fill(root, 1000, 300);
      assertThat(root.getRowCount()).isEqualTo(300);
      for (int i = 0; i < 300; i++) {
        assertThat(DemoData.matches(root, i, DemoData.row(1000 + i))).as("row %d", i).isTrue();
      }
      assertThat(DemoData.matches(root, 0, DemoData.row(5))).isFalse();
      assertThat(ValueFormat.format(root.getVector("embedding"), 0)).startsWith("[").endsWith(", … 128 items]");
    }
  }
}
