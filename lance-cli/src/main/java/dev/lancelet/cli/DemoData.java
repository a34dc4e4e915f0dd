package dev.lancelet.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The demo's sample data, generated in code: every row is a pure function of its id, so any row
 * can be regenerated to check what a reader returns. Columns: {@code id} int64, {@code category}
 * utf8 (8 values, skewed), {@code caption} utf8 of 20-50 characters, {@code score} float64 in
 * [0, 1), {@code embedding} fixed_size_list&lt;float32, 128&gt; (clustered by category, unit length)
 * and {@code tags} list&lt;utf8&gt;, null for about one row in five.
 */
final class DemoData {
  static final int DIM = 128;
  private static final long SEED = 0x1a5ce1e7L;

  static final String[] CATEGORIES = {"books", "music", "garden", "toys", "sports", "kitchen", "travel", "games"};
  private static final String[] TAGS = {
    "new", "sale", "gift", "eco", "bestseller", "limited", "handmade", "imported", "vintage", "bundle", "clearance", "premium"
  };
  private static final String[] ADJECTIVES = {
    "quiet", "bright", "tiny", "golden", "rusty", "gentle", "bold", "silver", "curious", "ancient", "swift", "lazy"
  };
  private static final String[] NOUNS = {
    "fox", "lantern", "harbor", "teapot", "comet", "garden", "violin", "kayak", "owl", "atlas", "meadow", "robot"
  };
  private static final String[] PHRASES = {
    "by the river", "at dawn", "in the attic", "under the stars", "on a rainy day", "near the old mill",
    "for the weekend", "after the storm", "in a small town", "on the night train"
  };
  private static final float[][] CENTERS = centers();

  private DemoData() {}

  /** One generated row. {@code tags} is null for a null list. */
  record Row(long id, String category, String caption, double score, float[] embedding, List<String> tags) {}

