package dev.lancelet.cli.formats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Options of the format readers. Text-only options are ignored by the binary formats.
 *
 * @param batchSize rows per batch (default 8192)
 * @param inferRows how many leading rows (CSV) or lines (JSON lines) type inference looks at
 *     (default 1000); the reader holds at most that many rows back while it infers
 * @param columnTypes column types that replace inferred ones (CSV, JSON lines), by column name;
 *     JSON lines only takes scalar types here, applied to top-level fields
 * @param delimiter the CSV field delimiter, or 0 for the format's own (',' for CSV, tab for TSV)
 * @param header whether the first CSV line names the columns; otherwise they are named {@code
 *     c0, c1, ...}
 * @param nullValues unquoted CSV fields that mean null, besides the empty field
 * @param schema the whole schema of a CSV or JSON lines input, or null to infer it: no inference
 *     then, columns are matched by name (CSV: every column of the file must be in it, in any order;
 *     JSON lines: absent fields are null)
 */
public record ReaderOptions(
    int batchSize, int inferRows, Map<String, ArrowType> columnTypes, char delimiter, boolean header,
    Set<String> nullValues, Schema schema) {

  /** Defaults: 8192-row batches, inference over 1000 rows, a CSV header, no extra null values. */
  public static final ReaderOptions DEFAULTS = builder().build();

  /** Checks and copies the arguments. */
  public ReaderOptions {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
    if (inferRows <= 0) {
      throw new IllegalArgumentException("the number of rows to infer types from must be positive: " + inferRows);
    }
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("a CSV delimiter cannot be a quote or a line break");
    }
    columnTypes = Map.copyOf(columnTypes);
    nullValues = Set.copyOf(nullValues);
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link ReaderOptions}. */
  public static final class Builder {
    private int batchSize = 8192;
    private int inferRows = 1000;
    private final Map<String, ArrowType> columnTypes = new LinkedHashMap<>();
    private char delimiter;
    private boolean header = true;
    private Set<String> nullValues = Set.of();
    private Schema schema;

    private Builder() {}

    /** Rows per batch. */
    public Builder batchSize(int rows) {
      this.batchSize = rows;
      return this;
    }

    /** Leading rows/lines that type inference looks at. */
    public Builder inferRows(int rows) {
      this.inferRows = rows;
      return this;
    }

    /** The type of a column, instead of the inferred one. */
    public Builder columnType(String column, ArrowType type) {
      columnTypes.put(Objects.requireNonNull(column), Objects.requireNonNull(type));
      return this;
    }

    /** Column types from a {@code name:type,...} list (see {@link TypeNames#parseColumns}). */
    public Builder columnTypes(String spec) {
      columnTypes.putAll(TypeNames.parseColumns(spec));
      return this;
    }

    /** The CSV field delimiter. */
    public Builder delimiter(char c) {
      this.delimiter = c;
      return this;
    }

    /** Whether the first CSV line is a header. */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /** Unquoted CSV fields that mean null, e.g. {@code NA}, {@code NULL}. */
    public Builder nullValues(Set<String> values) {
      this.nullValues = Set.copyOf(values);
      return this;
    }

    /** The whole schema of a CSV or JSON lines input (no inference); null to infer. */
    public Builder schema(Schema schema) {
      this.schema = schema;
      return this;
    }

    /** The options. */
    public ReaderOptions build() {
      return new ReaderOptions(batchSize, inferRows, columnTypes, delimiter, header, nullValues, schema);
    }
  }
}
