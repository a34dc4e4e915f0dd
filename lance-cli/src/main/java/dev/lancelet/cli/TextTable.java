package dev.lancelet.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Plain-text table with aligned columns; cells longer than the column's limit end in an ellipsis. */
final class TextTable {
  private final String[] headers;
  private final boolean[] rightAlign;
  private final int[] maxWidth;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = headers.clone();
    this.rightAlign = new boolean[headers.length];
    this.maxWidth = new int[headers.length];
    Arrays.fill(maxWidth, Integer.MAX_VALUE);
  }

  TextTable right(int... columns) {
    for (int c : columns) {
      rightAlign[c] = true;
    }
    return this;
  }

  TextTable maxWidth(int column, int width) {
    maxWidth[column] = width;
    return this;
  }

  TextTable row(Object... cells) {
    String[] r = new String[headers.length];
    for (int i = 0; i < r.length; i++) {
      String s = i < cells.length && cells[i] != null ? cells[i].toString() : "";
      r[i] = s.length() > maxWidth[i] ? s.substring(0, Math.max(0, maxWidth[i] - 1)) + "…" : s;
    }
    rows.add(r);
    return this;
  }

  /** The table's lines, each prefixed with {@code indent}; the header is underlined. */
  List<String> lines(String indent) {
    int[] w = new int[headers.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = headers[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    out.add(line(indent, headers, w));
    String[] rule = new String[headers.length];
    for (int i = 0; i < w.length; i++) {
      rule[i] = "─".repeat(w[i]);
    }
    out.add(line(indent, rule, w));
    for (String[] r : rows) {
      out.add(line(indent, r, w));
    }
    return out;
  }

  private String line(String indent, String[] cells, int[] w) {
    StringBuilder sb = new StringBuilder(indent);
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append("  ");
      }
      String pad = " ".repeat(w[i] - cells[i].length());
      if (rightAlign[i]) {
        sb.append(pad).append(cells[i]);
      } else {
        sb.append(cells[i]);
        if (i < cells.length - 1) {
          sb.append(pad);
        }
      }
    }
    return sb.toString();
  }
}
