package dev.lancelet.cli.formats;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The value model shared by the text and Parquet converters: every Arrow type has one canonical
 * Java representation, read from a vector by {@link #get} and written to one by {@link #set}.
 *
 * <ul>
 *   <li>integers (signed and unsigned, any width): {@link Long} (uint64 as its raw bits)
 *   <li>float16 and float32: {@link Float}; float64: {@link Double}; bool: {@link Boolean}
 *   <li>utf8: {@link String} ({@code set} also takes UTF-8 {@code byte[]}); binary: {@code byte[]}
 *   <li>decimal: {@link BigDecimal}
 *   <li>date32 (days), time32: {@link Integer}; date64, time64, timestamp, duration: {@link Long},
 *       the raw count of the type's unit
 *   <li>list, large list, fixed-size list, map: {@link List} (a map is a list of key/value structs)
 *   <li>struct: {@code Object[]} by child position (or, for {@code set}, a {@link Map} by name)
 * </ul>
 *
 * <p>{@link #format} and {@link #parse} convert scalars to and from text for CSV and JSON.
 */
final class Values {
  private Values() {}

  private static final long DAY_MILLIS = 86_400_000L;

  // ---------------------------------------------------------------- reading vectors

  /** The value at {@code i} in its canonical representation, or null. */
  static Object get(FieldVector v, int i) {
    if (v.isNull(i)) {
      return null;
    }
    return switch (v) {
      case TinyIntVector x -> (long) x.get(i);
      case SmallIntVector x -> (long) x.get(i);
      case IntVector x -> (long) x.get(i);
      case BigIntVector x -> x.get(i);
      case UInt1Vector x -> (long) (x.get(i) & 0xFF);
      case UInt2Vector x -> (long) x.get(i);
      case UInt4Vector x -> x.get(i) & 0xFFFF_FFFFL;
      case UInt8Vector x -> x.get(i);
      case Float2Vector x -> x.getValueAsFloat(i);
      case Float4Vector x -> x.get(i);
      case Float8Vector x -> x.get(i);
      case BitVector x -> x.get(i) != 0;
      case VarCharVector x -> new String(x.get(i), StandardCharsets.UTF_8);
      case LargeVarCharVector x -> new String(x.get(i), StandardCharsets.UTF_8);
      case VarBinaryVector x -> x.get(i);
      case LargeVarBinaryVector x -> x.get(i);
      case FixedSizeBinaryVector x -> x.get(i);
      case DecimalVector x -> x.getObject(i);
      case Decimal256Vector x -> x.getObject(i);
      case DateDayVector x -> x.get(i);
      case DateMilliVector x -> x.get(i);
      case TimeSecVector x -> x.get(i);
      case TimeMilliVector x -> x.get(i);
      case TimeMicroVector x -> x.get(i);
      case TimeNanoVector x -> x.get(i);
      case TimeStampVector x -> x.get(i);
      case DurationVector x -> DurationVector.get(x.getDataBuffer(), i);
      case FixedSizeListVector x -> {
        int size = x.getListSize();
        FieldVector child = (FieldVector) x.getDataVector();
        List<Object> out = new ArrayList<>(size);
        for (int j = 0; j < size; j++) {
          out.add(get(child, i * size + j));
        }
        yield out;
      }
      case ListVector x -> { // also MapVector
        FieldVector child = x.getDataVector();
        int start = x.getElementStartIndex(i);
        int end = x.getElementEndIndex(i);
        List<Object> out = new ArrayList<>(end - start);
        for (int j = start; j < end; j++) {
          out.add(get(child, j));
        }
        yield out;
      }
      case LargeListVector x -> {
        FieldVector child = x.getDataVector();
        long start = x.getElementStartIndex(i);
        long end = x.getElementEndIndex(i);
        List<Object> out = new ArrayList<>((int) (end - start));
        for (long j = start; j < end; j++) {
          out.add(get(child, Math.toIntExact(j)));
        }
        yield out;
      }
      case StructVector x -> {
        List<FieldVector> children = x.getChildrenFromFields();
        Object[] out = new Object[children.size()];
        for (int c = 0; c < out.length; c++) {
          out[c] = get(children.get(c), i);
        }
        yield out;
      }
      default -> throw new UnsupportedOperationException(
          "Column '" + v.getField().getName() + "': type " + v.getField().getType() + " is not supported here");
    };
  }

  // ---------------------------------------------------------------- writing vectors

  /**
   * Sets element {@code i} of {@code v} (growing it as needed) to {@code value}, which must be in
   * the canonical representation of the vector's type (see the class comment); null sets null.
   *
   * @throws IllegalArgumentException if the value does not fit the type; the message says why
   */
  static void set(FieldVector v, int i, Object value) {
    if (value == null) {
      setNull(v, i);
      return;
    }
    switch (v) {
      case TinyIntVector x -> x.setSafe(i, (byte) range(value, Byte.MIN_VALUE, Byte.MAX_VALUE, "int8"));
      case SmallIntVector x -> x.setSafe(i, (short) range(value, Short.MIN_VALUE, Short.MAX_VALUE, "int16"));
      case IntVector x -> x.setSafe(i, (int) range(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "int32"));
      case BigIntVector x -> x.setSafe(i, integer(value, "int64"));
      case UInt1Vector x -> x.setSafe(i, (byte) range(value, 0, 0xFF, "uint8"));
      case UInt2Vector x -> x.setSafe(i, (char) range(value, 0, 0xFFFF, "uint16"));
      case UInt4Vector x -> x.setSafe(i, (int) range(value, 0, 0xFFFF_FFFFL, "uint32"));
      case UInt8Vector x -> x.setSafe(i, integer(value, "uint64"));
      case Float2Vector x -> x.setSafeWithPossibleTruncate(i, number(value, "float16").floatValue());
      case Float4Vector x -> x.setSafe(i, number(value, "float32").floatValue());
      case Float8Vector x -> x.setSafe(i, number(value, "float64").doubleValue());
      case BitVector x -> {
        if (!(value instanceof Boolean b)) {
          throw mismatch(value, "bool");
        }
        x.setSafe(i, b ? 1 : 0);
      }
      case VarCharVector x -> x.setSafe(i, utf8(value));
      case LargeVarCharVector x -> x.setSafe(i, utf8(value));
      case VarBinaryVector x -> x.setSafe(i, bytes(value, "binary"));
      case LargeVarBinaryVector x -> x.setSafe(i, bytes(value, "binary"));
      case FixedSizeBinaryVector x -> {
        byte[] b = bytes(value, "fixed_size_binary");
        if (b.length != x.getByteWidth()) {
          throw new IllegalArgumentException(
              b.length + " bytes do not fit fixed_size_binary(" + x.getByteWidth() + ")");
        }
        x.setSafe(i, b);
      }
      case DecimalVector x -> x.setSafe(i, decimal(value, x.getPrecision(), x.getScale()));
      case Decimal256Vector x -> x.setSafe(i, decimal(value, x.getPrecision(), x.getScale()));
      case DateDayVector x -> x.setSafe(i, (int) range(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "date32"));
      case DateMilliVector x -> x.setSafe(i, integer(value, "date64"));
      case TimeSecVector x -> x.setSafe(i, (int) range(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "time32"));
      case TimeMilliVector x -> x.setSafe(i, (int) range(value, Integer.MIN_VALUE, Integer.MAX_VALUE, "time32"));
      case TimeMicroVector x -> x.setSafe(i, integer(value, "time64"));
      case TimeNanoVector x -> x.setSafe(i, integer(value, "time64"));
      case TimeStampVector x -> x.setSafe(i, integer(value, "timestamp"));
      case DurationVector x -> x.setSafe(i, integer(value, "duration"));
      case FixedSizeListVector x -> {
        List<?> list = list(value, "fixed_size_list");
        int size = x.getListSize();
        if (list.size() != size) {
          throw new IllegalArgumentException(
              "a list of " + list.size() + " values does not fit fixed_size_list of size " + size);
        }
        x.setNotNull(i);
        FieldVector child = (FieldVector) x.getDataVector();
        for (int j = 0; j < size; j++) {
          set(child, i * size + j, list.get(j));
        }
      }
      case ListVector x -> {
        List<?> list = list(value, "list");
        int start = x.startNewValue(i);
        FieldVector child = x.getDataVector();
        for (int j = 0; j < list.size(); j++) {
          set(child, start + j, list.get(j));
        }
        x.endValue(i, list.size());
      }
      case LargeListVector x -> {
        List<?> list = list(value, "large_list");
        long start = x.startNewValue(i);
        FieldVector child = x.getDataVector();
        for (int j = 0; j < list.size(); j++) {
          set(child, Math.toIntExact(start + j), list.get(j));
        }
        x.endValue(i, list.size());
      }
      case StructVector x -> {
        List<FieldVector> children = x.getChildrenFromFields();
        x.setIndexDefined(i);
        if (value instanceof Object[] a) {
          if (a.length != children.size()) {
            throw new IllegalArgumentException(
                "a struct of " + a.length + " fields does not fit one of " + children.size());
          }
          for (int c = 0; c < a.length; c++) {
            set(children.get(c), i, a[c]);
          }
        } else if (value instanceof Map<?, ?> m) {
          for (FieldVector c : children) {
            set(c, i, m.get(c.getField().getName()));
          }
          for (Object key : m.keySet()) {
            if (x.getChild(String.valueOf(key)) == null) {
              throw new IllegalArgumentException("unexpected struct field '" + key + "'");
            }
          }
        } else {
          throw mismatch(value, "struct");
        }
      }
      default -> throw new UnsupportedOperationException(
          "Column '" + v.getField().getName() + "': type " + v.getField().getType() + " is not supported here");
    }
  }

  /** Sets element {@code i} null; a null struct sets its children null too, so they stay aligned. */
  static void setNull(FieldVector v, int i) {
    v.setNull(i); // every vector type grows as needed here
    switch (v) {
      case StructVector x -> {
        for (FieldVector c : x.getChildrenFromFields()) {
          setNull(c, i);
        }
      }
      case FixedSizeListVector x -> {
        int size = x.getListSize();
        FieldVector child = (FieldVector) x.getDataVector();
        for (int j = 0; j < size; j++) {
          setNull(child, i * size + j);
        }
      }
      default -> {}
    }
  }

  private static long integer(Object value, String type) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b && b.bitLength() <= 64 && b.signum() >= 0 && type.equals("uint64")) {
      return b.longValue();
    }
    if (value instanceof BigDecimal d) {
      if ((long) d.precision() - d.scale() > 20) { // checked first: 1e999999999 would expand to a billion digits
        throw new IllegalArgumentException(d + " is out of range for " + type);
      }
      try {
        BigInteger b = d.toBigIntegerExact();
        if (b.bitLength() < 64 || (type.equals("uint64") && b.signum() >= 0 && b.bitLength() == 64)) {
          return b.longValue();
        }
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(d.toPlainString() + " is not an integer (" + type + ")");
      }
      throw new IllegalArgumentException(d.toPlainString() + " is out of range for " + type);
    }
    throw mismatch(value, type);
  }

  private static long range(Object value, long min, long max, String type) {
    long v = integer(value, type);
    if (v < min || v > max) {
      throw new IllegalArgumentException(v + " is out of range for " + type);
    }
    return v;
  }

  private static Number number(Object value, String type) {
    if (value instanceof Number n) {
      return n;
    }
    throw mismatch(value, type);
  }

  private static byte[] utf8(Object value) {
    if (value instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof byte[] b) {
      return b;
    }
    throw mismatch(value, "utf8");
  }

  private static byte[] bytes(Object value, String type) {
    if (value instanceof byte[] b) {
      return b;
    }
    throw mismatch(value, type);
  }

  private static BigDecimal decimal(Object value, int precision, int scale) {
    BigDecimal d;
    if (value instanceof BigDecimal b) {
      d = b;
    } else if (value instanceof Long || value instanceof Integer) {
      d = BigDecimal.valueOf(((Number) value).longValue());
    } else {
      throw mismatch(value, "decimal(" + precision + ", " + scale + ")");
    }
    if ((long) d.precision() - d.scale() > precision && d.signum() != 0) { // before setScale can expand a huge exponent
      throw new IllegalArgumentException(
          d + " has more than " + precision + " digits (decimal(" + precision + ", " + scale + "))");
    }
    if ((long) d.scale() - scale > 1000L + d.precision()) {
      throw new IllegalArgumentException(d + " has more than " + scale + " digits after the point");
    }
    BigDecimal scaled;
    try {
      scaled = d.setScale(scale, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          d.toPlainString() + " has more than " + scale + " digits after the point (decimal(" + precision + ", " + scale + "))");
    }
    if (scaled.precision() > precision && scaled.signum() != 0) {
      throw new IllegalArgumentException(
          d.toPlainString() + " has more than " + precision + " digits (decimal(" + precision + ", " + scale + "))");
    }
    return scaled;
  }

  private static List<?> list(Object value, String type) {
    if (value instanceof List<?> l) {
      return l;
    }
    throw mismatch(value, type);
  }

  private static IllegalArgumentException mismatch(Object value, String type) {
    String what = switch (value) {
      case String s -> "the string \"" + abbreviate(s) + "\"";
      case Boolean b -> "the boolean " + b;
      case Number n -> "the number " + n;
      case List<?> l -> "a list";
      case Map<?, ?> m -> "an object";
      case Object[] a -> "a struct";
      case byte[] b -> "binary data";
      default -> "a " + value.getClass().getSimpleName();
    };
    return new IllegalArgumentException(what + " is not a " + type);
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  // ---------------------------------------------------------------- text

  /** Whether {@link #format} and {@link #parse} handle the type (the scalar types). */
  static boolean isTextScalar(ArrowType t) {
    return switch (t) {
      case ArrowType.Int i -> true;
      case ArrowType.FloatingPoint f -> true;
      case ArrowType.Bool b -> true;
      case ArrowType.Utf8 u -> true;
      case ArrowType.LargeUtf8 u -> true;
      case ArrowType.Binary b -> true;
      case ArrowType.LargeBinary b -> true;
      case ArrowType.FixedSizeBinary b -> true;
      case ArrowType.Decimal d -> true;
      case ArrowType.Date d -> true;
      case ArrowType.Time tm -> true;
      case ArrowType.Timestamp ts -> true;
      case ArrowType.Duration d -> true;
      case ArrowType.Null n -> true;
      default -> false;
    };
  }

  /**
   * A non-null scalar as text: integers and decimals in plain decimal notation (uint64 unsigned),
   * floats as Java prints them ({@code NaN}, {@code Infinity}), binary in base64, dates, times and
   * timestamps in ISO-8601 (timestamps with a zone in UTC, ending in {@code Z}); a date, time or
   * timestamp outside the years ISO-8601 can print is written as its raw integer.
   */
  static String format(ArrowType t, Object value) {
    return switch (t) {
      case ArrowType.Int i -> i.getBitWidth() == 64 && !i.getIsSigned()
          ? Long.toUnsignedString((Long) value) : value.toString();
      case ArrowType.FloatingPoint f -> value.toString();
      case ArrowType.Bool b -> value.toString();
      case ArrowType.Utf8 u -> (String) value;
      case ArrowType.LargeUtf8 u -> (String) value;
      case ArrowType.Binary b -> Base64.getEncoder().encodeToString((byte[]) value);
      case ArrowType.LargeBinary b -> Base64.getEncoder().encodeToString((byte[]) value);
      case ArrowType.FixedSizeBinary b -> Base64.getEncoder().encodeToString((byte[]) value);
      case ArrowType.Decimal d -> ((BigDecimal) value).toPlainString();
      case ArrowType.Date d -> {
        long n = ((Number) value).longValue();
        if (d.getUnit() == DateUnit.MILLISECOND) {
          if (n % DAY_MILLIS != 0) {
            yield Long.toString(n);
          }
          n /= DAY_MILLIS;
        }
        yield LocalDate.ofEpochDay(n).toString();
      }
      case ArrowType.Time tm -> {
        long n = ((Number) value).longValue();
        long perSecond = perSecond(tm.getUnit());
        if (n < 0 || n >= 86_400L * perSecond) {
          yield Long.toString(n);
        }
        yield LocalTime.ofNanoOfDay(n * (1_000_000_000L / perSecond)).toString();
      }
      case ArrowType.Timestamp ts -> formatTimestamp(ts, (Long) value);
      case ArrowType.Duration d -> value.toString();
      default -> throw new UnsupportedOperationException("type " + t + " has no text form");
    };
  }

  private static String formatTimestamp(ArrowType.Timestamp ts, long raw) {
    long perSecond = perSecond(ts.getUnit());
    long seconds = Math.floorDiv(raw, perSecond);
    long nanos = Math.floorMod(raw, perSecond) * (1_000_000_000L / perSecond);
    try {
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      LocalDateTime local = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
      String text = local.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      return ts.getTimezone() == null ? text : text + "Z";
    } catch (DateTimeException e) {
      return Long.toString(raw);
    }
  }

  static long perSecond(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1L;
      case MILLISECOND -> 1_000L;
      case MICROSECOND -> 1_000_000L;
      case NANOSECOND -> 1_000_000_000L;
    };
  }

  /**
   * Parses the text form of a scalar of type {@code t} (see {@link #format}); also takes raw
   * integers for dates, times and timestamps, {@code true}/{@code false} in any case for bools.
   *
   * @throws IllegalArgumentException naming the text and the type if it does not parse
   */
  static Object parse(ArrowType t, String s) {
    try {
      return switch (t) {
        case ArrowType.Int i -> {
          if (i.getBitWidth() == 64 && !i.getIsSigned()) {
            yield Long.parseUnsignedLong(s.trim());
          }
          yield Long.parseLong(s.trim());
        }
        case ArrowType.FloatingPoint f -> {
          String x = s.trim();
          if (x.isEmpty() || !(Character.isDigit(x.charAt(x.length() - 1)) || x.endsWith("NaN")
              || x.endsWith("Infinity") || x.endsWith("."))) {
            throw new NumberFormatException(); // parseDouble also takes "1d", "1f"
          }
          double d = Double.parseDouble(x);
          yield f.getPrecision() == org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE
              ? (Object) d : (Object) Float.parseFloat(x);
        }
        case ArrowType.Bool b -> {
          String x = s.trim();
          if (x.equalsIgnoreCase("true")) {
            yield true;
          }
          if (x.equalsIgnoreCase("false")) {
            yield false;
          }
          throw new NumberFormatException();
        }
        case ArrowType.Utf8 u -> s;
        case ArrowType.LargeUtf8 u -> s;
        case ArrowType.Binary b -> Base64.getDecoder().decode(s.trim());
        case ArrowType.LargeBinary b -> Base64.getDecoder().decode(s.trim());
        case ArrowType.FixedSizeBinary b -> Base64.getDecoder().decode(s.trim());
        case ArrowType.Decimal d -> new BigDecimal(s.trim());
        case ArrowType.Date d -> {
          String x = s.trim();
          if (isInteger(x)) {
            long n = Long.parseLong(x);
            yield d.getUnit() == DateUnit.DAY ? (Object) Math.toIntExact(n) : (Object) n;
          }
          long days = LocalDate.parse(x).toEpochDay();
          yield d.getUnit() == DateUnit.DAY ? (Object) Math.toIntExact(days) : (Object) Math.multiplyExact(days, DAY_MILLIS);
        }
        case ArrowType.Time tm -> {
          String x = s.trim();
          long n;
          if (isInteger(x)) {
            n = Long.parseLong(x);
          } else {
            long nanos = LocalTime.parse(x).toNanoOfDay();
            long div = 1_000_000_000L / perSecond(tm.getUnit());
            if (nanos % div != 0) {
              throw new IllegalArgumentException(
                  "\"" + abbreviate(s) + "\" has more precision than time(" + tm.getUnit() + ")");
            }
            n = nanos / div;
          }
          yield tm.getBitWidth() == 32 ? (Object) Math.toIntExact(n) : (Object) n;
        }
        case ArrowType.Timestamp ts -> parseTimestamp(ts, s.trim());
        case ArrowType.Duration d -> Long.parseLong(s.trim());
        default -> throw new UnsupportedOperationException("type " + t + " has no text form");
      };
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("\"" + abbreviate(s) + "\" is not a valid " + TypeNames.name(t), e);
    }
  }

  private static boolean isInteger(String x) {
    if (x.isEmpty()) {
      return false;
    }
    int start = x.charAt(0) == '-' || x.charAt(0) == '+' ? 1 : 0;
    if (start == x.length()) {
      return false;
    }
    for (int k = start; k < x.length(); k++) {
      if (!Character.isDigit(x.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private static long parseTimestamp(ArrowType.Timestamp ts, String x) {
    if (isInteger(x)) {
      return Long.parseLong(x);
    }
    Instant instant = parseInstant(x);
    long perSecond = perSecond(ts.getUnit());
    long div = 1_000_000_000L / perSecond;
    if (instant.getNano() % div != 0) {
      throw new IllegalArgumentException(
          "\"" + abbreviate(x) + "\" has more precision than " + TypeNames.name(ts));
    }
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), perSecond), instant.getNano() / div);
  }

  /** ISO date, date-time (a space may replace the T) with optional offset; no offset means UTC. */
  static Instant parseInstant(String x) {
    String s = x.length() > 10 && x.charAt(10) == ' ' ? x.substring(0, 10) + 'T' + x.substring(11) : x;
    if (s.length() <= 11 && s.indexOf('T') < 0) {
      return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
    char last = s.charAt(s.length() - 1);
    boolean offset = last == 'Z' || last == 'z' || hasOffset(s);
    if (offset) {
      return OffsetDateTime.parse(s.replace('z', 'Z'), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }
    return LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
  }

  /** Whether an ISO date-time text ends in a {@code +hh:mm} / {@code -hh:mm} offset. */
  static boolean hasOffset(String s) {
    int t = s.indexOf('T');
    if (t < 0) {
      return false;
    }
    for (int k = t; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '+' || c == '-' || c == 'Z' || c == 'z') {
        return true;
      }
    }
    return false;
  }

  /** The field's type name for messages, e.g. {@code list<int64>}. */
  static String typeName(Field f) {
    return TypeNames.name(f);
  }
}
