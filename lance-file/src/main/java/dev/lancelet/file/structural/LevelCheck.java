package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;

/**
 * Cheap consistency checks of a decoded page's canonical rep/def levels (see {@link Unraveler}
 * for their meaning), run once per decoded page before any row of it is used. Damaged levels
 * that pass the page's own bounds could otherwise be read differently by a scan (many rows at
 * once) and a take (one row at a time). One pass over the levels:
 *
 * <ul>
 *   <li>every repetition level is in {@code [0, maxRep]} and every definition level in {@code
 *       [0, maxDef]}, where a list layer owns two definition levels and an item layer one;
 *   <li>an entry whose definition level stops it at a layer with {@code k} list layers inside
 *       (a null or empty list, or a null struct or item above a list) must start a new element
 *       of the list around that layer: its repetition level is at least {@code k}. An entry that
 *       continues a list it is not part of is how damaged levels look.
 * </ul>
 *
 * The row count and the visible-value count are checked by {@link Run} and the caller.
 */
final class LevelCheck {
  private LevelCheck() {}

  static void check(Run run, boolean[] isList) throws LanceFormatException {
    if (run.rep == null && run.def == null) {
      return;
    }
    int maxRep = LevelMap.maxRep(isList);
    // levelsToRep[d]: list layers inside (or at) the layer that owns definition level d.
    int maxDef = 0;
    for (boolean l : isList) {
      maxDef += l ? 2 : 1;
    }
    int[] levelsToRep = new int[maxDef + 1];
    int k = 1;
    int lists = 0;
    for (boolean l : isList) {
      if (l) {
        lists++;
        levelsToRep[k++] = lists;
        levelsToRep[k++] = lists;
      } else {
        levelsToRep[k++] = lists;
      }
    }
    int n = run.rep != null ? run.rep.length : run.def.length;
    for (int i = 0; i < n; i++) {
      int r = run.rep == null ? maxRep : run.rep[i];
      if (r < 0 || r > maxRep) {
        throw new LanceFormatException("Repetition level " + r + " at level " + i + " is outside [0, " + maxRep + "]");
      }
      if (run.def != null) {
        int d = run.def[i];
        if (d < 0 || d > maxDef) {
          throw new LanceFormatException("Definition level " + d + " at level " + i + " is outside [0, " + maxDef + "]");
        }
        if (d > 0 && r < levelsToRep[d]) {
          throw new LanceFormatException("Level " + i + " has definition level " + d + " (a null or empty above "
              + levelsToRep[d] + " list layers) but repetition level " + r + " (it continues a list): inconsistent rep/def levels");
        }
      }
    }
  }
}
