package dev.lancelet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the file and dataset benchmarks with settings for small, noisy machines, writes JMH's JSON result and
 * prints, for every benchmark and parameter set, each engine's score and the ratio
 * <em>Lancelet speed / other engine's speed</em>: above 1 means Lancelet is faster. For time per
 * operation (every benchmark here) that is other time / Lancelet time; for throughput modes it is
 * Lancelet ops / other ops.
 *
 * <pre>
 * Report [--quick] [--rows N] [--include REGEX]... [-p name=v1,v2]... [--out FILE.json]
 *        [--forks N] [--warmup N] [--iterations N] [--time SECONDS]
 * </pre>
 *
 * Run it through {@code ./bench}, which builds the jar and sets {@code LANCE_CPU_THREADS} for the
 * forked JVMs.
 */
public final class Report {
  /** The benchmarks a run without --include runs: the file and the dataset ones. */
  static final String DEFAULT_INCLUDE = "dev\\.lancelet\\.bench\\.(file|table)\\..*";
  static final List<String> FORK_JVM_ARGS =
      List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx8g", "-XX:MaxDirectMemorySize=8g",
          // Lancelet depends on arrow-memory-unsafe; lance-core drags in arrow-memory-netty. Pin one for both engines.
          "-Darrow.allocation.manager.type=Unsafe");

  private Report() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    String rows = null;
    String out = null;
    int forks = 1;
    Integer warmup = null;
    Integer iterations = null;
    Integer seconds = null;
    List<String> includes = new ArrayList<>();
    Map<String, String[]> params = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--rows" -> rows = args[++i];
        case "--out" -> out = args[++i];
        case "--include" -> includes.add(args[++i]);
        case "--forks" -> forks = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--time" -> seconds = Integer.parseInt(args[++i]);
        case "-p" -> {
          String[] kv = args[++i].split("=", 2);
          if (kv.length != 2) {
            throw new IllegalArgumentException("Expected -p name=v1,v2, got -p " + args[i]);
          }
          params.put(kv[0], kv[1].split(","));
        }
        case "-h", "--help" -> {
          System.out.println(
              "Usage: ./bench [--quick] [--rows N] [--include REGEX]... [-p name=v1,v2]... [--out FILE.json]\n"
                  + "               [--forks N] [--warmup N] [--iterations N] [--time SECONDS]\n"
                  + "  --quick      200,000 rows, fewer parameters and iterations: a few minutes\n"
                  + "  --include    JMH regex over benchmark names, e.g. 'TakeBenchmark' or 'Scan.*lanceCore'\n"
                  + "  -p           override a @Param, e.g. -p columns=all,v  -p n=100");
          return;
        }
        default -> throw new IllegalArgumentException("Unknown option '" + a + "' (try --help)");
      }
    }
    if (System.getenv("LANCE_CPU_THREADS") == null) {
      System.err.println(
          "warning: LANCE_CPU_THREADS is not set; lance-core sizes its thread pool from the machine, not from this run."
              + " ./bench sets it to the number of cores.");
    }
    if (out == null) {
      Path dir = Path.of("jmh-bench", "target");
      if (!Files.isDirectory(dir)) {
        dir = Path.of(".");
      }
      out = dir.resolve("bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json").toString();
    }

    ChainedOptionsBuilder opts =
        new OptionsBuilder()
            .forks(forks)
            .jvmArgsAppend(FORK_JVM_ARGS.toArray(String[]::new))
            .shouldFailOnError(false)
            .result(out)
            .resultFormat(ResultFormatType.JSON);
    if (includes.isEmpty()) {
      opts.include(DEFAULT_INCLUDE);
    } else {
      includes.forEach(opts::include);
    }
    if (quick) {
      opts.warmupIterations(warmup == null ? 1 : warmup)
          .warmupTime(TimeValue.seconds(seconds == null ? 1 : seconds))
          .measurementIterations(iterations == null ? 3 : iterations)
          .measurementTime(TimeValue.seconds(seconds == null ? 1 : seconds));
      if (!params.containsKey("rows")) {
        opts.param("rows", rows == null ? "200000" : rows);
      }
      // JMH accumulates values given twice for a @Param, so a -p overrides these defaults by omission.
      if (!params.containsKey("columns")) {
        opts.param("columns", "all");
      }
    } else {
      opts.warmupIterations(warmup == null ? 3 : warmup)
          .warmupTime(TimeValue.seconds(seconds == null ? 2 : seconds))
          .measurementIterations(iterations == null ? 5 : iterations)
          .measurementTime(TimeValue.seconds(seconds == null ? 2 : seconds));
      if (rows != null) {
        opts.param("rows", rows);
      }
    }
    if (rows != null && params.containsKey("rows")) {
      throw new IllegalArgumentException("Give the row count once: --rows or -p rows=");
    }
    params.forEach(opts::param);

    Collection<RunResult> results = new Runner(opts.build()).run();
    System.out.println();
    System.out.println(table(results));
    String io = ioTable(results);
    if (!io.isEmpty()) {
      System.out.println(io);
    }
    System.out.println("JSON result: " + out);
  }

  /**
   * One line per benchmark, parameter set and non-Lancelet method: the scores and the speed ratio
   * against {@code lancelet} and ({@code ratio*}) against the benchmark's Lancelet variant, if it
   * has one: {@code lanceletOnLanceCoreFile} (Lancelet reading the bytes lance-core wrote) or
   * {@code lanceletNoFsync} (Lancelet writing without the fsyncs lance-core does not do either).
   */
  static String table(Collection<RunResult> results) {
    Map<String, Map<String, Result<?>>> groups = new TreeMap<>(); // group -> method -> result
    Map<String, String> modes = new TreeMap<>();
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      String bench = p.getBenchmark();
      String cls = bench.substring(0, bench.lastIndexOf('.'));
      cls = cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
      String method = bench.substring(bench.lastIndexOf('.') + 1);
      StringBuilder key = new StringBuilder(cls);
      for (String k : p.getParamsKeys()) {
        key.append(' ').append(k).append('=').append(p.getParam(k));
      }
      groups.computeIfAbsent(key.toString(), k -> new TreeMap<>()).put(method, r.getPrimaryResult());
      modes.put(key.toString(), p.getMode().shortLabel());
    }
    StringBuilder sb = new StringBuilder();
    String fmt = "%-40s %-17s %18s %-24s %18s %18s %8s %8s%n";
    sb.append(String.format(Locale.ROOT, fmt, "benchmark", "other engine", "other", "lancelet variant", "variant", "lancelet", "ratio", "ratio*"));
    for (var g : groups.entrySet()) {
      Map<String, Result<?>> m = g.getValue();
      Result<?> ours = m.get("lancelet");
      String variant = m.keySet().stream().filter(k -> k.startsWith("lancelet") && !k.equals("lancelet")).findFirst().orElse(null);
      Result<?> oursVariant = variant == null ? null : m.get(variant);
      boolean throughput = modes.get(g.getKey()).equals("thrpt");
      boolean any = false;
      for (var e : m.entrySet()) {
        if (e.getKey().startsWith("lancelet")) {
          continue;
        }
        any = true;
        Result<?> other = e.getValue();
        boolean variantApplies = variant != null && (!variant.equals("lanceletOnLanceCoreFile") || e.getKey().startsWith("lanceCore"));
        sb.append(
            String.format(
                Locale.ROOT,
                fmt,
                g.getKey(),
                e.getKey(),
                score(other),
                variant == null ? "" : variant,
                variant == null ? "" : score(oursVariant),
                score(ours),
                ratio(ours, other, throughput),
                variantApplies ? ratio(oursVariant, other, throughput) : ""));
      }
      if (!any) {
        sb.append(String.format(Locale.ROOT, fmt, g.getKey(), "-", "", variant == null ? "" : variant, variant == null ? "" : score(oursVariant), score(ours), "", ""));
      }
    }
    sb.append(
        "\nratio = Lancelet speed / other engine's speed (> 1: Lancelet faster). Scores are time per operation,\n"
            + "so ratio = other time / Lancelet time. ratio* = the same for the Lancelet variant: lanceletOnLanceCoreFile\n"
            + "reads the file lance-core wrote (identical bytes); lanceletNoFsync writes without fsync, as lance-core does.\n"
            + "n/a: that side did not run (not implemented yet, or failed: see the JMH log).\n");
    return sb.toString();
  }

  /**
   * Per-operation I/O of the benchmarks that report {@code IoCounters} (the object-store ones):
   * requests, bytes read and bytes needed per operation, the over-read (read / needed), and, where
   * a benchmark ran on both stores, its S3 time over its local-disk time. Empty when no benchmark
   * reported counters.
   */
  static String ioTable(Collection<RunResult> results) {
    Map<String, Map<String, RunResult>> byStore = new TreeMap<>(); // benchmark and other params -> store -> result
    StringBuilder sb = new StringBuilder();
    String fmt = "%-40s %-7s %22s %12s %12s %12s %12s %12s %12s %10s%n";
    for (RunResult r : results) {
      Map<String, Result> sec = r.getSecondaryResults();
      if (!sec.containsKey("ops") || sec.get("ops").getScore() <= 0) {
        continue;
      }
      if (sb.isEmpty()) {
        sb.append(String.format(Locale.ROOT, fmt, "benchmark (Lancelet)", "store", "time", "requests/op", "asks/op", "regions/op", "read/op", "needed/op", "of it tails", "over-read"));
      }
      BenchmarkParams p = r.getParams();
      String bench = p.getBenchmark();
      String cls = bench.substring(0, bench.lastIndexOf('.'));
      cls = cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
      StringBuilder key = new StringBuilder(cls).append('.').append(bench.substring(bench.lastIndexOf('.') + 1));
      for (String k : p.getParamsKeys()) {
        if (!k.equals("store")) {
          key.append(' ').append(k).append('=').append(p.getParam(k));
        }
      }
      String store = p.getParam("store") == null ? "" : p.getParam("store");
      byStore.computeIfAbsent(key.toString(), k -> new TreeMap<>()).put(store, r);
      double ops = sec.get("ops").getScore();
      double read = sec.get("bytesRead").getScore() / ops;
      double needed = sec.get("bytesNeeded").getScore() / ops;
      double tails = sec.containsKey("bytesTail") ? sec.get("bytesTail").getScore() / ops : Double.NaN;
      sb.append(String.format(Locale.ROOT, fmt, key, store, score(r.getPrimaryResult()),
          String.format(Locale.ROOT, "%.1f", sec.get("requests").getScore() / ops),
          sec.containsKey("rangesAsked") ? String.format(Locale.ROOT, "%.1f", sec.get("rangesAsked").getScore() / ops) : "n/a",
          sec.containsKey("regionsNeeded") ? String.format(Locale.ROOT, "%.1f", sec.get("regionsNeeded").getScore() / ops) : "n/a",
          bytes(read), bytes(needed),
          Double.isNaN(tails) ? "n/a" : bytes(tails), needed > 0 ? String.format(Locale.ROOT, "%.2fx", read / needed) : "n/a"));
    }
    for (var e : byStore.entrySet()) {
      RunResult local = e.getValue().get("local");
      RunResult s3 = e.getValue().get("s3");
      if (local != null && s3 != null && local.getPrimaryResult().getScore() > 0) {
        sb.append(String.format(Locale.ROOT, "%s: S3 time / local time = %.2f (S3 throughput %.2f of local)%n", e.getKey(),
            s3.getPrimaryResult().getScore() / local.getPrimaryResult().getScore(),
            local.getPrimaryResult().getScore() / s3.getPrimaryResult().getScore()));
      }
    }
    if (!sb.isEmpty()) {
      sb.append("\nrequests: local = read calls after coalescing, s3 = HTTP requests (every attempt). regions = byte\n"
          + "regions the reader asked for (per file; overlapping asks count once, touching ones apart): the goal is requests <= regions.\n"
          + "read = bytes the store read (s3: GET bodies). needed = bytes of the ranges Lancelet's reader asked for, before merging (union per file);\n"
          + "of it tails = the reader's speculative tail reads of the data files it opened (footer and metadata).\n"
          + "over-read = read / needed.\n");
    }
    return sb.toString();
  }

  private static String bytes(double b) {
    return b >= 1e6 ? String.format(Locale.ROOT, "%.2f MB", b / 1e6) : String.format(Locale.ROOT, "%.1f KB", b / 1e3);
  }

  private static String score(Result<?> r) {
    if (r == null) {
      return "n/a";
    }
    double s = r.getScore();
    double err = r.getScoreError();
    String v = s >= 100 ? String.format(Locale.ROOT, "%.0f", s) : s >= 1 ? String.format(Locale.ROOT, "%.2f", s) : String.format(Locale.ROOT, "%.4f", s);
    String e = Double.isNaN(err) ? "" : err >= 100 ? String.format(Locale.ROOT, "±%.0f", err) : String.format(Locale.ROOT, "±%.2g", err);
    return v + e + " " + r.getScoreUnit();
  }

  private static String ratio(Result<?> ours, Result<?> other, boolean throughput) {
    if (ours == null || other == null || ours.getScore() == 0 || other.getScore() == 0) {
      return "n/a";
    }
    double r = throughput ? ours.getScore() / other.getScore() : other.getScore() / ours.getScore();
    return String.format(Locale.ROOT, "%.2fx", r);
  }
}
