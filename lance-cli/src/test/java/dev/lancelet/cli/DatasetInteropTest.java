package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.ReadOptions;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

/**
 * A dataset made by the CLI (import, append, delete, update, add-columns, compact) opens in the
 * reference engine, lance-core 7.0.0, with the same rows at every version.
 */
class DatasetInteropTest {
  @TempDir Path tmp;

  private Path csv(String name, int from, int n) throws Exception {
    StringBuilder sb = new StringBuilder("id,name,score\n");
    for (int i = from; i < from + n; i++) {
      sb.append(i).append(",name").append(i % 13).append(',').append(String.format(Locale.ROOT, "%.1f", i * 0.5)).append('\n');
    }
    Path p = tmp.resolve(name);
    Files.writeString(p, sb);
    return p;
  }

  private static void ok(String... args) {
    CliRun r = CliRun.of(args);
    assertThat(r.exit()).as(r.toString()).isZero();
  }

  private static List<String> ours(String uri, long version, BufferAllocator allocator) throws Exception {
    List<String> out = new ArrayList<>();
    try (Dataset d = Dataset.open(uri, OpenOptions.builder().version(version).allocator(allocator).build());
        ArrowReader r = d.newScan().open()) {
      while (r.loadNextBatch()) {
        out.addAll(DatasetCommandsTest.rows(r.getVectorSchemaRoot()));
      }
    }
    return out;
  }

  private static List<String> reference(String uri, long version) throws Exception {
    List<String> out = new ArrayList<>();
    try (BufferAllocator ref = new RootAllocator();
        org.lance.Dataset d = org.lance.Dataset.open(ref, uri, new ReadOptions.Builder().setVersion(version).build());
        LanceScanner scanner = d.newScan(new ScanOptions.Builder().batchSize(4096).build());
        ArrowReader r = scanner.scanBatches()) {
      while (r.loadNextBatch()) {
        out.addAll(DatasetCommandsTest.rows(r.getVectorSchemaRoot()));
      }
    }
    return out;
  }

  @Test
  void lanceCoreReadsWhatTheCliWrote() throws Exception {
    String uri = tmp.resolve("ds").toString();
    ok("import", csv("a.csv", 0, 700).toString(), uri, "--max-rows-per-file", "250", "-q");
    ok("import", csv("b.csv", 700, 100).toString(), uri, "--mode", "append", "-q");
    ok("delete", uri, "--where", "id % 5 = 1");
    ok("update", uri, "--set", "name='upd'", "--where", "id < 20");
    ok("add-columns", uri, "--sql", "twice=id * 2");
    ok("compact", uri, "-q");
    long latest;
    try (BufferAllocator allocator = new RootAllocator()) {
      try (Dataset d = Dataset.open(uri, OpenOptions.builder().allocator(allocator).build())) {
        latest = d.version();
      }
      assertThat(latest).isGreaterThanOrEqualTo(6);
      for (long v = 1; v <= latest; v++) {
        List<String> mine = ours(uri, v, allocator);
        List<String> theirs = reference(uri, v);
        // Update moves rows to new fragments, so compare as multisets after version 3.
        assertThat(theirs).as("version %d", v).containsExactlyInAnyOrderElementsOf(mine);
        if (v <= 3) {
          assertThat(theirs).as("version %d order", v).isEqualTo(mine);
        }
      }
      try (BufferAllocator ref = new RootAllocator(); org.lance.Dataset d = org.lance.Dataset.open(uri, ref)) {
        assertThat(d.countRows()).isEqualTo(640);
      }
    }
  }
}
