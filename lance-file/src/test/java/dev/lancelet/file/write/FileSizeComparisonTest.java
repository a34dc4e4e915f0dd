package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.io.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the same seeded data with Lancelet and with lance-core 7.0 and prints the size ratio per
 * data set (see docs/writer.md for the recorded table).
 */
class FileSizeComparisonTest {
  @TempDir Path dir;
  BufferAllocator alloc;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  record Case(String name, Schema schema, WriterInteropTest.Nulls nulls, int rows, long seed, int shape) {}

  @Test
  void sizesCloseToLance() throws Exception {
    var I32 = WriterInteropTest.I32;
    var I64 = WriterInteropTest.I64;
    var F64 = WriterInteropTest.F64;
    var F32 = WriterInteropTest.F32;
    List<Case> cases = List.of(
        new Case("int64 random", schema(WriterInteropTest.f("a", I64, false)), WriterInteropTest.Nulls.NONE, 200_000, 1, 0),
        new Case("int32 small range", schema(WriterInteropTest.f("a", I32, false)), WriterInteropTest.Nulls.NONE, 200_000, 2, 1),
        new Case("int64 runs", schema(WriterInteropTest.f("a", I64, false)), WriterInteropTest.Nulls.NONE, 200_000, 3, 2),
        new Case("int64 sorted", schema(WriterInteropTest.f("a", I64, false)), WriterInteropTest.Nulls.NONE, 200_000, 4, 3),
        new Case("float64 [0,1)", schema(WriterInteropTest.f("a", F64, false)), WriterInteropTest.Nulls.NONE, 200_000, 5, 0),
        new Case("int32 nullable", schema(WriterInteropTest.f("a", I32, true)), WriterInteropTest.Nulls.SOME, 200_000, 6, 1),
        new Case("bool", schema(WriterInteropTest.f("a", ArrowType.Bool.INSTANCE, true)), WriterInteropTest.Nulls.SOME, 200_000, 7, 0),
        new Case("utf8 random", schema(WriterInteropTest.f("a", ArrowType.Utf8.INSTANCE, true)), WriterInteropTest.Nulls.SOME, 100_000, 8, 0),
        new Case("utf8 low-card", schema(WriterInteropTest.f("a", ArrowType.Utf8.INSTANCE, false)), WriterInteropTest.Nulls.NONE, 100_000, 9, 1),
        new Case("binary random", schema(WriterInteropTest.f("a", ArrowType.Binary.INSTANCE, false)), WriterInteropTest.Nulls.NONE, 100_000, 10, 0),
        new Case("list<int32>", schema(WriterInteropTest.f("l", ArrowType.List.INSTANCE, true, WriterInteropTest.f("item", I32, true))), WriterInteropTest.Nulls.SOME, 100_000, 11, 1),
        new Case("fsl<f32,128>", schema(WriterInteropTest.f("v", new ArrowType.FixedSizeList(128), false, WriterInteropTest.f("item", F32, false))), WriterInteropTest.Nulls.NONE, 20_000, 12, 0),
        new Case("fsl<f32,8> (MB)", schema(WriterInteropTest.f("v", new ArrowType.FixedSizeList(8), false, WriterInteropTest.f("item", F32, false))), WriterInteropTest.Nulls.NONE, 100_000, 13, 0),
        new Case("fsl<f32,8> nullable (MB)", schema(WriterInteropTest.f("v", new ArrowType.FixedSizeList(8), true, WriterInteropTest.f("item", F32, false))), WriterInteropTest.Nulls.SOME, 100_000, 14, 0));
    StringBuilder report = new StringBuilder("\n| data | rows | Lancelet bytes | lance-core bytes | ratio |\n|---|---|---|---|---|\n");
    for (Case c : cases) {
      Path ours = dir.resolve("ours-" + c.seed() + ".lance");
      Path theirs = dir.resolve("lance-" + c.seed() + ".lance");
      try (LocalObjectStore store = new LocalObjectStore(dir);
          LanceFileWriter w = LanceFileWriter.create(store, ours.getFileName().toString(), c.schema(), alloc, WriteOptions.defaults());
          org.lance.file.LanceFileWriter lw = org.lance.file.LanceFileWriter.open(theirs.toString(), alloc, null)) {
        Random rnd = new Random(c.seed());
        for (int done = 0; done < c.rows(); done += 8192) {
          int n = Math.min(8192, c.rows() - done);
          try (VectorSchemaRoot root = VectorSchemaRoot.create(c.schema(), alloc)) {
            root.allocateNew();
            for (FieldVector v : root.getFieldVectors()) {
              double p = c.nulls() == WriterInteropTest.Nulls.NONE ? 0 : 0.2;
              WriterInteropTest.fillRange(v, 0, n, rnd, p, c.shape());
              v.setValueCount(n);
            }
            root.setRowCount(n);
            w.write(root);
            lw.write(root);
          }
        }
      }
      long a = Files.size(ours);
      long b = Files.size(theirs);
      report.append(String.format("| %s | %d | %d | %d | %.2f |%n", c.name(), c.rows(), a, b, (double) a / b));
    }
    System.out.println(report);
    Files.writeString(Path.of("target", "file-size-report.md"), report.toString());
    assertThat(report).isNotEmpty();
  }

