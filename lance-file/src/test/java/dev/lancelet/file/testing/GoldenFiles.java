package dev.lancelet.file.testing;

import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The golden files under {@code src/test/resources/golden/<version>/mixed.lance}: written by
 * lance-core 7.0.0 ({@code ReferenceCensusTest#writeGoldenFiles}) from {@link #data}, so a test
 * can regenerate the exact contents from the seed and compare, even where lance-core's native
 * library cannot load.
 */
public final class GoldenFiles {

  /** The seed of the golden data. */
  public static final long SEED = 20_251_123L;

  /** Rows in each golden file. */
  public static final int ROWS = 40;

  /** Versions with a golden file. */
  public static final List<String> VERSIONS = List.of("2.0", "2.1", "2.2", "2.3");

  /** Catalog types in the golden schema, in column order. */
  public static final List<String> TYPES = List.of(
      "int32", "int64", "uint16", "int16", "float32", "float64", "bool", "utf8", "large_utf8", "binary",
      "fixed_size_binary", "date32", "timestamp_us_tz", "decimal128", "list_int32", "struct_nested",
      "fsl_i32x3", "dict_int32_utf8", "list_struct");

  private GoldenFiles() {}

  /** The golden schema. */
  public static Schema schema() {
    return TypeCatalog.schemaOf(TYPES.stream().map(TypeCatalog::get).toList());
  }

  /** The generator settings of the golden data. */
  public static RandomData.Builder builder() {
    return RandomData.builder(SEED)
        .rows(ROWS).dictionarySize(12)
        .nulls(Nulls.RANDOM_10)
        .shape("int32", Shape.RUNS)
        .shape("int64", Shape.SORTED)
        .shape("float32", Shape.GAUSSIAN)
        .shape("float64", Shape.SMOOTH)
        .shape("bool", Shape.CONSTANT)
        .shape("utf8", Shape.LOW_CARDINALITY)
        .nulls("int16", Nulls.ALL_NULL)
        .nulls("uint16", Nulls.NONE);
  }

  /** The golden data (caller closes). */
  public static RandomData.Batches data(BufferAllocator allocator) {
    return builder().build(schema(), allocator);
  }

  /** Path of a version's golden file, relative to the lance-file module directory. */
  public static Path path(String version) {
    return Path.of("src/test/resources/golden", version, "mixed.lance");
  }
}
