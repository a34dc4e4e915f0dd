package dev.lancelet.file.testing;

import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import dev.lancelet.file.testing.TypeCatalog.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The census: what lance-core 7.0.0 writes for every (type x shape x null pattern x version).
 * Writes one file per combination, parses its container with {@link LanceFileLayout}, and writes
 * {@code docs/census/LANCE-7.0-CENSUS.md} (summary table plus automatic checks of the claims in
 * LANCE-7.0-FACTS.md) and full per-file dumps under {@code target/census/}. Also (re)writes the
 * golden files. Not part of the default run:
 *
 * <pre>./build -pl lance-file test -Dtest=ReferenceCensusTest -Dgroups=census -Dtest.excludedGroups=none</pre>
 */
@Tag("census")
class ReferenceCensusTest {

  static final long SEED = 7_000_000L;
  static final int ROWS = 20_000;
  static final int HUGE_ROWS = 12;

  @TempDir Path tmp;

  record Combo(TypeCatalog.Entry type, Shape shape, Nulls nulls) {
    int rows() {
      return shape == Shape.HUGE_BINARY ? HUGE_ROWS : ROWS;
    }
  }

  static List<Combo> combos() {
    List<Combo> out = new ArrayList<>();
    for (TypeCatalog.Entry t : TypeCatalog.all()) {
      for (Nulls n : Nulls.values()) {
        out.add(new Combo(t, Shape.RANDOM, n));
      }
      List<Shape> extra = switch (t.kind()) {
        case INTEGER, FLOAT, TEMPORAL, DECIMAL -> List.of(Shape.SMALL_RANGE, Shape.SORTED, Shape.LOW_CARDINALITY,
            Shape.CONSTANT, Shape.RUNS, Shape.SMOOTH, Shape.GAUSSIAN);
        case STRING, BINARY -> t.name().equals("fixed_size_binary")
            ? List.of(Shape.LOW_CARDINALITY, Shape.CONSTANT)
            : List.of(Shape.SHORT_STRINGS, Shape.LONG_STRINGS, Shape.HUGE_BINARY, Shape.LOW_CARDINALITY,
                Shape.CONSTANT, Shape.SORTED);
        case BOOL -> List.of(Shape.CONSTANT, Shape.RUNS);
        case DICTIONARY -> List.of(Shape.CONSTANT, Shape.RUNS, Shape.SORTED);
        case FIXED_SIZE_LIST -> List.of(Shape.SMALL_RANGE, Shape.CONSTANT, Shape.GAUSSIAN);
        default -> List.of(Shape.LOW_CARDINALITY, Shape.LONG_STRINGS);
      };
      for (Shape s : extra) {
        out.add(new Combo(t, s, Nulls.NONE));
      }
    }
    // Shapes with nulls, for the types where the combination changes the encoding.
    for (String name : List.of("int32", "int64", "float64", "utf8", "large_binary")) {
      for (Shape s : List.of(Shape.RUNS, Shape.LOW_CARDINALITY, Shape.LONG_STRINGS)) {
        out.add(new Combo(TypeCatalog.get(name), s, Nulls.RANDOM_10));
      }
    }
    return out;
  }

  record Row(Combo combo, String version, String footerVersion, int columns, int expectedColumns, String chains,
      int pages, long dataBytes, long fileBytes, String file) {
    String key() {
      return combo.type().name() + "|" + combo.shape() + "|" + combo.nulls();
    }

    String content() {
      return columns + "|" + chains.replace("has_large_chunk=true", "") + "|" + pages + "|" + dataBytes + "|" + fileBytes;
    }
  }

