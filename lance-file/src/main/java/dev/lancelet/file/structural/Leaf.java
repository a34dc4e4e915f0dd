package dev.lancelet.file.structural;

import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;

/**
 * One physical column of a 2.1+ file together with what decoding it needs from the schema.
 *
 * @param column physical column index
 * @param path dotted field path, for messages
 * @param field the leaf field
 * @param isList canonical layers, innermost first: true for list layers
 * @param width bytes per value for fixed-width leaves, -1 for variable width
 * @param meta the column's metadata
 * @param pageStart first row of each page, plus the total at the end
 */
record Leaf(int column, String path, LanceField field, boolean[] isList, int width, ColumnMetadata meta, long[] pageStart) {
  int maxRep() {
    return LevelMap.maxRep(isList);
  }

  int maxVisibleDef() {
    return LevelMap.maxVisibleDef(isList);
  }

  boolean hasLists() {
    return maxRep() > 0;
  }

  /** The page holding {@code row}. */
  int pageOf(long row) {
    int lo = 0;
    int hi = pageStart.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (pageStart[mid] <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
