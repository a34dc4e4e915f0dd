package dev.lancelet.cli.progress;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of a long command-line operation (import, export, compaction, index build): rows and
 * bytes done, the rate, and when the total is known the percentage and an ETA, drawn as one line
 * rewritten in place (with {@code \r}) at the first report and then at most every {@code interval}.
 * Drawn only on a terminal (stderr is one, see {@link #stderrIsTerminal()}) or when forced;
 * otherwise silent.
 *
 * <pre>{@code
 * try (Progress p = Progress.builder("importing").out(err).totalBytes(size).build()) {
 *   while (reader.loadNextBatch()) {
 *     ...
 *     p.addRows(root.getRowCount());
 *     p.setBytes(reader.bytesRead());
 *   }
 * } // close() erases the line
 * }</pre>
 *
 * <p>Thread-safe: any thread may report; counters are atomic and one thread at a time draws.
 */
public final class Progress implements AutoCloseable {
  /** When to draw. */
  public enum Mode {
    /** Draw if stderr is a terminal. */
    AUTO,
    /** Always draw (e.g. {@code --progress}). */
    ALWAYS,
    /** Never draw (e.g. {@code --quiet}). */
    NEVER
  }

  private final PrintWriter out;
  private final String label;
  private final long totalRows;
  private final long totalBytes;
  private final boolean live;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final long start;
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong lastDraw;
  private int lastWidth;
  private boolean drawn;
  private boolean closed;

  private Progress(Builder b) {
    this.out = b.out;
    this.label = b.label;
    this.totalRows = b.totalRows;
    this.totalBytes = b.totalBytes;
    this.live = b.out != null && switch (b.mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> stderrIsTerminal();
    };
    this.intervalNanos = b.intervalNanos;
    this.clock = b.clock;
    this.start = clock.getAsLong();
    this.lastDraw = new AtomicLong(start - intervalNanos); // the first report draws at once
  }

  /** A builder; {@code label} starts the line, e.g. {@code "importing"}. */
  public static Builder builder(String label) {
    return new Builder(label);
  }

  /** Builder of {@link Progress}. */
  public static final class Builder {
    private final String label;
    private PrintWriter out;
    private long totalRows = -1;
    private long totalBytes = -1;
    private Mode mode = Mode.AUTO;
    private long intervalNanos = 100_000_000L;
    private LongSupplier clock = System::nanoTime;

    private Builder(String label) {
      this.label = Objects.requireNonNull(label);
    }

    /** Where to draw (the command's stderr); without one nothing is drawn. */
    public Builder out(PrintWriter out) {
      this.out = out;
      return this;
    }

    /** Rows expected in all, or -1 if unknown (the default). */
    public Builder totalRows(long rows) {
      this.totalRows = rows;
      return this;
    }

    /** Bytes expected in all (e.g. the input file's size), or -1 if unknown (the default). */
    public Builder totalBytes(long bytes) {
      this.totalBytes = bytes;
      return this;
    }

    /** When to draw; default {@link Mode#AUTO}. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode);
      return this;
    }

    /** The least time between two redraws; default 100 ms. */
    public Builder intervalMillis(long millis) {
      if (millis < 0) {
        throw new IllegalArgumentException("interval must not be negative: " + millis);
      }
      this.intervalNanos = millis * 1_000_000L;
      return this;
    }

    /** The nanosecond clock (tests); default {@link System#nanoTime()}. */
    public Builder clock(LongSupplier nanos) {
      this.clock = Objects.requireNonNull(nanos);
      return this;
    }

    /** The progress; the clock starts now. */
    public Progress build() {
      return new Progress(this);
    }
  }

  /** Adds {@code n} rows done. */
  public void addRows(long n) {
    rows.addAndGet(n);
    maybeDraw();
  }

  /** Adds {@code n} bytes done. */
  public void addBytes(long n) {
    bytes.addAndGet(n);
    maybeDraw();
  }

  /** Sets the bytes done (for sources that report a running total, such as {@code bytesRead()}). */
  public void setBytes(long total) {
    bytes.accumulateAndGet(total, Math::max);
    maybeDraw();
  }

  /** Rows done so far. */
  public long rows() {
    return rows.get();
  }

  /** Bytes done so far. */
  public long bytes() {
    return bytes.get();
  }

  /** Nanoseconds since the start. */
  public long elapsedNanos() {
    return clock.getAsLong() - start;
  }

  /** Whether this progress draws at all. */
  public boolean isLive() {
    return live;
  }

  private void maybeDraw() {
    if (!live) {
      return;
    }
    long now = clock.getAsLong();
    long last = lastDraw.get();
    if (now - last < intervalNanos || !lastDraw.compareAndSet(last, now)) {
      return;
    }
    draw(now);
  }

  private synchronized void draw(long now) {
    if (closed) {
      return;
    }
    String line = status(now);
    int pad = Math.max(0, lastWidth - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    lastWidth = line.length();
    drawn = true;
  }

  /** The status line as drawn now, e.g. {@code importing 1,200 rows (40%), 3.0 MiB of 7.5 MiB, 600 rows/s, ETA 0:03}. */
  public String status() {
    return status(clock.getAsLong());
  }

  private String status(long now) {
    long r = rows.get();
    long b = bytes.get();
    double secs = Math.max(1e-9, (now - start) / 1e9);
    StringBuilder s = new StringBuilder(label).append(' ').append(count(r)).append(" rows");
    double fraction = -1;
    if (totalRows > 0) {
      fraction = Math.min(1.0, (double) r / totalRows);
      s.append(" of ").append(count(totalRows));
    } else if (totalBytes > 0) {
      fraction = Math.min(1.0, (double) b / totalBytes);
    }
    if (fraction >= 0) {
      s.append(String.format(Locale.ROOT, " (%.0f%%)", fraction * 100));
    }
    if (b > 0 || totalBytes > 0) {
      s.append(", ").append(bytes(b));
      if (totalBytes > 0) {
        s.append(" of ").append(bytes(totalBytes));
      }
    }
    s.append(", ").append(count((long) (r / secs))).append(" rows/s");
    if (fraction > 0 && fraction < 1) {
      long eta = (long) Math.ceil(secs * (1 - fraction) / fraction);
      s.append(", ETA ").append(duration(eta));
    }
    return s.toString();
  }

  /** Erases the line if one was drawn (the caller prints its own summary); idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (drawn) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      out.flush();
    }
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 12.3 MiB}; exact bytes below 1 KiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}. */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
  }

  /** Whether stderr is an interactive terminal ({@code System.console()} exists and, on JDK 22+, is a terminal). */
  public static boolean stderrIsTerminal() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method m = java.io.Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
