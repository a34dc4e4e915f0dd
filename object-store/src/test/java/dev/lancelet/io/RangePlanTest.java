package dev.lancelet.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangePlanTest {
  @Test
  void everyRangeLandsInExactlyOneGroupThatHoldsIt() {
    Random rnd = new Random(11);
    for (int round = 0; round < 200; round++) {
      List<ByteRange> ranges = new ArrayList<>();
      int n = 1 + rnd.nextInt(60);
      for (int i = 0; i < n; i++) {
        ranges.add(new ByteRange(rnd.nextInt(1 << 20), rnd.nextInt(20_000)));
      }
      RangePlan plan = RangePlan.of(ranges, 64 * 1024, 64L << 20);
      BitSet seen = new BitSet();
      long lastStart = Long.MIN_VALUE;
      for (RangePlan.Group g : plan.groups()) {
        assertThat(g.start()).as("groups are in offset order").isGreaterThanOrEqualTo(lastStart);
        assertThat(g.to()).isGreaterThan(g.from());
        for (int k = g.from(); k < g.to(); k++) {
          int i = plan.rangeAt(k);
          assertThat(seen.get(i)).as("range %d planned twice", i).isFalse();
          seen.set(i);
          ByteRange r = ranges.get(i);
          assertThat(r.offset()).isGreaterThanOrEqualTo(g.start());
          assertThat(r.end()).isLessThanOrEqualTo(g.end());
        }
        lastStart = g.start();
      }
      assertThat(seen.cardinality()).isEqualTo(n);
    }
  }

  @Test
  void wideGapsNeverMoreThanDoubleTheBytesRead() {
    Random rnd = new Random(12);
    for (int round = 0; round < 200; round++) {
      List<ByteRange> ranges = new ArrayList<>();
      long at = 0;
      int n = 2 + rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        at += ByteRange.TINY_GAP_BYTES + 1 + rnd.nextInt(40_000); // every gap wider than a tiny one
        int len = 1 + rnd.nextInt(30_000);
        ranges.add(new ByteRange(at, len));
        at += len;
      }
      RangePlan plan = RangePlan.of(ranges, 64 * 1024, 64L << 20);
      for (RangePlan.Group g : plan.groups()) {
        long needed = 0;
        for (int k = g.from(); k < g.to(); k++) {
          needed += ranges.get(plan.rangeAt(k)).length();
        }
        assertThat((long) g.length()).as("group %s", g).isLessThanOrEqualTo(2 * needed);
      }
    }
  }
}
