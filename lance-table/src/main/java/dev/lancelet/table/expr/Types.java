package dev.lancelet.table.expr;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Classification of Arrow types into the evaluator's value domains, and SQL type names. */
final class Types {
  private Types() {}

  /** How values of a type are held while evaluating (see {@link Col}). */
  enum Domain {
    BOOL, LONG, DOUBLE, DECIMAL, BYTES, NULL, OTHER
  }

  static final ArrowType INT64 = new ArrowType.Int(64, true);
  static final ArrowType UINT64 = new ArrowType.Int(64, false);
  static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;
  static final ArrowType BOOL = ArrowType.Bool.INSTANCE;
  static final ArrowType NULL = ArrowType.Null.INSTANCE;
  static final ArrowType DATE32 = new ArrowType.Date(DateUnit.DAY);
  static final int MAX_DECIMAL_PRECISION = 38;

  static Domain domain(ArrowType t) {
    return switch (t.getTypeID()) {
      case Bool -> Domain.BOOL;
      case Int, Date, Timestamp -> Domain.LONG;
      case FloatingPoint -> Domain.DOUBLE;
      case Decimal -> ((ArrowType.Decimal) t).getBitWidth() == 128 ? Domain.DECIMAL : Domain.OTHER;
      case Utf8, LargeUtf8, Binary, LargeBinary, FixedSizeBinary -> Domain.BYTES;
      case Null -> Domain.NULL;
      default -> Domain.OTHER;
    };
  }

  static boolean isInteger(ArrowType t) {
    return t instanceof ArrowType.Int;
  }

  static boolean isUInt64(ArrowType t) {
    return t instanceof ArrowType.Int i && !i.getIsSigned() && i.getBitWidth() == 64;
  }

  static boolean isFloat(ArrowType t) {
    return t instanceof ArrowType.FloatingPoint;
  }

  static boolean isDecimal(ArrowType t) {
    return domain(t) == Domain.DECIMAL;
  }

  static boolean isNumeric(ArrowType t) {
    return isInteger(t) || isFloat(t) || isDecimal(t);
  }

  static boolean isTemporal(ArrowType t) {
    return t instanceof ArrowType.Date || t instanceof ArrowType.Timestamp;
  }

  static boolean isString(ArrowType t) {
    return t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8;
  }

  static boolean isBinary(ArrowType t) {
    return t instanceof ArrowType.Binary || t instanceof ArrowType.LargeBinary
        || t instanceof ArrowType.FixedSizeBinary;
  }

  /** Nanoseconds per unit of a temporal type's stored value. */
  static long nanosPerUnit(ArrowType t) {
    if (t instanceof ArrowType.Date d) {
      return d.getUnit() == DateUnit.DAY ? 86_400_000_000_000L : 1_000_000L;
    }
    return switch (((ArrowType.Timestamp) t).getUnit()) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  static TimeUnit unitFor(long nanosPerUnit) {
    if (nanosPerUnit >= 1_000_000_000L) {
      return TimeUnit.SECOND;
    }
    if (nanosPerUnit >= 1_000_000L) {
      return TimeUnit.MILLISECOND;
    }
    return nanosPerUnit >= 1_000L ? TimeUnit.MICROSECOND : TimeUnit.NANOSECOND;
  }

  /** Precision (digits) a decimal needs to hold every value of an integer type. */
  static int integerDigits(ArrowType.Int t) {
    return switch (t.getBitWidth()) {
      case 8 -> 3;
      case 16 -> 5;
      case 32 -> 10;
      default -> t.getIsSigned() ? 19 : 20;
    };
  }

  /** The SQL spelling of a type, as accepted by CAST and printed by toString. */
  static String sqlName(ArrowType t) {
    return switch (t.getTypeID()) {
      case Bool -> "BOOLEAN";
      case Int -> {
        ArrowType.Int i = (ArrowType.Int) t;
        String base = switch (i.getBitWidth()) {
          case 8 -> "TINYINT";
          case 16 -> "SMALLINT";
          case 32 -> "INT";
          default -> "BIGINT";
        };
        yield i.getIsSigned() ? base : base + " UNSIGNED";
      }
      case FloatingPoint -> switch (((ArrowType.FloatingPoint) t).getPrecision()) {
        case HALF -> "HALFFLOAT";
        case SINGLE -> "FLOAT";
        case DOUBLE -> "DOUBLE";
      };
      case Decimal -> "DECIMAL(" + ((ArrowType.Decimal) t).getPrecision() + ", " + ((ArrowType.Decimal) t).getScale() + ")";
      case Utf8 -> "STRING";
      case LargeUtf8 -> "LARGE_STRING";
      case Binary -> "BINARY";
      case LargeBinary -> "LARGE_BINARY";
      case Date -> ((ArrowType.Date) t).getUnit() == DateUnit.DAY ? "DATE" : "DATE64";
      case Timestamp -> {
        ArrowType.Timestamp ts = (ArrowType.Timestamp) t;
        int p = switch (ts.getUnit()) {
          case SECOND -> 0;
          case MILLISECOND -> 3;
          case MICROSECOND -> 6;
          case NANOSECOND -> 9;
        };
        yield "TIMESTAMP(" + p + ")" + (ts.getTimezone() == null ? "" : " WITH TIME ZONE '" + ts.getTimezone() + "'");
      }
      case Null -> "NULL";
      default -> t.toString();
    };
  }

  /** A short description of a type for error messages. */
  static String describe(ArrowType t) {
    return t.toString();
  }
}
