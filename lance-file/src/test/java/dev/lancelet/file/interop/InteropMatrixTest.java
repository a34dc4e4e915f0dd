package dev.lancelet.file.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.file.interop.InteropCase.Direction;
import dev.lancelet.file.interop.KnownGaps.Gap;
import dev.lancelet.file.interop.KnownGaps.Phase;
import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import dev.lancelet.file.testing.ReferenceLance;
import dev.lancelet.file.testing.ReferenceQuirks;
import dev.lancelet.io.LocalObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interop acceptance suite: seeded random round trips in both directions, over every catalog
 * type, value shape, null pattern and nesting, for row counts from 0 to over a million, in
 * several batches, for Lance 2.0, 2.1, 2.2 (and 2.3 for reading). See {@link InteropMatrix} for
 * the matrix and docs/interop.md for how to run it.
 *
 * <ul>
 *   <li><b>A</b>: lance-core 7.0.0 writes the batches; Lancelet reads them by full scan (odd batch
 *       size), by row range, and by take (sorted distinct rows; unsorted rows with duplicates).
 *   <li><b>B</b>: Lancelet writes; lance-core reads the whole file and a row range; Lancelet reads
 *       its own file as in A.
 * </ul>
 *
 * Everything is compared exactly with the generated data, after the documented lance-core
 * quirks ({@link ReferenceQuirks#expectedReadBack}). Features not implemented yet are listed in
 * {@link KnownGaps}; the cases they cover must fail with the listed exception.
 *
 * <p>Every failure names the base seed and the case key. Rerun one case with
 * {@code ./build -pl lance-file test -Dtest=InteropMatrixTest -Dlancelet.interop.seed=<seed>
 * -Dlancelet.interop.case='<key>'} ({@code case} is a substring filter on the keys).
 */
class InteropMatrixTest {

  /** The base seed: {@code -Dlancelet.interop.seed=N} overrides it. */
  static final long SEED = Long.getLong("lancelet.interop.seed", 0x1A_CE_1E_7L);

  /** If set, only cases whose key contains this string run. */
  static final String ONLY = System.getProperty("lancelet.interop.case", "");

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close(); // fails the test if anything leaked
  }

  static Stream<InteropCase> defaultCases() {
    return InteropMatrix.defaults().stream().filter(c -> c.key().contains(ONLY));
  }

  static Stream<InteropCase> extendedCases() {
    return InteropMatrix.extended().stream().filter(c -> c.key().contains(ONLY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultCases")
  void roundTrip(InteropCase c) throws Exception {
    run(c, SEED);
  }

  @Tag("interop-long")
  @ParameterizedTest(name = "{0}")
  @MethodSource("extendedCases")
  void roundTripExtended(InteropCase c) throws Exception {
    for (long k = 0; k < 3; k++) {
      run(c, SEED + k);
    }
  }

  /**
   * Bugs this suite found, pinned to the smallest case that showed each (they stay in the default
   * matrix too; these run even when {@code lancelet.interop.case} filters the matrix).
   */
  static Stream<InteropCase> regressions() {
    return Stream.of(
        // Reader: dictionary-typed fields made Arrow create index vectors (ClassCastException, 2.1+)
        // or tripped the 2.0 decoder's guard; the reader's schema now reports the value type.
        InteropCase.of(Direction.A, "2.1", "dict_int32_utf8", Shape.RANDOM, Nulls.RANDOM_10, 337, 3),
        InteropCase.of(Direction.A, "2.0", "dict_int32_utf8", Shape.RANDOM, Nulls.RANDOM_10, 337, 3),
        // Reader: a 2.2 constant page of a variable-width type keeps its value in buffer 0 (no
        // inline value); it was read as repetition levels ("levels do not start at a row boundary").
        InteropCase.of(Direction.A, "2.2", "utf8", Shape.RANDOM, Nulls.NONE, 1, 1),
        InteropCase.of(Direction.A, "2.2", "large_binary", Shape.CONSTANT, Nulls.RANDOM_10, 337, 3),
        InteropCase.of(Direction.A, "2.3", "struct_nested", Shape.RANDOM, Nulls.RANDOM_10, 1, 3),
        // Writer: a null struct above a list got a value slot, so struct<list<utf8>> pages held more
        // values than visible levels (our reader: corrupt page; lance-core: wrong strings; or an
        // ArrayIndexOutOfBoundsException in the dictionary/mini-block encoder).
        InteropCase.of(Direction.B, "2.1", "struct_list", Shape.RANDOM, Nulls.RANDOM_10, 337, 3),
        InteropCase.of(Direction.B, "2.1", "struct_list", Shape.RUNS, Nulls.RANDOM_10, 337, 3),
        InteropCase.of(Direction.B, "2.0", "struct_list", Shape.SHORT_STRINGS, Nulls.RUNS, 337, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("regressions")
  void regression(InteropCase c) throws Exception {
    run(c, SEED);
  }

  /** The KnownGaps table is consistent: every entry covers at least one default case. */
  @Test
  void everyKnownGapCoversADefaultCase() {
    for (Gap g : KnownGaps.ALL) {
      assertThat(InteropMatrix.defaults().stream().anyMatch(g.applies()))
          .as("KnownGaps entry %s covers no case of the default matrix", g.id())
          .isTrue();
    }
  }

  // ------------------------------------------------------------------------------------------

  /** The seed of one case: the base seed mixed with the case key, so cases differ. */
  static long caseSeed(long base, InteropCase c) {
    long h = base * 0x9E3779B97F4A7C15L + c.key().hashCode();
    return h ^ (h >>> 29);
  }

  static String reproduction(long base, InteropCase c) {
    return "case [" + c.key() + "] seed=" + base + "; rerun: ./build -pl lance-file test -Dtest=InteropMatrixTest"
        + " -Dlancelet.interop.seed=" + base + " -Dlancelet.interop.case='" + c.key() + "'";
  }

  private void run(InteropCase c, long base) throws Exception {
    String repro = reproduction(base, c);
    try {
      runCase(c, caseSeed(base, c), repro);
    } catch (AssertionError | Exception e) {
      throw new AssertionError(repro + "\n  " + e, e);
    }
  }

  private void runCase(InteropCase c, long seed, String repro) throws Exception {
    RandomData.Builder gen = RandomData.builder(seed)
        .shape(c.shape()).nulls(c.nulls()).rows(c.rows()).batches(c.batches());
    Path file = dir.resolve(c.fileName());
    try (RandomData.Batches data = gen.build(c.schema(), allocator)) {
      if (c.direction() == Direction.A) {
        ReferenceLance.writeFile(file, data, c.version());
      } else if (!lanceletWrite(c, data, file)) {
        return; // a known gap, verified
      }
      List<VectorSchemaRoot> expected = ReferenceQuirks.expectedReadBack(
          data.roots(), data.dictionaries(), c.version(), allocator);
      try {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5CA7_7E57L);
        lanceletReads(c, file, expected, rnd, repro);
        if (c.direction() == Direction.B) {
          referenceReads(c, file, expected, rnd, repro);
        }
      } finally {
        ReferenceLance.closeAll(expected);
      }
    }
  }

  /** Writes with Lancelet; false if a known gap stopped it (after checking the gap's exception). */
  private boolean lanceletWrite(InteropCase c, RandomData.Batches data, Path file) throws Exception {
    Optional<Gap> gap = KnownGaps.find(c, Phase.LANCELET_WRITE);
    WriteOptions.Builder opts = WriteOptions.builder().version(c.fileVersion());
    if (c.smallPages()) {
      opts.maxPageBytes(4096);
    }
    Throwable thrown = null;
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, file.getFileName().toString(), c.schema(), allocator,
            opts.build(), data.dictionaries())) {
      for (VectorSchemaRoot root : data.roots()) {
        w.write(root);
      }
    } catch (Exception e) {
      if (gap.isEmpty()) {
        throw e;
      }
      thrown = e;
    }
    if (gap.isPresent()) {
      checkGap(gap.get(), thrown);
      return false;
    }
    return true;
  }

  private static void checkGap(Gap gap, Throwable thrown) {
    if (thrown == null) {
      throw new AssertionError("KnownGaps entry '" + gap.id() + "' no longer applies: " + gap.phase()
          + " succeeded. The feature seems to work now: remove the entry (and update docs/interop.md).");
    }
    assertThat(thrown)
        .as("KnownGaps entry '%s' expects %s containing \"%s\"", gap.id(), gap.exception().getSimpleName(),
            gap.message())
        .isInstanceOf(gap.exception())
        .hasMessageContaining(gap.message());
  }

  /** lance-core reads the whole file and one row range; both must equal the expected data. */
  private void referenceReads(InteropCase c, Path file, List<VectorSchemaRoot> expected, SplittableRandom rnd,
      String repro) throws Exception {
    if (c.single() && ReferenceQuirks.readerAborts(c.typeName(), c.shape(), c.nulls(), c.version())) {
      return; // lance-core's reader would abort the JVM (ReferenceQuirks.READER_ABORTS)
    }
    assertThat(ReferenceLance.numRows(file)).as("lance-core row count; %s", repro).isEqualTo(c.totalRows());
    List<VectorSchemaRoot> all = ReferenceLance.readFile(file, null, allocator);
    try {
      ArrowAssert.assertBatchesEqual(expected, all, "lance-core full read; " + repro);
    } finally {
      ReferenceLance.closeAll(all);
    }
    if (c.totalRows() > 0) {
      long[] range = range(rnd, c.totalRows());
      List<VectorSchemaRoot> part = ReferenceLance.readRanges(
          file, null, List.of(new ReferenceLance.RowRange((int) range[0], (int) range[1])), allocator);
      try {
        long pos = range[0];
        for (VectorSchemaRoot p : part) {
          ArrowAssert.assertRowsEqual(expected, null, rows(pos, pos + p.getRowCount()), p, null,
              "lance-core range [" + range[0] + ", " + range[1] + ") at row " + pos + "; " + repro);
          pos += p.getRowCount();
        }
        assertThat(pos).as("lance-core range end; %s", repro).isEqualTo(range[1]);
      } finally {
        ReferenceLance.closeAll(part);
      }
    }
  }

  /** Lancelet reads by full scan, by range, and by take; everything must equal the expected data. */
  private void lanceletReads(InteropCase c, Path file, List<VectorSchemaRoot> expected, SplittableRandom rnd,
      String repro) throws Exception {
    Optional<Gap> gap = KnownGaps.find(c, Phase.LANCELET_READ);
    Throwable thrown = null;
    try {
      lanceletReadsUnchecked(c, file, expected, rnd, repro);
    } catch (Exception e) {
      if (gap.isEmpty()) {
        throw e;
      }
      thrown = e;
    }
    if (gap.isPresent()) {
      checkGap(gap.get(), thrown);
    }
  }

  private void lanceletReadsUnchecked(InteropCase c, Path file, List<VectorSchemaRoot> expected,
      SplittableRandom rnd, String repro) throws Exception {
    long n = c.totalRows();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, file.getFileName().toString(), allocator)) {
      assertThat(r.numRows()).as("Lancelet row count; %s", repro).isEqualTo(n);
      // Full scan, odd batch size.
      int batch = 1 + 2 * rnd.nextInt(n > 100_000 ? 40_000 : 300);
      scanAndCompare(r, ScanOptions.builder().batchSize(batch).build(), 0, n, expected,
          "Lancelet scan batchSize=" + batch + "; " + repro);
      if (n == 0) {
        return;
      }
      // Row range, another odd batch size.
      long[] range = range(rnd, n);
      int batch2 = 1 + 2 * rnd.nextInt(200);
      scanAndCompare(r, ScanOptions.builder().rowRange(range[0], range[1]).batchSize(batch2).build(),
          range[0], range[1], expected,
          "Lancelet range [" + range[0] + ", " + range[1] + ") batchSize=" + batch2 + "; " + repro);
      // Take: sorted distinct rows, then unsorted rows with duplicates.
      int k = (int) Math.min(n, 1 + rnd.nextInt(64));
      long[] sorted = rnd.longs(k, 0, n).distinct().sorted().toArray();
      take(r, sorted, null, expected, "Lancelet take sorted " + brief(sorted) + "; " + repro);
      long[] shuffled = rnd.longs(k + 3, 0, n).toArray();
      shuffled[k + 2] = shuffled[0]; // at least one duplicate
      take(r, shuffled, null, expected, "Lancelet take unsorted " + brief(shuffled) + "; " + repro);
      if (!c.single()) {
        // Projection: a few columns in another order.
        List<String> names = new ArrayList<>(r.schema().getFields().stream().map(Field::getName).toList());
        List<String> picked = List.of(names.get(names.size() - 1), names.get(0), names.get(names.size() / 2));
        try (VectorSchemaRoot t = r.take(shuffled, picked)) {
          List<VectorSchemaRoot> projected = project(expected, picked);
          ArrowAssert.assertRowsEqual(projected, null, shuffled, t, null,
              "Lancelet take columns " + picked + "; " + repro);
        }
      }
    }
  }

  private void scanAndCompare(LanceFileReader r, ScanOptions opts, long start, long end,
      List<VectorSchemaRoot> expected, String context) throws Exception {
    long pos = start;
    try (ArrowReader ar = r.scan(opts)) {
      while (ar.loadNextBatch()) {
        VectorSchemaRoot got = ar.getVectorSchemaRoot();
        int m = got.getRowCount();
        assertThat(m).as("batch size at row %d; %s", pos, context).isPositive().isLessThanOrEqualTo(opts.batchSize());
        ArrowAssert.assertRowsEqual(expected, null, rows(pos, pos + m), got, null, context);
        pos += m;
      }
    }
    assertThat(pos).as("rows scanned; %s", context).isEqualTo(end);
  }

  private static void take(LanceFileReader r, long[] rows, List<String> columns, List<VectorSchemaRoot> expected,
      String context) throws Exception {
    try (VectorSchemaRoot t = r.take(rows, columns)) {
      ArrowAssert.assertRowsEqual(expected, null, rows, t, null, context);
    }
  }

  /** Views of {@code batches} restricted to {@code columns} (not owned: do not close). */
  private static List<VectorSchemaRoot> project(List<VectorSchemaRoot> batches, List<String> columns) {
    List<VectorSchemaRoot> out = new ArrayList<>();
    for (VectorSchemaRoot b : batches) {
      out.add(new VectorSchemaRoot(columns.stream().map(b::getVector).map(v -> (org.apache.arrow.vector.FieldVector) v)
          .toList()));
    }
    return out;
  }

  /** A random non-empty half-open range inside [0, n). */
  private static long[] range(SplittableRandom rnd, long n) {
    long a = rnd.nextLong(n);
    long b = a + 1 + rnd.nextLong(n - a);
    return new long[] {a, b};
  }

  private static long[] rows(long start, long end) {
    long[] out = new long[Math.toIntExact(end - start)];
    for (int i = 0; i < out.length; i++) {
      out[i] = start + i;
    }
    return out;
  }

  private static String brief(long[] rows) {
    return rows.length <= 12 ? Arrays.toString(rows) : Arrays.toString(Arrays.copyOf(rows, 12)) + "… (" + rows.length + ")";
  }
}
