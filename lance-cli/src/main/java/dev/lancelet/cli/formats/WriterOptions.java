package dev.lancelet.cli.formats;

import java.util.Locale;

/**
 * Options of the format writers. Options of other formats are ignored.
 *
 * @param overwrite replace an existing file (otherwise opening a writer on one fails)
 * @param delimiter the CSV field delimiter, or 0 for the format's own (',' for CSV, tab for TSV)
 * @param header whether CSV output starts with a header line
 * @param parquetCompression Parquet page compression: {@code zstd} (default), {@code snappy},
 *     {@code gzip}, {@code lz4_raw} or {@code none}; all pure Java
 * @param parquetRowGroupBytes the Parquet row group size in bytes, which parquet-java buffers in
 *     memory before writing (default 64 MiB)
 */
public record WriterOptions(
    boolean overwrite, char delimiter, boolean header, String parquetCompression, long parquetRowGroupBytes) {

  /** Defaults: no overwrite, CSV header, zstd Parquet with 64 MiB row groups. */
  public static final WriterOptions DEFAULTS = builder().build();

  /** Checks the arguments. */
  public WriterOptions {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("a CSV delimiter cannot be a quote or a line break");
    }
    parquetCompression = parquetCompression.toLowerCase(Locale.ROOT);
    ParquetCodecs.codecName(parquetCompression); // validates
    if (parquetRowGroupBytes < 1024) {
      throw new IllegalArgumentException("Parquet row group size must be at least 1 KiB: " + parquetRowGroupBytes);
    }
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link WriterOptions}. */
  public static final class Builder {
    private boolean overwrite;
    private char delimiter;
    private boolean header = true;
    private String parquetCompression = "zstd";
    private long parquetRowGroupBytes = 64L << 20;

    private Builder() {}

    /** Replace an existing file. */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /** The CSV field delimiter. */
    public Builder delimiter(char c) {
      this.delimiter = c;
      return this;
    }

    /** Whether CSV output has a header line. */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /** Parquet compression: zstd, snappy, gzip, lz4_raw or none. */
    public Builder parquetCompression(String codec) {
      this.parquetCompression = codec;
      return this;
    }

    /** Parquet row group size in bytes. */
    public Builder parquetRowGroupBytes(long bytes) {
      this.parquetRowGroupBytes = bytes;
      return this;
    }

    /** The options. */
    public WriterOptions build() {
      return new WriterOptions(overwrite, delimiter, header, parquetCompression, parquetRowGroupBytes);
    }
  }
}
