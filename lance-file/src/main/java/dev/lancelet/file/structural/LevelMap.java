package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.EncodingsV21Protos.RepDefLayer;
import java.util.List;

/**
 * Maps a page's definition levels to the canonical numbering of {@link Unraveler}. A page lists
 * one {@code RepDefLayer} per structural layer, innermost first, and only allocates levels for the
 * cases that occur in it (an all-valid layer has none, a list with nulls but no empties has one).
 * Canonically every item layer has one level and every list layer two (null, then empty), so pages
 * with different layer meanings can be concatenated.
 */
final class LevelMap {
  private LevelMap() {}

  /** Whether each layer in {@code layers} is a list layer. */
  static boolean isList(RepDefLayer l) {
    return l == RepDefLayer.REPDEF_ALL_VALID_LIST
        || l == RepDefLayer.REPDEF_NULLABLE_LIST
        || l == RepDefLayer.REPDEF_EMPTYABLE_LIST
        || l == RepDefLayer.REPDEF_NULL_AND_EMPTY_LIST;
  }

  /** Page level to canonical level; index 0 maps to 0. */
  static short[] map(List<RepDefLayer> layers, boolean[] canonicalIsList) throws LanceFormatException {
    if (layers.size() != canonicalIsList.length) {
      throw new LanceFormatException("Page has " + layers.size() + " rep/def layers " + layers + " but the schema implies " + canonicalIsList.length);
    }
    short[] map = new short[2 * layers.size() + 2];
    int p = 1;
    int c = 1;
    for (int i = 0; i < layers.size(); i++) {
      RepDefLayer l = layers.get(i);
      if (isList(l) != canonicalIsList[i]) {
        throw new LanceFormatException("Page rep/def layer " + i + " is " + l + " but the schema has " + (canonicalIsList[i] ? "a list" : "an item or struct") + " there");
      }
      switch (l) {
        case REPDEF_ALL_VALID_ITEM, REPDEF_ALL_VALID_LIST -> { }
        case REPDEF_NULLABLE_ITEM, REPDEF_NULLABLE_LIST -> map[p++] = (short) c;
        case REPDEF_EMPTYABLE_LIST -> map[p++] = (short) (c + 1);
        case REPDEF_NULL_AND_EMPTY_LIST -> {
          map[p++] = (short) c;
          map[p++] = (short) (c + 1);
        }
        default -> throw new LanceFormatException("Unknown rep/def layer " + l);
      }
      c += canonicalIsList[i] ? 2 : 1;
    }
    return java.util.Arrays.copyOf(map, p);
  }

  /** Highest canonical definition level that still has a leaf value slot. */
  static int maxVisibleDef(boolean[] canonicalIsList) {
    int n = 0;
    for (boolean l : canonicalIsList) {
      if (l) {
        break;
      }
      n++;
    }
    return n;
  }

  /** Largest page-level repetition level equals the number of list layers. */
  static int maxRep(boolean[] canonicalIsList) {
    int n = 0;
    for (boolean l : canonicalIsList) {
      if (l) {
        n++;
      }
    }
    return n;
  }
}
