package dev.lancelet.table;

import java.util.Objects;
import java.util.function.Consumer;

/** Options of {@link Dataset#compact(CompactionOptions)}; build with {@link #builder()}. */
public final class CompactionOptions {
  /** Progress of a compaction: rows written so far out of the rows to rewrite. */
  public record Progress(long rowsDone, long rowsTotal, int fragmentsDone, int fragmentsTotal) {}

  private final long targetRowsPerFragment;
  private final boolean materializeDeletions;
  private final double materializeDeletionsThreshold;
  private final int batchSize;
  private final Consumer<Progress> progress;

  private CompactionOptions(Builder b) {
    this.targetRowsPerFragment = b.targetRowsPerFragment;
    this.materializeDeletions = b.materializeDeletions;
    this.materializeDeletionsThreshold = b.materializeDeletionsThreshold;
    this.batchSize = b.batchSize;
    this.progress = b.progress;
  }

  /** Defaults as Lance's: 1,048,576 target rows, deletions materialized above 10%. */
  public static CompactionOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Rows per output fragment (also the limit under which a fragment counts as small). */
  public long targetRowsPerFragment() {
    return targetRowsPerFragment;
  }

  /** Whether fragments with many deleted rows are rewritten without them. */
  public boolean materializeDeletions() {
    return materializeDeletions;
  }

  /** Fraction of deleted rows above which a fragment is rewritten. */
  public double materializeDeletionsThreshold() {
    return materializeDeletionsThreshold;
  }

  /** Rows per batch read and written. */
  public int batchSize() {
    return batchSize;
  }

  /** Called after each batch written (never null). */
  public Consumer<Progress> progress() {
    return progress;
  }

  @Override
  public String toString() {
    return "CompactionOptions{target=" + targetRowsPerFragment + ", materializeDeletions=" + materializeDeletions
        + ", threshold=" + materializeDeletionsThreshold + ", batchSize=" + batchSize + "}";
  }

  /** Builder of {@link CompactionOptions}. */
  public static final class Builder {
    private long targetRowsPerFragment = 1024 * 1024;
    private boolean materializeDeletions = true;
    private double materializeDeletionsThreshold = 0.1;
    private int batchSize = 8192;
    private Consumer<Progress> progress = p -> {};

    private Builder() {}

    public Builder targetRowsPerFragment(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("targetRowsPerFragment must be positive, not " + n);
      }
      this.targetRowsPerFragment = n;
      return this;
    }

    public Builder materializeDeletions(boolean b) {
      this.materializeDeletions = b;
      return this;
    }

    public Builder materializeDeletionsThreshold(double t) {
      if (!(t >= 0 && t <= 1)) {
        throw new IllegalArgumentException("materializeDeletionsThreshold must be in [0, 1], not " + t);
      }
      this.materializeDeletionsThreshold = t;
      return this;
    }

    public Builder batchSize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batchSize must be positive, not " + n);
      }
      this.batchSize = n;
      return this;
    }

    public Builder progress(Consumer<Progress> p) {
      this.progress = Objects.requireNonNull(p);
      return this;
    }

    public CompactionOptions build() {
      return new CompactionOptions(this);
    }
  }
}
