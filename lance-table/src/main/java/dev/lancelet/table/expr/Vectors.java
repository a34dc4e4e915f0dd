package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Col.BoolCol;
import dev.lancelet.table.expr.Col.BytesCol;
import dev.lancelet.table.expr.Col.DecimalCol;
import dev.lancelet.table.expr.Col.DoubleCol;
import dev.lancelet.table.expr.Col.LongCol;
import dev.lancelet.table.expr.Col.NullCol;
import java.math.BigDecimal;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** Moves values between Arrow vectors and {@link Col}s, one bulk pass per column. */
final class Vectors {
  private Vectors() {}

  /** The validity of {@code v} as 64-bit words, or {@code null} when it has no nulls. */
  static long[] validity(ValueVector v, int n) {
    if (v.getNullCount() == 0) {
      return null;
    }
    long[] r = new long[Col.words(n)];
    if (v instanceof NullVector) {
      return r;
    }
    if (v instanceof FieldVector fv && fv.getValidityBuffer() != null
        && fv.getValidityBuffer().capacity() >= (n + 7) / 8) {
      ArrowBuf vb = fv.getValidityBuffer();
      int bytes = (n + 7) >>> 3;
      for (int b = 0; b < bytes; b++) {
        r[b >>> 3] |= (vb.getByte(b) & 0xFFL) << ((b & 7) * 8);
      }
      Col.clearTail(r, n);
      return r;
    }
    for (int i = 0; i < n; i++) {
      if (!v.isNull(i)) {
        Col.set(r, i);
      }
    }
    return r;
  }

