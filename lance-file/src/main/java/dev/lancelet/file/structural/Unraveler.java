package dev.lancelet.file.structural;

/**
 * Turns one leaf's repetition and definition levels back into Arrow validity and offsets, layer
 * by layer from the innermost (the leaf item) outwards.
 *
 * <p>Levels here use the <em>canonical</em> layer meanings of {@link LevelMap}: every item or
 * struct layer owns one definition level ("null here"), every list layer owns two ("null list",
 * then "empty list"), numbered upwards from 1 starting at the innermost layer; 0 means "valid all
 * the way down". A repetition level {@code r > 0} starts a new list at list layer {@code r}
 * (counting list layers from the innermost, 1-based) and all layers inside it; 0 continues the
 * current innermost list.
 *
 * <p>An entry is "visible" at a layer if its definition level belongs to a layer that is not
 * above the next enclosing list; entries for null or empty lists have no leaf value. After each
 * list layer the level arrays are compacted to one entry per list start, so the next layer sees
 * one entry per list.
 */
final class Unraveler {
  private short[] rep;
  private short[] def;
  private int len; // current number of entries
  private final boolean[] isList;
  private final int[] levelsToRep;
  private int defCmp;
  private int repCmp;
  private int layer;

  Unraveler(short[] rep, short[] def, boolean[] isList, int numValues) {
    this.rep = rep;
    this.def = def;
    this.isList = isList;
    this.len = rep != null ? rep.length : (def != null ? def.length : numValues);
    int total = 1;
    for (boolean l : isList) {
      total += l ? 2 : 1;
    }
    levelsToRep = new int[total];
    int k = 1;
    int repCounter = 0;
    for (boolean l : isList) {
      if (l) {
        repCounter++;
        levelsToRep[k++] = repCounter;
        levelsToRep[k++] = repCounter;
      } else {
        levelsToRep[k++] = repCounter;
      }
    }
  }

  /** Validity of the current (item or struct) layer, one entry per visible entry; null if all valid. */
  boolean[] validity(int[] countOut) throws IllegalStateException {
    if (isList[layer]) {
      throw new IllegalStateException("Layer " + layer + " is a list layer, not an item layer");
    }
    layer++;
    int cmp = defCmp;
    defCmp++;
    if (def == null) {
      countOut[0] = len;
      return null;
    }
    boolean[] out = new boolean[len];
    int n = 0;
    boolean anyNull = false;
    for (int i = 0; i < len; i++) {
      int d = def[i];
      if (d >= levelsToRep.length) {
        throw new IllegalStateException("Definition level " + d + " exceeds the maximum " + (levelsToRep.length - 1));
      }
      if (levelsToRep[d] <= repCmp) {
        boolean v = d <= cmp;
        out[n++] = v;
        anyNull |= !v;
      }
    }
    countOut[0] = n;
    return anyNull ? java.util.Arrays.copyOf(out, n) : null;
  }

  /**
   * Offsets (n+1 entries from 0) and validity (null when all valid) of the current list layer;
   * {@code countOut[0]} receives n.
   */
  long[] offsets(boolean[][] validityOut, int[] countOut) {
    if (!isList[layer]) {
      throw new IllegalStateException("Layer " + layer + " is not a list layer");
    }
    if (rep == null) {
      throw new IllegalStateException("A list layer needs repetition levels, but the data has none");
    }
    int valid = defCmp;
    int nullLevel = valid + 1;
    int emptyLevel = valid + 2;
    defCmp += 2;
    layer++;
    int maxLevel = emptyLevel;
    int upperNull = maxLevel;
    for (int l = layer; l < isList.length && !isList[l]; l++) {
      maxLevel++;
    }
    repCmp++;
    long[] offs = new long[len + 1];
    boolean[] validity = new boolean[len];
    boolean anyNull = false;
    int n = 0;
    long cur = 0;
    int w = 0;
    for (int r = 0; r < len; r++) {
      int rv = rep[r];
      if (rv != 0) {
        int dv = def == null ? 0 : def[r];
        rep[w] = (short) (rv - 1);
        if (def != null) {
          def[w] = (short) dv;
        }
        w++;
        if (dv == 0) {
          offs[n] = cur;
          validity[n++] = true;
          cur++;
        } else if (dv > maxLevel) {
          // Null or empty further out: not a list at this layer.
        } else if (dv == nullLevel || dv > upperNull) {
          offs[n] = cur;
          validity[n++] = false;
          anyNull = true;
        } else if (dv == emptyLevel) {
          offs[n] = cur;
          validity[n++] = true;
        } else {
          // A valid list whose first item is null.
          offs[n] = cur;
          validity[n++] = true;
          cur++;
        }
      } else {
        cur++;
      }
    }
    offs[n] = cur;
    len = w;
    countOut[0] = n;
    validityOut[0] = anyNull ? java.util.Arrays.copyOf(validity, n) : null;
    return java.util.Arrays.copyOf(offs, n + 1);
  }
}
