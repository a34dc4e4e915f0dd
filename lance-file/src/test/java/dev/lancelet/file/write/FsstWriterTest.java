package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FSST in the writer: mini-block {@code Fsst(Variable)} for text pages, full-zip {@code Fsst} for
 * long strings, the raw-table case, and the cases where Lance skips FSST. Every file is read back
 * by lance-core 7.0 and by Lancelet; failures print the seed.
 */
class FsstWriterTest {
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

  static final String[] WORDS = {
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "lance", "columnar", "format",
    "arrow", "vector", "search", "index", "fragment", "manifest", "2024", "error:", "warning", "ok"
  };
  static final String[] UNICODE = {"héllo", "naïve", "日本語", "テキスト", "😀", "🚀🚀", "Ωmega", "straße", "ﬁ", "𝄞"};

  static String text(Random rnd, int min, int max) {
    int target = min + rnd.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < target) {
      sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : "").append(' ');
    }
    return sb.substring(0, target);
  }

  static String unicode(Random rnd, int min, int max) {
    int target = min + rnd.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder();
    while (sb.toString().getBytes(StandardCharsets.UTF_8).length < target) {
      sb.append(rnd.nextBoolean() ? UNICODE[rnd.nextInt(UNICODE.length)] : WORDS[rnd.nextInt(WORDS.length)]).append(' ');
    }
    return sb.toString();
  }

  static String letters(Random rnd, int len) {
    char[] c = new char[len];
    for (int i = 0; i < len; i++) {
      c[i] = (char) ('a' + rnd.nextInt(26));
    }
    return new String(c);
  }

  /**
   * Writes {@code batches} x {@code rows} strings of {@code gen} (null with probability {@code
   * pNull}) as utf8 and large_utf8, checks both readers and returns the page encodings.
   */
  List<String> check(String name, long seed, int batches, int rows, double pNull, WriteOptions opts,
      BiFunction<Random, Integer, String> gen) throws Exception {
    List<String> encodings = new java.util.ArrayList<>();
    for (ArrowType t : List.of(ArrowType.Utf8.INSTANCE, ArrowType.LargeUtf8.INSTANCE)) {
      Schema schema = new Schema(List.of(new Field("s", new FieldType(true, t, null), null)));
      String file = name + "-" + t.getTypeID() + ".lance";
      Random rnd = new Random(seed);
      var expected = WriteHarness.write(alloc, dir, file, schema, opts, batches, (root, b) -> {
        var v = root.getVector(0);
        for (int i = 0; i < rows; i++) {
          if (pNull > 0 && rnd.nextDouble() < pNull) {
            if (v instanceof VarCharVector s) s.setNull(i); else ((LargeVarCharVector) v).setNull(i);
            continue;
          }
          byte[] bytes = gen.apply(rnd, b * rows + i).getBytes(StandardCharsets.UTF_8);
          if (v instanceof VarCharVector s) s.setSafe(i, bytes); else ((LargeVarCharVector) v).setSafe(i, bytes);
        }
        v.setValueCount(rows);
        root.setRowCount(rows);
      });
      String ctx = name + " " + t + " seed " + seed;
      WriteHarness.assertSameRows(ctx + " (lance-core)", expected, WriteHarness.readWithLance(alloc, dir.resolve(file)));
      WriteHarness.assertSameRows(ctx + " (lancelet)", expected, WriteHarness.readWithLancelet(alloc, dir, file, 1777));
      encodings.addAll(WriteHarness.pageEncodings(alloc, dir, file));
    }
    return encodings;
  }

  @Test
  void miniBlockText() throws Exception {
    for (double pNull : new double[] {0, 0.2}) {
      List<String> enc = check("text" + pNull, 11, 3, 5000, pNull, WriteOptions.defaults(), (r, i) -> text(r, 5, 60));
      assertThat(enc).allSatisfy(e -> assertThat(e).startsWith("MiniBlock").contains("Fsst(Variable"));
    }
  }

  @Test
  void unicodeAndEmptyStrings() throws Exception {
    List<String> enc = check("unicode", 12, 2, 4000, 0.1, WriteOptions.defaults(),
        (r, i) -> r.nextInt(4) == 0 ? "" : unicode(r, 5, 80));
    assertThat(enc).allSatisfy(e -> assertThat(e).contains("Fsst"));
  }

  @Test
  void longStringsGoFullZipFsst() throws Exception {
    List<String> enc = check("long", 13, 3, 300, 0.1, WriteOptions.defaults(), (r, i) -> text(r, 300, 3000));
    assertThat(enc).allSatisfy(e -> assertThat(e).startsWith("FullZip").contains("Fsst"));
  }

  @Test
  void shortStringsSkipFsst() throws Exception {
    // The longest value is under 5 bytes: Lance stores these plainly.
    List<String> enc = check("short", 14, 2, 20000, 0.1, WriteOptions.defaults(), (r, i) -> letters(r, 1 + r.nextInt(4)));
    assertThat(enc).noneMatch(e -> e.contains("Fsst"));
  }

  @Test
  void rawTableWhenBytesUnder32KiB() throws Exception {
    // 5-byte strings: 30000 bytes of text plus 4-byte offsets pass Lance's 32 KiB data-size test,
    // but the bytes alone are under the FSST kernel's 32 KiB, so the table is stored with its
    // compressed bit off and the strings raw.
    List<String> enc = check("raw", 15, 1, 6000, 0, WriteOptions.defaults(), (r, i) -> letters(r, 5));
    assertThat(enc).allSatisfy(e -> assertThat(e).contains("Fsst"));
  }

  @Test
  void manySmallPagesEachWithTheirOwnTable() throws Exception {
    WriteOptions small = WriteOptions.builder().maxPageBytes(48 * 1024).build();
    List<String> enc = check("pages", 16, 4, 3000, 0.05, small, (r, i) -> text(r, 5, 40));
    assertThat(enc.size()).isGreaterThan(4);
  }
}
