package dev.lancelet.table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Options of a scan over one dataset version; {@link #open()} starts it. The resulting {@link
 * ArrowReader} streams batches of at most {@link #batchSize} rows: the projected columns in
 * dataset order (all by default), then {@code _rowid} and {@code _rowaddr} when asked for. Deleted
 * rows never appear. Fragments are read in dataset order, a few ahead in parallel, so memory stays
 * bounded by roughly {@code (readahead + 1) x 2} batches.
 */
public final class ScanBuilder {
  private final Dataset dataset;
  private List<String> columns;
  private long limit = -1;
  private long offset;
  private int batchSize = 8192;
  private boolean withRowId;
  private boolean withRowAddress;
  private String filter;
  private BatchFilter batchFilter;
  private int readahead = -1; // -1: by store, see fragmentReadahead

  ScanBuilder(Dataset dataset) {
    this.dataset = dataset;
  }

  /** Top-level columns to read, in the order wanted (default: all, in dataset order). */
  public ScanBuilder columns(List<String> columns) {
    this.columns = columns == null ? null : new ArrayList<>(columns);
    return this;
  }

  /** Top-level columns to read. */
  public ScanBuilder columns(String... columns) {
    return columns(List.of(columns));
  }

  /** At most this many rows (after the filter and the offset). */
  public ScanBuilder limit(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    this.limit = limit;
    return this;
  }

  /** Skips this many rows first (after the filter). */
  public ScanBuilder offset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    this.offset = offset;
    return this;
  }

  /** Largest batch returned (default 8192). */
  public ScanBuilder batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /**
   * Adds a {@code _rowid} column (uint64): the stable row id when the dataset has stable row ids,
   * otherwise the row address.
   */
  public ScanBuilder withRowId(boolean b) {
    this.withRowId = b;
    return this;
  }

  /** Adds a {@code _rowaddr} column (uint64): {@code fragment id << 32 | row offset in the fragment}. */
  public ScanBuilder withRowAddress(boolean b) {
    this.withRowAddress = b;
    return this;
  }

  /**
   * Keeps only rows for which the SQL predicate is true (NULL counts as false); see {@code
   * docs/expressions.md}. The scan reads the predicate's columns first and decodes the other
   * projected columns only for matching rows; offset and limit count matching rows.
   *
   * @throws dev.lancelet.table.expr.ExpressionException for a malformed predicate, an unknown
   *     column or a type mismatch; the message quotes the predicate
   */
  public ScanBuilder filter(String sql) {
    this.batchFilter = BatchFilter.parse(sql, dataset.schema());
    this.filter = sql;
    return this;
  }

  /** A filter given as code (package use, e.g. tests). */
  ScanBuilder filter(BatchFilter f) {
    this.batchFilter = f;
    this.filter = String.valueOf(f);
    return this;
  }

  /**
   * Fragments read ahead of the one being returned (0 reads one at a time). Default: 2 on local
   * disk and in memory, 8 on remote stores (S3, GCS), where each fragment's reads mostly wait on
   * the network; the store's I/O scheduler bounds the requests in flight either way.
   */
  public ScanBuilder fragmentReadahead(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("fragmentReadahead must be >= 0, got " + n);
    }
    this.readahead = n;
    return this;
  }

  /** Starts the scan. Close the returned reader. */
  public ArrowReader open() throws IOException {
    int ahead = readahead >= 0 ? readahead : dataset.onRemoteStore() ? 8 : 2;
    return new ScanReader(dataset, columns, limit, offset, batchSize, withRowId, withRowAddress, batchFilter, ahead);
  }

  @Override
  public String toString() {
    return "Scan{columns=" + (columns == null ? "all" : columns) + ", limit=" + limit + ", offset=" + offset
        + ", batchSize=" + batchSize + ", rowId=" + withRowId + ", rowAddr=" + withRowAddress
        + (filter == null ? "" : ", filter=" + filter) + "}";
  }
}
