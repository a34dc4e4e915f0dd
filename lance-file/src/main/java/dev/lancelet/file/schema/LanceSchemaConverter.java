package dev.lancelet.file.schema;

import com.google.protobuf.ByteString;
import dev.lancelet.format.proto.FileProtos;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Converts between Lance's flat field list ({@code lance.file.Field}, linked by {@code parent_id})
 * and Arrow schemas, in both directions.
 *
 * <p>Logical type strings: {@code bool, int8..int64, uint8..uint64, halffloat, float, double,
 * string, large_string, binary, large_binary, json, date32:day, date64:ms, time32:s|ms,
 * time64:us|ns, duration:<unit>, timestamp:<unit>:<tz or ->, decimal:128|256:<p>:<s>,
 * fixed_size_binary:<n>, fixed_size_list:<inner>:<n>, dict:<value>:<index>:<ordered>, struct,
 * list, large_list, list.struct, large_list.struct, null}. Time units are {@code s, ms, us, ns}.
 * Lists carry their item as a child field; fixed-size lists do not (the item type is in the
 * string and the item is named {@code item}, nullable).
 */
public final class LanceSchemaConverter {
  /** Arrow's field metadata key for extension type names. */
  public static final String EXTENSION_NAME_KEY = "ARROW:extension:name";

  private LanceSchemaConverter() {}

  /** Builds the Arrow schema for a Lance field list and schema metadata. */
  public static Schema toArrow(List<FileProtos.Field> fields, Map<String, ByteString> metadata) {
    List<LanceField> tree = tree(fields);
    List<Field> out = new ArrayList<>(tree.size());
    for (LanceField f : tree) {
      out.add(f.arrow());
    }
    return new Schema(out, decode(metadata));
  }

  /** Links the flat field list into a tree of top-level fields, each with its Arrow form. */
  public static List<LanceField> tree(List<FileProtos.Field> fields) {
    Map<Integer, List<FileProtos.Field>> byParent = new HashMap<>();
    List<FileProtos.Field> top = new ArrayList<>();
    Map<Integer, FileProtos.Field> byId = new HashMap<>();
    for (FileProtos.Field f : fields) {
      if (byId.put(f.getId(), f) != null) {
        throw new IllegalArgumentException("Duplicate field id " + f.getId() + " in the Lance schema");
      }
    }
    for (FileProtos.Field f : fields) {
      if (f.getParentId() == -1) {
        top.add(f);
      } else {
        if (!byId.containsKey(f.getParentId())) {
          throw new IllegalArgumentException("Field '" + f.getName() + "' (id " + f.getId() + ") names a missing parent id " + f.getParentId());
        }
        byParent.computeIfAbsent(f.getParentId(), k -> new ArrayList<>()).add(f);
      }
    }
    List<LanceField> out = new ArrayList<>(top.size());
    for (FileProtos.Field f : top) {
      out.add(build(f, byParent, 0));
    }
    return out;
  }

