package dev.lancelet.file.v20;

import java.nio.ByteBuffer;
import org.apache.arrow.memory.ArrowBuf;

/** LSB-first bitmap helpers (Arrow's and Lance's bit order). */
final class Bits {
  private Bits() {}

  static boolean get(byte[] bits, int i) {
    return (bits[i >>> 3] & (1 << (i & 7))) != 0;
  }

  static void set(byte[] bits, long i) {
    bits[(int) (i >>> 3)] |= (byte) (1 << (i & 7));
  }

  static void clear(byte[] bits, int i) {
    bits[i >>> 3] &= (byte) ~(1 << (i & 7));
  }

  /** A bitmap of {@code n} set bits (trailing bits of the last byte clear). */
  static byte[] allSet(int n) {
    byte[] b = new byte[(n + 7) >>> 3];
    java.util.Arrays.fill(b, (byte) 0xFF);
    if ((n & 7) != 0) {
      b[b.length - 1] = (byte) ((1 << (n & 7)) - 1);
    }
    return b;
  }

  /** Copies {@code n} bits from {@code src} starting at bit {@code srcBit} to {@code dst} at bit {@code dstBit}. */
  static void copy(ByteBuffer src, int srcBit, byte[] dst, long dstBit, int n) {
    int base = src.position();
    for (int k = 0; k < n; k++) {
      int sb = srcBit + k;
      if ((src.get(base + (sb >>> 3)) & (1 << (sb & 7))) != 0) {
        set(dst, dstBit + k);
      }
    }
  }

  /** Writes {@code n} bits of {@code src} (from bit 0; all ones when null) into {@code dst} at bit {@code at}. */
  static void copyInto(byte[] src, ArrowBuf dst, long at, int n) {
    if (n == 0) {
      return;
    }
    if ((at & 7) == 0) {
      int whole = n >>> 3;
      long byteAt = at >>> 3;
      if (src == null) {
        dst.setOne(byteAt, whole);
      } else {
        dst.setBytes(byteAt, src, 0, whole);
      }
      for (int k = whole << 3; k < n; k++) {
        setArrow(dst, at + k, src == null || get(src, k));
      }
      return;
    }
    for (int k = 0; k < n; k++) {
      setArrow(dst, at + k, src == null || get(src, k));
    }
  }

  static void setArrow(ArrowBuf buf, long i, boolean value) {
    long byteIndex = i >>> 3;
    byte b = buf.getByte(byteIndex);
    int mask = 1 << (i & 7);
    b = value ? (byte) (b | mask) : (byte) (b & ~mask);
    buf.setByte(byteIndex, b);
  }

  static int countSet(byte[] bits, int n) {
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (get(bits, i)) {
        c++;
      }
    }
    return c;
  }
}
