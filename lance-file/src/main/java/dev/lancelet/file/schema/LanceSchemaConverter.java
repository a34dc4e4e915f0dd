package dev.lancelet.file.schema;

import com.google.protobuf.ByteString;
import dev.lancelet.file.LanceFormatException;
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

  /** Largest fixed-size-list length and fixed-size-binary width accepted from a file. */
  static final int MAX_FIXED_SIZE = 1 << 24;

  /** Deepest nesting accepted from a file. */
  static final int MAX_DEPTH = 64;

  /**
   * Builds the Arrow schema for a Lance field list and schema metadata.
   *
   * @throws LanceFormatException if the field list is not a valid Lance schema (see {@link #tree})
   */
  public static Schema toArrow(List<FileProtos.Field> fields, Map<String, ByteString> metadata) throws LanceFormatException {
    return arrowSchema(tree(fields), metadata);
  }

  /** The Arrow schema of an already linked field tree. */
  public static Schema arrowSchema(List<LanceField> tree, Map<String, ByteString> metadata) {
    List<Field> out = new ArrayList<>(tree.size());
    for (LanceField f : tree) {
      out.add(f.arrow());
    }
    return new Schema(out, decode(metadata));
  }

  /**
   * Links the flat field list into a tree of top-level fields, each with its Arrow form, and
   * validates it: field ids are unique and not negative, every parent id names a field, the
   * parent links have no cycle, nesting is at most {@value #MAX_DEPTH} deep, every logical type
   * is known (with its numbers in range), lists have exactly one child and leaves none.
   *
   * @throws LanceFormatException naming the offending field (the caller adds the file)
   */
  public static List<LanceField> tree(List<FileProtos.Field> fields) throws LanceFormatException {
    fields = adoptBlobV2Children(fields);
    Map<Integer, List<FileProtos.Field>> byParent = new HashMap<>();
    List<FileProtos.Field> top = new ArrayList<>();
    Map<Integer, FileProtos.Field> byId = new HashMap<>();
    for (FileProtos.Field f : fields) {
      if (f.getId() < 0) {
        throw new LanceFormatException("Field '" + f.getName() + "' has a negative id " + f.getId());
      }
      FileProtos.Field other = byId.put(f.getId(), f);
      if (other != null) {
        throw new LanceFormatException("Fields '" + other.getName() + "' and '" + f.getName() + "' have the same id " + f.getId());
      }
    }
    for (FileProtos.Field f : fields) {
      if (f.getParentId() == -1) {
        top.add(f);
      } else if (f.getParentId() == f.getId()) {
        throw new LanceFormatException("Field '" + f.getName() + "' (id " + f.getId() + ") is its own parent");
      } else if (!byId.containsKey(f.getParentId())) {
        throw new LanceFormatException("Field '" + f.getName() + "' (id " + f.getId() + ") names a missing parent id " + f.getParentId());
      } else {
        byParent.computeIfAbsent(f.getParentId(), k -> new ArrayList<>()).add(f);
      }
    }
    List<LanceField> out = new ArrayList<>(top.size());
    int[] reached = {0};
    for (FileProtos.Field f : top) {
      out.add(build(f, byParent, 0, reached));
    }
    if (reached[0] != fields.size()) {
      // Every parent exists, so a field the top level does not reach sits on a cycle of parent ids.
      List<String> lost = new ArrayList<>();
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      collectIds(out, seen);
      for (FileProtos.Field f : fields) {
        if (!seen.contains(f.getId()) && lost.size() < 8) {
          lost.add("'" + f.getName() + "' (id " + f.getId() + ", parent " + f.getParentId() + ")");
        }
      }
      throw new LanceFormatException("Parent ids form a cycle: " + (fields.size() - reached[0]) + " fields are not reachable from the top level, e.g. " + lost);
    }
    return out;
  }

  /**
   * A data file holding a blob v2 column lists its descriptor struct (metadata {@code
   * lance-encoding:blob} and {@code lance-encoding:packed}) followed by the struct's children
   * with id -1 and parent id -1 (lance-core 7.0 gives them no ids of their own). This links each
   * run of such id-less fields to the packed blob struct just before it, giving them fresh ids
   * above every id in the file. Any other id-less field is left alone (and rejected later).
   */
  static List<FileProtos.Field> adoptBlobV2Children(List<FileProtos.Field> fields) {
    boolean any = false;
    int maxId = -1;
    for (FileProtos.Field f : fields) {
      any |= f.getId() == -1;
      maxId = Math.max(maxId, f.getId());
    }
    if (!any) {
      return fields;
    }
    List<FileProtos.Field> out = new ArrayList<>(fields.size());
    int parent = Integer.MIN_VALUE;
    int next = maxId + 1;
    for (FileProtos.Field f : fields) {
      if (f.getId() == -1 && f.getParentId() == -1 && parent != Integer.MIN_VALUE && next >= 0) {
        out.add(f.toBuilder().setId(next++).setParentId(parent).build());
        continue;
      }
      boolean packedBlob = "struct".equals(f.getLogicalType())
          && "true".equals(f.getMetadataMap().getOrDefault("lance-encoding:packed", com.google.protobuf.ByteString.EMPTY).toStringUtf8())
          && f.getMetadataMap().containsKey("lance-encoding:blob");
      parent = packedBlob && f.getId() >= 0 ? f.getId() : Integer.MIN_VALUE;
      out.add(f);
    }
    return out;
  }

  private static void collectIds(List<LanceField> fs, java.util.Set<Integer> out) {
    for (LanceField f : fs) {
      out.add(f.id());
      collectIds(f.children(), out);
    }
  }

  private static LanceField build(FileProtos.Field f, Map<Integer, List<FileProtos.Field>> byParent, int depth, int[] reached)
      throws LanceFormatException {
    if (depth > MAX_DEPTH) {
      throw new LanceFormatException("Schema nests deeper than " + MAX_DEPTH + " levels at field '" + f.getName() + "'");
    }
    reached[0]++;
    List<LanceField> children = new ArrayList<>();
    for (FileProtos.Field c : byParent.getOrDefault(f.getId(), List.of())) {
      children.add(build(c, byParent, depth + 1, reached));
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
      requireChildren(f, children, 1);
      ft = new FieldType(f.getNullable(), ArrowType.List.INSTANCE, null, md.isEmpty() ? null : md);
    } else if (lt.equals("large_list") || lt.equals("large_list.struct")) {
      requireChildren(f, children, 1);
      ft = new FieldType(f.getNullable(), ArrowType.LargeList.INSTANCE, null, md.isEmpty() ? null : md);
    } else if (lt.startsWith("fixed_size_list:")) {
      requireChildren(f, children, 0);
      int last = lt.lastIndexOf(':');
      if (last < "fixed_size_list:".length()) {
        throw badType(f, lt, "expected fixed_size_list:<item type>:<size>");
      }
      int size = parseSize(f, lt, lt.substring(last + 1));
      String inner = lt.substring("fixed_size_list:".length(), last);
      Field item;
      if (inner.equals("lance.bfloat16")) {
        Map<String, String> imd = new LinkedHashMap<>();
        imd.put(EXTENSION_NAME_KEY, "lance.bfloat16");
        imd.put("ARROW:extension:metadata", "");
        item = new Field("item", new FieldType(true, new ArrowType.FixedSizeBinary(2), null, imd), null);
      } else {
        item = arrowLeaf(f, "item", inner, true, null, -1);
      }
      arrowChildren = List.of(item);
      ft = new FieldType(f.getNullable(), new ArrowType.FixedSizeList(size), null, md.isEmpty() ? null : md);
    } else {
      requireChildren(f, children, 0);
      Field leaf = arrowLeaf(f, f.getName(), lt, f.getNullable(), md.isEmpty() ? null : md, f.getId());
      return new LanceField(f.getId(), f.getParentId(), f.getName(), lt, f.getNullable(), Collections.unmodifiableMap(md), List.copyOf(children), leaf);
    }
    Field arrow = new Field(f.getName(), ft, arrowChildren);
    return new LanceField(f.getId(), f.getParentId(), f.getName(), lt, f.getNullable(), Collections.unmodifiableMap(md), List.copyOf(children), arrow);
  }

  private static void requireChildren(FileProtos.Field f, List<LanceField> children, int expected) throws LanceFormatException {
    if (children.size() != expected) {
      throw new LanceFormatException("Field '" + f.getName() + "' (id " + f.getId() + ", type " + f.getLogicalType() + ") must have "
          + (expected == 0 ? "no children" : "exactly " + expected + " child") + ", has " + children.size());
    }
  }

  private static LanceFormatException badType(FileProtos.Field f, String lt, String why) {
    return new LanceFormatException("Field '" + f.getName() + "' (id " + f.getId() + ") has an invalid logical type '" + lt + "': " + why);
  }

  private static Field arrowLeaf(FileProtos.Field f, String name, String lt, boolean nullable, Map<String, String> md, int dictId)
      throws LanceFormatException {
    if (lt.startsWith("dict:")) {
      String[] parts = lt.split(":", -1);
      if (parts.length != 4) {
        throw badType(f, lt, "expected dict:<value type>:<index type>:<ordered>");
      }
      ArrowType value = primitive(f, parts[1]);
      ArrowType index = primitive(f, parts[2]);
      if (!(index instanceof ArrowType.Int idx)) {
        throw badType(f, lt, "the dictionary index type must be an integer");
      }
      DictionaryEncoding enc = new DictionaryEncoding(Math.max(dictId, 0), Boolean.parseBoolean(parts[3]), idx);
      return new Field(name, new FieldType(nullable, value, enc, md), null);
    }
    return new Field(name, new FieldType(nullable, primitive(f, lt), null, md), null);
  }

  private static ArrowType primitive(FileProtos.Field f, String lt) throws LanceFormatException {
    ArrowType t = parsePrimitive(lt);
    if (t == null) {
      throw badType(f, lt, "unknown type");
    }
    if (t instanceof ArrowType.FixedSizeBinary b && (b.getByteWidth() < 0 || b.getByteWidth() > MAX_FIXED_SIZE)) {
      throw badType(f, lt, "width must be in [0, " + MAX_FIXED_SIZE + "]");
    }
    if (t instanceof ArrowType.Decimal d) {
      int max = d.getBitWidth() == 128 ? 38 : 76;
      if (d.getPrecision() < 1 || d.getPrecision() > max || d.getScale() > d.getPrecision() || d.getScale() < -max) {
        throw badType(f, lt, "precision must be in [1, " + max + "] and scale at most the precision");
      }
    }
    return t;
  }

  private static int parseSize(FileProtos.Field f, String lt, String s) throws LanceFormatException {
    Integer n = parseIntOrNull(s);
    if (n == null || n < 0 || n > MAX_FIXED_SIZE) {
      throw badType(f, lt, "size '" + s + "' is not an integer in [0, " + MAX_FIXED_SIZE + "]");
    }
    return n;
  }

  /** The Arrow type of a non-nested logical type. */
  public static ArrowType primitive(String lt) {
    ArrowType t = parsePrimitive(lt);
    if (t == null) {
      throw new IllegalArgumentException("Unsupported Lance logical type '" + lt + "'");
    }
    return t;
  }

  /** The Arrow type of a non-nested logical type, or null when {@code lt} is not one. */
  private static ArrowType parsePrimitive(String lt) {
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
          TimeUnit u = unit(parts[1]);
          return u == null ? null : new ArrowType.Duration(u);
        }
        break;
      case "timestamp":
        if (parts.length >= 3) {
          // A time zone may itself contain ':' (e.g. "+01:00").
          String tz = lt.substring(parts[0].length() + parts[1].length() + 2);
          TimeUnit u = unit(parts[1]);
          return u == null ? null : new ArrowType.Timestamp(u, tz.equals("-") ? null : tz);
        }
        break;
      case "decimal":
        if (parts.length == 4) {
          Integer bits = parseIntOrNull(parts[1]);
          Integer precision = parseIntOrNull(parts[2]);
          Integer scale = parseIntOrNull(parts[3]);
          if (bits == null || (bits != 128 && bits != 256) || precision == null || scale == null) {
            return null;
          }
          return new ArrowType.Decimal(precision, scale, bits);
        }
        break;
      case "fixed_size_binary":
        if (parts.length == 2) {
          Integer w = parseIntOrNull(parts[1]);
          return w == null ? null : new ArrowType.FixedSizeBinary(w);
        }
        break;
      default:
        break;
    }
    return null;
  }

  private static TimeUnit unit(String s) {
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
        return null;
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

  /** A decimal integer of at most 9 digits (an optional leading '-'), or null. */
  private static Integer parseIntOrNull(String s) {
    int i = s.startsWith("-") ? 1 : 0;
    if (s.length() == i || s.length() - i > 9) {
      return null;
    }
    for (int k = i; k < s.length(); k++) {
      if (s.charAt(k) < '0' || s.charAt(k) > '9') {
        return null;
      }
    }
    return Integer.parseInt(s);
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
      add(f, -1, seed, out, false);
    }
    return out;
  }

  /**
   * The field list a data file records for {@code schema}: as {@link #toLance}, except that a
   * top-level blob v2 field ({@value #BLOB_V2_EXTENSION}) is listed in the form its column is
   * stored in, the descriptor struct lance-core 7.0 writes (see {@link #adoptBlobV2Children}).
   */
  public static List<FileProtos.Field> toLanceFile(Schema schema) {
    List<FileProtos.Field> out = new ArrayList<>();
    int[] seed = {0};
    for (Field f : schema.getFields()) {
      add(f, -1, seed, out, true);
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

  private static void add(Field f, int parentId, int[] seed, List<FileProtos.Field> out, boolean dataFile) {
    if (dataFile && parentId == -1 && f.getType() instanceof ArrowType.Struct && f.getMetadata() != null
        && BLOB_V2_EXTENSION.equals(f.getMetadata().get(EXTENSION_NAME_KEY))) {
      addBlobV2Descriptor(f, seed[0]++, out);
      return;
    }
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
        add(c, id, seed, out, dataFile);
      }
    }
  }

  /** Arrow extension name of blob v2 fields. */
  public static final String BLOB_V2_EXTENSION = "lance.blob.v2";

  /**
   * A blob v2 field as data files list it (lance-core 7.0): the descriptor struct with metadata
   * {@code lance-encoding:blob} and {@code lance-encoding:packed}, then its five children with id
   * and parent id -1 (see {@link #adoptBlobV2Children}).
   */
  private static void addBlobV2Descriptor(Field f, int id, List<FileProtos.Field> out) {
    out.add(FileProtos.Field.newBuilder()
        .setName(f.getName())
        .setId(id)
        .setParentId(-1)
        .setLogicalType("struct")
        .setNullable(f.isNullable())
        .setEncoding(FileProtos.Encoding.NONE)
        .putMetadata("lance-encoding:blob", ByteString.copyFromUtf8("true"))
        .putMetadata("lance-encoding:packed", ByteString.copyFromUtf8("true"))
        .build());
    String[][] children = {{"kind", "uint8"}, {"position", "uint64"}, {"size", "uint64"}, {"blob_id", "uint32"}, {"blob_uri", "string"}};
    for (String[] c : children) {
      out.add(FileProtos.Field.newBuilder()
          .setName(c[0])
          .setId(-1)
          .setParentId(-1)
          .setLogicalType(c[1])
          .setNullable(false)
          .setEncoding(c[1].equals("string") ? FileProtos.Encoding.VAR_BINARY : FileProtos.Encoding.PLAIN)
          .build());
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
