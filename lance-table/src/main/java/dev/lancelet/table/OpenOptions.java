package dev.lancelet.table;

import org.apache.arrow.memory.BufferAllocator;

/**
 * How to open a dataset: which version (a number or a tag; the latest by default) and which Arrow
 * allocator batches come from (a private {@code RootAllocator} closed with the dataset by
 * default). Immutable; build with {@link #builder()}.
 */
public final class OpenOptions {
  private final long version;
  private final String tag;
  private final BufferAllocator allocator;
  private final java.util.Map<String, String> storageOptions;
  private final int fileCacheSize;

  /** Default of {@link Builder#fileCacheSize}. */
  public static final int DEFAULT_FILE_CACHE_SIZE = 256;

  private OpenOptions(Builder b) {
    this.version = b.version;
    this.tag = b.tag;
    this.allocator = b.allocator;
    this.storageOptions = java.util.Map.copyOf(b.storageOptions);
    this.fileCacheSize = b.fileCacheSize;
  }

  /** A builder: latest version, private allocator. */
  public static Builder builder() {
    return new Builder();
  }

  /** Latest version, private allocator. */
  public static OpenOptions defaults() {
    return builder().build();
  }

  /** The version to check out, or -1 for the latest. */
  public long version() {
    return version;
  }

  /** The tag to check out, or null. */
  public String tag() {
    return tag;
  }

  /** The caller's allocator, or null for a private one. */
  public BufferAllocator allocator() {
    return allocator;
  }

  /**
   * Object store options (Lance's {@code storage_options} keys): for the dataset's own location
   * when opened by URI, and for external base paths of the same scheme.
   */
  public java.util.Map<String, String> storageOptions() {
    return storageOptions;
  }

  /** Most data files kept open between reads; see {@link Builder#fileCacheSize}. */
  public int fileCacheSize() {
    return fileCacheSize;
  }

  @Override
  public String toString() {
    return "OpenOptions{version=" + (version < 0 ? "latest" : version) + (tag == null ? "" : ", tag=" + tag)
        + ", fileCacheSize=" + fileCacheSize + "}";
  }

  /** Builder of {@link OpenOptions}. */
  public static final class Builder {
    private long version = -1;
    private String tag;
    private BufferAllocator allocator;
    private java.util.Map<String, String> storageOptions = java.util.Map.of();
    private int fileCacheSize = DEFAULT_FILE_CACHE_SIZE;

    private Builder() {}

    /** Checks out {@code version} (from 1) instead of the latest. */
    public Builder version(long version) {
      if (version < 1) {
        throw new IllegalArgumentException("Versions start at 1, got " + version);
      }
      this.version = version;
      return this;
    }

    /** Checks out the version a tag points at. */
    public Builder tag(String tag) {
      this.tag = tag;
      return this;
    }

    /**
     * Allocator for every batch the dataset returns. It stays the caller's: the dataset does not
     * close it.
     */
    public Builder allocator(BufferAllocator allocator) {
      this.allocator = allocator;
      return this;
    }

    /** Object store options; see {@link OpenOptions#storageOptions()}. Default: none. */
    public Builder storageOptions(java.util.Map<String, String> options) {
      this.storageOptions = java.util.Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Most data files the dataset keeps open between takes and scans (default {@value
     * OpenOptions#DEFAULT_FILE_CACHE_SIZE}), least recently used closed first. An open file keeps
     * its footer and the page indexes read so far, so repeated takes skip re-reading them; each
     * holds one file handle and its metadata in memory. Versions checked out from the dataset
     * share the cache; closing the last of them closes the files. 0 reopens files on every read.
     */
    public Builder fileCacheSize(int files) {
      if (files < 0) {
        throw new IllegalArgumentException("fileCacheSize must be >= 0, got " + files);
      }
      this.fileCacheSize = files;
      return this;
    }

    /** The options. */
    public OpenOptions build() {
      if (version >= 0 && tag != null) {
        throw new IllegalArgumentException("Give a version or a tag, not both");
      }
      return new OpenOptions(this);
    }
  }
}
