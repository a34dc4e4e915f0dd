package dev.lancelet.bench.store;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Lancelet's I/O per iteration, as JMH secondary results ({@code EVENTS}: totals, not rates): the
 * operations, the requests the store sent, the bytes it read and the bytes the reader needed.
 * Divide by {@code ops} for per-operation figures ({@code Report} prints them); the ratio
 * {@code bytesRead / bytesNeeded} is the over-read.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class IoCounters {
  /** Operations measured. */
  public long ops;
  /** Requests the store sent (local: read calls after coalescing; S3: HTTP requests). */
  public long requests;
  /** Bytes the store read (local: from files; S3: GET bodies). */
  public long bytesRead;
  /**
   * Bytes Lancelet's reader asked for (page, footer and metadata regions, before merging; the
   * union of the asked ranges per object within one operation).
   */
  public long bytesNeeded;
  /** Regions of {@link #bytesNeeded} (per file; overlapping asks form one, touching ones stay apart). */
  public long regionsNeeded;
  /** Ranges the reader asked for, one per range of a call (a range asked twice counts twice). */
  public long rangesAsked;
  /** Of {@link #bytesNeeded}: the reader's tail reads of the data files it opened (footer, metadata). */
  public long bytesTail;

  /** Starts every iteration from zero. */
  @Setup(Level.Iteration)
  public void reset() {
    ops = 0;
    requests = 0;
    bytesRead = 0;
    bytesNeeded = 0;
    bytesTail = 0;
    regionsNeeded = 0;
    rangesAsked = 0;
  }

  /** Snapshot of a dataset's counters, taken before an operation (which also clears the needed ranges). */
  record Mark(long requests, long bytesRead) {
    static Mark of(StoreDataset d) {
      d.drainBytesNeeded();
      d.drainTailBytes();
      d.drainAsks();
      return new Mark(d.requests(), d.bytesRead());
    }
  }

  /** Adds one operation: what the counters moved since {@code before}. */
  void add(StoreDataset d, Mark before) {
    ops++;
    requests += d.requests() - before.requests();
    bytesRead += d.bytesRead() - before.bytesRead();
    long[] needed = d.drainBytesNeeded();
    bytesNeeded += needed[0];
    regionsNeeded += needed[1];
    bytesTail += d.drainTailBytes();
    rangesAsked += d.drainAsks();
  }
}
