package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;

import java.util.Arrays;

/**
 * Decoded values of one leaf: either fixed-width ({@code bytesPerValue} little-endian bytes per
 * value; booleans are widened to one byte per value) or variable-width ({@code offsets} into
 * {@code data}, {@code count + 1} entries starting at 0).
 */
final class Values {
  final int count;
  final int bytesPerValue; // -1 for variable width
  final byte[] data;
  final long[] offsets; // variable width only
  /**
   * Fixed-size lists whose items carry validity (Lance {@code FixedSizeList has_validity}):
   * {@code itemsPerValue} items per value, {@code itemValid[i]} for item {@code i} of the
   * block. Null when every item is valid.
   */
  boolean[] itemValid;
  int itemsPerValue;

  private Values(int count, int bytesPerValue, byte[] data, long[] offsets) {
    this.count = count;
    this.bytesPerValue = bytesPerValue;
    this.data = data;
    this.offsets = offsets;
  }

  static Values fixed(int count, int bytesPerValue, byte[] data) throws LanceFormatException {
    if (count < 0 || bytesPerValue < 0 || (long) count * bytesPerValue > data.length) {
      throw new LanceFormatException(
          "Decoded block of " + data.length + " bytes cannot hold " + count + " values of " + bytesPerValue + " bytes");
    }
    return new Values(count, bytesPerValue, data, null);
  }

  static Values variable(int count, long[] offsets, byte[] data) {
    return new Values(count, -1, data, offsets);
  }

  boolean isVariable() {
    return bytesPerValue < 0;
  }

  /** Attaches item validity ({@code dim} items per value) to fixed-size-list values. */
  Values withItemValidity(int dim, boolean[] valid) throws LanceFormatException {
    if (dim <= 0 || valid.length < (long) count * dim) {
      throw new LanceFormatException("Item validity of " + valid.length + " entries does not cover " + count + " values of " + dim + " items");
    }
    itemsPerValue = dim;
    itemValid = valid;
    return this;
  }


  /** The blocks one after another (at least one; all fixed of one width, or all variable), sized exactly. */
  static Values concat(Values[] parts) throws LanceFormatException {
    int w = parts[0].bytesPerValue;
    long bytes = 0;
    int count = 0;
    for (Values p : parts) {
      if (p.bytesPerValue != w) {
        throw new IllegalStateException("Cannot join value blocks of widths " + w + " and " + p.bytesPerValue);
      }
      bytes += p.isVariable() ? p.offsets[p.count] - p.offsets[0] : (long) p.count * w;
      count = Math.addExact(count, p.count);
    }
    if (bytes > Integer.MAX_VALUE - 16) {
      throw new LanceFormatException("Decoded values of " + bytes + " bytes do not fit one array");
    }
    byte[] out = new byte[(int) bytes];
    if (w >= 0) {
      int pos = 0;
      for (Values p : parts) {
        int len = p.count * w;
        System.arraycopy(p.data, 0, out, pos, len);
        pos += len;
      }
      return withConcatItems(new Values(count, w, out, null), parts);
    }
    long[] offs = new long[count + 1];
    int pos = 0;
    int k = 0;
    for (Values p : parts) {
      long start = p.offsets[0];
      int len = (int) (p.offsets[p.count] - start);
      System.arraycopy(p.data, (int) start, out, pos, len);
      long base = pos - start;
      for (int i = 1; i <= p.count; i++) {
        offs[k + i] = p.offsets[i] + base;
      }
      k += p.count;
      pos += len;
    }
    return new Values(count, -1, out, offs);
  }