  @Test
  void census() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    Path dumps = module.resolve("target/census");
    Path doc = module.getParent().resolve("docs/census/LANCE-7.0-CENSUS.md");
    Files.createDirectories(dumps);
    Files.createDirectories(doc.getParent());
    List<Row> rows = new ArrayList<>();
    Checks checks = new Checks();
    for (String version : TypeCatalog.VERSIONS) {
      Files.createDirectories(dumps.resolve(version));
      for (Combo c : combos()) {
        if (!c.type().referenceWrites(version)) {
          continue;
        }
        String name = c.type().name() + "-" + c.shape() + "-" + c.nulls();
        Path file = tmp.resolve(version + "-" + name + ".lance");
        try (BufferAllocator allocator = new RootAllocator();
            RandomData.Batches data = RandomData.builder(SEED).shape(c.shape()).nulls(c.nulls()).rows(c.rows())
                .build(c.type().schema(), allocator)) {
          ReferenceLance.writeFile(file, data, version);
        }
        LanceFileLayout layout = LanceFileLayout.read(file);
        Files.writeString(dumps.resolve(version).resolve(name + ".txt"), layout.dump(true));
        rows.add(summarize(c, version, layout));
        checks.check(c, version, layout);
        Files.delete(file);
      }
    }
    Files.writeString(doc, render(rows, checks), StandardCharsets.UTF_8);
  }

  /** Regenerates the golden files (see {@link GoldenFiles} and golden/README.md). */
  @Test
  void writeGoldenFiles() throws Exception {
    for (String version : GoldenFiles.VERSIONS) {
      Path file = Path.of("").toAbsolutePath().resolve(GoldenFiles.path(version));
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      try (BufferAllocator allocator = new RootAllocator();
          RandomData.Batches data = GoldenFiles.data(allocator)) {
        ReferenceLance.writeFile(file, data, version);
      }
      Path dump = file.resolveSibling("mixed.dump.txt");
      Files.writeString(dump, LanceFileLayout.read(file).dump(false));
    }
  }

  // ---- summary ----------------------------------------------------------------------------

  private static final Pattern NOISE = Pattern.compile(
      ", (num_items|num_buffers|num_dictionary_items|priority|bits_per_offset|num_visible_items)=\\d+");

  private static Row summarize(Combo c, String version, LanceFileLayout l) {
    List<String> perColumn = new ArrayList<>();
    int pages = 0;
    long data = 0;
    for (LanceFileLayout.Column col : l.columns()) {
      Map<String, Integer> distinct = new LinkedHashMap<>();
      for (LanceFileLayout.Page p : col.pages()) {
        distinct.merge(NOISE.matcher(p.encoding().compact()).replaceAll(""), 1, Integer::sum);
      }
      pages += col.pages().size();
      data += col.bytes();
      StringBuilder sb = new StringBuilder();
      if (l.columns().size() > 1) {
        sb.append("c").append(col.index()).append(": ");
      }
      if (distinct.isEmpty()) {
        sb.append("(no pages)");
      }
      int k = 0;
      for (Map.Entry<String, Integer> e : distinct.entrySet()) {
        sb.append(k++ > 0 ? " / " : "").append(e.getKey()).append(" ×").append(e.getValue());
      }
      perColumn.add(sb.toString());
    }
    return new Row(c, version, l.footer().version(), l.columns().size(), expectedColumns(c.type().schema(), version),
        String.join("<br>", perColumn), pages, data, l.fileSize(), c.type().name() + "-" + c.shape() + "-" + c.nulls());
  }

  /** Columns the FACTS file predicts: one per leaf in 2.1+ (FSL = leaf); 2.0 adds structs and lists. */
  static int expectedColumns(Schema s, String version) {
    int n = 0;
    for (Field f : s.getFields()) {
      n += expectedColumns(f, version);
    }
    return n;
  }

  private static int expectedColumns(Field f, String version) {
    ArrowType.ArrowTypeID id = f.getType().getTypeID();
    if (f.getDictionary() != null || f.getChildren().isEmpty() || id == ArrowType.ArrowTypeID.FixedSizeList) {
      return 1;
    }
    int n = "2.0".equals(version) ? 1 : 0;
    for (Field c : f.getChildren()) {
      n += expectedColumns(c, version);
    }
    return n;
  }

  private static final Pattern TYPE_NAME = Pattern.compile("([A-Z][A-Za-z0-9]+)\\(");

  private static String render(List<Row> rows, Checks checks) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Lance 7.0 census: what lance-core 7.0.0 writes\n\n");
    sb.append("Generated by `ReferenceCensusTest` (lance-file test sources; run it with\n");
    sb.append("`./build -pl lance-file test -Dtest=ReferenceCensusTest -Dgroups=census -Dtest.excludedGroups=none`).\n");
    sb.append("Do not edit by hand: the notes on disagreements with `LANCE-7.0-FACTS.md` are in `README.md` next to this file.\n\n");
    sb.append("Data: `RandomData` seed ").append(SEED).append(", ").append(ROWS).append(" rows per file (")
        .append(HUGE_ROWS).append(" for HUGE_BINARY), one batch, written with `org.lance.file.LanceFileWriter`.\n");
    sb.append("Protobuf names come from the format-spec descriptors when present (").append(
        ProtoText.knows("lance.encodings21.PageLayout") ? "they were" : "they were NOT; raw field numbers shown")
        .append("); a field those protos lack prints as `#number=value`.\n");
    sb.append("Chains are per column (`cN:` when a file has several), each distinct page encoding once with its page count (`×n`); ")
        .append("`num_items`, `num_buffers`, `num_dictionary_items`, `bits_per_offset` are omitted. `data B` = page bytes; `file B` = file size.\n");
    sb.append("Versions with identical output are merged into one row (e.g. `2.2, 2.3`).\n\n");
    sb.append("## Automatic checks of LANCE-7.0-FACTS.md claims\n\n");
    sb.append(checks.render());
    sb.append("\n## Encodings seen, by version\n\n");
    Map<String, Set<String>> seen = new TreeMap<>();
    for (Row r : rows) {
      Matcher m = TYPE_NAME.matcher(r.chains());
      while (m.find()) {
        seen.computeIfAbsent(r.version(), v -> new TreeSet<>()).add(m.group(1));
      }
      for (String tag : List.of("ZSTD", "LZ4")) {
        if (r.chains().contains(tag)) {
          seen.computeIfAbsent(r.version(), v -> new TreeSet<>()).add("General:" + tag);
        }
      }
    }
    for (Map.Entry<String, Set<String>> e : seen.entrySet()) {
      sb.append("- **").append(e.getKey()).append("**: ").append(String.join(", ", e.getValue())).append('\n');
    }
    sb.append("\n## Table\n\n");
    sb.append("| type | shape | nulls | version | footer | cols | pages | layout and compression chain | data B | file B |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
    Map<String, List<Row>> byKey = new LinkedHashMap<>();
    for (Row r : rows) {
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    for (List<Row> group : byKey.values()) {
      List<List<Row>> merged = new ArrayList<>();
      for (Row r : group) {
        List<Row> same = merged.stream().filter(m -> m.get(0).content().equals(r.content())).findFirst().orElse(null);
        if (same == null) {
          merged.add(new ArrayList<>(List.of(r)));
        } else {
          same.add(r);
        }
      }
      for (List<Row> m : merged) {
        Row r = m.get(0);
        sb.append("| ").append(r.combo().type().name()).append(" | ").append(r.combo().shape()).append(" | ")
            .append(r.combo().nulls()).append(" | ").append(String.join(", ", m.stream().map(Row::version).toList()))
            .append(" | ").append(String.join(", ", m.stream().map(Row::footerVersion).distinct().toList())).append(" | ").append(r.columns()).append(" | ").append(r.pages())
            .append(" | ").append(r.chains().replace("|", "\\|")).append(" | ").append(r.dataBytes()).append(" | ")
            .append(r.fileBytes()).append(" |\n");
      }
    }
    return sb.toString();
  }

  // ---- automatic checks ---------------------------------------------------------------------

  /** Claims of LANCE-7.0-FACTS.md checked on every file; each records its counterexamples. */
  static final class Checks {
    private final Map<String, List<String>> failures = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, Set<String>> notes = new LinkedHashMap<>();

    private void claim(String claim, boolean ok, String where) {
      counts.merge(claim, 1, Integer::sum);
      List<String> f = failures.computeIfAbsent(claim, k -> new ArrayList<>());
      if (!ok && f.size() < 12) {
        f.add(where);
      } else if (!ok) {
        f.set(11, "… and more");
      }
    }

    private void note(String what, String value) {
      notes.computeIfAbsent(what, k -> new TreeSet<>()).add(value);
    }

    void check(Combo c, String version, LanceFileLayout l) {
      String where = version + " " + c.type().name() + "/" + c.shape() + "/" + c.nulls();
      LanceFileLayout.Footer f = l.footer();
      String expectedFooter = "2.0".equals(version) ? "0.3" : version;
      claim("§1 footer major.minor is 0.3 for 2.0 and the version itself otherwise", f.version().equals(expectedFooter),
          where + " footer " + f.version());
      claim("§2a every page buffer and global buffer starts on a 64-byte boundary", l.misalignedBuffers() == 0,
          where + " (" + l.misalignedBuffers() + " misaligned)");
      Set<Integer> pad = l.paddingByteValues();
      claim("§2a padding bytes between buffers are 0x48", pad.isEmpty() || pad.equals(Set.of(0x48)), where + " padding " + pad);
      claim("§2a data files have exactly one global buffer", l.globalBuffers().size() == 1,
          where + " has " + l.globalBuffers().size());
      if (!l.globalBuffers().isEmpty()) {
        LanceFileLayout.Extent g = l.globalBuffers().get(0);
        long maxPageEnd = l.columns().stream().flatMap(col -> col.pages().stream()).flatMap(p -> p.buffers().stream())
            .mapToLong(LanceFileLayout.Extent::end).max().orElse(0);
        claim("§2a order: page buffers, then global buffer 0, then column metadata, CMO, GBO, footer",
            maxPageEnd <= g.position() && g.end() <= f.columnMetaStart() && f.columnMetaStart() <= f.cmoStart()
                && f.gboStart() == f.cmoStart() + 16L * f.numColumns()
                && l.fileSize() - 40 == f.gboStart() + 16L * f.numGlobalBuffers(),
            where + " gb0=" + g + " maxPageEnd=" + maxPageEnd + " footer=" + f);
        String fd = ProtoText.compact("lance.file.FileDescriptor", l.globalBuffer(0));
        claim("§2a global buffer 0 is a FileDescriptor with the row count", fd.contains("length=" + c.rows()),
            where + " " + fd);
      }
      for (LanceFileLayout.Column col : l.columns()) {
        String ce = col.encoding().compact();
        note("column encodings (" + version + ")", col.encoding().typeUrl() + " " + ce);
        claim("§2a column-level buffers are never used", col.buffers().isEmpty(), where + " c" + col.index());
        long row = 0;
        for (LanceFileLayout.Page p : col.pages()) {
          String url = p.encoding().typeUrl();
          String expectedUrl = "2.0".equals(version) ? "/lance.encodings.ArrayEncoding" : "/lance.encodings21.PageLayout";
          claim("§2a page encoding Any type is ArrayEncoding (2.0) / PageLayout (2.1+)", url.equals(expectedUrl),
              where + " " + url);
          claim("§2a page priority = the page's first row number", p.priority() == row,
              where + " c" + col.index() + " priority " + p.priority() + " at row " + row);
          row += p.rows();
          String chain = p.encoding().compact();
          if (!"2.0".equals(version) && chain.startsWith("MiniBlockLayout")) {
            boolean large = chain.contains("has_large_chunk=true") || chain.contains("#10=1");
            claim("§2d MiniBlockLayout has has_large_chunk=true exactly in 2.2+",
                large == !"2.1".equals(version), where + " c" + col.index() + " has_large_chunk=" + large);
          }
          note("page layouts (" + version + ")", ProtoText.layoutName(url, p.encoding().value()));
        }
      }
      int expected = expectedColumns(c.type().schema(), version);
      claim("§2a columns: one per leaf in 2.1+ (FSL one column); 2.0 adds one per struct and list",
          l.columns().size() == expected, where + " has " + l.columns().size() + " expected " + expected);
    }

    String render() {
      StringBuilder sb = new StringBuilder();
      sb.append("| claim | files checked | counterexamples |\n|---|---|---|\n");
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        List<String> f = failures.get(e.getKey());
        sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" | ")
            .append(f.isEmpty() ? "none (holds)" : "**" + String.join("; ", f) + "**").append(" |\n");
      }
      sb.append('\n');
      for (Map.Entry<String, Set<String>> e : notes.entrySet()) {
        sb.append("- ").append(e.getKey()).append(": ").append(String.join("; ", new LinkedHashSet<>(e.getValue())))
            .append('\n');
      }
      return sb.toString();
    }
  }

}
