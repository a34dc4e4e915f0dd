package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;

/**
 * A decoded stretch of whole rows of one leaf column: canonical rep/def levels (null when the
 * column has no lists / no nulls) and the values that have a slot.
 */
final class Run {
  final short[] rep;
  final short[] def;
  final Values values;
  final int numRows;
  /** Level index where each row starts (numRows + 1 entries); null when levels map 1:1 to rows. */
  final int[] rowLevel;
  /** Value index where each row starts (numRows + 1 entries); null when values map 1:1 to rows. */
  final int[] rowValue;

  Run(short[] rep, short[] def, Values values, int maxRep, int maxVisibleDef) throws LanceFormatException {
    this.rep = rep;
    this.def = def;
    this.values = values;
    if (rep == null) {
      int n = def != null ? def.length : values.count;
      this.numRows = n;
      this.rowLevel = null;
      this.rowValue = null;
      if (values.count != n) {
        throw new LanceFormatException("Page has " + n + " definition levels but " + values.count + " values");
      }
    } else {
      if (def != null && def.length != rep.length) {
        throw new LanceFormatException("Page has " + rep.length + " repetition levels but " + def.length + " definition levels");
      }
      int rows = 0;
      for (short r : rep) {
        if (r == maxRep) {
          rows++;
        }
      }
      int[] rl = new int[rows + 1];
      int[] rv = new int[rows + 1];
      int row = 0;
      int vis = 0;
      for (int i = 0; i < rep.length; i++) {
        if (rep[i] == maxRep) {
          rl[row] = i;
          rv[row] = vis;
          row++;
        }
        if (def == null || def[i] <= maxVisibleDef) {
          vis++;
        }
      }
      rl[rows] = rep.length;
      rv[rows] = vis;
      if (vis != values.count) {
        throw new LanceFormatException("Levels give " + vis + " visible items but the page decoded " + values.count + " values");
      }
      if (rep.length > 0 && rep[0] != maxRep) {
        throw new LanceFormatException("Decoded levels start with repetition level " + rep[0] + ", not at a row boundary (" + maxRep + ")");
      }
      this.numRows = rows;
      this.rowLevel = rl;
      this.rowValue = rv;
    }
  }

  int levelStart(int row) {
    return rowLevel == null ? row : rowLevel[row];
  }

  int valueStart(int row) {
    return rowValue == null ? row : rowValue[row];
  }
}