  /** The values at the given sorted, in-range indexes, as a new block. */
  Values pick(int[] idx) throws LanceFormatException {
    int n = idx.length;
    for (int i = 0; i < n; i++) {
      if (idx[i] < 0 || idx[i] >= count) {
        throw new LanceFormatException("Row " + idx[i] + " is outside a block of " + count + " values");
      }
    }
    if (isVariable()) {
      long[] offs = new long[n + 1];
      long total = 0;
      for (int i = 0; i < n; i++) {
        total += offsets[idx[i] + 1] - offsets[idx[i]];
        offs[i + 1] = total;
      }
      byte[] out = new byte[Math.toIntExact(total)];
      for (int i = 0; i < n; i++) {
        int from = (int) offsets[idx[i]];
        System.arraycopy(data, from, out, (int) offs[i], (int) (offs[i + 1] - offs[i]));
      }
      return new Values(n, -1, out, offs);
    }
    int w = bytesPerValue;
    byte[] out = new byte[Math.multiplyExact(n, w)];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data, idx[i] * w, out, i * w, w);
    }
    Values v = new Values(n, w, out, null);
    if (itemValid != null) {
      int dim = itemsPerValue;
      boolean[] iv = new boolean[Math.multiplyExact(n, dim)];
      for (int i = 0; i < n; i++) {
        System.arraycopy(itemValid, idx[i] * dim, iv, i * dim, dim);
      }
      v.withItemValidity(dim, iv);
    }
    return v;
  }

  /** Joins the item validity of fixed-size-list parts (parts without any count as all valid). */
  private static Values withConcatItems(Values joined, Values[] parts) throws LanceFormatException {
    int dim = 0;
    for (Values p : parts) {
      if (p.itemValid != null) {
        if (dim != 0 && dim != p.itemsPerValue) {
          throw new LanceFormatException("Cannot join fixed-size list blocks of " + dim + " and " + p.itemsPerValue + " items per value");
        }
        dim = p.itemsPerValue;
      }
    }
    if (dim == 0) {
      return joined;
    }
    boolean[] iv = new boolean[Math.multiplyExact(joined.count, dim)];
    int at = 0;
    for (Values p : parts) {
      int len = p.count * dim;
      if (p.itemValid != null) {
        System.arraycopy(p.itemValid, 0, iv, at, len);
      } else {
        Arrays.fill(iv, at, at + len, true);
      }
      at += len;
    }
    return joined.withItemValidity(dim, iv);
  }

  /**
   * Appends slices of several blocks of the same kind. The first slice is only remembered: when it
   * stays the only one, {@link #build} returns the block itself (whole slice) or one exact-size copy,
   * so the common one-stretch batch costs no intermediate copies.
   */
  static final class Builder {
    private int count;
    private int bytesPerValue = Integer.MIN_VALUE;
    private byte[] data;
    private int dataLen;
    private long[] offsets;
    private boolean[] items; // item validity, once any appended block has it
    private int itemDim;
    /** The first slice while it is the only one (then data is null). */
    private Values pending;
    private int pendingFrom;
    private int pendingTo;
    private final int sizeHint;

    Builder() {
      this(0, 0);
    }

    /** A builder expecting about {@code values} values of {@code bytes} bytes in all. */
    Builder(int values, long bytes) {
      this.sizeHint = values;
      this.bytesHint = (int) Math.min(bytes, 1 << 30);
    }

    private final int bytesHint;

    void append(Values v, int from, int to) throws LanceFormatException {
      if (from < 0 || to < from || to > v.count) {
        throw new LanceFormatException(
            "Levels ask for values [" + from + ", " + to + ") of a block of " + v.count + " (levels and values disagree)");
      }
      if (bytesPerValue == Integer.MIN_VALUE && data == null && pending == null && v.itemValid == null) {
        bytesPerValue = v.bytesPerValue;
        pending = v;
        pendingFrom = from;
        pendingTo = to;
        count = to - from;
        return;
      }
      materialize();
      appendCopy(v, from, to);
    }

    /** Turns the remembered first slice into copied state. */
    private void materialize() throws LanceFormatException {
      if (data != null) {
        return;
      }
      data = new byte[Math.max(64, bytesHint)];
      offsets = new long[Math.max(17, sizeHint + 1)];
      Values p = pending;
      pending = null;
      count = 0;
      dataLen = 0;
      if (p != null) {
        appendCopy(p, pendingFrom, pendingTo);
      }
    }

    private void appendCopy(Values v, int from, int to) throws LanceFormatException {
      if (bytesPerValue == Integer.MIN_VALUE) {
        bytesPerValue = v.bytesPerValue;
      } else if (bytesPerValue != v.bytesPerValue) {
        throw new IllegalStateException("Cannot join value blocks of widths " + bytesPerValue + " and " + v.bytesPerValue);
      }
      int n = to - from;
      if (v.itemValid != null || items != null) {
        appendItems(v, from, n);
      }
      if (v.isVariable()) {
        long start = v.offsets[from];
        long end = v.offsets[to];
        int bytes = Math.toIntExact(end - start);
        ensureData(bytes);
        System.arraycopy(v.data, (int) start, data, dataLen, bytes);
        if (offsets.length < count + n + 1) {
          offsets = Arrays.copyOf(offsets, Math.max(offsets.length * 2, count + n + 1));
        }
        long base = offsets[count] - start;
        for (int i = 1; i <= n; i++) {
          offsets[count + i] = v.offsets[from + i] + base;
        }
        dataLen += bytes;
      } else {
        int bytes = Math.multiplyExact(n, v.bytesPerValue);
        ensureData(bytes);
        System.arraycopy(v.data, from * v.bytesPerValue, data, dataLen, bytes);
        dataLen += bytes;
      }
      count += n;
    }

    /** Appends the item validity of values {@code [from, from + n)} of {@code v} (all valid if it has none). */
    private void appendItems(Values v, int from, int n) throws LanceFormatException {
      int dim = v.itemValid != null ? v.itemsPerValue : itemDim;
      if (items == null) {
        itemDim = dim;
        items = new boolean[Math.max(16, Math.multiplyExact(count + n, dim))];
        Arrays.fill(items, 0, count * dim, true);
      } else if (dim != itemDim) {
        throw new LanceFormatException("Cannot join fixed-size list blocks of " + itemDim + " and " + dim + " items per value");
      }
      int at = Math.multiplyExact(count, dim);
      int len = Math.multiplyExact(n, dim);
      if (items.length - at < len) {
        items = Arrays.copyOf(items, Math.max(items.length * 2, Math.addExact(at, len)));
      }
      if (v.itemValid != null) {
        System.arraycopy(v.itemValid, from * dim, items, at, len);
      } else {
        Arrays.fill(items, at, at + len, true);
      }
    }

    /** Appends {@code n} zero (null placeholder) values of the given width. */
    void appendNulls(int width, int n) throws LanceFormatException {
      materialize();
      if (items != null) {
        int at = count * itemDim;
        int len = n * itemDim;
        if (items.length - at < len) {
          items = Arrays.copyOf(items, Math.max(items.length * 2, at + len));
        }
        Arrays.fill(items, at, at + len, true);
      }
      if (bytesPerValue == Integer.MIN_VALUE) {
        bytesPerValue = width;
      }
      if (bytesPerValue < 0) {
        if (offsets.length < count + n + 1) {
          offsets = Arrays.copyOf(offsets, Math.max(offsets.length * 2, count + n + 1));
        }
        for (int i = 1; i <= n; i++) {
          offsets[count + i] = offsets[count];
        }
      } else {
        int bytes = Math.multiplyExact(n, bytesPerValue);
        ensureData(bytes);
        dataLen += bytes;
      }
      count += n;
    }

    private void ensureData(int more) {
      if (data.length - dataLen < more) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, Math.addExact(dataLen, more)));
      }
    }

    int count() {
      return count;
    }

    Values build(int defaultWidth) {
      if (pending != null) {
        Values p = pending;
        int from = pendingFrom;
        int to = pendingTo;
        if (from == 0 && to == p.count) {
          return p;
        }
        if (p.isVariable()) {
          long start = p.offsets[from];
          long[] offs = new long[to - from + 1];
          for (int i = 0; i < offs.length; i++) {
            offs[i] = p.offsets[from + i] - start;
          }
          return Values.variable(to - from, offs, Arrays.copyOfRange(p.data, (int) start, (int) p.offsets[to]));
        }
        int w = p.bytesPerValue;
        return new Values(to - from, w, Arrays.copyOfRange(p.data, from * w, to * w), null);
      }
      if (data == null) {
        data = new byte[0];
        offsets = new long[1];
      }
      int w = bytesPerValue == Integer.MIN_VALUE ? defaultWidth : bytesPerValue;
      if (w < 0) {
        return Values.variable(
            count,
            offsets.length == count + 1 ? offsets : Arrays.copyOf(offsets, count + 1),
            data.length == dataLen ? data : Arrays.copyOf(data, dataLen));
      }
      // Built from blocks already checked, so the size always fits.
      int size = Math.max(dataLen, count * w);
      Values v = new Values(count, w, data.length == size ? data : Arrays.copyOf(data, size), null);
      if (items != null) {
        v.itemsPerValue = itemDim;
        v.itemValid = Arrays.copyOf(items, count * itemDim);
      }
      return v;
    }
  }
}
