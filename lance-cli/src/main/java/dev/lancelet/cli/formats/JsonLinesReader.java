package dev.lancelet.cli.formats;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams a JSON lines file (one JSON object per line; blank lines skipped) as Arrow batches.
 * Inference over the first {@code inferRows} lines: integers are int64, other numbers float64,
 * strings utf8, booleans bool, objects structs (the union of the fields seen), arrays lists; a
 * field seen only as null, or with values of conflicting kinds, becomes utf8 holding the JSON text
 * of non-string values. A field that appears only after the sampled lines is an error.
 */
final class JsonLinesReader extends RowBatchReader {
  private final Utf8Input in;
  private final ArrayDeque<Line> sample;
  private final List<Field> fields;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final String inferredFrom;
  private long lineNo;
  private long lastLine = -1;

  /** The longest line accepted: bounds memory on input that is not JSON lines at all. */
  static final int MAX_LINE_CHARS = 256 << 20;

  private record Line(Map<String, Object> value, long line) {}

  private JsonLinesReader(BufferAllocator allocator, String file, Schema schema, int batchSize, Utf8Input in,
      ArrayDeque<Line> sample, long lineNo, String inferredFrom) {
    super(allocator, file, schema, batchSize);
    this.in = in;
    this.sample = sample;
    this.fields = schema.getFields();
    for (int k = 0; k < fields.size(); k++) {
      index.put(fields.get(k).getName(), k);
    }
    this.lineNo = lineNo;
    this.inferredFrom = inferredFrom;
  }