  private static LanceField build(FileProtos.Field f, Map<Integer, List<FileProtos.Field>> byParent, int depth) {
    if (depth > 64) {
      throw new IllegalArgumentException("Lance schema nests deeper than 64 levels at field '" + f.getName() + "'");
    }
    List<LanceField> children = new ArrayList<>();
    for (FileProtos.Field c : byParent.getOrDefault(f.getId(), List.of())) {
      children.add(build(c, byParent, depth + 1));
    }
    Map<String, String> md = decode(f.getMetadataMap());
    if (!f.getExtensionName().isEmpty()) {
      md.put(EXTENSION_NAME_KEY, f.getExtensionName());
    }
    String lt = f.getLogicalType();
    List<Field> arrowChildren = new ArrayList<>();
    for (LanceField c : children) {
      arrowChildren.add(c.arrow());
    }
    FieldType ft;
    if (lt.equals("struct")) {
      ft = new FieldType(f.getNullable(), ArrowType.Struct.INSTANCE, null, md.isEmpty() ? null : md);
    } else if (lt.equals("list") || lt.equals("list.struct")) {
      requireOneChild(f, children);
      ft = new FieldType(f.getNullable(), ArrowType.List.INSTANCE, null, md.isEmpty() ? null : md);
    } else if (lt.equals("large_list") || lt.equals("large_list.struct")) {
      requireOneChild(f, children);
      ft = new FieldType(f.getNullable(), ArrowType.LargeList.INSTANCE, null, md.isEmpty() ? null : md);
    } else if (lt.startsWith("fixed_size_list:")) {
      int last = lt.lastIndexOf(':');
      int size = parseInt(lt.substring(last + 1), lt);
      String inner = lt.substring("fixed_size_list:".length(), last);
      Field item;
      if (inner.equals("lance.bfloat16")) {
        Map<String, String> imd = new LinkedHashMap<>();
        imd.put(EXTENSION_NAME_KEY, "lance.bfloat16");
        imd.put("ARROW:extension:metadata", "");
        item = new Field("item", new FieldType(true, new ArrowType.FixedSizeBinary(2), null, imd), null);
      } else {
        item = arrowLeaf("item", inner, true, null, -1);
      }
      arrowChildren = List.of(item);
      ft = new FieldType(f.getNullable(), new ArrowType.FixedSizeList(size), null, md.isEmpty() ? null : md);
    } else {
      Field leaf = arrowLeaf(f.getName(), lt, f.getNullable(), md.isEmpty() ? null : md, f.getId());
      return new LanceField(f.getId(), f.getParentId(), f.getName(), lt, f.getNullable(), Collections.unmodifiableMap(md), List.copyOf(children), leaf);
    }
    Field arrow = new Field(f.getName(), ft, arrowChildren);
    return new LanceField(f.getId(), f.getParentId(), f.getName(), lt, f.getNullable(), Collections.unmodifiableMap(md), List.copyOf(children), arrow);
  }

  private static void requireOneChild(FileProtos.Field f, List<LanceField> children) {
    if (children.size() != 1) {
      throw new IllegalArgumentException("List field '" + f.getName() + "' (id " + f.getId() + ") must have exactly one child, has " + children.size());
    }
  }

  private static Field arrowLeaf(String name, String lt, boolean nullable, Map<String, String> md, int dictId) {
    if (lt.startsWith("dict:")) {
      String[] parts = lt.split(":");
      if (parts.length != 4) {
        throw new IllegalArgumentException("Unsupported dictionary logical type '" + lt + "'");
      }
      ArrowType value = primitive(parts[1]);
      ArrowType index = primitive(parts[2]);
      if (!(index instanceof ArrowType.Int idx)) {
        throw new IllegalArgumentException("Dictionary index type must be an integer in '" + lt + "'");
      }
      DictionaryEncoding enc = new DictionaryEncoding(Math.max(dictId, 0), Boolean.parseBoolean(parts[3]), idx);
      return new Field(name, new FieldType(nullable, value, enc, md), null);
    }
    return new Field(name, new FieldType(nullable, primitive(lt), null, md), null);
  }

