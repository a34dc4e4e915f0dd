package dev.lancelet.file.encoding.write;

import java.util.Arrays;

/** Growable primitive buffers used while a page accumulates. Package-private scratch types. */
final class GrowBuf {
  private GrowBuf() {}

  /** A growable little-endian byte buffer. */
  static final class Bytes {
    byte[] a;
    int n;

    Bytes() {
      this(256);
    }

    /** A buffer with room for {@code capacity} bytes before it grows. */
    Bytes(int capacity) {
      a = new byte[Math.max(16, capacity)];
    }

    void ensure(int extra) {
      if (n + extra > a.length) {
        long want = Math.max((long) a.length * 2, (long) n + extra);
        if (want > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("Page buffer exceeds 2 GiB; lower maxPageBytes");
        }
        a = Arrays.copyOf(a, (int) want);
      }
    }

    /**
     * Grows the array to at least {@code capacity} bytes in one step (keeping the content), taking
     * a pooled page array when one is at hand (see {@link PageArrays}).
     */
    void reserve(int capacity) {
      if (a.length < capacity) {
        byte[] pooled = PageArrays.take(capacity);
        if (pooled != null) {
          System.arraycopy(a, 0, pooled, 0, n);
          a = pooled;
        } else {
          a = Arrays.copyOf(a, capacity);
        }
      }
    }

    /** Gives a page-sized array to {@link PageArrays} and leaves this buffer empty and small. */
    void release() {
      byte[] old = a;
      a = new byte[16];
      n = 0;
      PageArrays.give(old);
    }

    void zeros(int k) {
      ensure(k);
      Arrays.fill(a, n, n + k, (byte) 0);
      n += k;
    }

    void put(byte[] src, int off, int len) {
      ensure(len);
      System.arraycopy(src, off, a, n, len);
      n += len;
    }

    void put(byte b) {
      ensure(1);
      a[n++] = b;
    }

    byte[] toArray() {
      return Arrays.copyOf(a, n);
    }

    void clear() {
      n = 0;
      // Keep page-sized arrays for the next page (regrowing one by doubling costs more than the
      // copies it avoids); only drop unusually large ones.
      if (a.length > (64 << 20)) {
        a = new byte[256];
      }
    }
  }

  /** A growable short buffer (rep/def levels). */
  static final class Shorts {
    short[] a = new short[256];
    int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = (short) v;
    }

    void clear() {
      n = 0;
      if (a.length > (1 << 20)) {
        a = new short[256];
      }
    }
  }

  /** A growable long buffer (offsets). */
  static final class Longs {
    long[] a = new long[256];
    int n;

    /** Grows the array to at least {@code capacity} longs in one step (keeping the content). */
    void reserve(int capacity) {
      if (a.length < capacity) {
        a = Arrays.copyOf(a, capacity);
      }
    }

    /** Makes room for {@code extra} more longs. */
    void ensure(int extra) {
      if (n + extra > a.length) {
        long want = Math.max((long) a.length * 2, (long) n + extra);
        if (want > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("Page offsets exceed 2^31 entries; lower maxPageBytes");
        }
        a = Arrays.copyOf(a, (int) want);
      }
    }

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    void clear() {
      n = 0;
      if (a.length > (1 << 20)) {
        a = new long[256];
      }
    }
  }
}
