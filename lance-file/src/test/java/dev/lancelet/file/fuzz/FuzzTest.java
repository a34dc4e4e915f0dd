package dev.lancelet.file.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.MemoryObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded, seeded fuzzing of the reader with damaged real files (the TestAllFilesDetectBitFlips
 * idea, adapted to a format without checksums).
 *
 * <p>The corpus ({@link FuzzCorpus}) is a handful of real files: lance-core 7.0 writes the mixed
 * schema as 2.0, 2.1 and 2.2, and a 2.1 file with long strings and a 64-wide vector (full-zip
 * pages); Lancelet's writer adds a 2.1 and a 2.0 file with many small pages. Each case damages one copy ({@link
 * Mutation}: truncation, 1-8 flipped bits in the metadata, 1-4 bits aimed at one region (footer,
 * either offset table, one column's metadata, global buffer 0, one page buffer), bits in the page
 * data, an 8-byte word overwritten with a huge value, a zeroed range), then opens it, reads
 * schema, row count and {@code info()}, scans everything and takes a few rows, scan and take in a
 * random order. Every case runs on its own thread under a hard timeout, with its own {@link
 * RootAllocator} (closed at the end, so a leaked buffer fails the case) and with its heap
 * allocation measured.
 *
 * <h2>What a case must do</h2>
 *
 * <ul>
 *   <li>Succeed, or throw {@link LanceFormatException}, or another {@link IOException} whose
 *       message names the file (an {@code EOFException} from the object store, for instance).
 *   <li>In strict mode (the default, see {@link #STRICT}), the reader's catch-all is off, so the
 *       error must come from an explicit check: a raw runtime exception fails, and so does a
 *       {@code LanceFormatException} caused by one, unless aircompressor threw it.
 *   <li>Never: any other exception (ArrayIndexOutOfBounds, NegativeArraySize, BufferUnderflow,
 *       NullPointer, IllegalArgument/State, Arithmetic, ... escaping the reader), an {@code Error}
 *       (OutOfMemoryError above all), a hang (timeout), a leaked Arrow buffer, or more than {@link
 *       #MAX_ALLOCATED_BYTES} of heap allocated by one case (a lying length trusted).
 *   <li>When scan and take both succeed, the rows taken equal the same rows of the scan.
 * </ul>
 *
 * <h2>Silently wrong data: what is and is not checked</h2>
 *
 * Lance files carry <b>no checksums</b>, so no reader can notice every damage. What a successful
 * read of a damaged file must return depends on where the damage landed:
 *
 * <ul>
 *   <li>Only the footer, the two offset tables, or bytes no structure covers (padding): the rows
 *       and schema must equal the original's. These bytes only locate other bytes, and a wrong
 *       location either fails validation or (e.g. a changed column-metadata start, or minor
 *       version 1 read as 3) does not change what is decoded.
 *   <li>Global buffer 0 (the file descriptor: schema + row count): either the schema differs
 *       (a renamed field, a flipped nullable flag, changed schema metadata: all legitimately
 *       decodable) or the rows must equal the original's.
 *   <li>Column metadata (page layouts, compression parameters, inline constant values, FSST
 *       symbol tables, dictionary sizes) and page data: anything that decodes is accepted. A
 *       flipped bit in an uncompressed value, in a constant layout's inline value, in a symbol of
 *       an FSST table or in a bit width that still fits the buffer decodes to different values
 *       that no reader can tell from the truth. These are counted and printed, not failed.
 *   <li>A truncated file must never read successfully with different rows.
 * </ul>
 *
 * <h2>Knobs (system properties)</h2>
 *
 * <ul>
 *   <li>{@code lancelet.fuzz.seed}: base seed (default fixed). Case {@code i} of sample {@code s}
 *       uses {@code new Random(seed * 31 + s * 1_000_003 + i)}, so any case can be rerun alone.
 *   <li>{@code lancelet.fuzz.iterations}: cases per sample (default 2500, with a 60 s total budget;
 *       when set explicitly the budget is off unless {@code lancelet.fuzz.budgetSeconds} is set).
 *   <li>{@code lancelet.fuzz.case}: {@code sample:index} runs one case and prints its stack trace.
 *   <li>{@code lancelet.fuzz.caseTimeoutSeconds}: per-case timeout (default 20).
 *   <li>{@code lancelet.fuzz.strict}: {@code false} runs with the reader's catch-all on.
 * </ul>
 *
 * See docs/robustness.md for the long run.
 */
class FuzzTest {
  static final long SEED = Long.getLong("lancelet.fuzz.seed", 0x1A2CE1E7L);
  static final boolean EXPLICIT_ITERATIONS = System.getProperty("lancelet.fuzz.iterations") != null;
  static final int ITERATIONS = Integer.getInteger("lancelet.fuzz.iterations", 2500);
  static final long BUDGET_MS = 1000L * Long.getLong("lancelet.fuzz.budgetSeconds", EXPLICIT_ITERATIONS ? Long.MAX_VALUE / 1000 : 60);
  static final long CASE_TIMEOUT_S = Long.getLong("lancelet.fuzz.caseTimeoutSeconds", 20);
  static final String ONLY = System.getProperty("lancelet.fuzz.case");
  /**
   * Strict mode (the default): the reader's catch-all ({@link LanceFormatException#wrapUnexpected})
   * rethrows, so a runtime exception that no explicit check turned into a typed error fails the
   * case. {@code -Dlancelet.fuzz.strict=false} runs the product behaviour, and the summary then
   * lists what the catch-all wrapped.
   */
  static final boolean STRICT = Boolean.parseBoolean(System.getProperty("lancelet.fuzz.strict", "true"));
  /** Arrow memory one case may hold at once. */
  static final long ARROW_LIMIT = 256L << 20;
  /** Heap one case may allocate in total; the clean reads of the corpus need a few MiB. */
  static final long MAX_ALLOCATED_BYTES = 512L << 20;

  @TempDir static Path dir;
  static final List<FuzzCorpus.Sample> samples = new ArrayList<>();
  static final List<FileLayout> layouts = new ArrayList<>();
  static final List<String> skipped = new ArrayList<>();
  static final List<String> notes = new ArrayList<>();
  static ExecutorService pool;
  static final AtomicReference<Thread> worker = new AtomicReference<>();

  @BeforeAll
  static void corpus() throws Exception {
    // lance-core's output is not byte-stable from run to run (the wide file varies), so its files
    // are checked in (see the README next to them) and only regenerated on request.
    add("core-2.1", FuzzCorpus.mixedSchema(8, false), 1500, 11,
        (sc, n, seed) -> FuzzCorpus.golden("core-2.1", () -> FuzzCorpus.writeWithLanceCore(dir, "2.1", sc, n, seed)));
    add("core-2.2", FuzzCorpus.mixedSchema(8, false), 1500, 12,
        (sc, n, seed) -> FuzzCorpus.golden("core-2.2", () -> FuzzCorpus.writeWithLanceCore(dir, "2.2", sc, n, seed)));
    add("core-2.1-wide", FuzzCorpus.mixedSchema(64, true), 300, 13,
        (sc, n, seed) -> FuzzCorpus.golden("core-2.1-wide", () -> FuzzCorpus.writeWithLanceCore(dir, "2.1", sc, n, seed)));
    add("lancelet-2.1-small-pages", FuzzCorpus.mixedSchema(8, false), 1500, 14,
        (sc, n, seed) -> FuzzCorpus.writeWithLancelet(sc, n, seed, 4096));
    add("core-2.0", FuzzCorpus.mixedSchema(8, false), 1500, 15,
        (sc, n, seed) -> FuzzCorpus.golden("core-2.0", () -> FuzzCorpus.writeWithLanceCore(dir, "2.0", sc, n, seed)));
    add("lancelet-2.0-small-pages", FuzzCorpus.mixedSchema(8, false), 1500, 16,
        (sc, n, seed) -> FuzzCorpus.writeWithLancelet(sc, n, seed, 4096, LanceFileVersion.V2_0));
    // Fixed-size lists with null items: mini-block (item validity buffer) and full-zip (validity
    // bytes before each vector), from lance-core and from Lancelet.
    add("core-2.2-null-items", FuzzCorpus.mixedSchema(8, false, true), 500, 17,
        (sc, n, seed) -> FuzzCorpus.golden("core-2.2-null-items", () -> FuzzCorpus.writeWithLanceCore(dir, "2.2", sc, n, seed)));
    add("core-2.1-null-items-wide", FuzzCorpus.mixedSchema(128, false, true), 120, 18,
        (sc, n, seed) -> FuzzCorpus.golden("core-2.1-null-items-wide", () -> FuzzCorpus.writeWithLanceCore(dir, "2.1", sc, n, seed)));
    add("lancelet-2.2-null-items-small-pages", FuzzCorpus.mixedSchema(8, false, true), 500, 19,
        (sc, n, seed) -> FuzzCorpus.writeWithLancelet(sc, n, seed, 4096, LanceFileVersion.V2_2));
    System.out.println("[fuzz] corpus: " + samples.stream().map(s -> s.name() + " (" + s.bytes().length + " bytes)").toList()
        + (skipped.isEmpty() ? "" : ", skipped: " + skipped));
    for (String n : notes) {
      System.out.println("[fuzz] NOTE (not a robustness failure): " + n);
    }
    pool = newPool();
  }

  @AfterAll
  static void shutdown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  interface Maker {
    byte[] make(Schema schema, int n, long seed) throws Exception;
  }

  /** Adds a corpus file; one Lancelet cannot write, or cannot read back exactly, is skipped with the reason. */
  static void add(String name, Schema schema, int n, long seed, Maker m) {
    try {
      byte[] bytes = m.make(schema, n, seed);
      FuzzCorpus.Sample s = FuzzCorpus.sample(name + ".lance", bytes, schema, n, seed, notes);
      layouts.add(new FileLayout(bytes));
      samples.add(s);
    } catch (UnsupportedOperationException | IOException e) {
      skipped.add(name + ": " + e);
    } catch (Exception e) {
      throw new AssertionError("building corpus file " + name, e);
    }
  }

  static ExecutorService newPool() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      worker.set(t);
      return t;
    });
  }

  /** What one case did. */
  enum Outcome {
    SAME,
    DIFFERENT_ACCEPTED,
    TAKE_SCAN_DISAGREE,
    TYPED_ERROR,
    TYPED_ERROR_WRAPPING_RUNTIME,
    IO_ERROR_NAMING_FILE,
    /** Damage turned an encoding into a valid one the reader refuses as unsupported, naming the file. */
    UNSUPPORTED_NAMING_FILE,
    FAIL
  }

  record Result(Outcome outcome, String detail, Throwable error) {}

  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  /** Opens, inspects, scans and takes from {@code data}; returns what was read. Runs on the worker thread. */
  static Result exercise(FuzzCorpus.Sample s, Mutation m, Random r) {
    String name = s.name();
    MemoryObjectStore store = new MemoryObjectStore("fuzz");
    store.put(name, m.bytes());
    long alloc0 = allocatedBytes();
    Throwable err = null;
    List<String> scanned = null;
    Schema schema = null;
    String takeMismatch = null;
    try (BufferAllocator alloc = new RootAllocator(ARROW_LIMIT)) {
      try (LanceFileReader reader = LanceFileReader.open(store, name, alloc)) {
        schema = reader.schema();
        long n = reader.numRows();
        FileInfo info = reader.info();
        String unused = info.toString();
        boolean takeFirst = r.nextBoolean();
        long[] rows = new long[n == 0 ? 0 : 1 + r.nextInt(8)];
        for (int i = 0; i < rows.length; i++) {
          rows[i] = i == 0 ? n - 1 : (long) (r.nextDouble() * n);
        }
        List<String> taken = new ArrayList<>();
        if (takeFirst) {
          take(reader, rows, taken);
        }
        scanned = FuzzCorpus.readAll(reader, 1 + r.nextInt(1200));
        if (scanned.size() != n) {
          takeMismatch = "scan returned " + scanned.size() + " rows, numRows() says " + n;
        }
        if (!takeFirst) {
          take(reader, rows, taken);
        }
        for (int i = 0; i < rows.length && takeMismatch == null; i++) {
          if (rows[i] < scanned.size() && !taken.get(i).equals(scanned.get((int) rows[i]))) {
            takeMismatch = "take(row " + rows[i] + ") = " + taken.get(i) + " but the scan gave " + scanned.get((int) rows[i]);
          }
        }
      }
    } catch (Throwable t) {
      err = t;
    }
    long allocated = allocatedBytes() - alloc0;
    if (allocated > MAX_ALLOCATED_BYTES) {
      return new Result(Outcome.FAIL, "allocated " + (allocated >> 20) + " MiB of heap (a trusted lying length?)", err);
    }
    if (err != null) {
      return classifyError(name, err);
    }
    Set<String> t = m.touched;
    boolean locatorsOnly = t.stream().allMatch(k -> k.equals("footer") || k.equals("gbo") || k.equals("cmo") || k.equals("padding") || k.equals("none"));
    if (takeMismatch != null) {
      // Damaged rep/def levels can be read differently by the scan and the take paths; that is
      // the same undetectable damage as any other, but never after damage to locators only.
      return new Result(locatorsOnly || t.contains("truncate") ? Outcome.FAIL : Outcome.TAKE_SCAN_DISAGREE, takeMismatch, null);
    }
    boolean same = schema.equals(s.schema()) && scanned.equals(s.rows());
    if (same) {
      return new Result(Outcome.SAME, "", null);
    }
    String diff = firstDifference(s, schema, scanned);
    if (locatorsOnly || t.contains("truncate")) {
      return new Result(Outcome.FAIL, "silently wrong data after damaging only " + t + ": " + diff, null);
    }
    boolean descriptorOnly = t.stream().allMatch(k -> !k.equals("colmeta") && !k.equals("page") && !k.equals("colbuf") && !k.equals("gb"));
    if (descriptorOnly && schema.equals(s.schema())) {
      return new Result(Outcome.FAIL, "file descriptor damage left the schema unchanged but changed rows: " + diff, null);
    }
    return new Result(Outcome.DIFFERENT_ACCEPTED, diff, null);
  }

  static void take(LanceFileReader reader, long[] rows, List<String> out) throws IOException {
    try (VectorSchemaRoot root = reader.take(rows, null)) {
      FuzzCorpus.validate(root, "take");
      FuzzCorpus.render(root, out);
    }
  }

  static String firstDifference(FuzzCorpus.Sample s, Schema schema, List<String> rows) {
    if (!schema.equals(s.schema())) {
      return "schema changed";
    }
    if (rows.size() != s.rows().size()) {
      return rows.size() + " rows instead of " + s.rows().size();
    }
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).equals(s.rows().get(i))) {
        return "row " + i + " differs";
      }
    }
    return "?";
  }

  static Result classifyError(String name, Throwable t) {
    if (t instanceof LanceFormatException) {
      if (t.getMessage() == null || !t.getMessage().contains(name)) {
        return new Result(Outcome.FAIL, "LanceFormatException without the file name", t);
      }
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (STRICT && root instanceof RuntimeException && !isCodecBoundary(root)) {
        return new Result(Outcome.FAIL, "LanceFormatException wrapping a runtime exception in strict mode", t);
      }
      return new Result(root instanceof RuntimeException ? Outcome.TYPED_ERROR_WRAPPING_RUNTIME : Outcome.TYPED_ERROR, signature(root), t);
    }
    if (t instanceof IOException) {
      if (t.getMessage() != null && t.getMessage().contains(name)) {
        return new Result(Outcome.IO_ERROR_NAMING_FILE, t.getClass().getSimpleName(), t);
      }
      return new Result(Outcome.FAIL, "IOException without the file name", t);
    }
    if (t instanceof UnsupportedOperationException) {
      // Only the reader's own refusals count: they name the file and say what is not supported.
      String m = String.valueOf(t.getMessage());
      if (m.contains(name) && m.contains("not supported")) {
        return new Result(Outcome.UNSUPPORTED_NAMING_FILE, m.length() > 80 ? m.substring(0, 80) : m, t);
      }
      return new Result(Outcome.FAIL, "UnsupportedOperationException without the file name", t);
    }
    if (t instanceof FuzzCorpus.InvalidArrowData) {
      return new Result(Outcome.FAIL, "the reader returned an invalid Arrow vector", t);
    }
    if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("leak")) {
      return new Result(Outcome.FAIL, "leaked Arrow buffers", t);
    }
    return new Result(Outcome.FAIL, "untyped " + t.getClass().getName(), t);
  }

  /** A runtime exception thrown by aircompressor, which GeneralCompression wraps on purpose. */
  static boolean isCodecBoundary(Throwable root) {
    for (StackTraceElement e : root.getStackTrace()) {
      String c = e.getClassName();
      if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
        return c.startsWith("io.airlift.compress.");
      }
    }
    return false;
  }

  /** Exception class plus the first Lancelet frame: groups failures by place. */
  static String signature(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("dev.lancelet.") && !e.getClassName().startsWith("dev.lancelet.file.fuzz.")) {
        return t.getClass().getSimpleName() + " at " + e;
      }
    }
    return t.getClass().getSimpleName() + (t.getStackTrace().length > 0 ? " at " + t.getStackTrace()[0] : "");
  }

  static String stack(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    String[] lines = sw.toString().split("\n");
    return String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, 25)));
  }

  /** Runs one case under the timeout. */
  static Result runCase(FuzzCorpus.Sample s, Mutation m, Random r) throws InterruptedException {
    Future<Result> f = pool.submit(() -> exercise(s, m, r));
    try {
      return f.get(CASE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      Thread t = worker.get();
      StringBuilder where = new StringBuilder();
      if (t != null) {
        for (StackTraceElement el : t.getStackTrace()) {
          where.append("\n\tat ").append(el);
        }
      }
      f.cancel(true);
      pool.shutdownNow();
      pool = newPool();
      return new Result(Outcome.FAIL, "hang: no result after " + CASE_TIMEOUT_S + " s; worker was" + where, null);
    } catch (ExecutionException e) {
      return new Result(Outcome.FAIL, "harness error", e.getCause());
    }
  }

  static long caseSeed(long seed, int sample, int i) {
    return seed * 31 + sample * 1_000_003L + i;
  }

  @Test
  void damagedFilesFailTypedOrReadCorrectly() throws Exception {
    run(SEED, ITERATIONS, BUDGET_MS);
  }

  /**
   * The long run: 25,000 cases per file (or {@code lancelet.fuzz.iterations}), a fresh seed each
   * time unless {@code lancelet.fuzz.seed} is set, no time budget. Runs only with {@code
   * -Dlancelet.fuzz.long=true} (and, where surefire excludes the tag, {@code
   * -Dtest.excludedGroups=none}); see docs/robustness.md.
   */
  @Test
  @Tag("fuzz-long")
  @EnabledIfSystemProperty(named = "lancelet.fuzz.long", matches = "true")
  void longRun() throws Exception {
    long seed = Long.getLong("lancelet.fuzz.seed", System.nanoTime());
    run(seed, Integer.getInteger("lancelet.fuzz.iterations", 25_000), 1000L * Long.getLong("lancelet.fuzz.budgetSeconds", Long.MAX_VALUE / 1000));
  }

  void run(long seed, int iterations, long budgetMs) throws Exception {
    Assumptions.assumeFalse(samples.isEmpty(), "no corpus file is readable yet: " + skipped);
    String before = System.getProperty(LanceFormatException.STRICT_PROPERTY);
    System.setProperty(LanceFormatException.STRICT_PROPERTY, String.valueOf(STRICT));
    try {
      runCases(seed, iterations, budgetMs);
    } finally {
      if (before == null) {
        System.clearProperty(LanceFormatException.STRICT_PROPERTY);
      } else {
        System.setProperty(LanceFormatException.STRICT_PROPERTY, before);
      }
    }
  }

  void runCases(long seed, int iterations, long budgetMs) throws Exception {
    long t0 = System.nanoTime();
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Integer> wrapped = new TreeMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    Map<String, Integer> failureKinds = new TreeMap<>();
    Map<String, Integer> accepted = new TreeMap<>();
    List<String> disagreements = new ArrayList<>();
    int ran = 0;
    boolean outOfTime = false;
    outer:
    for (int si = 0; si < samples.size(); si++) {
      FuzzCorpus.Sample s = samples.get(si);
      for (int i = 0; i < iterations; i++) {
        String id = s.name().replace(".lance", "") + ":" + i;
        if (ONLY != null && !ONLY.equals(id)) {
          continue;
        }
        if ((System.nanoTime() - t0) / 1_000_000 > budgetMs) {
          outOfTime = true;
          break outer;
        }
        Random r = new Random(caseSeed(seed, si, i));
        Mutation m = Mutation.random(r, s.bytes(), layouts.get(si));
        Result res = runCase(s, m, r);
        ran++;
        counts.merge(m.kind + " -> " + res.outcome(), 1, Integer::sum);
        if (res.outcome() == Outcome.TYPED_ERROR_WRAPPING_RUNTIME) {
          wrapped.merge(res.detail(), 1, Integer::sum);
        }
        if (res.outcome() == Outcome.DIFFERENT_ACCEPTED) {
          accepted.merge(m.touched + (res.detail().equals("schema changed") ? " (schema changed)" : " (rows changed)"), 1, Integer::sum);
        }
        if (res.outcome() == Outcome.TAKE_SCAN_DISAGREE && disagreements.size() < 5) {
          disagreements.add(id + ": " + m + ": " + res.detail());
        }
        if (res.outcome() == Outcome.FAIL) {
          String key = res.detail().startsWith("hang") ? "hang" : res.detail() + (res.error() == null ? "" : " / " + signature(rootCause(res.error())));
          failureKinds.merge(key, 1, Integer::sum);
          if (failures.size() < 40) {
            failures.put("case " + id + " (seed " + seed + "): " + m,
                res.detail() + (res.error() == null ? "" : "\n" + stack(res.error())));
          }
        }
        if (ONLY != null) {
          System.out.println("[fuzz] " + id + ": " + m + " -> " + res.outcome() + " " + res.detail()
              + (res.error() == null ? "" : "\n" + stack(res.error())));
        }
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    StringBuilder sum = new StringBuilder();
    sum.append("[fuzz] seed ").append(seed).append(": ").append(ran).append(" cases over ").append(samples.size())
        .append(" files in ").append(ms).append(" ms").append(outOfTime ? " (time budget reached)" : "")
        .append(STRICT ? ", strict (catch-all off)" : ", lenient (catch-all on)").append('\n');
    counts.forEach((k, v) -> sum.append("[fuzz]   ").append(k).append(": ").append(v).append('\n'));
    if (!wrapped.isEmpty()) {
      sum.append(STRICT
          ? "[fuzz] runtime exceptions wrapped at a library boundary (aircompressor):\n"
          : "[fuzz] runtime exceptions the reader wrapped into LanceFormatException (missing validation):\n");
      wrapped.forEach((k, v) -> sum.append("[fuzz]   ").append(v).append(" x ").append(k).append('\n'));
    }
    if (!accepted.isEmpty()) {
      sum.append("[fuzz] successful reads of damaged files that differ from the original, by damaged regions:\n");
      accepted.forEach((k, v) -> sum.append("[fuzz]   ").append(v).append(" x ").append(k).append('\n'));
    }
    for (String d : disagreements) {
      sum.append("[fuzz] scan/take disagree on damaged levels: ").append(d).append('\n');
    }
    if (!failureKinds.isEmpty()) {
      sum.append("[fuzz] failure kinds:\n");
      failureKinds.forEach((k, v) -> sum.append("[fuzz]   ").append(v).append(" x ").append(k).append('\n'));
    }
    System.out.println(sum);
    if (!failures.isEmpty()) {
      StringBuilder msg = new StringBuilder(sum).append("\nFirst failures (rerun one with -Dlancelet.fuzz.seed=")
          .append(seed).append(" -Dlancelet.fuzz.case=<sample:index>):\n");
      failures.forEach((k, v) -> msg.append("\n* ").append(k).append("\n  ").append(v).append('\n'));
      throw new AssertionError(msg.toString());
    }
    assertThat(ran).isPositive();
  }

  static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