  /** The Arrow type of a non-nested logical type. */
  public static ArrowType primitive(String lt) {
    switch (lt) {
      case "null":
        return ArrowType.Null.INSTANCE;
      case "bool":
        return ArrowType.Bool.INSTANCE;
      case "int8":
        return new ArrowType.Int(8, true);
      case "uint8":
        return new ArrowType.Int(8, false);
      case "int16":
        return new ArrowType.Int(16, true);
      case "uint16":
        return new ArrowType.Int(16, false);
      case "int32":
        return new ArrowType.Int(32, true);
      case "uint32":
        return new ArrowType.Int(32, false);
      case "int64":
        return new ArrowType.Int(64, true);
      case "uint64":
        return new ArrowType.Int(64, false);
      case "halffloat":
        return new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
      case "float":
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case "double":
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case "string":
        return ArrowType.Utf8.INSTANCE;
      case "large_string":
        return ArrowType.LargeUtf8.INSTANCE;
      case "binary":
        return ArrowType.Binary.INSTANCE;
      case "large_binary":
      case "json":
        return ArrowType.LargeBinary.INSTANCE;
      case "date32:day":
        return new ArrowType.Date(DateUnit.DAY);
      case "date64:ms":
        return new ArrowType.Date(DateUnit.MILLISECOND);
      case "time32:s":
        return new ArrowType.Time(TimeUnit.SECOND, 32);
      case "time32:ms":
        return new ArrowType.Time(TimeUnit.MILLISECOND, 32);
      case "time64:us":
        return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
      case "time64:ns":
        return new ArrowType.Time(TimeUnit.NANOSECOND, 64);
      default:
        break;
    }
    String[] parts = lt.split(":", -1);
    switch (parts[0]) {
      case "duration":
        if (parts.length == 2) {
          return new ArrowType.Duration(unit(parts[1], lt));
        }
        break;
      case "timestamp":
        if (parts.length >= 3) {
          // A time zone may itself contain ':' (e.g. "+01:00").
          String tz = lt.substring(parts[0].length() + parts[1].length() + 2);
          return new ArrowType.Timestamp(unit(parts[1], lt), tz.equals("-") ? null : tz);
        }
        break;
      case "decimal":
        if (parts.length == 4) {
          int bits = parseInt(parts[1], lt);
          if (bits != 128 && bits != 256) {
            throw new IllegalArgumentException("Only 128- and 256-bit decimals are supported, got '" + lt + "'");
          }
          return new ArrowType.Decimal(parseInt(parts[2], lt), parseInt(parts[3], lt), bits);
        }
        break;
      case "fixed_size_binary":
        if (parts.length == 2) {
          return new ArrowType.FixedSizeBinary(parseInt(parts[1], lt));
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException("Unsupported Lance logical type '" + lt + "'");
  }

  private static TimeUnit unit(String s, String lt) {
    switch (s) {
      case "s":
        return TimeUnit.SECOND;
      case "ms":
        return TimeUnit.MILLISECOND;
      case "us":
        return TimeUnit.MICROSECOND;
      case "ns":
        return TimeUnit.NANOSECOND;
      default:
        throw new IllegalArgumentException("Unknown time unit '" + s + "' in logical type '" + lt + "'");
    }
  }

  private static String unitString(TimeUnit u) {
    switch (u) {
      case SECOND:
        return "s";
      case MILLISECOND:
        return "ms";
      case MICROSECOND:
        return "us";
      default:
        return "ns";
    }
  }

  private static int parseInt(String s, String lt) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Bad number '" + s + "' in logical type '" + lt + "'", e);
    }
  }