  static JsonLinesReader open(Path path, String file, ReaderOptions options, BufferAllocator allocator)
      throws IOException {
    Utf8Input in = new Utf8Input(Files.newInputStream(path));
    boolean ok = false;
    try {
      ArrayDeque<Line> sample = new ArrayDeque<>();
      long[] lineNo = {0};
      Schema schema = options.schema();
      String inferredFrom = null;
      for (Map.Entry<String, ArrowType> e : options.columnTypes().entrySet()) {
        if (!Values.isTextScalar(e.getValue())) {
          throw new FormatException(file, -1, "column '" + e.getKey() + "': a column type override must be a scalar"
              + " type, not " + TypeNames.name(e.getValue()) + "; give nested types with the whole schema");
        }
      }
      if (schema == null) {
        while (sample.size() < options.inferRows()) {
          Line l = readLine(in, file, lineNo);
          if (l == null) {
            break;
          }
          sample.add(l);
        }
        Kind root = Kind.struct();
        for (Line l : sample) {
          root = Kind.merge(root, Kind.of(l.value));
        }
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, Kind> e : root.fields.entrySet()) {
          ArrowType given = options.columnTypes().get(e.getKey());
          if (given != null) {
            fields.add(new Field(e.getKey(), FieldType.nullable(given), null));
          } else {
            fields.add(e.getValue().toField(e.getKey()));
          }
        }
        for (String n : options.columnTypes().keySet()) {
          if (!root.fields.containsKey(n)) {
            fields.add(new Field(n, FieldType.nullable(options.columnTypes().get(n)), null));
          }
        }
        schema = new Schema(fields);
        inferredFrom = "the schema inferred from the first " + sample.size() + " lines (read more with a larger"
            + " inference sample, or give the schema)";
      } else {
        inferredFrom = "the given schema";
      }
      JsonLinesReader r = new JsonLinesReader(allocator, file, schema, options.batchSize(), in, sample,
          lineNo[0], inferredFrom);
      ok = true;
      return r;
    } finally {
      if (!ok) {
        in.close();
      }
    }
  }

  private static Line readLine(Utf8Input in, String file, long[] lineNo) throws IOException {
    while (true) {
      String text;
      try {
        text = in.readLine(MAX_LINE_CHARS);
      } catch (Utf8Input.LineTooLong e) {
        throw new FormatException(file, lineNo[0] + 1, e.getMessage(), e);
      } catch (Utf8Input.Malformed e) {
        throw new FormatException(file, lineNo[0] + 1, "not valid UTF-8 text (" + e.getMessage() + ")", e);
      }
      if (text == null) {
        return null;
      }
      lineNo[0]++;
      if (lineNo[0] == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      if (text.isBlank()) {
        continue;
      }
      Object v;
      try {
        v = JsonText.parse(text);
      } catch (JsonText.SyntaxError e) {
        throw new FormatException(file, lineNo[0], "malformed JSON: " + e.getMessage(), e);
      }
      if (!(v instanceof Map<?, ?>)) {
        throw new FormatException(file, lineNo[0], "expected a JSON object, found "
            + (v instanceof List<?> ? "an array" : v == null ? "null" : "a " + v.getClass().getSimpleName().toLowerCase()));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return new Line(m, lineNo[0]);
    }
  }

  @Override
  protected Object[] nextRow() throws IOException {
    Line l;
    if (!sample.isEmpty()) {
      l = sample.poll();
    } else {
      long[] no = {lineNo};
      l = readLine(in, file, no);
      lineNo = no[0];
      if (l == null) {
        return null;
      }
    }
    lastLine = l.line;
    Object[] row = new Object[fields.size()];
    for (Map.Entry<String, Object> e : l.value.entrySet()) {
      Integer k = index.get(e.getKey());
      if (k == null) {
        throw new FormatException(file, l.line, "field '" + e.getKey() + "' is not in " + inferredFrom);
      }
      try {
        row[k] = coerce(fields.get(k), e.getValue());
      } catch (IllegalArgumentException ex) {
        throw new FormatException(file, l.line, "field '" + e.getKey() + "': " + ex.getMessage(), ex);
      }
    }
    return row;
  }

  /** A parsed JSON value in the canonical representation of {@code f}'s type (see {@link Values}). */
  static Object coerce(Field f, Object v) {
    if (v == null) {
      return null;
    }
    ArrowType t = f.getType();
    switch (t) {
      case ArrowType.Utf8 u -> {
        return jsonText(v);
      }
      case ArrowType.LargeUtf8 u -> {
        return jsonText(v);
      }
      case ArrowType.List l -> {
        return coerceList(f, v);
      }
      case ArrowType.LargeList l -> {
        return coerceList(f, v);
      }
      case ArrowType.FixedSizeList l -> {
        return coerceList(f, v);
      }
      case ArrowType.Map m -> {
        Field entries = f.getChildren().get(0);
        if (v instanceof Map<?, ?> obj) {
          List<Object> out = new ArrayList<>();
          for (Map.Entry<?, ?> e : obj.entrySet()) {
            out.add(coerce(entries, Map.of("key", e.getKey(), "value", e.getValue() == null ? NULL : e.getValue())));
          }
          return out;
        }
        return coerceList(f, v);
      }
      case ArrowType.Struct s -> {
        if (!(v instanceof Map<?, ?> obj)) {
          throw new IllegalArgumentException("expected an object for struct '" + f.getName() + "'");
        }
        List<Field> children = f.getChildren();
        Object[] out = new Object[children.size()];
        int found = 0;
        for (int c = 0; c < children.size(); c++) {
          Field child = children.get(c);
          if (obj.containsKey(child.getName())) {
            found++;
            Object x = obj.get(child.getName());
            out[c] = x == NULL ? null : coerce(child, x);
          }
        }
        if (found != obj.size()) {
          for (Object key : obj.keySet()) {
            if (children.stream().noneMatch(c -> c.getName().equals(key))) {
              throw new IllegalArgumentException("unexpected field '" + key + "' in struct '" + f.getName() + "'");
            }
          }
        }
        return out;
      }
      default -> {
        if (v instanceof String str && !(t instanceof ArrowType.Utf8)) {
          return Values.parse(t, str);
        }
        if (v instanceof List<?> || v instanceof Map<?, ?>) {
          throw new IllegalArgumentException("expected a " + TypeNames.name(t) + ", found "
              + (v instanceof List<?> ? "an array" : "an object"));
        }
        if (t instanceof ArrowType.Date || t instanceof ArrowType.Time) {
          // raw numbers of the unit: Integer for the 32-bit types
          if (v instanceof Long x && (t instanceof ArrowType.Date d && d.getUnit() == org.apache.arrow.vector.types.DateUnit.DAY
              || t instanceof ArrowType.Time tm && tm.getBitWidth() == 32)) {
            return Math.toIntExact(x);
          }
        }
        if (t instanceof ArrowType.FloatingPoint fp && v instanceof BigDecimal d) {
          // through the decimal text: the JDK's text parsers round correctly
          return fp.getPrecision() == FloatingPointPrecision.DOUBLE
              ? (Object) Double.parseDouble(d.toString()) : (Object) Float.parseFloat(d.toString());
        }
        if (t instanceof ArrowType.Bool && !(v instanceof Boolean)) {
          throw new IllegalArgumentException("expected true or false, found " + jsonText(v));
        }
        if (v instanceof Boolean && !(t instanceof ArrowType.Bool)) {
          throw new IllegalArgumentException("expected a " + TypeNames.name(t) + ", found " + v);
        }
        return v;
      }
    }
  }

  /** Marks an explicit JSON null inside a map entry built from an object. */
  private static final Object NULL = new Object();

  private static List<Object> coerceList(Field f, Object v) {
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException("expected an array for " + TypeNames.name(f) + " '" + f.getName() + "'");
    }
    Field item = f.getChildren().get(0);
    List<Object> out = new ArrayList<>(list.size());
    for (Object x : list) {
      out.add(coerce(item, x));
    }
    return out;
  }

  private static String jsonText(Object v) {
    if (v instanceof String s) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    JsonText.print(b, v);
    return b.toString();
  }

  @Override
  protected long rowLine() {
    return lastLine;
  }

  @Override
  public long bytesRead() {
    return in.offset();
  }

  @Override
  protected void closeReadSource() throws IOException {
    in.close();
  }

  /** The inferred kind of a JSON value. */
  private static final class Kind {
    enum K { NULL, BOOL, INT, FLOAT, STRING, LIST, STRUCT, MIXED }

    final K k;
    final Kind item;
    final LinkedHashMap<String, Kind> fields;

    private Kind(K k, Kind item, LinkedHashMap<String, Kind> fields) {
      this.k = k;
      this.item = item;
      this.fields = fields;
    }

    static final Kind NULL = new Kind(K.NULL, null, null);
    static final Kind BOOL = new Kind(K.BOOL, null, null);
    static final Kind INT = new Kind(K.INT, null, null);
    static final Kind FLOAT = new Kind(K.FLOAT, null, null);
    static final Kind STRING = new Kind(K.STRING, null, null);
    static final Kind MIXED = new Kind(K.MIXED, null, null);

    static Kind struct() {
      return new Kind(K.STRUCT, null, new LinkedHashMap<>());
    }

    static Kind of(Object v) {
      return switch (v) {
        case null -> NULL;
        case Boolean b -> BOOL;
        case Long l -> INT;
        case BigDecimal d -> FLOAT;
        case String s -> STRING;
        case List<?> l -> {
          Kind item = NULL;
          for (Object x : l) {
            item = merge(item, of(x));
          }
          yield new Kind(K.LIST, item, null);
        }
        case Map<?, ?> m -> {
          Kind s = struct();
          for (Map.Entry<?, ?> e : m.entrySet()) {
            s.fields.put((String) e.getKey(), of(e.getValue()));
          }
          yield s;
        }
        default -> MIXED;
      };
    }

    static Kind merge(Kind a, Kind b) {
      if (a.k == K.NULL) {
        return b;
      }
      if (b.k == K.NULL) {
        return a;
      }
      if (a.k != b.k) {
        if ((a.k == K.INT && b.k == K.FLOAT) || (a.k == K.FLOAT && b.k == K.INT)) {
          return FLOAT;
        }
        return MIXED;
      }
      return switch (a.k) {
        case LIST -> new Kind(K.LIST, merge(a.item, b.item), null);
        case STRUCT -> {
          Kind s = struct();
          s.fields.putAll(a.fields);
          for (Map.Entry<String, Kind> e : b.fields.entrySet()) {
            s.fields.merge(e.getKey(), e.getValue(), Kind::merge);
          }
          yield s;
        }
        default -> a;
      };
    }

    Field toField(String name) {
      return switch (k) {
        case BOOL -> new Field(name, FieldType.nullable(ArrowType.Bool.INSTANCE), null);
        case INT -> new Field(name, FieldType.nullable(new ArrowType.Int(64, true)), null);
        case FLOAT -> new Field(name, FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null);
        case LIST -> new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(item.toField("item")));
        case STRUCT -> {
          if (fields.isEmpty()) {
            yield new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null); // {} only: keep the JSON text
          }
          List<Field> children = new ArrayList<>();
          for (Map.Entry<String, Kind> e : fields.entrySet()) {
            children.add(e.getValue().toField(e.getKey()));
          }
          yield new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), children);
        }
        default -> new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
      };
    }
  }
}
