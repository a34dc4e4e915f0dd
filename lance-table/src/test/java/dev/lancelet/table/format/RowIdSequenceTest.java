package dev.lancelet.table.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lancelet.format.proto.RowIdsProtos;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Encoding row-id and row-version sequences, decoded back by our reader. */
class RowIdSequenceTest {
  private static long[] decode(byte[] bytes, int n) throws Exception {
    RowIdSequence s = RowIdSequence.decode(ByteString.copyFrom(bytes), "test");
    assertThat(s.length()).isEqualTo(n);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.get(i);
    }
    return out;
  }

  private static RowIdsProtos.RowIdSequence proto(byte[] b) throws Exception {
    return RowIdsProtos.RowIdSequence.parseFrom(b);
  }

  @Test
  void eachSegmentKindIsChosenWhereItIsSmallest() throws Exception {
    long[] range = LongStream.range(100, 200).toArray();
    assertThat(proto(RowIdSequence.encode(range, 100)).getSegmentsList()).singleElement()
        .satisfies(s -> assertThat(s.hasRange()).isTrue());
    assertThat(decode(RowIdSequence.encode(range, 100), 100)).containsExactly(range);

    // Long runs are split off as ranges; a stretch of one segment picks holes when they are rare.
    long[] oneHole = LongStream.range(0, 100).filter(v -> v != 40).toArray();
    assertThat(proto(RowIdSequence.encode(oneHole, 99)).getSegmentsList()).hasSize(2)
        .allSatisfy(s -> assertThat(s.hasRange()).isTrue());
    assertThat(decode(RowIdSequence.encode(oneHole, 99), 99)).containsExactly(oneHole);
    RowIdsProtos.U64Segment holes = RowIdSequence.segmentOf(oneHole, 0, 99);
    assertThat(holes.hasRangeWithHoles()).isTrue();
    byte[] wrapped = RowIdsProtos.RowIdSequence.newBuilder().addSegments(holes).build().toByteArray();
    assertThat(decode(wrapped, 99)).containsExactly(oneHole);

    long[] evens = LongStream.range(0, 12).map(v -> v * 2).toArray(); // half the slots
    assertThat(proto(RowIdSequence.encode(evens, 12)).getSegments(0).hasRangeWithBitmap()).isTrue();
    assertThat(decode(RowIdSequence.encode(evens, 12), 12)).containsExactly(evens);

    long[] sparse = {5, 1000, 70_000, 5_000_000_000L};
    assertThat(proto(RowIdSequence.encode(sparse, 4)).getSegments(0).hasSortedArray()).isTrue();
    assertThat(decode(RowIdSequence.encode(sparse, 4), 4)).containsExactly(sparse);

    long[] unsorted = {7, 3, 9, 3};
    assertThat(proto(RowIdSequence.encode(unsorted, 4)).getSegments(0).hasArray()).isTrue();
    assertThat(decode(RowIdSequence.encode(unsorted, 4), 4)).containsExactly(unsorted);

    assertThat(decode(RowIdSequence.encode(new long[0], 0), 0)).isEmpty();
  }

  @Test
  void randomSequencesRoundTrip() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = r.nextInt(2000);
      long[] ids = new long[n];
      long v = r.nextInt(1000);
      for (int i = 0; i < n; i++) {
        switch (r.nextInt(4)) {
          case 0 -> v += 1 + r.nextInt(3); // small gaps
          case 1 -> v += r.nextInt(100_000); // big gaps
          case 2 -> v = r.nextInt(1 << 20); // out of order
          default -> v += 1; // runs
        }
        ids[i] = v;
      }
      assertThat(decode(RowIdSequence.encode(ids, n), n)).as("seed " + seed + " round " + round).containsExactly(ids);
    }
  }

  @Test
  void rowVersionsRoundTripAsRuns() throws Exception {
    long[] v = {1, 1, 1, 3, 3, 1, 7};
    byte[] b = RowVersions.encode(v, v.length);
    assertThat(RowIdsProtos.RowDatasetVersionSequence.parseFrom(b).getRunsCount()).isEqualTo(4);
    RowVersions d = RowVersions.decode(ByteString.copyFrom(b), "test");
    assertThat(d.length()).isEqualTo(7);
    for (int i = 0; i < v.length; i++) {
      assertThat(d.get(i)).isEqualTo(v[i]);
    }
    RowVersions u = RowVersions.decode(ByteString.copyFrom(RowVersions.encodeUniform(5, 4)), "test");
    assertThat(u.length()).isEqualTo(5);
    assertThat(u.get(4)).isEqualTo(4);
    // A run's span counts by its length only, whatever its kind (Lance's compaction writes bitmaps).
    RowIdsProtos.RowDatasetVersionSequence masked = RowIdsProtos.RowDatasetVersionSequence.newBuilder()
        .addRuns(RowIdsProtos.RowDatasetVersionRun.newBuilder().setVersion(2).setSpan(RowIdsProtos.U64Segment.newBuilder()
            .setRangeWithBitmap(RowIdsProtos.U64Segment.RangeWithBitmap.newBuilder().setStart(0).setEnd(8)
                .setBitmap(ByteString.copyFrom(new byte[] {(byte) 0b1010_0101})))))
        .addRuns(RowIdsProtos.RowDatasetVersionRun.newBuilder().setVersion(5).setSpan(RowIdsProtos.U64Segment.newBuilder()
            .setRange(RowIdsProtos.U64Segment.Range.newBuilder().setStart(10).setEnd(12))))
        .build();
    RowVersions m = RowVersions.decode(masked.toByteString(), "test");
    assertThat(m.length()).isEqualTo(6);
    assertThat(m.get(3)).isEqualTo(2);
    assertThat(m.get(4)).isEqualTo(5);
  }
}