  private static Map<String, String> decode(Map<String, ByteString> md) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ByteString> e : md.entrySet()) {
      out.put(e.getKey(), e.getValue().toString(StandardCharsets.UTF_8));
    }
    return out;
  }

  // ---------------------------------------------------------------- Arrow -> Lance

  /**
   * Converts an Arrow schema to Lance's flat field list, parents before children, ids assigned
   * depth-first from 0 as Lance does.
   */
  public static List<FileProtos.Field> toLance(Schema schema) {
    List<FileProtos.Field> out = new ArrayList<>();
    int[] seed = {0};
    for (Field f : schema.getFields()) {
      add(f, -1, seed, out);
    }
    return out;
  }

  /** The schema-level metadata in Lance's form (UTF-8 bytes). */
  public static Map<String, ByteString> toLanceMetadata(Map<String, String> metadata) {
    Map<String, ByteString> out = new LinkedHashMap<>();
    if (metadata != null) {
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        out.put(e.getKey(), ByteString.copyFromUtf8(e.getValue()));
      }
    }
    return out;
  }

  private static void add(Field f, int parentId, int[] seed, List<FileProtos.Field> out) {
    int id = seed[0]++;
    FileProtos.Field.Builder b = FileProtos.Field.newBuilder()
        .setName(f.getName())
        .setId(id)
        .setParentId(parentId)
        .setLogicalType(logicalType(f))
        .setNullable(f.isNullable())
        .setEncoding(encoding(f));
    Map<String, String> md = f.getMetadata();
    if (md != null) {
      for (Map.Entry<String, String> e : md.entrySet()) {
        b.putMetadata(e.getKey(), ByteString.copyFromUtf8(e.getValue()));
      }
      String ext = md.get(EXTENSION_NAME_KEY);
      if (ext != null) {
        b.setExtensionName(ext);
      }
    }
    out.add(b.build());
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Struct || t instanceof ArrowType.List || t instanceof ArrowType.LargeList) {
      for (Field c : f.getChildren()) {
        add(c, id, seed, out);
      }
    }
  }

  private static FileProtos.Encoding encoding(Field f) {
    if (f.getDictionary() != null) {
      return FileProtos.Encoding.DICTIONARY;
    }
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8 || t instanceof ArrowType.Binary || t instanceof ArrowType.LargeBinary) {
      return FileProtos.Encoding.VAR_BINARY;
    }
    if (t instanceof ArrowType.Struct || t instanceof ArrowType.Null) {
      return FileProtos.Encoding.NONE;
    }
    return FileProtos.Encoding.PLAIN;
  }

  /** Lance's logical type string for an Arrow field. */
  public static String logicalType(Field f) {
    if (f.getDictionary() != null) {
      ArrowType.Int idx = f.getDictionary().getIndexType();
      return "dict:" + primitiveName(f.getType()) + ":" + primitiveName(idx) + ":false";
    }
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Struct) {
      return "struct";
    }
    if (t instanceof ArrowType.List) {
      return isStruct(f) ? "list.struct" : "list";
    }
    if (t instanceof ArrowType.LargeList) {
      return isStruct(f) ? "large_list.struct" : "large_list";
    }
    if (t instanceof ArrowType.FixedSizeList fsl) {
      Field item = f.getChildren().get(0);
      Map<String, String> imd = item.getMetadata();
      String inner = imd != null && "lance.bfloat16".equals(imd.get(EXTENSION_NAME_KEY)) ? "lance.bfloat16" : logicalType(item);
      return "fixed_size_list:" + inner + ":" + fsl.getListSize();
    }
    return primitiveName(t);
  }

  private static boolean isStruct(Field list) {
    return !list.getChildren().isEmpty() && list.getChildren().get(0).getType() instanceof ArrowType.Struct;
  }

  private static String primitiveName(ArrowType t) {
    if (t instanceof ArrowType.Null) {
      return "null";
    }
    if (t instanceof ArrowType.Bool) {
      return "bool";
    }
    if (t instanceof ArrowType.Int i) {
      return (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
    }
    if (t instanceof ArrowType.FloatingPoint fp) {
      switch (fp.getPrecision()) {
        case HALF:
          return "halffloat";
        case SINGLE:
          return "float";
        default:
          return "double";
      }
    }
    if (t instanceof ArrowType.Utf8) {
      return "string";
    }
    if (t instanceof ArrowType.LargeUtf8) {
      return "large_string";
    }
    if (t instanceof ArrowType.Binary) {
      return "binary";
    }
    if (t instanceof ArrowType.LargeBinary) {
      return "large_binary";
    }
    if (t instanceof ArrowType.Date d) {
      return d.getUnit() == DateUnit.DAY ? "date32:day" : "date64:ms";
    }
    if (t instanceof ArrowType.Time tm) {
      return "time" + tm.getBitWidth() + ":" + unitString(tm.getUnit());
    }
    if (t instanceof ArrowType.Timestamp ts) {
      return "timestamp:" + unitString(ts.getUnit()) + ":" + (ts.getTimezone() == null ? "-" : ts.getTimezone());
    }
    if (t instanceof ArrowType.Duration d) {
      return "duration:" + unitString(d.getUnit());
    }
    if (t instanceof ArrowType.Decimal d) {
      return "decimal:" + d.getBitWidth() + ":" + d.getPrecision() + ":" + d.getScale();
    }
    if (t instanceof ArrowType.FixedSizeBinary b) {
      return "fixed_size_binary:" + b.getByteWidth();
    }
    throw new IllegalArgumentException("Arrow type " + t + " has no Lance logical type");
  }
}