  static Schema schema() {
    Field item = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Field tag = new Field("item", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
    return new Schema(List.of(
        new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
        new Field("category", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
        new Field("caption", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
        new Field("score", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
        new Field("embedding", FieldType.notNullable(new ArrowType.FixedSizeList(DIM)), List.of(item)),
        new Field("tags", FieldType.nullable(ArrowType.List.INSTANCE), List.of(tag))));
  }

  static Row row(long id) {
    SplittableRandom r = new SplittableRandom(mix(id ^ SEED));
    double u = r.nextDouble();
    int cat = Math.min(CATEGORIES.length - 1, (int) (u * u * CATEGORIES.length));
    String caption = caption(r);
    double score = Math.floor(r.nextDouble() * 10_000) / 10_000.0;
    float[] e = new float[DIM];
    double norm = 0;
    for (int k = 0; k < DIM; k++) {
      // Triangular noise: cheap, and round enough for a demo.
      double v = CENTERS[cat][k] + 0.6 * (r.nextDouble() + r.nextDouble() - 1);
      e[k] = (float) v;
      norm += v * v;
    }
    float inv = (float) (1 / StrictMath.sqrt(norm));
    for (int k = 0; k < DIM; k++) {
      e[k] *= inv;
    }
    List<String> tags = null;
    if (r.nextInt(5) != 0) {
      int n = r.nextInt(4);
      tags = new ArrayList<>(n);
      int first = r.nextInt(TAGS.length);
      for (int k = 0; k < n; k++) {
        tags.add(TAGS[(first + k * 5) % TAGS.length]);
      }
    }
    return new Row(id, CATEGORIES[cat], caption, score, e, tags);
  }

  /** Fills {@code root} (of {@link #schema()}) with rows {@code [start, start + n)}. */
  static void fill(VectorSchemaRoot root, long start, int n) {
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector category = (VarCharVector) root.getVector("category");
    VarCharVector caption = (VarCharVector) root.getVector("caption");
    Float8Vector score = (Float8Vector) root.getVector("score");
    FixedSizeListVector embedding = (FixedSizeListVector) root.getVector("embedding");
    Float4Vector values = (Float4Vector) embedding.getDataVector();
    ListVector tags = (ListVector) root.getVector("tags");
    VarCharVector tagValues = (VarCharVector) tags.getDataVector();
    root.allocateNew();
    int tagCount = 0;
    for (int i = 0; i < n; i++) {
      Row row = row(start + i);
      id.setSafe(i, row.id());
      category.setSafe(i, row.category().getBytes(StandardCharsets.UTF_8));
      caption.setSafe(i, row.caption().getBytes(StandardCharsets.UTF_8));
      score.setSafe(i, row.score());
      embedding.setNotNull(i);
      for (int k = 0; k < DIM; k++) {
        values.setSafe(i * DIM + k, row.embedding()[k]);
      }
      if (row.tags() == null) {
        tags.setNull(i);
      } else {
        int offset = tags.startNewValue(i);
        for (int k = 0; k < row.tags().size(); k++) {
          tagValues.setSafe(offset + k, row.tags().get(k).getBytes(StandardCharsets.UTF_8));
        }
        tags.endValue(i, row.tags().size());
        tagCount = offset + row.tags().size();
      }
    }
    values.setValueCount(n * DIM);
    tagValues.setValueCount(tagCount);
    root.setRowCount(n);
  }

  /** Whether row {@code i} of {@code batch} (any subset of the demo columns) equals {@code expected}. */
  static boolean matches(VectorSchemaRoot batch, int i, Row expected) {
    for (var v : batch.getFieldVectors()) {
      boolean same = switch (v.getName()) {
        case "id" -> ((BigIntVector) v).get(i) == expected.id();
        case "category" -> v.getObject(i).toString().equals(expected.category());
        case "caption" -> v.getObject(i).toString().equals(expected.caption());
        case "score" -> ((Float8Vector) v).get(i) == expected.score();
        case "embedding" -> {
          FixedSizeListVector fsl = (FixedSizeListVector) v;
          Float4Vector child = (Float4Vector) fsl.getDataVector();
          float[] got = new float[DIM];
          for (int k = 0; k < DIM; k++) {
            got[k] = child.get(i * DIM + k);
          }
          yield !fsl.isNull(i) && Arrays.equals(got, expected.embedding());
        }
        case "tags" -> {
          if (v.isNull(i)) {
            yield expected.tags() == null;
          }
          List<?> got = ((ListVector) v).getObject(i);
          yield expected.tags() != null && got.stream().map(String::valueOf).toList().equals(expected.tags());
        }
        default -> true;
      };
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private static String caption(SplittableRandom r) {
    int target = 20 + r.nextInt(31);
    StringBuilder sb = new StringBuilder();
    sb.append("a ").append(pick(r, ADJECTIVES)).append(' ').append(pick(r, NOUNS)).append(' ').append(pick(r, PHRASES));
    // The base is 18-36 characters and each addition at most 22, so this ends within [20, 50].
    while (sb.length() < target) {
      String more = " and a " + pick(r, ADJECTIVES) + ' ' + pick(r, NOUNS);
      if (sb.length() + more.length() > 50) {
        break;
      }
      sb.append(more);
    }
    return sb.toString();
  }

  private static String pick(SplittableRandom r, String[] words) {
    return words[r.nextInt(words.length)];
  }

  /** Polar Box-Muller with StrictMath, so the centers are the same on every JVM. */
  private static double gaussian(SplittableRandom r) {
    double x;
    double y;
    double s;
    do {
      x = 2 * r.nextDouble() - 1;
      y = 2 * r.nextDouble() - 1;
      s = x * x + y * y;
    } while (s >= 1 || s == 0);
    return x * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
  }

  private static float[][] centers() {
    SplittableRandom r = new SplittableRandom(SEED);
    float[][] c = new float[CATEGORIES.length][DIM];
    for (float[] row : c) {
      for (int k = 0; k < DIM; k++) {
        row[k] = (float) gaussian(r);
      }
    }
    return c;
  }

  /** SplitMix64's finalizer: spreads consecutive ids over the seed space. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
