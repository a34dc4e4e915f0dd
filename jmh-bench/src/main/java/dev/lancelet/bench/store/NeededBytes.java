package dev.lancelet.bench.store;

import dev.lancelet.io.ByteRange;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes the reader needs: a pass-through store that records every byte range the Lance
 * reader asks for ({@code read}, {@code readTail}, each range of {@code readRanges}), before the
 * store merges ranges into requests. These are the page regions (and footer and metadata regions)
 * the reader's own plan wants. {@link #drainUnion} gives the size of their union per object (a
 * byte asked twice, e.g. a footer read inside a tail read, counts once); bytes a store reads
 * beyond it (merged gaps, the tail it prefetches when an object is opened) are over-read.
 */
final class NeededBytes implements ObjectStore {
  private final ObjectStore inner;
  private final Map<String, List<long[]>> asked = new HashMap<>();
  private long tail;
  private long asks;

  NeededBytes(ObjectStore inner) {
    this.inner = inner;
  }

  private synchronized void record(String location, long offset, long length) {
    if (length > 0) {
      asks++;
      asked.computeIfAbsent(location, k -> new ArrayList<>()).add(new long[] {offset, offset + length});
    }
  }

  private synchronized void addTail(long n) {
    tail += n;
  }

  /**
   * Bytes of the tail reads since the last call: the reader's speculative read of a file's last
   * bytes (footer and metadata) when it opens a data file; part of the union too.
   */
  synchronized long drainTail() {
    long t = tail;
    tail = 0;
    return t;
  }

  /** Ranges asked for (each range of a {@code readRanges} call is one) since the last call. */
  synchronized long drainAsks() {
    long a = asks;
    asks = 0;
    return a;
  }

  /**
   * Clears what was recorded; returns the size of the union of the ranges asked since the last
   * call and the number of its regions: asks that overlap form one region (a footer read inside a
   * tail read), asks that only touch stay separate (consecutive pages are separate page regions).
   */
  synchronized long[] drainUnion() {
    long total = 0;
    long regions = 0;
    for (List<long[]> rs : asked.values()) {
      rs.sort(Comparator.comparingLong(r -> r[0]));
      long start = 0;
      long end = -1;
      for (long[] r : rs) {
        if (r[0] >= end) { // disjoint (touching asks stay separate regions: e.g. consecutive pages)
          if (end >= 0) {
            total += end - start;
          }
          regions++;
          start = r[0];
          end = r[1];
        } else {
          end = Math.max(end, r[1]);
        }
      }
      if (end >= 0) {
        total += end - start;
      }
    }
    asked.clear();
    return new long[] {total, regions};
  }

  @Override
  public String uri() {
    return inner.uri();
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    ReadableObject o = inner.open(path);
    return new ReadableObject() {
      @Override
      public String location() {
        return o.location();
      }

      @Override
      public long size() throws IOException {
        return o.size();
      }

      @Override
      public ByteBuffer read(long offset, int length) throws IOException {
        record(path, offset, length);
        return o.read(offset, length);
      }

      @Override
      public ByteBuffer readTail(int length) throws IOException {
        ByteBuffer b = o.readTail(length);
        long size = o.size();
        record(path, size - b.remaining(), b.remaining()); // at most length: the object may be shorter
        addTail(b.remaining());
        return b;
      }

      @Override
      public List<ByteBuffer> readRanges(List<ByteRange> rs) throws IOException {
        for (ByteRange r : rs) {
          record(path, r.offset(), r.length());
        }
        return o.readRanges(rs);
      }

      @Override
      public int coalesceGapBytes() {
        return o.coalesceGapBytes();
      }

      @Override
      public void close() throws IOException {
        o.close();
      }
    };
  }

  @Override
  public boolean exists(String path) throws IOException {
    return inner.exists(path);
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    return inner.create(path);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public void delete(String path) throws IOException {
    inner.delete(path);
  }
}
