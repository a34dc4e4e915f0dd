package dev.lancelet.table;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Converts a column's values to another Arrow type, for {@link Dataset#castColumns}. The casts
 * are the ones Lance's {@code alter_columns} accepts, kept within one family: integer to integer,
 * float to float, string to string ({@code utf8}/{@code large_utf8}), binary to binary, decimal to
 * decimal, timestamp, date, time and duration to the same kind with another unit or time zone,
 * and lists ({@code list}/{@code large_list}, or {@code fixed_size_list} of the same size) whose
 * items cast so. A value that does not fit the new type (integer overflow, a decimal needing more
 * digits, a large string batch over 2 GiB) fails the cast; like Lance, converting to a coarser
 * time unit truncates toward zero and narrowing a float rounds to nearest. Unlike Lance, a decimal
 * that would need rounding and a 64-bit date or time outside the 32-bit range are errors, and
 * adding a time zone to a timestamp without one is refused.
 */
final class ColumnCast {
  private ColumnCast() {}

  /** A value could not be converted. */
  static final class CastFailure extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    CastFailure(String message) {
      super(message);
    }
  }

  /**
   * Why {@code from} cannot be cast to {@code to}, or null when it can. Same-type "casts" are not
   * casts and are refused by the caller.
   */
  static String refusal(Field from, Field to) {
    ArrowType a = from.getType();
    ArrowType b = to.getType();
    if (a instanceof ArrowType.Int && b instanceof ArrowType.Int) {
      return null;
    }
    if (a instanceof ArrowType.FloatingPoint && b instanceof ArrowType.FloatingPoint) {
      return null;
    }
    if (isString(a) && isString(b) || isBinary(a) && isBinary(b)) {
      return null;
    }
    if (a instanceof ArrowType.Decimal da && b instanceof ArrowType.Decimal db) {
      return da.getBitWidth() <= 256 && db.getBitWidth() <= 256 ? null : "unsupported decimal width";
    }
    if (a instanceof ArrowType.Interval || b instanceof ArrowType.Interval) {
      return "interval columns cannot be cast";
    }
    if (a instanceof ArrowType.Timestamp ta && b instanceof ArrowType.Timestamp tb && ta.getTimezone() == null
        && tb.getTimezone() != null) {
      return "giving a timestamp without time zone one would shift its values by that zone's offsets,"
          + " which Lancelet does not do (cast to a timestamp without time zone instead)";
    }
    if (temporalKind(a) != null && temporalKind(a).equals(temporalKind(b))) {
      return null;
    }
    if (temporalKind(a) != null && temporalKind(b) != null) {
      return "casts between " + temporalKind(a) + " and " + temporalKind(b) + " values are not supported";
    }
    boolean listA = a instanceof ArrowType.List || a instanceof ArrowType.LargeList;
    boolean listB = b instanceof ArrowType.List || b instanceof ArrowType.LargeList;
    if (listA && listB || a instanceof ArrowType.FixedSizeList fa && b instanceof ArrowType.FixedSizeList fb
        && fa.getListSize() == fb.getListSize()) {
      if (to.getChildren().size() != 1) {
        return "the new list type needs its item field";
      }
      Field ia = from.getChildren().get(0);
      Field ib = to.getChildren().get(0);
      if (ia.getType().equals(ib.getType()) && ia.getChildren().equals(ib.getChildren())) {
        return null;
      }
      return refusal(ia, ib);
    }
    if ((listA || a instanceof ArrowType.FixedSizeList) && (listB || b instanceof ArrowType.FixedSizeList)) {
      return "casts between fixed-size and variable-size lists (or fixed-size lists of another size) are not supported";
    }
    return "Lance only casts within a family of types (integer, float, string, binary, decimal, the same temporal"
        + " kind, lists of those)";
  }

  private static boolean isString(ArrowType t) {
    return t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8;
  }

  private static boolean isBinary(ArrowType t) {
    return t instanceof ArrowType.Binary || t instanceof ArrowType.LargeBinary;
  }

  private static String temporalKind(ArrowType t) {
    return switch (t.getTypeID()) {
      case Timestamp -> "timestamp";
      case Date -> "date";
      case Time -> "time";
      case Duration -> "duration";
      case Interval -> "interval";
      default -> null;
    };
  }

  /** Nanoseconds per stored unit of a temporal type. */
  private static long nanosPerUnit(ArrowType t) {
    if (t instanceof ArrowType.Date d) {
      return d.getUnit() == DateUnit.DAY ? 86_400_000_000_000L : 1_000_000L;
    }
    TimeUnit u = switch (t.getTypeID()) {
      case Timestamp -> ((ArrowType.Timestamp) t).getUnit();
      case Time -> ((ArrowType.Time) t).getUnit();
      case Duration -> ((ArrowType.Duration) t).getUnit();
      default -> throw new IllegalStateException("not a temporal type: " + t);
    };
    return switch (u) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  /**
   * {@code in}'s values as type {@code to} (field name and nullability from {@code to}) in a new
   * vector the caller closes.
   *
   * @throws CastFailure naming the value that does not fit
   */
  static FieldVector cast(FieldVector in, Field to, BufferAllocator allocator) {
    int n = in.getValueCount();
    FieldVector out = to.createVector(allocator);
    boolean ok = false;
    try {
      ArrowType a = in.getField().getType();
      ArrowType b = to.getType();
      if (a instanceof ArrowType.Int || temporalKind(a) != null) {
        castFixed(in, (BaseFixedWidthVector) out, n);
      } else if (a instanceof ArrowType.FloatingPoint) {
        castFloat(in, out, n);
      } else if (isString(a) || isBinary(a)) {
        castBytes(in, out, n);
      } else if (a instanceof ArrowType.Decimal) {
        castDecimal(in, out, (ArrowType.Decimal) b, n);
      } else if (in instanceof FixedSizeListVector fin) {
        FixedSizeListVector fout = (FixedSizeListVector) out;
        fout.setInitialCapacity(n);
        fout.allocateNew();
        try (FieldVector items = cast(fin.getDataVector(), to.getChildren().get(0), allocator)) {
          items.makeTransferPair(fout.getDataVector()).transfer();
        }
        for (int i = 0; i < n; i++) {
          if (fin.isNull(i)) {
            fout.setNull(i);
          } else {
            fout.setNotNull(i);
          }
        }
        fout.setValueCount(n);
      } else if (in instanceof ListVector || in instanceof LargeListVector) {
        castList(in, out, to, n, allocator);
      } else {
        throw new IllegalStateException("no cast from " + a + " to " + b);
      }
      ok = true;
      return out;
    } finally {
      if (!ok) {
        out.close();
      }
    }
  }

  // ------------------------------------------------------------------ integers and temporal values

  private static long readRaw(ArrowBuf data, int width, int i) {
    return switch (width) {
      case 1 -> data.getByte(i);
      case 2 -> data.getShort((long) i * 2);
      case 4 -> data.getInt((long) i * 4);
      default -> data.getLong((long) i * 8);
    };
  }

  private static void writeRaw(ArrowBuf data, int width, int i, long x) {
    switch (width) {
      case 1 -> data.setByte(i, (byte) x);
      case 2 -> data.setShort((long) i * 2, (short) x);
      case 4 -> data.setInt((long) i * 4, (int) x);
      default -> data.setLong((long) i * 8, x);
    }
  }

  private static void castFixed(FieldVector in, BaseFixedWidthVector out, int n) {
    ArrowType a = in.getField().getType();
    ArrowType b = out.getField().getType();
    out.setInitialCapacity(n);
    out.allocateNew();
    ArrowBuf src = in.getDataBuffer();
    ArrowBuf dst = out.getDataBuffer();
    int wa = ((BaseFixedWidthVector) in).getTypeWidth();
    int wb = out.getTypeWidth();
    boolean integers = a instanceof ArrowType.Int;
    boolean unsignedA = integers && !((ArrowType.Int) a).getIsSigned();
    long min;
    long max;
    boolean toUInt64 = false;
    if (b instanceof ArrowType.Int ib) {
      int bits = ib.getBitWidth();
      toUInt64 = !ib.getIsSigned() && bits == 64;
      min = ib.getIsSigned() ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : 0;
      max = ib.getIsSigned() ? (bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1)
          : (bits == 64 ? Long.MAX_VALUE : (1L << bits) - 1);
    } else {
      min = wb == 4 ? Integer.MIN_VALUE : Long.MIN_VALUE;
      max = wb == 4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
    }
    long from = integers ? 1 : nanosPerUnit(a);
    long to = integers ? 1 : nanosPerUnit(b);
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        continue;
      }
      long x = readRaw(src, wa, i);
      if (unsignedA && wa < 8) {
        x &= (1L << (wa * 8)) - 1;
      }
      if (unsignedA && wa == 8 && x < 0) {
        // a uint64 above Long.MAX_VALUE fits only a uint64
        if (!toUInt64) {
          throw new CastFailure("value " + Long.toUnsignedString(x) + " is out of range for " + b);
        }
      } else {
        if (from > to) {
          try {
            x = Math.multiplyExact(x, from / to);
          } catch (ArithmeticException e) {
            throw new CastFailure("value " + x + " overflows " + b);
          }
        } else if (from < to) {
          x = x / (to / from);
        }
        if (x < min || x > max) {
          throw new CastFailure("value " + x + " is out of range for " + b);
        }
      }
      writeRaw(dst, wb, i, x);
      BitVectorHelper.setBit(out.getValidityBuffer(), i);
    }
    out.setValueCount(n);
  }

  // ------------------------------------------------------------------ floats

  private static void castFloat(FieldVector in, FieldVector out, int n) {
    out.setInitialCapacity(n);
    out.allocateNew();
    FloatingPointPrecision p = ((ArrowType.FloatingPoint) out.getField().getType()).getPrecision();
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        continue;
      }
      double x = switch (in) {
        case Float2Vector v -> Float.float16ToFloat(v.get(i));
        case Float4Vector v -> v.get(i);
        case Float8Vector v -> v.get(i);
        default -> throw new IllegalStateException("not a float vector: " + in.getClass());
      };
      switch (p) {
        case HALF -> ((Float2Vector) out).set(i, halfOf(x));
        case SINGLE -> ((Float4Vector) out).set(i, (float) x);
        case DOUBLE -> ((Float8Vector) out).set(i, x);
      }
    }
    out.setValueCount(n);
  }

  /**
   * The half-precision value nearest to {@code x} (ties to even), without the double rounding a
   * plain {@code double -> float -> half} would do: the intermediate float is rounded to odd,
   * which keeps enough information for the second rounding to be exact.
   */
  static short halfOf(double x) {
    float f = (float) x;
    if (!Float.isNaN(f) && !Float.isInfinite(f) && (double) f != x && (Float.floatToRawIntBits(f) & 1) == 0) {
      f = (double) f > x ? Math.nextDown(f) : Math.nextUp(f);
    }
    return Float.floatToFloat16(f);
  }

  // ------------------------------------------------------------------ strings and binaries

  private static void castBytes(FieldVector in, FieldVector out, int n) {
    out.setInitialCapacity(n);
    out.allocateNew();
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        continue;
      }
      byte[] v = switch (in) {
        case BaseVariableWidthVector vv -> vv.get(i);
        case BaseLargeVariableWidthVector vv -> vv.get(i);
        default -> throw new IllegalStateException("not a variable-width vector: " + in.getClass());
      };
      if (out instanceof BaseVariableWidthVector o) {
        long end = (long) o.getStartOffset(i) + v.length;
        if (end > Integer.MAX_VALUE) {
          throw new CastFailure("the values of one batch exceed the 2 GiB a " + out.getField().getType()
              + " batch can hold");
        }
        o.setSafe(i, v);
      } else {
        ((BaseLargeVariableWidthVector) out).setSafe(i, v);
      }
    }
    out.setValueCount(n);
  }

  // ------------------------------------------------------------------ decimals

  private static void castDecimal(FieldVector in, FieldVector out, ArrowType.Decimal to, int n) {
    out.setInitialCapacity(n);
    out.allocateNew();
    BigInteger limit = BigInteger.TEN.pow(to.getPrecision());
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        continue;
      }
      BigDecimal v = in instanceof DecimalVector d ? d.getObject(i) : ((Decimal256Vector) in).getObject(i);
      BigDecimal w;
      try {
        w = v.setScale(to.getScale(), RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw new CastFailure("value " + v + " has more fractional digits than " + to
            + " keeps (Lancelet refuses to round)");
      }
      if (w.unscaledValue().abs().compareTo(limit) >= 0) {
        throw new CastFailure("value " + v + " does not fit " + to);
      }
      if (out instanceof DecimalVector o) {
        o.set(i, w);
      } else {
        ((Decimal256Vector) out).set(i, w);
      }
    }
    out.setValueCount(n);
  }

  // ------------------------------------------------------------------ lists

  private static void castList(FieldVector in, FieldVector out, Field to, int n, BufferAllocator allocator) {
    FieldVector items = in instanceof ListVector l ? l.getDataVector() : ((LargeListVector) in).getDataVector();
    out.setInitialCapacity(n);
    out.allocateNew();
    if (n == 0) {
      out.setValueCount(0);
      return;
    }
    try (FieldVector cast = cast(items, to.getChildren().get(0), allocator)) {
      if (out instanceof ListVector lo) {
        while (lo.getValueCapacity() < n) {
          lo.reAlloc();
        }
        for (int i = 0; i <= n; i++) {
          long off = offset(in, i);
          if (off > Integer.MAX_VALUE) {
            throw new CastFailure("the list items of one batch exceed the 2^31 a list can hold");
          }
          lo.getOffsetBuffer().setInt((long) i * ListVector.OFFSET_WIDTH, (int) off);
        }
        cast.makeTransferPair(lo.getDataVector()).transfer();
        copyValidity(in, lo.getValidityBuffer(), n);
        lo.setLastSet(n - 1);
        lo.setValueCount(n);
      } else {
        LargeListVector lo = (LargeListVector) out;
        while (lo.getValueCapacity() < n) {
          lo.reAlloc();
        }
        for (int i = 0; i <= n; i++) {
          lo.getOffsetBuffer().setLong((long) i * LargeListVector.OFFSET_WIDTH, offset(in, i));
        }
        cast.makeTransferPair(lo.getDataVector()).transfer();
        copyValidity(in, lo.getValidityBuffer(), n);
        lo.setLastSet(n - 1);
        lo.setValueCount(n);
      }
    }
  }

  private static long offset(FieldVector list, int i) {
    if (list instanceof ListVector l) {
      return l.getOffsetBuffer().getInt((long) i * ListVector.OFFSET_WIDTH);
    }
    return ((LargeListVector) list).getOffsetBuffer().getLong((long) i * LargeListVector.OFFSET_WIDTH);
  }

  private static void copyValidity(FieldVector in, ArrowBuf validity, int n) {
    for (int i = 0; i < n; i++) {
      BitVectorHelper.setValidityBit(validity, i, in.isNull(i) ? 0 : 1);
    }
  }
}
