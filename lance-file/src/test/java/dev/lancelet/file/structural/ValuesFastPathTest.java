package dev.lancelet.file.structural;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Values#pick} and the builder's one-slice shortcut against plain copies, prime lengths. */
class ValuesFastPathTest {
  static Values fixed(SplittableRandom r, int n, int w) throws Exception {
    byte[] b = new byte[n * w];
    r.nextBytes(b);
    return Values.fixed(n, w, b);
  }

  static Values variable(SplittableRandom r, int n) {
    long[] offs = new long[n + 1];
    for (int i = 0; i < n; i++) {
      offs[i + 1] = offs[i] + r.nextInt(13);
    }
    byte[] b = new byte[(int) offs[n]];
    r.nextBytes(b);
    return Values.variable(n, offs, b);
  }

  static byte[] value(Values v, int i) {
    if (v.isVariable()) {
      return Arrays.copyOfRange(v.data, (int) v.offsets[i], (int) v.offsets[i + 1]);
    }
    return Arrays.copyOfRange(v.data, i * v.bytesPerValue, (i + 1) * v.bytesPerValue);
  }

  static void same(Values got, Values want, int[] idx) {
    assertThat(got.count).isEqualTo(idx.length);
    assertThat(got.bytesPerValue).isEqualTo(want.bytesPerValue);
    for (int i = 0; i < idx.length; i++) {
      assertThat(value(got, i)).isEqualTo(value(want, idx[i]));
    }
  }

  @Test
  void pickAndSingleSlice() throws Exception {
    SplittableRandom r = new SplittableRandom(31);
    for (int n : new int[] {1, 2, 3, 5, 97, 1021, 4099}) {
      for (Values v : new Values[] {fixed(r, n, 1), fixed(r, n, 8), fixed(r, n, 13), variable(r, n)}) {
        // pick: sorted random subsets, with the whole block and the empty set
        for (int trial = 0; trial < 5; trial++) {
          int[] idx = r.ints(r.nextInt(n + 1), 0, n).sorted().toArray();
          same(v.pick(idx), v, idx);
        }
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        same(v.pick(all), v, all);
        // builder: one slice (shared or exact copy) and several slices give the same values
        int from = r.nextInt(n);
        int to = from + r.nextInt(n - from + 1);
        Values.Builder one = new Values.Builder();
        one.append(v, from, to);
        int[] slice = new int[to - from];
        Arrays.setAll(slice, i -> from + i);
        same(one.build(v.bytesPerValue), v, slice);
        Values.Builder whole = new Values.Builder();
        whole.append(v, 0, n);
        assertThat(whole.build(v.bytesPerValue)).isSameAs(v);
        Values.Builder two = new Values.Builder();
        two.append(v, from, to);
        two.append(v, 0, n);
        int[] both = new int[slice.length + n];
        System.arraycopy(slice, 0, both, 0, slice.length);
        System.arraycopy(all, 0, both, slice.length, n);
        same(two.build(v.bytesPerValue), v, both);
      }
    }
  }
}
