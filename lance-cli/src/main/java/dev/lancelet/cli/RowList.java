package dev.lancelet.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Parses {@code --rows 3,1,10-19} into row numbers, in the order given. */
final class RowList {
  /** More rows than this in one --rows list is almost certainly a typo in a range. */
  static final long MAX_ROWS = 100_000_000L;

  private RowList() {}

  static long[] parse(List<String> items, CommandLine cl) {
    long total = 0;
    long[][] parts = new long[items.size()][];
    for (int i = 0; i < items.size(); i++) {
      String item = items.get(i).trim();
      try {
        int dash = item.indexOf('-', 1);
        long lo = Long.parseLong(dash < 0 ? item : item.substring(0, dash).trim());
        long hi = dash < 0 ? lo : Long.parseLong(item.substring(dash + 1).trim());
        if (lo < 0 || hi < lo) {
          throw new ParameterException(cl, "--rows: rows are 0-based and ranges run low-high, got '" + item + "'");
        }
        if (hi - lo + 1 > MAX_ROWS - total) {
          throw new ParameterException(cl, "--rows: more than " + MAX_ROWS + " rows asked for");
        }
        parts[i] = new long[] {lo, hi};
        total += hi - lo + 1;
      } catch (NumberFormatException e) {
        throw new ParameterException(cl, "--rows: not a row number or range: '" + item + "'");
      }
    }
    long[] rows = new long[(int) total];
    int k = 0;
    for (long[] p : parts) {
      for (long r = p[0]; r <= p[1]; r++) {
        rows[k++] = r;
      }
    }
    return rows;
  }
}
