package dev.lancelet.cli.formats;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Names of the scalar Arrow types as the command line writes them, e.g. {@code int64}, {@code
 * timestamp(us, UTC)}, {@code decimal(12, 2)}, and the column-type list of the {@code --schema}
 * option: {@code "id:int64,price:decimal(12,2),at:timestamp(ms)"}.
 */
public final class TypeNames {
  private TypeNames() {}

  /** The names {@link #parse} accepts, for help texts and error messages. */
  public static final String KNOWN =
      "int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, float32, float64, bool, utf8 (string),"
          + " large_utf8, binary, large_binary, fixed_size_binary(N), decimal(P, S), date32, date64,"
          + " time32(s|ms), time64(us|ns), timestamp(s|ms|us|ns[, ZONE]) (timestamp alone: us),"
          + " duration(s|ms|us|ns)";

  /**
   * Parses a scalar type name.
   *
   * @throws IllegalArgumentException naming the text and listing the known names
   */
  public static ArrowType parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    String base = s.contains("(") ? s.substring(0, s.indexOf('(')) : s;
    String[] args = s.contains("(") && s.endsWith(")")
        ? text.trim().substring(text.trim().indexOf('(') + 1, text.trim().length() - 1).split(",")
        : new String[0];
    for (int k = 0; k < args.length; k++) {
      args[k] = args[k].trim();
    }
    if (s.contains("(") && !s.endsWith(")")) {
      throw unknown(text);
    }
    try {
      ArrowType t = switch (base) {
        case "int8" -> new ArrowType.Int(8, true);
        case "int16" -> new ArrowType.Int(16, true);
        case "int32" -> new ArrowType.Int(32, true);
        case "int64", "long", "bigint" -> new ArrowType.Int(64, true);
        case "uint8" -> new ArrowType.Int(8, false);
        case "uint16" -> new ArrowType.Int(16, false);
        case "uint32" -> new ArrowType.Int(32, false);
        case "uint64" -> new ArrowType.Int(64, false);
        case "float16", "halffloat" -> new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
        case "float32", "float" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        case "float64", "double" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        case "bool", "boolean" -> ArrowType.Bool.INSTANCE;
        case "utf8", "string", "str" -> ArrowType.Utf8.INSTANCE;
        case "large_utf8", "large_string" -> ArrowType.LargeUtf8.INSTANCE;
        case "binary", "bytes" -> ArrowType.Binary.INSTANCE;
        case "large_binary" -> ArrowType.LargeBinary.INSTANCE;
        case "fixed_size_binary" -> new ArrowType.FixedSizeBinary(Integer.parseInt(args[0]));
        case "decimal", "decimal128" -> new ArrowType.Decimal(Integer.parseInt(args[0]), Integer.parseInt(args[1]), 128);
        case "decimal256" -> new ArrowType.Decimal(Integer.parseInt(args[0]), Integer.parseInt(args[1]), 256);
        case "date32", "date" -> new ArrowType.Date(DateUnit.DAY);
        case "date64" -> new ArrowType.Date(DateUnit.MILLISECOND);
        case "time32" -> new ArrowType.Time(unit(args.length == 0 ? "ms" : args[0]), 32);
        case "time64" -> new ArrowType.Time(unit(args.length == 0 ? "us" : args[0]), 64);
        case "timestamp" -> new ArrowType.Timestamp(
            unit(args.length == 0 ? "us" : args[0]), args.length > 1 ? args[1] : null);
        case "duration" -> new ArrowType.Duration(unit(args.length == 0 ? "us" : args[0]));
        default -> throw unknown(text);
      };
      int expectedArgs = switch (base) {
        case "fixed_size_binary" -> 1;
        case "decimal", "decimal128", "decimal256" -> 2;
        case "time32", "time64", "duration" -> args.length <= 1 ? args.length : -1;
        case "timestamp" -> args.length <= 2 ? args.length : -1;
        default -> 0;
      };
      if (expectedArgs != args.length) {
        throw unknown(text);
      }
      if (t instanceof ArrowType.Time tm
          && (tm.getBitWidth() == 32) != (tm.getUnit() == TimeUnit.SECOND || tm.getUnit() == TimeUnit.MILLISECOND)) {
        throw new IllegalArgumentException("'" + text + "': time32 takes s or ms, time64 takes us or ns");
      }
      return t;
    } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
      throw unknown(text);
    }
  }

  private static TimeUnit unit(String u) {
    return switch (u.toLowerCase(Locale.ROOT)) {
      case "s" -> TimeUnit.SECOND;
      case "ms" -> TimeUnit.MILLISECOND;
      case "us" -> TimeUnit.MICROSECOND;
      case "ns" -> TimeUnit.NANOSECOND;
      default -> throw new NumberFormatException(u);
    };
  }

  private static IllegalArgumentException unknown(String text) {
    return new IllegalArgumentException("Unknown column type '" + text + "' (known: " + KNOWN + ")");
  }

  /**
   * Parses {@code name:type,name:type,...}; commas inside parentheses belong to the type.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static Map<String, ArrowType> parseColumns(String spec) {
    Map<String, ArrowType> out = new LinkedHashMap<>();
    int depth = 0;
    int start = 0;
    for (int k = 0; k <= spec.length(); k++) {
      char c = k < spec.length() ? spec.charAt(k) : ',';
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String entry = spec.substring(start, k).trim();
        start = k + 1;
        if (entry.isEmpty()) {
          continue;
        }
        int colon = entry.lastIndexOf(':', entry.indexOf('(') < 0 ? entry.length() : entry.indexOf('('));
        if (colon <= 0) {
          throw new IllegalArgumentException("Bad column type '" + entry + "': expected NAME:TYPE");
        }
        String name = entry.substring(0, colon).trim();
        if (out.put(name, parse(entry.substring(colon + 1))) != null) {
          throw new IllegalArgumentException("Column '" + name + "' is given twice");
        }
      }
    }
    return out;
  }

  /** The name of a scalar type as {@link #parse} reads it; nested types as {@code list<...>} etc. */
  public static String name(ArrowType t) {
    return switch (t) {
      case ArrowType.Int i -> (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
      case ArrowType.FloatingPoint fp -> switch (fp.getPrecision()) {
        case HALF -> "float16";
        case SINGLE -> "float32";
        case DOUBLE -> "float64";
      };
      case ArrowType.Bool b -> "bool";
      case ArrowType.Utf8 u -> "utf8";
      case ArrowType.LargeUtf8 u -> "large_utf8";
      case ArrowType.Binary b -> "binary";
      case ArrowType.LargeBinary b -> "large_binary";
      case ArrowType.FixedSizeBinary b -> "fixed_size_binary(" + b.getByteWidth() + ")";
      case ArrowType.Decimal d -> (d.getBitWidth() == 256 ? "decimal256(" : "decimal(")
          + d.getPrecision() + ", " + d.getScale() + ")";
      case ArrowType.Date d -> d.getUnit() == DateUnit.DAY ? "date32" : "date64";
      case ArrowType.Time tm -> "time" + tm.getBitWidth() + "(" + unitName(tm.getUnit()) + ")";
      case ArrowType.Timestamp ts -> "timestamp(" + unitName(ts.getUnit())
          + (ts.getTimezone() == null ? "" : ", " + ts.getTimezone()) + ")";
      case ArrowType.Duration d -> "duration(" + unitName(d.getUnit()) + ")";
      case ArrowType.Null n -> "null";
      case ArrowType.List l -> "list";
      case ArrowType.LargeList l -> "large_list";
      case ArrowType.FixedSizeList l -> "fixed_size_list(" + l.getListSize() + ")";
      case ArrowType.Struct st -> "struct";
      case ArrowType.Map m -> "map";
      default -> t.toString();
    };
  }

  /** As {@link #name(ArrowType)}, with the item types of nested fields, e.g. {@code list<int64>}. */
  public static String name(Field f) {
    ArrowType t = f.getType();
    return switch (t) {
      case ArrowType.List l -> "list<" + name(f.getChildren().get(0)) + ">";
      case ArrowType.LargeList l -> "large_list<" + name(f.getChildren().get(0)) + ">";
      case ArrowType.FixedSizeList l -> "fixed_size_list<" + name(f.getChildren().get(0)) + ", " + l.getListSize() + ">";
      case ArrowType.Map m -> "map";
      case ArrowType.Struct st -> {
        StringBuilder b = new StringBuilder("struct<");
        for (int k = 0; k < f.getChildren().size(); k++) {
          Field c = f.getChildren().get(k);
          b.append(k == 0 ? "" : ", ").append(c.getName()).append(": ").append(name(c));
        }
        yield b.append('>').toString();
      }
      default -> name(t);
    };
  }

  private static String unitName(TimeUnit u) {
    return switch (u) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }
}
