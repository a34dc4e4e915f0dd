package dev.lancelet.file.interop;

import dev.lancelet.file.interop.InteropCase.Direction;
import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import dev.lancelet.file.testing.TypeCatalog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The interop matrix, pruned from the full cross product (version x type x shape x nulls x
 * rows) so that it runs in minutes while still covering:
 *
 * <ul>
 *   <li>every catalog type with no nulls, 10% nulls and all nulls;
 *   <li>every value shape on the types it means something for (numeric shapes on numbers,
 *       temporals, decimals, booleans, fixed binaries, dictionaries and some nested carriers of
 *       numbers; string shapes on strings, binaries and nested carriers of strings), with 10% nulls;
 *   <li>every null pattern on the nested types;
 *   <li>row counts 0, 1 and odd sizes, some crossing mini-block chunks and (for Lancelet's writer,
 *       with 4 KiB pages) many page boundaries;
 *   <li>one file of more than a million rows per direction.
 * </ul>
 *
 * Direction A (lance-core writes) runs for 2.0, 2.1, 2.2 and 2.3; direction B (Lancelet writes)
 * for 2.0, 2.1 and 2.2 (where a version is not writable yet, {@link KnownGaps} says so).
 */
final class InteropMatrix {

  static final List<String> READ_VERSIONS = List.of("2.0", "2.1", "2.2", "2.3");
  static final List<String> WRITE_VERSIONS = List.of("2.0", "2.1", "2.2");

  /** Rows per batch and batches of the ordinary cases: odd, so batches never align with chunks. */
  static final int ROWS = 337;
  static final int BATCHES = 3;

  /** The one big case per direction. */
  static final int BIG_ROWS = 275_000;
  static final int BIG_BATCHES = 4;

  static final List<Shape> NUMERIC_SHAPES = List.of(
      Shape.SMALL_RANGE, Shape.SORTED, Shape.LOW_CARDINALITY, Shape.CONSTANT, Shape.RUNS, Shape.SMOOTH, Shape.GAUSSIAN);
  static final List<Shape> STRING_SHAPES = List.of(
      Shape.SMALL_RANGE, Shape.SORTED, Shape.LOW_CARDINALITY, Shape.CONSTANT, Shape.RUNS, Shape.SHORT_STRINGS,
      Shape.LONG_STRINGS);

  /** Types numeric shapes apply to (a representative of each physical width and kind). */
  static final List<String> NUMERIC_SHAPE_TYPES = List.of(
      "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
      "bool", "date32", "date64", "time32_ms", "time64_ns", "timestamp_us_tz", "decimal128", "decimal256",
      "fixed_size_binary", "dict_int32_utf8", "list_int32", "large_list_int64", "embedding_f32x128",
      "fsl_nullable_items_f64x4", "struct_nested", "struct_struct", "list_list_int32");

  /** Types string shapes apply to. */
  static final List<String> STRING_SHAPE_TYPES = List.of(
      "utf8", "large_utf8", "binary", "large_binary", "list_utf8", "struct_flat", "list_struct", "struct_list",
      "large_list_struct");

  /** Types with values of 1 MiB and more. */
  static final List<String> HUGE_TYPES = List.of("binary", "large_binary", "large_utf8");

  /** Nested types that get every null pattern. */
  static final List<String> NESTED_NULL_TYPES = List.of(
      "list_int32", "large_list_int64", "fsl_nullable_items_f64x4", "struct_nested", "struct_struct", "list_struct",
      "struct_list", "list_list_int32", "list_fsl_f32x4", "struct_fsl", "large_list_struct");

  /** Types for the row-count cases. */
  static final List<String> ROW_COUNT_TYPES = List.of(
      "int32", "bool", "utf8", "large_binary", "decimal128", "list_int32", "struct_nested", "fsl_i32x3",
      "list_list_int32", "list_struct");

  /** (rows per batch, batches): empty, single rows, and sizes around mini-block chunks (4096 values). */
  static final int[][] ROW_COUNTS = {{0, 1}, {1, 1}, {1, 3}, {2, 2}, {4095, 1}, {4097, 3}, {10_001, 2}};

  private InteropMatrix() {}

