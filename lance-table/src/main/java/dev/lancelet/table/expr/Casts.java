package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Col.BoolCol;
import dev.lancelet.table.expr.Col.BytesCol;
import dev.lancelet.table.expr.Col.DecimalCol;
import dev.lancelet.table.expr.Col.DoubleCol;
import dev.lancelet.table.expr.Col.LongCol;
import dev.lancelet.table.expr.Col.NullCol;
import dev.lancelet.table.expr.Types.Domain;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Conversions between types, used by CAST, by the implicit coercions that make both sides of an
 * operator the same type, and by {@code Expression#castTo}. Failures (overflow, unparsable
 * text, a value that does not fit a decimal) throw {@link CastFailure} with the row's value.
 */
final class Casts {
  private Casts() {}

  static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A value could not be converted; the caller adds the expression and position. */
  static final class CastFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CastFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** True if values can be written into vectors of this type. */
  static boolean writable(ArrowType t) {
    return switch (Types.domain(t)) {
      case BOOL, LONG, DOUBLE, DECIMAL, NULL -> true;
      case BYTES -> !(t instanceof ArrowType.FixedSizeBinary);
      default -> false;
    };
  }

  /** True if {@link #cast} supports converting {@code from} to {@code to}. */
  static boolean canCast(ArrowType from, ArrowType to) {
    if (from.equals(to)) {
      return true;
    }
    Domain f = Types.domain(from);
    if (!writable(to) || f == Domain.OTHER) {
      return false;
    }
    if (f == Domain.NULL) {
      return true;
    }
    boolean fromTemporal = Types.isTemporal(from);
    boolean toTemporal = Types.isTemporal(to);
    if (Types.isString(to)) {
      return true;
    }
    if (Types.isBinary(to)) {
      return Types.isString(from) || Types.isBinary(from);
    }
    if (Types.isBinary(from)) {
      return false;
    }
    if (toTemporal) {
      return fromTemporal || Types.isInteger(from) || Types.isString(from);
    }
    if (fromTemporal) {
      return Types.isInteger(to);
    }
    return true; // bool, integer, float, decimal and string convert among each other
  }

  static Col cast(Col c, ArrowType to) {
    if (c.type.equals(to)) {
      return c;
    }
    int n = c.n;
    if (c instanceof NullCol) {
      return nulls(to, n, c.scalar);
    }
    return switch (Types.domain(to)) {
      case NULL -> new NullCol(to, n, c.scalar);
      case LONG -> Types.isTemporal(to) ? toTemporal(c, to) : toInteger(c, (ArrowType.Int) to);
      case DOUBLE -> toDouble(c, to);
      case DECIMAL -> toDecimal(c, (ArrowType.Decimal) to);
      case BOOL -> toBool(c);
      case BYTES -> toBytes(c, to);
      default -> throw new CastFailure("Cannot convert " + c.type + " to " + to);
    };
  }

  /** A column of {@code n} NULLs of type {@code t}, in that type's working representation. */
  static Col nulls(ArrowType t, int n, boolean scalar) {
    long[] none = new long[Col.words(n)];
    return switch (Types.domain(t)) {
      case LONG -> new LongCol(t, new long[n], none, n, scalar);
      case DOUBLE -> new DoubleCol(t, new double[n], none, n, scalar);
      case DECIMAL -> new DecimalCol(t, new BigDecimal[n], n, scalar);
      case BOOL -> new BoolCol(new long[Col.words(n)], new long[Col.words(n)], n, scalar);
      case BYTES -> new BytesCol(t, new byte[0], new int[n + 1], none, n, scalar);
      default -> new NullCol(t, n, scalar);
    };
  }

  // ------------------------------------------------------------------ to integer

  static long minOf(ArrowType.Int t) {
    return t.getIsSigned() ? -(1L << (t.getBitWidth() - 1)) : 0;
  }

  /** Maximum of an integer type; for UInt64 this is -1 (all bits set) and callers check separately. */
  static long maxOf(ArrowType.Int t) {
    if (t.getBitWidth() == 64) {
      return t.getIsSigned() ? Long.MAX_VALUE : -1L;
    }
    return t.getIsSigned() ? (1L << (t.getBitWidth() - 1)) - 1 : (1L << t.getBitWidth()) - 1;
  }

