package dev.lancelet.table.format;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.RowIdsProtos;
import dev.lancelet.table.CorruptManifestException;
import java.util.Arrays;

/**
 * Per-row dataset versions of a fragment ({@code lance.table.RowDatasetVersionSequence}), as
 * datasets with stable row ids record them: the version that created each row and the version
 * that last updated it. Stored as runs, each a span (a row-id segment, of which only the length
 * counts) and the version shared by that many consecutive rows.
 */
public final class RowVersions {
  private final long[] starts; // first row of each run
  private final long[] versions;
  private final long length;

  private RowVersions(long[] starts, long[] versions, long length) {
    this.starts = starts;
    this.versions = versions;
    this.length = length;
  }

  /** Every one of {@code rows} rows at {@code version}. */
  public static RowVersions uniform(long rows, long version) {
    return rows == 0 ? new RowVersions(new long[0], new long[0], 0)
        : new RowVersions(new long[] {0}, new long[] {version}, rows);
  }

  /**
   * Decodes a serialized sequence.
   *
   * @param where where it came from, for messages
   * @throws CorruptManifestException if it does not decode
   */
  public static RowVersions decode(ByteString bytes, String where) throws CorruptManifestException {
    RowIdsProtos.RowDatasetVersionSequence p;
    try {
      p = RowIdsProtos.RowDatasetVersionSequence.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException(where, "row version sequence does not decode: " + e.getMessage(), e);
    }
    long[] starts = new long[p.getRunsCount()];
    long[] versions = new long[p.getRunsCount()];
    long n = 0;
    for (int i = 0; i < p.getRunsCount(); i++) {
      RowIdsProtos.RowDatasetVersionRun r = p.getRuns(i);
      long len = RowIdSequence.decode(RowIdsProtos.RowIdSequence.newBuilder().addSegments(r.getSpan()).build()
          .toByteString(), where + " (version run " + i + ")").length();
      starts[i] = n;
      versions[i] = r.getVersion();
      n += len;
    }
    return new RowVersions(starts, versions, n);
  }

  /** Number of rows covered. */
  public long length() {
    return length;
  }

  /** The version of row {@code row}. */
  public long get(long row) {
    if (row < 0 || row >= length) {
      throw new IndexOutOfBoundsException("Row " + row + " outside a version sequence of " + length);
    }
    int s = Arrays.binarySearch(starts, row);
    if (s < 0) {
      s = -s - 2;
    }
    while (s + 1 < starts.length && starts[s + 1] <= row) {
      s++; // skip empty runs
    }
    return versions[s];
  }

  /** The serialized form of {@code versions[0..n)}: one run per stretch of equal versions. */
  public static byte[] encode(long[] versions, int n) {
    RowIdsProtos.RowDatasetVersionSequence.Builder b = RowIdsProtos.RowDatasetVersionSequence.newBuilder();
    int i = 0;
    while (i < n) {
      int j = i + 1;
      while (j < n && versions[j] == versions[i]) {
        j++;
      }
      b.addRuns(RowIdsProtos.RowDatasetVersionRun.newBuilder().setVersion(versions[i])
          .setSpan(RowIdsProtos.U64Segment.newBuilder()
              .setRange(RowIdsProtos.U64Segment.Range.newBuilder().setStart(i).setEnd(j))));
      i = j;
    }
    return b.build().toByteArray();
  }

  /** The serialized form of {@code rows} rows all at {@code version}. */
  public static byte[] encodeUniform(long rows, long version) {
    RowIdsProtos.RowDatasetVersionSequence.Builder b = RowIdsProtos.RowDatasetVersionSequence.newBuilder();
    if (rows > 0) {
      b.addRuns(RowIdsProtos.RowDatasetVersionRun.newBuilder().setVersion(version)
          .setSpan(RowIdsProtos.U64Segment.newBuilder()
              .setRange(RowIdsProtos.U64Segment.Range.newBuilder().setStart(0).setEnd(rows))));
    }
    return b.build().toByteArray();
  }
}
