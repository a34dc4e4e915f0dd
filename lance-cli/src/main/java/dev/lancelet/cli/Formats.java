package dev.lancelet.cli;

import dev.lancelet.format.LanceFileVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Text formatting shared by the commands: versions, sizes, counts, Arrow types, schema trees. */
final class Formats {
  private Formats() {}

  /** {@code 2.1}. */
  static String version(LanceFileVersion v) {
    return v.toString();
  }

  /** The v2 versions, which are the ones the CLI offers. */
  static String knownVersions() {
    StringJoiner known = new StringJoiner(", ");
    for (LanceFileVersion v : LanceFileVersion.values()) {
      if (!v.isLegacy()) {
        known.add(version(v));
      }
    }
    return known.toString();
  }

  /**
   * Parses {@code 2.0}, {@code 2.1}, ... (also Lance's names {@code stable} and {@code next}); the
   * legacy v1 format is refused.
   */
  static LanceFileVersion parseVersion(String s) {
    LanceFileVersion v;
    try {
      v = LanceFileVersion.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unknown Lance file format version '" + s + "' (known: " + knownVersions() + ")", e);
    }
    if (v.isLegacy()) {
      throw new IllegalArgumentException("The legacy (v1) Lance file format cannot be written; choose one of " + knownVersions());
    }
    return v;
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 12.3 MiB}; exact bytes below 1 KiB. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** A compact type name: {@code int64}, {@code utf8}, {@code fixed_size_list<float32, 128>}, ... */
  static String typeName(Field f) {
    ArrowType t = f.getType();
    String name =
        switch (t) {
          case ArrowType.List l -> "list<" + childType(f) + ">";
          case ArrowType.LargeList l -> "large_list<" + childType(f) + ">";
          case ArrowType.FixedSizeList l -> "fixed_size_list<" + childType(f) + ", " + l.getListSize() + ">";
          case ArrowType.ListView l -> "list_view<" + childType(f) + ">";
          case ArrowType.Map m -> "map";
          case ArrowType.Struct s -> "struct";
          default -> scalarName(t);
        };
    DictionaryEncoding d = f.getDictionary();
    if (d != null) {
      // Arrow Java gives a dictionary-encoded field its index type; the values' type is the dictionary's.
      name = "dictionary<" + scalarName(d.getIndexType()) + ">";
    }
    return name;
  }

  private static String childType(Field f) {
    return f.getChildren().isEmpty() ? "?" : typeName(f.getChildren().get(0));
  }

  private static String scalarName(ArrowType t) {
    return switch (t) {
      case ArrowType.Int i -> (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
      case ArrowType.FloatingPoint fp ->
          switch (fp.getPrecision()) {
            case HALF -> "float16";
            case SINGLE -> "float32";
            case DOUBLE -> "float64";
          };
      case ArrowType.Utf8 u -> "utf8";
      case ArrowType.LargeUtf8 u -> "large_utf8";
      case ArrowType.Utf8View u -> "utf8_view";
      case ArrowType.Binary b -> "binary";
      case ArrowType.LargeBinary b -> "large_binary";
      case ArrowType.BinaryView b -> "binary_view";
      case ArrowType.FixedSizeBinary b -> "fixed_size_binary(" + b.getByteWidth() + ")";
      case ArrowType.Bool b -> "bool";
      case ArrowType.Null n -> "null";
      case ArrowType.Decimal d -> "decimal" + d.getBitWidth() + "(" + d.getPrecision() + ", " + d.getScale() + ")";
      case ArrowType.Date d -> "date" + (d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? "32" : "64");
      case ArrowType.Time tm -> "time" + tm.getBitWidth() + "(" + unit(tm.getUnit()) + ")";
      case ArrowType.Timestamp ts ->
          "timestamp(" + unit(ts.getUnit()) + (ts.getTimezone() == null ? "" : ", " + ts.getTimezone()) + ")";
      case ArrowType.Duration du -> "duration(" + unit(du.getUnit()) + ")";
      default -> t.toString();
    };
  }

  private static String unit(org.apache.arrow.vector.types.TimeUnit u) {
    return switch (u) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }

  /** The schema as a tree, one field per line, nested types indented below their parent. */
  static List<String> schemaTree(Schema schema) {
    List<String> out = new ArrayList<>();
    List<Field> fields = schema.getFields();
    for (int i = 0; i < fields.size(); i++) {
      tree(fields.get(i), "", i == fields.size() - 1, out);
    }
    return out;
  }

  private static void tree(Field f, String indent, boolean last, List<String> out) {
    StringBuilder line = new StringBuilder(indent).append(last ? "└── " : "├── ");
    line.append(f.getName()).append(": ").append(typeName(f));
    if (!f.isNullable()) {
      line.append(" not null");
    }
    Map<String, String> md = f.getMetadata();
    if (md != null && !md.isEmpty()) {
      line.append("  ").append(md);
    }
    out.add(line.toString());
    // Lists and FSLs already show their item type inline; only descend where there is more to see.
    List<Field> children = f.getChildren();
    boolean showChildren =
        f.getType() instanceof ArrowType.Struct
            || f.getType() instanceof ArrowType.Map
            || f.getType() instanceof ArrowType.Union
            || children.stream().anyMatch(c -> !c.getChildren().isEmpty());
    if (showChildren) {
      for (int i = 0; i < children.size(); i++) {
        tree(children.get(i), indent + (last ? "    " : "│   "), i == children.size() - 1, out);
      }
    }
  }
}