  private static void checkRange(long x, boolean srcUnsigned64, ArrowType.Int to, Object shown) {
    if (Types.isUInt64(to)) {
      if (x < 0 && !srcUnsigned64) {
        throw new CastFailure("Value " + shown + " is out of range for " + Types.sqlName(to));
      }
      return;
    }
    if ((srcUnsigned64 && x < 0) || x < minOf(to) || x > maxOf(to)) {
      throw new CastFailure("Value " + shown + " is out of range for " + Types.sqlName(to));
    }
  }

  private static Col toInteger(Col c, ArrowType.Int to) {
    int n = c.n;
    long[] r = new long[n];
    long[] valid;
    if (c instanceof LongCol lc) {
      valid = lc.valid;
      boolean u = lc.unsigned64();
      for (int i = 0; i < n; i++) {
        if (!lc.isNull(i)) {
          long x = lc.v[i];
          checkRange(x, u, to, u ? Long.toUnsignedString(x) : x);
          r[i] = x;
        }
      }
    } else if (c instanceof DoubleCol dc) {
      valid = dc.valid;
      for (int i = 0; i < n; i++) {
        if (!dc.isNull(i)) {
          r[i] = fromBig(toBigInteger(dc.v[i], to), to);
        }
      }
    } else if (c instanceof DecimalCol dc) {
      valid = validOf(dc);
      for (int i = 0; i < n; i++) {
        if (dc.v[i] != null) {
          r[i] = fromBig(dc.v[i].setScale(0, RoundingMode.DOWN).toBigInteger(), to);
        }
      }
    } else if (c instanceof BoolCol bc) {
      valid = validOf(bc);
      for (int i = 0; i < n; i++) {
        r[i] = bc.isTrue(i) ? 1 : 0;
      }
    } else if (c instanceof BytesCol bc && Types.isString(bc.type)) {
      valid = bc.valid;
      for (int i = 0; i < n; i++) {
        if (!bc.isNull(i)) {
          String s = utf8(bc, i).trim();
          try {
            r[i] = fromBig(new BigInteger(s.startsWith("+") ? s.substring(1) : s), to);
          } catch (NumberFormatException e) {
            throw new CastFailure("Cannot convert '" + s + "' to " + Types.sqlName(to));
          }
        }
      }
    } else {
      throw new CastFailure("Cannot convert " + c.type + " to " + Types.sqlName(to));
    }
    return new LongCol(to, r, valid, n, c.scalar);
  }