  /** The default (CI) matrix. */
  static List<InteropCase> defaults() {
    Set<InteropCase> out = new LinkedHashSet<>();
    for (Direction d : Direction.values()) {
      for (String v : d == Direction.A ? READ_VERSIONS : WRITE_VERSIONS) {
        addStandard(out, d, v, ROWS, BATCHES);
      }
      // One big case per direction, in the default version.
      out.add(new InteropCase(d, "2.1", List.of("int64", "utf8"), Shape.RANDOM, Nulls.RANDOM_10, BIG_ROWS,
          BIG_BATCHES, false));
    }
    return List.copyOf(out);
  }

  /** The extended matrix ({@code interop-long}): every type x every shape x every null pattern, bigger files. */
  static List<InteropCase> extended() {
    Set<InteropCase> out = new LinkedHashSet<>();
    for (Direction d : Direction.values()) {
      for (String v : d == Direction.A ? READ_VERSIONS : WRITE_VERSIONS) {
        for (TypeCatalog.Entry t : TypeCatalog.all()) {
          if (d == Direction.A && !t.referenceWrites(v)) {
            continue;
          }
          for (Shape s : Shape.values()) {
            for (Nulls n : Nulls.values()) {
              boolean huge = s == Shape.HUGE_BINARY;
              if (huge && !HUGE_TYPES.contains(t.name())) {
                continue;
              }
              out.add(InteropCase.of(d, v, t.name(), s, n, huge ? 3 : 2049, huge ? 2 : 3));
            }
          }
        }
        for (String t : ROW_COUNT_TYPES) {
          out.add(InteropCase.of(d, v, t, Shape.RANDOM, Nulls.RANDOM_10, 70_001, 3));
        }
        out.add(new InteropCase(d, v, List.of("int64", "utf8", "list_int32", "struct_nested"), Shape.RANDOM,
            Nulls.RANDOM_10, 700_001, 3, false));
      }
    }
    return List.copyOf(out);
  }

  private static void addStandard(Set<InteropCase> out, Direction d, String v, int rows, int batches) {
    List<TypeCatalog.Entry> types = new ArrayList<>(TypeCatalog.all());
    for (TypeCatalog.Entry t : types) {
      if (d == Direction.A && !t.referenceWrites(v)) {
        continue;
      }
      for (Nulls n : List.of(Nulls.NONE, Nulls.RANDOM_10, Nulls.ALL_NULL)) {
        out.add(InteropCase.of(d, v, t.name(), Shape.RANDOM, n, rows, batches));
      }
    }
    for (String t : NUMERIC_SHAPE_TYPES) {
      for (Shape s : NUMERIC_SHAPES) {
        out.add(InteropCase.of(d, v, t, s, Nulls.RANDOM_10, rows, batches));
      }
    }
    for (String t : STRING_SHAPE_TYPES) {
      for (Shape s : STRING_SHAPES) {
        out.add(InteropCase.of(d, v, t, s, Nulls.RANDOM_10, rows, batches));
      }
    }
    for (String t : HUGE_TYPES) {
      out.add(InteropCase.of(d, v, t, Shape.HUGE_BINARY, Nulls.RANDOM_10, 3, 2));
    }
    for (String t : NESTED_NULL_TYPES) {
      for (Nulls n : List.of(Nulls.MOSTLY_NULL_95, Nulls.RUNS)) {
        out.add(InteropCase.of(d, v, t, Shape.RANDOM, n, rows, batches));
      }
    }
    for (String t : ROW_COUNT_TYPES) {
      for (int[] rc : ROW_COUNTS) {
        InteropCase c = InteropCase.of(d, v, t, Shape.RANDOM, Nulls.RANDOM_10, rc[0], rc[1]);
        out.add(d == Direction.B && rc[0] * rc[1] > 4096 ? c.withSmallPages() : c);
      }
    }
    // Every type in one file: interleaved pages of many columns, and projection.
    List<String> all = types.stream().map(TypeCatalog.Entry::name)
        .filter(n -> d == Direction.A ? TypeCatalog.get(n).referenceWrites(v) : !n.equals("dict_int32_utf8"))
        .toList();
    out.add(new InteropCase(d, v, all, Shape.RANDOM, Nulls.RANDOM_10, 1001, 2, false));
  }
}
