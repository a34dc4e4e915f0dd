package dev.lancelet.file;

import dev.lancelet.format.LanceFileVersion;

/** How a {@link LanceFileWriter} lays out a file. Build with {@link #builder()}. */
public final class WriteOptions {
  /** The format version written when none is chosen, as in Lance 7.0. */
  public static final LanceFileVersion DEFAULT_VERSION = LanceFileVersion.V2_1;

  private final LanceFileVersion version;
  private final long maxPageBytes;
  private final long blobPackFileSize;

  private WriteOptions(Builder b) {
    this.version = b.version;
    this.maxPageBytes = b.maxPageBytes;
    this.blobPackFileSize = b.blobPackFileSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static WriteOptions defaults() {
    return builder().build();
  }

  public LanceFileVersion version() {
    return version;
  }

  /** A column's buffered data is flushed as a page once it reaches about this many bytes. */
  public long maxPageBytes() {
    return maxPageBytes;
  }

  /**
   * Blob v2 (2.2+): a shared pack sidecar takes values until the next one would push it past this
   * many bytes; then a new pack file is started (a single value larger than this still goes into a
   * pack file of its own). Lance's default is 1 GiB.
   */
  public long blobPackFileSize() {
    return blobPackFileSize;
  }

  @Override
  public String toString() {
    return "WriteOptions{version=" + version + ", maxPageBytes=" + maxPageBytes + ", blobPackFileSize=" + blobPackFileSize + "}";
  }

  /** Builder for {@link WriteOptions}. */
  public static final class Builder {
    private LanceFileVersion version = DEFAULT_VERSION;
    private long maxPageBytes = 8L << 20;
    private long blobPackFileSize = 1L << 30;

    private Builder() {}

    /** See {@link WriteOptions#blobPackFileSize()}; must be positive. */
    public Builder blobPackFileSize(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("blobPackFileSize must be positive, got " + bytes);
      }
      this.blobPackFileSize = bytes;
      return this;
    }

    public Builder version(LanceFileVersion version) {
      this.version = java.util.Objects.requireNonNull(version, "version");
      return this;
    }

    public Builder maxPageBytes(long maxPageBytes) {
      if (maxPageBytes < 4096) {
        throw new IllegalArgumentException("maxPageBytes must be at least 4096, got " + maxPageBytes);
      }
      this.maxPageBytes = maxPageBytes;
      return this;
    }

    public WriteOptions build() {
      return new WriteOptions(this);
    }
  }
}
