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

  /** Appends slices of several blocks of the same kind. */
  static final class Builder {
    private int count;
    private int bytesPerValue = Integer.MIN_VALUE;
    private byte[] data = new byte[64];
    private int dataLen;
    private long[] offsets = new long[17];
    private boolean[] items; // item validity, once any appended block has it
    private int itemDim;

    void append(Values v, int from, int to) throws LanceFormatException {
      if (from < 0 || to < from || to > v.count) {
        throw new LanceFormatException(
            "Levels ask for values [" + from + ", " + to + ") of a block of " + v.count + " (levels and values disagree)");
      }
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
    void appendNulls(int width, int n) {
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
      int w = bytesPerValue == Integer.MIN_VALUE ? defaultWidth : bytesPerValue;
      if (w < 0) {
        return Values.variable(count, Arrays.copyOf(offsets, count + 1), Arrays.copyOf(data, dataLen));
      }
      // Built from blocks already checked, so the size always fits.
      Values v = new Values(count, w, Arrays.copyOf(data, Math.max(dataLen, count * w)), null);
      if (items != null) {
        v.itemsPerValue = itemDim;
        v.itemValid = Arrays.copyOf(items, count * itemDim);
      }
      return v;
    }
  }
}
