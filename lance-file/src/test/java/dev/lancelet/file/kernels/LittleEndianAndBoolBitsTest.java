package dev.lancelet.file.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LittleEndianAndBoolBitsTest {
  private static final long SEED = System.nanoTime();

  @Test
  void readsMatchByteBuffer() {
    Random r = new Random(SEED);
    byte[] b = new byte[101];
    r.nextBytes(b);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off + 8 <= b.length; off++) {
      String ctx = "off=" + off + " seed=" + SEED;
      assertThat(LittleEndian.getShort(b, off)).as(ctx).isEqualTo(bb.getShort(off));
      assertThat(LittleEndian.getUnsignedShort(b, off)).as(ctx).isEqualTo(bb.getShort(off) & 0xFFFF);
      assertThat(LittleEndian.getInt(b, off)).as(ctx).isEqualTo(bb.getInt(off));
      assertThat(LittleEndian.getUnsignedInt(b, off)).as(ctx).isEqualTo(bb.getInt(off) & 0xFFFFFFFFL);
      assertThat(LittleEndian.getLong(b, off)).as(ctx).isEqualTo(bb.getLong(off));
      assertThat(LittleEndian.getUnsigned(b, off, 1)).as(ctx).isEqualTo(b[off] & 0xFFL);
    }
    byte[] w = new byte[16];
    LittleEndian.putLong(w, 3, 0x0102030405060708L);
    assertThat(w[3]).isEqualTo((byte) 8);
    assertThat(w[10]).isEqualTo((byte) 1);
    LittleEndian.putUnsigned(w, 0, 2, 0xABCD);
    assertThat(LittleEndian.getUnsignedShort(w, 0)).isEqualTo(0xABCD);
  }

  @Test
  void bulkRoundTrip() {
    Random r = new Random(SEED);
    int n = 97;
    long[] longs = r.longs(n).toArray();
    byte[] buf = new byte[n * 8 + 5];
    LittleEndian.writeLongs(longs, 0, buf, 5, n);
    long[] back = new long[n];
    LittleEndian.readLongs(buf, 5, back, 0, n);
    assertThat(back).as("seed=" + SEED).containsExactly(longs);
    int[] ints = r.ints(n).toArray();
    LittleEndian.writeInts(ints, 0, buf, 1, n);
    int[] iback = new int[n];
    LittleEndian.readInts(buf, 1, iback, 0, n);
    assertThat(iback).containsExactly(ints);
    short[] shorts = new short[n];
    for (int i = 0; i < n; i++) {
      shorts[i] = (short) r.nextInt();
    }
    LittleEndian.writeShorts(shorts, 0, buf, 0, n);
    short[] sback = new short[n];
    LittleEndian.readShorts(buf, 0, sback, 0, n);
    assertThat(sback).containsExactly(shorts);
  }

  @Test
  void boolBitsLsbFirst() {
    byte[] packed = new byte[1];
    boolean[] in = {true, false, false, false, false, false, false, true};
    BoolBits.pack(in, 0, 8, packed, 0);
    assertThat(packed[0]).isEqualTo((byte) 0x81);
    Random r = new Random(SEED);
    for (int n : new int[] {0, 1, 7, 8, 9, 63, 64, 65, 1021}) {
      boolean[] v = new boolean[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextBoolean();
      }
      byte[] p = new byte[BoolBits.bytesFor(n) + 1];
      BoolBits.pack(v, 0, n, p, 1);
      if ((n & 7) != 0) {
        assertThat(p[n / 8 + 1] >>> (n & 7)).as("padding bits zero, n=" + n).isZero();
      }
      for (int start = 0; start <= Math.min(n, 9); start++) {
        boolean[] back = new boolean[n - start];
        BoolBits.unpack(p, 1, start, back, 0, n - start);
        for (int i = 0; i < n - start; i++) {
          assertThat(back[i]).as("n=%d start=%d i=%d seed=%d", n, start, i, SEED).isEqualTo(v[start + i]);
        }
      }
    }
  }
}
