package dev.lancelet.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How a remote store fetches many byte ranges of one object: the ranges sorted by offset and cut
 * into groups, each fetched with one request. Neighbours join a group when the gap to it is at most
 * {@code maxGap} and the merged request stays under {@code maxMergedBytes}; gaps larger than
 * {@link ByteRange#TINY_GAP_BYTES} are bridged only while the bytes fetched in vain stay at or
 * below the bytes needed, so a group never reads more than twice what its ranges ask for.
 */
public final class RangePlan {
  /** Ranges {@code order[from..to)} fetched as the bytes {@code [start, end)}. */
  public record Group(int from, int to, long start, long end) {
    /** Bytes of the merged request. */
    public int length() {
      return Math.toIntExact(end - start);
    }
  }

  private final int[] order;
  private final List<Group> groups;

  private RangePlan(int[] order, List<Group> groups) {
    this.order = order;
    this.groups = groups;
  }

  /** Plans {@code ranges} (any order, overlaps allowed). */
  public static RangePlan of(List<ByteRange> ranges, long maxGap, long maxMergedBytes) {
    int n = ranges.size();
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, Comparator.comparingLong(i -> ranges.get(i).offset()));
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = boxed[i];
    }
    List<Group> groups = new ArrayList<>();
    int start = 0;
    while (start < n) {
      ByteRange first = ranges.get(order[start]);
      long groupStart = first.offset();
      long groupEnd = first.end();
      long useful = first.length();
      long wasted = 0;
      int end = start + 1;
      while (end < n) {
        ByteRange next = ranges.get(order[end]);
        long newEnd = Math.max(groupEnd, next.end());
        long gap = Math.max(0, next.offset() - groupEnd);
        long adds = Math.max(0, next.end() - Math.max(groupEnd, next.offset()));
        boolean cheap = gap <= ByteRange.TINY_GAP_BYTES || wasted + gap <= useful + adds;
        if (next.offset() > groupEnd + maxGap || !cheap || newEnd - groupStart > maxMergedBytes) {
          break;
        }
        wasted += gap;
        useful += adds;
        groupEnd = newEnd;
        end++;
      }
      groups.add(new Group(start, end, groupStart, groupEnd));
      start = end;
    }
    return new RangePlan(order, List.copyOf(groups));
  }

  /** The groups, in offset order. */
  public List<Group> groups() {
    return groups;
  }

  /** The index (in the caller's list) of the {@code k}-th range in offset order. */
  public int rangeAt(int k) {
    return order[k];
  }
}
