package dev.lancelet.file.structural;

import java.util.Arrays;

/** Accumulates row slices of {@link Run}s of one leaf into one set of levels and values. */
final class LeafPiece {
  private final boolean hasLists;
  private final int defaultWidth;
  private short[] rep = new short[16];
  private short[] def = new short[16];
  private boolean anyDef;
  private int levels;
  private final Values.Builder values;
  private int rows;

  LeafPiece(boolean hasLists, int defaultWidth) {
    this(hasLists, defaultWidth, 0);
  }

  /** A piece expecting about {@code rows} rows (sizes its buffers once for flat columns). */
  LeafPiece(boolean hasLists, int defaultWidth, int rows) {
    this.hasLists = hasLists;
    this.defaultWidth = defaultWidth;
    this.values = hasLists ? new Values.Builder() : new Values.Builder(rows, (long) rows * (defaultWidth >= 0 ? defaultWidth : 16));
    if (!hasLists && rows > 16) {
      rep = new short[rows];
      def = new short[rows];
    }
  }

  void append(Run run, int fromRow, int toRow) throws dev.lancelet.file.LanceFormatException {
    int ls = run.levelStart(fromRow);
    int le = run.levelStart(toRow);
    int n = le - ls;
    if (rep.length < levels + n) {
      int cap = Math.max(rep.length * 2, levels + n);
      rep = Arrays.copyOf(rep, cap);
      def = Arrays.copyOf(def, cap);
    }
    if (run.rep != null) {
      System.arraycopy(run.rep, ls, rep, levels, n);
    }
    if (run.def != null) {
      System.arraycopy(run.def, ls, def, levels, n);
      anyDef = true;
    } else {
      Arrays.fill(def, levels, levels + n, (short) 0);
    }
    levels += n;
    values.append(run.values, run.valueStart(fromRow), run.valueStart(toRow));
    rows += toRow - fromRow;
  }

  int rows() {
    return rows;
  }

  short[] rep() {
    return hasLists ? Arrays.copyOf(rep, levels) : null;
  }

  short[] def() {
    return !anyDef ? null : def.length == levels ? def : Arrays.copyOf(def, levels);
  }

  Values values() {
    return values.build(defaultWidth);
  }
}
