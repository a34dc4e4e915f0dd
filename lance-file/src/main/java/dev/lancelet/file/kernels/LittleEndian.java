package dev.lancelet.file.kernels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian reads and writes of 16/32/64-bit values at arbitrary (unaligned) byte offsets of
 * a {@code byte[]}, through {@link MethodHandles#byteArrayViewVarHandle} views, plus bulk copies
 * between {@code byte[]} and primitive arrays.
 *
 * <p>Every Lance buffer is little-endian. Out-of-range offsets throw {@link
 * IndexOutOfBoundsException}; callers validate lengths read from disk first.
 */
public final class LittleEndian {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private LittleEndian() {}

  /** Reads a signed 16-bit value at byte offset {@code off}. */
  public static short getShort(byte[] b, int off) {
    return (short) SHORT.get(b, off);
  }

  /** Reads an unsigned 16-bit value at byte offset {@code off}, zero-extended to an int. */
  public static int getUnsignedShort(byte[] b, int off) {
    return ((short) SHORT.get(b, off)) & 0xFFFF;
  }

  /** Reads a 32-bit value at byte offset {@code off}. */
  public static int getInt(byte[] b, int off) {
    return (int) INT.get(b, off);
  }

  /** Reads an unsigned 32-bit value at byte offset {@code off}, zero-extended to a long. */
  public static long getUnsignedInt(byte[] b, int off) {
    return ((int) INT.get(b, off)) & 0xFFFF_FFFFL;
  }

  /** Reads a 64-bit value at byte offset {@code off}. */
  public static long getLong(byte[] b, int off) {
    return (long) LONG.get(b, off);
  }

  /** Reads a 32-bit IEEE float at byte offset {@code off}. */
  public static float getFloat(byte[] b, int off) {
    return Float.intBitsToFloat((int) INT.get(b, off));
  }

  /** Reads a 64-bit IEEE double at byte offset {@code off}. */
  public static double getDouble(byte[] b, int off) {
    return Double.longBitsToDouble((long) LONG.get(b, off));
  }

  /** Writes the low 16 bits of {@code v} at byte offset {@code off}. */
  public static void putShort(byte[] b, int off, int v) {
    SHORT.set(b, off, (short) v);
  }

  /** Writes {@code v} at byte offset {@code off}. */
  public static void putInt(byte[] b, int off, int v) {
    INT.set(b, off, v);
  }

  /** Writes {@code v} at byte offset {@code off}. */
  public static void putLong(byte[] b, int off, long v) {
    LONG.set(b, off, v);
  }

  /** Writes {@code v} at byte offset {@code off}. */
  public static void putFloat(byte[] b, int off, float v) {
    INT.set(b, off, Float.floatToRawIntBits(v));
  }

  /** Writes {@code v} at byte offset {@code off}. */
  public static void putDouble(byte[] b, int off, double v) {
    LONG.set(b, off, Double.doubleToRawLongBits(v));
  }

  /**
   * Reads an unsigned little-endian integer of {@code width} bytes (1, 2, 4 or 8) at {@code off}.
   * A width of 8 returns the raw 64 bits.
   */
  public static long getUnsigned(byte[] b, int off, int width) {
    return switch (width) {
      case 1 -> b[off] & 0xFFL;
      case 2 -> getUnsignedShort(b, off);
      case 4 -> getUnsignedInt(b, off);
      case 8 -> getLong(b, off);
      default -> throw new IllegalArgumentException("Width must be 1, 2, 4 or 8 bytes, got " + width);
    };
  }

  /** Writes the low {@code width} bytes (1, 2, 4 or 8) of {@code v} at {@code off}. */
  public static void putUnsigned(byte[] b, int off, int width, long v) {
    switch (width) {
      case 1 -> b[off] = (byte) v;
      case 2 -> putShort(b, off, (int) v);
      case 4 -> putInt(b, off, (int) v);
      case 8 -> putLong(b, off, v);
      default -> throw new IllegalArgumentException("Width must be 1, 2, 4 or 8 bytes, got " + width);
    }
  }

  /** Copies {@code n} 16-bit values from {@code src[srcOff..]} (bytes) into {@code dst[dstOff..]}. */
  public static void readShorts(byte[] src, int srcOff, short[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = (short) SHORT.get(src, srcOff + 2 * i);
    }
  }

  /** Copies {@code n} 32-bit values from {@code src[srcOff..]} (bytes) into {@code dst[dstOff..]}. */
  public static void readInts(byte[] src, int srcOff, int[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = (int) INT.get(src, srcOff + 4 * i);
    }
  }

  /** Copies {@code n} 64-bit values from {@code src[srcOff..]} (bytes) into {@code dst[dstOff..]}. */
  public static void readLongs(byte[] src, int srcOff, long[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = (long) LONG.get(src, srcOff + 8 * i);
    }
  }

  /** Writes {@code n} 16-bit values from {@code src[srcOff..]} as bytes at {@code dst[dstOff..]}. */
  public static void writeShorts(short[] src, int srcOff, byte[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      SHORT.set(dst, dstOff + 2 * i, src[srcOff + i]);
    }
  }

  /** Writes {@code n} 32-bit values from {@code src[srcOff..]} as bytes at {@code dst[dstOff..]}. */
  public static void writeInts(int[] src, int srcOff, byte[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      INT.set(dst, dstOff + 4 * i, src[srcOff + i]);
    }
  }

  /** Writes {@code n} 64-bit values from {@code src[srcOff..]} as bytes at {@code dst[dstOff..]}. */
  public static void writeLongs(long[] src, int srcOff, byte[] dst, int dstOff, int n) {
    for (int i = 0; i < n; i++) {
      LONG.set(dst, dstOff + 8 * i, src[srcOff + i]);
    }
  }
}