  /** Reads the first {@code n} rows of {@code v} (of a supported scalar type) into a column. */
  static Col read(ValueVector v, ArrowType type, long[] parentValid, int n) {
    long[] valid = Col.andValid(validity(v, n), parentValid);
    switch (Types.domain(type)) {
      case LONG -> {
        long[] r = new long[n];
        ArrowBuf buf = ((BaseFixedWidthVector) v).getDataBuffer();
        if (v instanceof TinyIntVector) {
          for (int i = 0; i < n; i++) {
            r[i] = buf.getByte(i);
          }
        } else if (v instanceof UInt1Vector) {
          for (int i = 0; i < n; i++) {
            r[i] = buf.getByte(i) & 0xFFL;
          }
        } else if (v instanceof SmallIntVector) {
          for (int i = 0; i < n; i++) {
            r[i] = buf.getShort(2L * i);
          }
        } else if (v instanceof UInt2Vector) {
          for (int i = 0; i < n; i++) {
            r[i] = buf.getShort(2L * i) & 0xFFFFL;
          }
        } else if (v instanceof IntVector || v instanceof DateDayVector) {
          int[] tmp = new int[n];
          bytes(buf, 4L * n).asIntBuffer().get(tmp);
          for (int i = 0; i < n; i++) {
            r[i] = tmp[i];
          }
        } else if (v instanceof UInt4Vector) {
          int[] tmp = new int[n];
          bytes(buf, 4L * n).asIntBuffer().get(tmp);
          for (int i = 0; i < n; i++) {
            r[i] = tmp[i] & 0xFFFF_FFFFL;
          }
        } else if (v instanceof BigIntVector || v instanceof UInt8Vector || v instanceof DateMilliVector
            || v instanceof TimeStampVector) {
          bytes(buf, 8L * n).asLongBuffer().get(r);
        } else {
          throw unsupported(v);
        }
        return new LongCol(type, r, valid, n, false);
      }
      case DOUBLE -> {
        double[] r = new double[n];
        ArrowBuf buf = ((BaseFixedWidthVector) v).getDataBuffer();
        if (v instanceof Float8Vector) {
          bytes(buf, 8L * n).asDoubleBuffer().get(r);
        } else if (v instanceof Float4Vector) {
          float[] tmp = new float[n];
          bytes(buf, 4L * n).asFloatBuffer().get(tmp);
          for (int i = 0; i < n; i++) {
            r[i] = tmp[i];
          }
        } else if (v instanceof Float2Vector) {
          for (int i = 0; i < n; i++) {
            r[i] = Float16.toFloat(buf.getShort(2L * i));
          }
        } else {
          throw unsupported(v);
        }
        return new DoubleCol(type, r, valid, n, false);
      }
      case DECIMAL -> {
        DecimalVector dv = (DecimalVector) v;
        BigDecimal[] r = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
          if (valid == null || Col.bit(valid, i)) {
            r[i] = dv.getObject(i);
          }
        }
        return new DecimalCol(type, r, n, false);
      }
      case BOOL -> {
        ArrowBuf buf = ((BitVector) v).getDataBuffer();
        long[] bits = new long[Col.words(n)];
        for (int i = 0; i < n; i++) {
          if ((buf.getByte(i >>> 3) & (1 << (i & 7))) != 0) {
            Col.set(bits, i);
          }
        }
        long[] t = new long[bits.length];
        long[] f = new long[bits.length];
        for (int w = 0; w < bits.length; w++) {
          long ok = valid == null ? -1L : valid[w];
          t[w] = bits[w] & ok;
          f[w] = ~bits[w] & ok;
        }
        Col.clearTail(f, n);
        return new BoolCol(t, f, n, false);
      }
      case BYTES -> {
        return readBytes(v, type, valid, n);
      }
      case NULL -> {
        return new NullCol(type, n, false);
      }
      default -> throw unsupported(v);
    }
  }

  /** The first {@code length} bytes of a buffer as a little-endian NIO view (no copy). */
  private static java.nio.ByteBuffer bytes(ArrowBuf buf, long length) {
    if (length > buf.capacity()) {
      throw new ExpressionException("Vector data buffer holds " + buf.capacity() + " bytes, fewer than its "
          + "value count needs (" + length + ")", null, -1);
    }
    return buf.nioBuffer(0, (int) length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  private static BytesCol readBytes(ValueVector v, ArrowType type, long[] valid, int n) {
    int[] off = new int[n + 1];
    byte[] data;
    if (v instanceof BaseVariableWidthVector bv) {
      ArrowBuf ob = bv.getOffsetBuffer();
      int start = n == 0 ? 0 : ob.getInt(0);
      int end = n == 0 ? 0 : ob.getInt(4L * n);
      for (int i = 0; i <= n; i++) {
        off[i] = ob.getInt(4L * i) - start;
      }
      data = new byte[end - start];
      bv.getDataBuffer().getBytes(start, data);
    } else if (v instanceof BaseLargeVariableWidthVector bv) {
      ArrowBuf ob = bv.getOffsetBuffer();
      long start = n == 0 ? 0 : ob.getLong(0);
      long end = n == 0 ? 0 : ob.getLong(8L * n);
      if (end - start > Integer.MAX_VALUE - 16) {
        throw new ExpressionException("Column " + v.getName() + " holds more than 2 GiB of values in one batch; "
            + "use smaller batches to evaluate expressions on it", null, -1);
      }
      for (int i = 0; i <= n; i++) {
        off[i] = (int) (ob.getLong(8L * i) - start);
      }
      data = new byte[(int) (end - start)];
      bv.getDataBuffer().getBytes(start, data);
    } else if (v instanceof FixedSizeBinaryVector fv) {
      int w = fv.getByteWidth();
      data = new byte[Math.multiplyExact(w, n)];
      fv.getDataBuffer().getBytes(0, data);
      for (int i = 0; i <= n; i++) {
        off[i] = i * w;
      }
    } else {
      throw unsupported(v);
    }
    return new BytesCol(type, data, off, valid, n, false);
  }

  private static ExpressionException unsupported(ValueVector v) {
    return new ExpressionException("Column " + v.getName() + " has vector class " + v.getClass().getSimpleName()
        + " which expressions cannot read", null, -1);
  }

  /** Writes {@code c} (whose type must be a writable type) into a new vector named {@code name}. */
  static FieldVector write(Col c, String name, boolean nullable, BufferAllocator allocator) {
    Field field = new Field(name, new org.apache.arrow.vector.types.pojo.FieldType(nullable, c.type, null), null);
    FieldVector out = field.createVector(allocator);
    boolean ok = false;
    try {
      int n = c.n;
      if (out instanceof NullVector nv) {
        nv.setValueCount(n);
        ok = true;
        return out;
      }
      out.setInitialCapacity(n);
      out.allocateNew();
      if (c instanceof NullCol) {
        for (int i = 0; i < n; i++) {
          setNull(out, i);
        }
      } else if (c instanceof LongCol lc) {
        writeLongs(lc, out);
      } else if (c instanceof DoubleCol dc) {
        for (int i = 0; i < n; i++) {
          if (dc.isNull(i)) {
            setNull(out, i);
          } else if (out instanceof Float8Vector fv) {
            fv.set(i, dc.v[i]);
          } else if (out instanceof Float4Vector fv) {
            fv.set(i, (float) dc.v[i]);
          } else {
            ((Float2Vector) out).set(i, Float16.toFloat16((float) dc.v[i]));
          }
        }
      } else if (c instanceof DecimalCol dc) {
        DecimalVector dv = (DecimalVector) out;
        for (int i = 0; i < n; i++) {
          if (dc.v[i] == null) {
            dv.setNull(i);
          } else {
            dv.set(i, dc.v[i]);
          }
        }
      } else if (c instanceof BoolCol bc) {
        BitVector bv = (BitVector) out;
        for (int i = 0; i < n; i++) {
          if (bc.isNull(i)) {
            bv.setNull(i);
          } else {
            bv.set(i, bc.isTrue(i) ? 1 : 0);
          }
        }
      } else if (c instanceof BytesCol bc) {
        for (int i = 0; i < n; i++) {
          if (bc.isNull(i)) {
            setNull(out, i);
          } else if (out instanceof VarCharVector vv) {
            vv.setSafe(i, bc.data, bc.off[i], bc.off[i + 1] - bc.off[i]);
          } else if (out instanceof LargeVarCharVector vv) {
            vv.setSafe(i, bc.data, bc.off[i], bc.off[i + 1] - bc.off[i]);
          } else if (out instanceof VarBinaryVector vv) {
            vv.setSafe(i, bc.data, bc.off[i], bc.off[i + 1] - bc.off[i]);
          } else if (out instanceof LargeVarBinaryVector vv) {
            vv.setSafe(i, bc.data, bc.off[i], bc.off[i + 1] - bc.off[i]);
          } else {
            throw new ExpressionException("Cannot write values of type " + c.type + " to a vector", null, -1);
          }
        }
      }
      out.setValueCount(n);
      ok = true;
      return out;
    } finally {
      if (!ok) {
        out.close();
      }
    }
  }

  private static void writeLongs(LongCol lc, FieldVector out) {
    int n = lc.n;
    long[] v = lc.v;
    for (int i = 0; i < n; i++) {
      if (lc.isNull(i)) {
        setNull(out, i);
        continue;
      }
      long x = v[i];
      if (out instanceof BigIntVector o) {
        o.set(i, x);
      } else if (out instanceof IntVector o) {
        o.set(i, (int) x);
      } else if (out instanceof SmallIntVector o) {
        o.set(i, (short) x);
      } else if (out instanceof TinyIntVector o) {
        o.set(i, (byte) x);
      } else if (out instanceof UInt8Vector o) {
        o.set(i, x);
      } else if (out instanceof UInt4Vector o) {
        o.set(i, (int) x);
      } else if (out instanceof UInt2Vector o) {
        o.set(i, (char) x);
      } else if (out instanceof UInt1Vector o) {
        o.set(i, (byte) x);
      } else if (out instanceof DateDayVector o) {
        o.set(i, (int) x);
      } else if (out instanceof DateMilliVector o) {
        o.set(i, x);
      } else if (out instanceof TimeStampVector o) {
        o.set(i, x);
      } else {
        throw new ExpressionException("Cannot write values of type " + lc.type + " to a vector", null, -1);
      }
    }
  }

  private static void setNull(FieldVector out, int i) {
    if (out instanceof BaseFixedWidthVector f) {
      f.setNull(i);
    } else if (out instanceof BaseVariableWidthVector v) {
      v.setNull(i);
    } else if (out instanceof BaseLargeVariableWidthVector v) {
      v.setNull(i);
    } else {
      throw new ExpressionException("Cannot write nulls to a " + out.getClass().getSimpleName(), null, -1);
    }
  }
}
