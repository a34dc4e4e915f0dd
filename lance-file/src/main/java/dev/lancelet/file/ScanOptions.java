package dev.lancelet.file;

import dev.lancelet.io.IoPriority;
import java.util.List;

/**
 * What a {@link LanceFileReader#scan} reads: which top-level columns (all when unset), which rows
 * (a half-open range, all when unset), how many rows per batch, and the I/O priority of its reads
 * ({@link IoPriority#BULK} unless set: a scan is a throughput read that yields to point lookups).
 */
public final class ScanOptions {
  /** Rows per batch when none is given. */
  public static final int DEFAULT_BATCH_SIZE = 8192;

  private final List<String> columns;
  private final long rowStart;
  private final long rowEnd;
  private final int batchSize;
  private final IoPriority priority;

  private ScanOptions(Builder b) {
    this.priority = b.priority;
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

  /** The priority the scan's reads (read-ahead included) are scheduled at by a remote store. */
  public IoPriority priority() {
    return priority;
  }

  @Override
  public String toString() {
    return "ScanOptions{columns=" + columns + ", rows=[" + rowStart + ", " + (rowEnd < 0 ? "end" : rowEnd) + "), batchSize=" + batchSize + ", priority=" + priority + "}";
  }

  /** Builder for {@link ScanOptions}. */
  public static final class Builder {
    private List<String> columns;
    private long rowStart;
    private long rowEnd = -1;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private IoPriority priority = IoPriority.BULK;

    private Builder() {}

    /** The I/O priority of the scan's reads (default {@link IoPriority#BULK}). */
    public Builder priority(IoPriority priority) {
      this.priority = java.util.Objects.requireNonNull(priority, "priority");
      return this;
    }

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
