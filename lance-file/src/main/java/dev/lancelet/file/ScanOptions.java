package dev.lancelet.file;

import java.util.List;

/**
 * What a {@link LanceFileReader#scan} reads: which top-level columns (all when unset), which rows
 * (a half-open range, all when unset) and how many rows per batch.
 */
public final class ScanOptions {
  /** Rows per batch when none is given. */
  public static final int DEFAULT_BATCH_SIZE = 8192;

  private final List<String> columns;
  private final long rowStart;
  private final long rowEnd;
  private final int batchSize;

  private ScanOptions(Builder b) {
    this.columns = b.columns == null ? null : List.copyOf(b.columns);
    this.rowStart = b.rowStart;
    this.rowEnd = b.rowEnd;
    this.batchSize = b.batchSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every column, every row, default batch size. */
  public static ScanOptions all() {
    return builder().build();
  }

  /** Top-level column names to read, in output order; null means all columns. */
  public List<String> columns() {
    return columns;
  }

  /** First row to read. */
  public long rowStart() {
    return rowStart;
  }

  /** One past the last row to read; {@code -1} means the end of the file. */
  public long rowEnd() {
    return rowEnd;
  }

  public int batchSize() {
    return batchSize;
  }

  @Override
  public String toString() {
    return "ScanOptions{columns=" + columns + ", rows=[" + rowStart + ", " + (rowEnd < 0 ? "end" : rowEnd) + "), batchSize=" + batchSize + "}";
  }

  /** Builder for {@link ScanOptions}. */
  public static final class Builder {
    private List<String> columns;
    private long rowStart;
    private long rowEnd = -1;
    private int batchSize = DEFAULT_BATCH_SIZE;

    private Builder() {}

    public Builder columns(List<String> columns) {
      this.columns = columns;
      return this;
    }

    public Builder columns(String... columns) {
      this.columns = List.of(columns);
      return this;
    }

    /** Reads rows {@code [start, end)}. */
    public Builder rowRange(long start, long end) {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("Row range needs 0 <= start <= end, got [" + start + ", " + end + ")");
      }
      this.rowStart = start;
      this.rowEnd = end;
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize <= 0) {
        throw new IllegalArgumentException("Batch size must be positive, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    public ScanOptions build() {
      return new ScanOptions(this);
    }
  }
}
