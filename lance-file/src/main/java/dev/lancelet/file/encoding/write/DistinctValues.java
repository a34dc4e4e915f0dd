package dev.lancelet.file.encoding.write;

import dev.lancelet.file.kernels.LittleEndian;
import java.util.Arrays;

/**
 * Dense ids for the distinct byte strings of a page, in first-seen order: the writer's exact
 * cardinality count for the dictionary decision. An open-addressing table (linear probing) of
 * ids over the page's own value bytes; it keeps no copies and allocates nothing per value.
 * Strings are compared byte for byte, so hash collisions cost time, never correctness.
 */
final class DistinctValues {
  private final byte[] data;
  private final long[] offsets;
  private int[] slots; // id + 1, 0 = empty
  private int[] slotHash;
  private int[] firstItem = new int[64]; // id -> item of its first occurrence
  private int size;
  private int mask;

  /** Strings {@code data[offsets[i] .. offsets[i + 1])}; the arrays are read, not copied. */
  DistinctValues(byte[] data, long[] offsets, int expected) {
    this.data = data;
    this.offsets = offsets;
    int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) * 2;
    slots = new int[cap];
    slotHash = new int[cap];
    mask = cap - 1;
  }

  /** Number of distinct strings added so far. */
  int size() {
    return size;
  }

  /** Item index of the first occurrence of id {@code id}. */
  int firstItem(int id) {
    return firstItem[id];
  }

  /** The id of item {@code i}'s string, adding it (with the next id) when it is new. */
  int idOf(int i) {
    int a = (int) offsets[i];
    int b = (int) offsets[i + 1];
    int h = hash(data, a, b);
    int s = h & mask;
    while (true) {
      int e = slots[s];
      if (e == 0) {
        break;
      }
      if (slotHash[s] == h) {
        int f = firstItem[e - 1];
        int fa = (int) offsets[f];
        int fb = (int) offsets[f + 1];
        if (Arrays.equals(data, a, b, data, fa, fb)) {
          return e - 1;
        }
      }
      s = (s + 1) & mask;
    }
    int id = size++;
    if (id == firstItem.length) {
      firstItem = Arrays.copyOf(firstItem, id * 2);
    }
    firstItem[id] = i;
    slots[s] = id + 1;
    slotHash[s] = h;
    if (size * 2 > slots.length) {
      grow();
    }
    return id;
  }

  private void grow() {
    int[] oldSlots = slots;
    int[] oldHash = slotHash;
    slots = new int[oldSlots.length * 2];
    slotHash = new int[oldSlots.length * 2];
    mask = slots.length - 1;
    for (int k = 0; k < oldSlots.length; k++) {
      if (oldSlots[k] != 0) {
        int s = oldHash[k] & mask;
        while (slots[s] != 0) {
          s = (s + 1) & mask;
        }
        slots[s] = oldSlots[k];
        slotHash[s] = oldHash[k];
      }
    }
  }

  /** A 32-bit hash of {@code b[from..to)}, 8 bytes at a time. */
  static int hash(byte[] b, int from, int to) {
    long h = (to - from) * 0x9E3779B97F4A7C15L;
    int p = from;
    for (; p + 8 <= to; p += 8) {
      h = (h ^ LittleEndian.getLong(b, p)) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    if (p < to) {
      long tail = 0;
      for (int k = 0; p < to; p++, k += 8) {
        tail |= (b[p] & 0xFFL) << k;
      }
      h = (h ^ tail) * 0x94D049BB133111EBL;
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