  /** A string column generator for the text size comparisons. */
  interface Gen {
    String next(Random rnd);
  }

  record TextCase(String name, ArrowType type, int rows, long seed, double pNull, Gen gen) {}

  @Test
  void textSizesCloseToLance() throws Exception {
    List<TextCase> cases = List.of(
        new TextCase("utf8 words 5-60 B (MB Fsst)", ArrowType.Utf8.INSTANCE, 100_000, 21, 0.1, r -> FsstWriterTest.text(r, 5, 60)),
        new TextCase("large_utf8 words 5-60 B", ArrowType.LargeUtf8.INSTANCE, 100_000, 22, 0, r -> FsstWriterTest.text(r, 5, 60)),
        new TextCase("utf8 unicode 5-80 B", ArrowType.Utf8.INSTANCE, 50_000, 23, 0.1, r -> FsstWriterTest.unicode(r, 5, 80)),
        new TextCase("utf8 random letters 8-24 B", ArrowType.Utf8.INSTANCE, 100_000, 24, 0, r -> FsstWriterTest.letters(r, 8 + r.nextInt(17))),
        new TextCase("utf8 short <= 4 B (no Fsst)", ArrowType.Utf8.INSTANCE, 100_000, 25, 0, r -> FsstWriterTest.letters(r, 1 + r.nextInt(4))),
        new TextCase("utf8 long 300-3000 B (FZ Fsst)", ArrowType.Utf8.INSTANCE, 8_000, 26, 0.05, r -> FsstWriterTest.text(r, 300, 3000)));
    StringBuilder report = new StringBuilder("\n| text data | rows | Lancelet bytes | lance-core bytes | ratio |\n|---|---|---|---|---|\n");
    List<String> tooBig = new java.util.ArrayList<>();
    for (TextCase c : cases) {
      Schema schema = schema(WriterInteropTest.f("s", c.type(), true));
      Path ours = dir.resolve("t-ours-" + c.seed() + ".lance");
      Path theirs = dir.resolve("t-lance-" + c.seed() + ".lance");
      try (LocalObjectStore store = new LocalObjectStore(dir);
          LanceFileWriter w = LanceFileWriter.create(store, ours.getFileName().toString(), schema, alloc, WriteOptions.defaults());
          org.lance.file.LanceFileWriter lw = org.lance.file.LanceFileWriter.open(theirs.toString(), alloc, null)) {
        Random rnd = new Random(c.seed());
        for (int done = 0; done < c.rows(); done += 8192) {
          int n = Math.min(8192, c.rows() - done);
          try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
            root.allocateNew();
            FieldVector v = root.getVector(0);
            for (int i = 0; i < n; i++) {
              if (rnd.nextDouble() < c.pNull()) {
                WriterInteropTest.setNull(v, i);
                continue;
              }
              byte[] b = c.gen().next(rnd).getBytes(java.nio.charset.StandardCharsets.UTF_8);
              if (v instanceof org.apache.arrow.vector.VarCharVector s) s.setSafe(i, b);
              else ((org.apache.arrow.vector.LargeVarCharVector) v).setSafe(i, b);
            }
            v.setValueCount(n);
            root.setRowCount(n);
            w.write(root);
            lw.write(root);
          }
        }
      }
      long a = Files.size(ours);
      long b = Files.size(theirs);
      double ratio = (double) a / b;
      report.append(String.format("| %s | %d | %d | %d | %.2f |%n", c.name(), c.rows(), a, b, ratio));
      if (ratio > 1.15) {
        tooBig.add(c.name() + " " + String.format("%.2f", ratio));
      }
    }
    System.out.println(report);
    Files.writeString(Path.of("target", "text-size-report.md"), report.toString());
    assertThat(tooBig).as("text cases over 1.15x lance-core's size").isEmpty();
  }

  static Schema schema(org.apache.arrow.vector.types.pojo.Field... f) {
    return new Schema(List.of(f));
  }
}
