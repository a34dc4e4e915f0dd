package dev.lancelet.table;

import dev.lancelet.format.LanceFileVersion;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How {@link Dataset#write} writes: the mode, how rows are cut into files, the file format version
 * and commit behaviour. Immutable; build with {@link #builder()}.
 */
public final class WriteOptions {
  /** What to do with an existing dataset. */
  public enum Mode {
    /** Create a new dataset; fail if one exists. */
    CREATE,
    /** Add rows to the dataset (creating it if there is none). */
    APPEND,
    /** Replace the dataset's rows and schema with a new version (creating it if there is none). */
    OVERWRITE
  }

  /** Lance's default for rows per data file. */
  public static final int DEFAULT_MAX_ROWS_PER_FILE = 1024 * 1024;
  /** Lance's default for bytes per data file (90 GiB). */
  public static final long DEFAULT_MAX_BYTES_PER_FILE = 90L * 1024 * 1024 * 1024;
  /** Default number of rebase-and-retry rounds after losing a commit race. */
  public static final int DEFAULT_COMMIT_RETRIES = 20;

  private final Mode mode;
  private final int maxRowsPerFile;
  private final long maxBytesPerFile;
  private final LanceFileVersion fileVersion;
  private final boolean stableRowIds;
  private final int commitRetries;
  private final BufferAllocator allocator;

  private WriteOptions(Builder b) {
    this.mode = b.mode;
    this.maxRowsPerFile = b.maxRowsPerFile;
    this.maxBytesPerFile = b.maxBytesPerFile;
    this.fileVersion = b.fileVersion;
    this.stableRowIds = b.stableRowIds;
    this.commitRetries = b.commitRetries;
    this.allocator = b.allocator;
  }

  /** A builder with Lance's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** What happens to an existing dataset. */
  public Mode mode() {
    return mode;
  }

  /** Most rows in one data file (and so one fragment). */
  public int maxRowsPerFile() {
    return maxRowsPerFile;
  }

  /** A data file is closed once about this many bytes of Arrow data went into it. */
  public long maxBytesPerFile() {
    return maxBytesPerFile;
  }

  /**
   * File format version of new datasets (default 2.1). Appends use the version the dataset
   * records, whatever this says.
   */
  public LanceFileVersion fileVersion() {
    return fileVersion;
  }

  /** Whether a new dataset gets stable row ids. */
  public boolean stableRowIds() {
    return stableRowIds;
  }

  /** Rebase-and-retry rounds after losing a commit race. */
  public int commitRetries() {
    return commitRetries;
  }

  /** Allocator of the dataset returned after the write (null: a private one). */
  public BufferAllocator allocator() {
    return allocator;
  }

  @Override
  public String toString() {
    return "WriteOptions{mode=" + mode + ", maxRowsPerFile=" + maxRowsPerFile + ", maxBytesPerFile=" + maxBytesPerFile
        + ", fileVersion=" + fileVersion + ", stableRowIds=" + stableRowIds + ", commitRetries=" + commitRetries + "}";
  }

  /** Builder of {@link WriteOptions}. */
  public static final class Builder {
    private Mode mode = Mode.CREATE;
    private int maxRowsPerFile = DEFAULT_MAX_ROWS_PER_FILE;
    private long maxBytesPerFile = DEFAULT_MAX_BYTES_PER_FILE;
    private LanceFileVersion fileVersion = LanceFileVersion.V2_1;
    private boolean stableRowIds;
    private int commitRetries = DEFAULT_COMMIT_RETRIES;
    private BufferAllocator allocator;

    private Builder() {}

    /** Create (default), append or overwrite. */
    public Builder mode(Mode mode) {
      this.mode = java.util.Objects.requireNonNull(mode);
      return this;
    }

    /** Most rows per data file and fragment (default 1,048,576). */
    public Builder maxRowsPerFile(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxRowsPerFile must be >= 1, got " + n);
      }
      this.maxRowsPerFile = n;
      return this;
    }

    /** Closes a data file once about this many bytes of Arrow data went in (default 90 GiB). */
    public Builder maxBytesPerFile(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxBytesPerFile must be >= 1, got " + n);
      }
      this.maxBytesPerFile = n;
      return this;
    }

    /** File format of a new dataset: 2.0, 2.1 (default) or 2.2. */
    public Builder fileVersion(LanceFileVersion v) {
      if (v != LanceFileVersion.V2_0 && v != LanceFileVersion.V2_1 && v != LanceFileVersion.V2_2) {
        throw new IllegalArgumentException("Lancelet writes file versions 2.0, 2.1 and 2.2, not " + v);
      }
      this.fileVersion = v;
      return this;
    }

    /** Gives a new dataset stable row ids (reader/writer feature flag 2). */
    public Builder stableRowIds(boolean b) {
      this.stableRowIds = b;
      return this;
    }

    /** Rebase-and-retry rounds after a lost commit race (default 20). */
    public Builder commitRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("commitRetries must be >= 0, got " + n);
      }
      this.commitRetries = n;
      return this;
    }

    /** Allocator of the dataset {@link Dataset#write} returns; it stays the caller's. */
    public Builder allocator(BufferAllocator a) {
      this.allocator = a;
      return this;
    }

    public WriteOptions build() {
      return new WriteOptions(this);
    }
  }
}