  private static BigInteger toBigInteger(double d, ArrowType to) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new CastFailure("Value " + d + " cannot be converted to " + Types.sqlName(to));
    }
    return new BigDecimal(d).setScale(0, RoundingMode.DOWN).toBigInteger();
  }

  private static long fromBig(BigInteger b, ArrowType.Int to) {
    BigInteger min = BigInteger.valueOf(minOf(to));
    BigInteger max = Types.isUInt64(to) ? UINT64_MAX : BigInteger.valueOf(maxOf(to));
    if (b.compareTo(min) < 0 || b.compareTo(max) > 0) {
      throw new CastFailure("Value " + b + " is out of range for " + Types.sqlName(to));
    }
    return b.longValue();
  }

  static long[] validOf(DecimalCol c) {
    long[] v = new long[Col.words(c.n)];
    for (int i = 0; i < c.n; i++) {
      if (c.v[i] != null) {
        Col.set(v, i);
      }
    }
    return v;
  }

  static long[] validOf(BoolCol c) {
    long[] v = new long[c.t.length];
    for (int w = 0; w < v.length; w++) {
      v[w] = c.t[w] | c.f[w];
    }
    return v;
  }

  // ------------------------------------------------------------------ to temporal

  private static Col toTemporal(Col c, ArrowType to) {
    int n = c.n;
    long[] r = new long[n];
    if (c instanceof LongCol lc && Types.isTemporal(lc.type)) {
      long from = Types.nanosPerUnit(lc.type);
      long unit = Types.nanosPerUnit(to);
      for (int i = 0; i < n; i++) {
        if (!lc.isNull(i)) {
          r[i] = rescale(lc.v[i], from, unit, to);
        }
      }
      return new LongCol(to, r, lc.valid, n, c.scalar);
    }
    if (c instanceof LongCol lc) {
      for (int i = 0; i < n; i++) {
        if (!lc.isNull(i)) {
          long x = lc.v[i];
          if (lc.unsigned64() && x < 0 || to instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY
              && (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE)) {
            throw new CastFailure("Value " + x + " is out of range for " + Types.sqlName(to));
          }
          r[i] = x;
        }
      }
      return new LongCol(to, r, lc.valid, n, c.scalar);
    }
    if (c instanceof BytesCol bc && Types.isString(bc.type)) {
      for (int i = 0; i < n; i++) {
        if (!bc.isNull(i)) {
          r[i] = parseTemporal(utf8(bc, i), to);
        }
      }
      return new LongCol(to, r, bc.valid, n, c.scalar);
    }
    throw new CastFailure("Cannot convert " + c.type + " to " + Types.sqlName(to));
  }

  /** Converts a value counted in units of {@code from} ns to units of {@code to} ns (floor). */
  static long rescale(long x, long from, long to, ArrowType target) {
    if (from == to) {
      return x;
    }
    if (from > to) {
      try {
        return Math.multiplyExact(x, from / to);
      } catch (ArithmeticException e) {
        throw new CastFailure("Value " + x + " does not fit " + Types.sqlName(target));
      }
    }
    long r = Math.floorDiv(x, to / from);
    if (target instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY
        && (r < Integer.MIN_VALUE || r > Integer.MAX_VALUE)) {
      throw new CastFailure("Value " + x + " does not fit " + Types.sqlName(target));
    }
    return r;
  }

  /** Parses a date or timestamp literal into the stored value of {@code to}. */
  static long parseTemporal(String text, ArrowType to) {
    String s = text.trim();
    try {
      if (to instanceof ArrowType.Date d) {
        long day = (s.length() > 10 ? LocalDateTime.parse(s.replace(' ', 'T')).toLocalDate() : LocalDate.parse(s))
            .toEpochDay();
        if (d.getUnit() == DateUnit.DAY) {
          if (day < Integer.MIN_VALUE || day > Integer.MAX_VALUE) {
            throw new CastFailure("Date '" + text + "' is out of range");
          }
          return day;
        }
        return Math.multiplyExact(day, 86_400_000L);
      }
      Instant instant;
      if (s.length() <= 10) {
        instant = LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
      } else {
        String iso = s.replaceFirst(" ", "T").replace(" ", "").toUpperCase(Locale.ROOT);
        try {
          instant = OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
          instant = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
        }
      }
      long unit = Types.nanosPerUnit(to);
      long perSecond = 1_000_000_000L / unit;
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), perSecond), instant.getNano() / unit);
    } catch (DateTimeParseException e) {
      throw new CastFailure("Cannot read '" + text + "' as " + Types.sqlName(to)
          + " (expected YYYY-MM-DD" + (to instanceof ArrowType.Date ? "" : "[ HH:MM[:SS[.fffffffff]]][Z|+HH:MM]") + ")");
    } catch (ArithmeticException e) {
      throw new CastFailure("Value '" + text + "' is out of range for " + Types.sqlName(to));
    }
  }

  static String formatTemporal(long x, ArrowType t) {
    if (t instanceof ArrowType.Date d) {
      long day = d.getUnit() == DateUnit.DAY ? x : Math.floorDiv(x, 86_400_000L);
      return LocalDate.ofEpochDay(day).toString();
    }
    long unit = Types.nanosPerUnit(t);
    long perSecond = 1_000_000_000L / unit;
    long sec = Math.floorDiv(x, perSecond);
    long nanos = Math.floorMod(x, perSecond) * unit;
    LocalDateTime dt = LocalDateTime.ofEpochSecond(sec, (int) nanos, ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder();
    sb.append(dt.toLocalDate()).append(' ');
    sb.append(String.format(Locale.ROOT, "%02d:%02d:%02d", dt.getHour(), dt.getMinute(), dt.getSecond()));
    int digits = switch ((int) Math.log10((double) perSecond)) {
      case 0 -> 0;
      case 3 -> 3;
      case 6 -> 6;
      default -> 9;
    };
    if (digits > 0) {
      String frac = String.format(Locale.ROOT, "%09d", nanos).substring(0, digits);
      sb.append('.').append(frac);
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ to floating point

  private static Col toDouble(Col c, ArrowType to) {
    int n = c.n;
    double[] r = new double[n];
    long[] valid;
    if (c instanceof LongCol lc) {
      valid = lc.valid;
      boolean u = lc.unsigned64();
      for (int i = 0; i < n; i++) {
        long x = lc.v[i];
        r[i] = u && x < 0 ? ((double) ((x >>> 1) | (x & 1))) * 2.0 : (double) x;
      }
    } else if (c instanceof DoubleCol dc) {
      valid = dc.valid;
      System.arraycopy(dc.v, 0, r, 0, n);
    } else if (c instanceof DecimalCol dc) {
      valid = validOf(dc);
      for (int i = 0; i < n; i++) {
        if (dc.v[i] != null) {
          r[i] = dc.v[i].doubleValue();
        }
      }
    } else if (c instanceof BoolCol bc) {
      valid = validOf(bc);
      for (int i = 0; i < n; i++) {
        r[i] = bc.isTrue(i) ? 1 : 0;
      }
    } else if (c instanceof BytesCol bc && Types.isString(bc.type)) {
      valid = bc.valid;
      for (int i = 0; i < n; i++) {
        if (!bc.isNull(i)) {
          String s = utf8(bc, i).trim();
          try {
            r[i] = switch (s.toLowerCase(Locale.ROOT)) {
              case "nan" -> Double.NaN;
              case "inf", "infinity", "+inf", "+infinity" -> Double.POSITIVE_INFINITY;
              case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
              default -> {
                if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                  throw new NumberFormatException(s);
                }
                yield Double.parseDouble(s);
              }
            };
          } catch (NumberFormatException e) {
            throw new CastFailure("Cannot convert '" + s + "' to " + Types.sqlName(to));
          }
        }
      }
    } else {
      throw new CastFailure("Cannot convert " + c.type + " to " + Types.sqlName(to));
    }
    FloatingPointPrecision p = ((ArrowType.FloatingPoint) to).getPrecision();
    if (p == FloatingPointPrecision.SINGLE) {
      for (int i = 0; i < n; i++) {
        r[i] = (float) r[i];
      }
    } else if (p == FloatingPointPrecision.HALF) {
      for (int i = 0; i < n; i++) {
        r[i] = Float16.toFloat(Float16.toFloat16((float) r[i]));
      }
    }
    return new DoubleCol(to, r, valid, n, c.scalar);
  }

  // ------------------------------------------------------------------ to decimal

  static BigDecimal fit(BigDecimal v, ArrowType.Decimal to) {
    BigDecimal r = v.setScale(to.getScale(), RoundingMode.HALF_UP);
    if (r.precision() - r.scale() > to.getPrecision() - to.getScale()) {
      throw new CastFailure("Value " + v.toPlainString() + " does not fit " + Types.sqlName(to));
    }
    return r;
  }

  private static Col toDecimal(Col c, ArrowType.Decimal to) {
    int n = c.n;
    BigDecimal[] r = new BigDecimal[n];
    if (c instanceof LongCol lc && !Types.isTemporal(lc.type)) {
      boolean u = lc.unsigned64();
      for (int i = 0; i < n; i++) {
        if (!lc.isNull(i)) {
          long x = lc.v[i];
          r[i] = fit(u && x < 0 ? new BigDecimal(new BigInteger(Long.toUnsignedString(x))) : BigDecimal.valueOf(x), to);
        }
      }
    } else if (c instanceof DoubleCol dc) {
      for (int i = 0; i < n; i++) {
        if (!dc.isNull(i)) {
          double d = dc.v[i];
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new CastFailure("Value " + d + " cannot be converted to " + Types.sqlName(to));
          }
          r[i] = fit(new BigDecimal(Double.toString(d)), to);
        }
      }
    } else if (c instanceof DecimalCol dc) {
      for (int i = 0; i < n; i++) {
        if (dc.v[i] != null) {
          r[i] = fit(dc.v[i], to);
        }
      }
    } else if (c instanceof BoolCol bc) {
      for (int i = 0; i < n; i++) {
        if (!bc.isNull(i)) {
          r[i] = fit(bc.isTrue(i) ? BigDecimal.ONE : BigDecimal.ZERO, to);
        }
      }
    } else if (c instanceof BytesCol bc && Types.isString(bc.type)) {
      for (int i = 0; i < n; i++) {
        if (!bc.isNull(i)) {
          String s = utf8(bc, i).trim();
          try {
            r[i] = fit(new BigDecimal(s), to);
          } catch (NumberFormatException e) {
            throw new CastFailure("Cannot convert '" + s + "' to " + Types.sqlName(to));
          }
        }
      }
    } else {
      throw new CastFailure("Cannot convert " + c.type + " to " + Types.sqlName(to));
    }
    return new DecimalCol(to, r, n, c.scalar);
  }

  // ------------------------------------------------------------------ to boolean

  private static Col toBool(Col c) {
    int n = c.n;
    long[] t = new long[Col.words(n)];
    long[] f = new long[Col.words(n)];
    for (int i = 0; i < n; i++) {
      if (c.isNull(i)) {
        continue;
      }
      boolean b;
      if (c instanceof LongCol lc) {
        b = lc.v[i] != 0;
      } else if (c instanceof DoubleCol dc) {
        b = dc.v[i] != 0;
      } else if (c instanceof DecimalCol dc) {
        b = dc.v[i].signum() != 0;
      } else if (c instanceof BytesCol bc && Types.isString(bc.type)) {
        String s = utf8(bc, i).trim().toLowerCase(Locale.ROOT);
        b = switch (s) {
          case "true", "t", "yes", "y", "1" -> true;
          case "false", "f", "no", "n", "0" -> false;
          default -> throw new CastFailure("Cannot convert '" + s + "' to BOOLEAN");
        };
      } else {
        throw new CastFailure("Cannot convert " + c.type + " to BOOLEAN");
      }
      Col.set(b ? t : f, i);
    }
    return new BoolCol(t, f, n, c.scalar);
  }

  // ------------------------------------------------------------------ to text / binary

  private static Col toBytes(Col c, ArrowType to) {
    int n = c.n;
    if (c instanceof BytesCol bc) {
      if (Types.isString(to) && !Types.isString(bc.type)) {
        for (int i = 0; i < n; i++) {
          if (!bc.isNull(i)) {
            utf8(bc, i); // validates
          }
        }
      }
      return new BytesCol(to, bc.data, bc.off, bc.valid, n, c.scalar);
    }
    if (!Types.isString(to)) {
      throw new CastFailure("Cannot convert " + c.type + " to " + Types.sqlName(to));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] off = new int[n + 1];
    long[] valid = new long[Col.words(n)];
    for (int i = 0; i < n; i++) {
      if (!c.isNull(i)) {
        Col.set(valid, i);
        out.writeBytes(format(c, i).getBytes(StandardCharsets.UTF_8));
      }
      off[i + 1] = out.size();
    }
    return new BytesCol(to, out.toByteArray(), off, valid, n, c.scalar);
  }

  /** The text form of row {@code i} (not null) of {@code c}. */
  static String format(Col c, int i) {
    if (c instanceof LongCol lc) {
      if (Types.isTemporal(lc.type)) {
        return formatTemporal(lc.v[i], lc.type);
      }
      return lc.unsigned64() ? Long.toUnsignedString(lc.v[i]) : Long.toString(lc.v[i]);
    }
    if (c instanceof DoubleCol dc) {
      return Double.toString(dc.v[i]);
    }
    if (c instanceof DecimalCol dc) {
      return dc.v[i].toPlainString();
    }
    if (c instanceof BoolCol bc) {
      return bc.isTrue(i) ? "true" : "false";
    }
    if (c instanceof BytesCol bc) {
      return utf8(bc, i);
    }
    return "NULL";
  }

  static String utf8(BytesCol c, int i) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(c.data, c.off[i], c.off[i + 1] - c.off[i]))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CastFailure("Value at row " + i + " is not valid UTF-8");
    }
  }
}
