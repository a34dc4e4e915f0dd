package dev.lancelet.cli.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams a CSV (or TSV) file as Arrow batches. RFC 4180 quoting: a quoted field may hold the
 * delimiter, line breaks and doubled quotes. An unquoted empty field (or one of the configured
 * null values) is null; a quoted empty field is an empty string; in a non-string column any
 * empty field is null. Types are inferred from the first {@code inferRows} records unless given.
 */
final class CsvReader extends RowBatchReader {
  private final Parser parser;
  private final ArrayDeque<Parser.Record> sample;
  private final ArrowType[] types;
  private final int[] fileColumnOf;
  private final Set<String> nullValues;
  private final List<Field> fields;
  private long lastLine = -1;

  private CsvReader(BufferAllocator allocator, String file, Schema schema, int batchSize, Parser parser,
      ArrayDeque<Parser.Record> sample, int[] fileColumnOf, Set<String> nullValues) {
    super(allocator, file, schema, batchSize);
    this.parser = parser;
    this.sample = sample;
    this.fields = schema.getFields();
    this.types = fields.stream().map(Field::getType).toArray(ArrowType[]::new);
    this.fileColumnOf = fileColumnOf;
    this.nullValues = nullValues;
  }

  static CsvReader open(Path path, String file, char delimiter, ReaderOptions options, BufferAllocator allocator)
      throws IOException {
    Utf8Input in = new Utf8Input(Files.newInputStream(path));
    Parser parser = new Parser(in, delimiter, file);
    boolean ok = false;
    try {
      CsvReader r = open(parser, file, options, allocator);
      ok = true;
      return r;
    } finally {
      if (!ok) {
        in.close();
      }
    }
  }

  private static CsvReader open(Parser parser, String file, ReaderOptions options, BufferAllocator allocator)
      throws IOException {
    Parser.Record header = options.header() ? parser.next() : null;
    ArrayDeque<Parser.Record> sample = new ArrayDeque<>();
    int columns;
    List<String> names = new ArrayList<>();
    if (header == null && options.header()) {
      throw new FormatException(file, -1, "empty file: no header line");
    }
    if (header != null) {
      columns = header.values.length;
      Set<String> seen = new HashSet<>();
      for (String n : header.values) {
        if (!seen.add(n)) {
          throw new FormatException(file, header.line, "duplicate column name '" + n + "' in the header");
        }
        names.add(n);
      }
    } else {
      Parser.Record first = parser.next();
      if (first == null) {
        throw new FormatException(file, -1, "empty file: no header and no rows");
      }
      sample.add(first);
      columns = first.values.length;
      for (int c = 0; c < columns; c++) {
        names.add("c" + c);
      }
    }
    parser.columns = columns;
    Schema given = options.schema();
    int samples = given != null ? 0 : options.inferRows();
    while (sample.size() < samples) {
      Parser.Record r = parser.next();
      if (r == null) {
        break;
      }
      sample.add(r);
    }
    for (Parser.Record r : sample) {
      parser.checkWidth(r);
    }
    List<Field> fields = new ArrayList<>();
    int[] fileColumnOf;
    if (given != null) {
      Map<String, Integer> index = new HashMap<>();
      for (int c = 0; c < names.size(); c++) {
        index.put(names.get(c), c);
      }
      fileColumnOf = new int[given.getFields().size()];
      for (int k = 0; k < fileColumnOf.length; k++) {
        Field f = given.getFields().get(k);
        Integer c = index.remove(f.getName());
        if (c == null) {
          throw new FormatException(file, -1, "column '" + f.getName() + "' of the given schema is not in the file (columns: "
              + String.join(", ", names) + ")");
        }
        checkScalar(file, f);
        fileColumnOf[k] = c;
        fields.add(f);
      }
      if (!index.isEmpty()) {
        throw new FormatException(file, -1, "column(s) " + index.keySet() + " of the file are not in the given schema");
      }
    } else {
      for (String n : options.columnTypes().keySet()) {
        if (!names.contains(n)) {
          throw new FormatException(file, -1, "column '" + n + "' given a type is not in the file (columns: "
              + String.join(", ", names) + ")");
        }
      }
      fileColumnOf = new int[columns];
      for (int c = 0; c < columns; c++) {
        ArrowType t = options.columnTypes().get(names.get(c));
        if (t == null) {
          t = infer(sample, c, options.nullValues());
        }
        Field f = new Field(names.get(c), FieldType.nullable(t), null);
        checkScalar(file, f);
        fields.add(f);
        fileColumnOf[c] = c;
      }
    }
    return new CsvReader(allocator, file, new Schema(fields), options.batchSize(), parser, sample, fileColumnOf,
        options.nullValues());
  }

  /** Types whose empty value differs from null (strings, binaries): the writer quotes them. */
  static boolean isQuotedType(ArrowType t) {
    return t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8 || t instanceof ArrowType.Binary
        || t instanceof ArrowType.LargeBinary || t instanceof ArrowType.FixedSizeBinary;
  }

  private static void checkScalar(String file, Field f) throws FormatException {
    if (!Values.isTextScalar(f.getType()) || f.getType() instanceof ArrowType.Null) {
      throw new FormatException(file, -1, "column '" + f.getName() + "': CSV cannot hold type " + TypeNames.name(f));
    }
  }

  /** The narrowest of bool, int64, float64, date32, timestamp(us[, UTC]) that fits, else utf8. */
  private static ArrowType infer(ArrayDeque<Parser.Record> sample, int c, Set<String> nullValues) {
    boolean bool = true, int64 = true, float64 = true, date = true, ts = true;
    int zoned = 0, local = 0;
    boolean nanos = false;
    int seen = 0;
    for (Parser.Record r : sample) {
      String v = r.values[c];
      boolean quoted = r.quoted[c];
      if (v.isEmpty() || (!quoted && nullValues.contains(v))) {
        continue;
      }
      if (quoted) {
        return ArrowType.Utf8.INSTANCE;
      }
      seen++;
      String t = v.trim();
      if (bool && !(t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false"))) {
        bool = false;
      }
      if (int64 && !parses(new ArrowType.Int(64, true), t)) {
        int64 = false;
      }
      if (float64 && !parses(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), t)) {
        float64 = false;
      }
      boolean isDate = t.length() == 10 && t.charAt(4) == '-' && parses(new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY), t);
      if (!isDate) {
        date = false;
      }
      if (ts) {
        boolean isTs = t.length() > 10 && (t.charAt(10) == 'T' || t.charAt(10) == ' ') && t.charAt(4) == '-';
        if (isTs) {
          try {
            Values.parseInstant(t);
          } catch (RuntimeException e) {
            isTs = false;
          }
        }
        if (!isTs) {
          ts = false;
        } else {
          if (Values.hasOffset(t.replace(' ', 'T'))) {
            zoned++;
          } else {
            local++;
          }
          int dot = t.indexOf('.');
          if (dot > 0) {
            int digits = 0;
            for (int k = dot + 1; k < t.length() && Character.isDigit(t.charAt(k)); k++) {
              digits++;
            }
            nanos |= digits > 6;
          }
        }
      }
    }
    if (seen == 0) {
      return ArrowType.Utf8.INSTANCE;
    }
    if (bool) {
      return ArrowType.Bool.INSTANCE;
    }
    if (int64) {
      return new ArrowType.Int(64, true);
    }
    if (float64) {
      return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    }
    if (date) {
      return new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY);
    }
    if (ts && (zoned == 0 || local == 0)) {
      return new ArrowType.Timestamp(nanos ? TimeUnit.NANOSECOND : TimeUnit.MICROSECOND, zoned > 0 ? "UTC" : null);
    }
    return ArrowType.Utf8.INSTANCE;
  }

  private static boolean parses(ArrowType t, String v) {
    try {
      Values.parse(t, v);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  protected Object[] nextRow() throws IOException {
    Parser.Record r;
    while (true) {
      r = sample.isEmpty() ? parser.next() : sample.poll();
      if (r == null) {
        return null;
      }
      if (r.values.length == 1 && r.values[0].isEmpty() && !r.quoted[0] && parser.columns > 1) {
        continue; // a blank line
      }
      break;
    }
    parser.checkWidth(r);
    lastLine = r.line;
    Object[] row = new Object[types.length];
    for (int k = 0; k < types.length; k++) {
      int c = fileColumnOf[k];
      String v = r.values[c];
      boolean quoted = r.quoted[c];
      ArrowType t = types[k];
      boolean string = isQuotedType(t);
      if ((!quoted && (v.isEmpty() || nullValues.contains(v))) || (!string && v.isEmpty())) {
        continue;
      }
      try {
        row[k] = Values.parse(t, v);
      } catch (IllegalArgumentException e) {
        throw new FormatException(file, r.line, "column '" + fields.get(k).getName() + "': " + e.getMessage(), e);
      }
    }
    return row;
  }

  @Override
  protected long rowLine() {
    return lastLine;
  }

  @Override
  public long bytesRead() {
    return parser.in.offset();
  }

  @Override
  protected void closeReadSource() throws IOException {
    parser.in.close();
  }

  /** The longest field accepted: bounds memory on input such as a quote that is never closed. */
  static final int MAX_FIELD_CHARS = 64 << 20;

  /** The RFC 4180 record splitter. */
  static final class Parser {
    record Record(String[] values, boolean[] quoted, long line) {}

    final Utf8Input in;
    private final char delimiter;
    private final String file;
    int columns = -1;
    private long line = 1;
    private boolean started;
    private int pushedBack = -2;

    Parser(Utf8Input in, char delimiter, String file) {
      this.in = in;
      this.delimiter = delimiter;
      this.file = file;
    }

    void checkWidth(Record r) throws FormatException {
      if (columns >= 0 && r.values.length != columns) {
        throw new FormatException(file, r.line, "expected " + columns + " fields but found " + r.values.length);
      }
    }

    private int read() throws IOException {
      if (pushedBack != -2) {
        int c = pushedBack;
        pushedBack = -2;
        return c;
      }
      try {
        return in.read();
      } catch (Utf8Input.Malformed e) {
        throw new FormatException(file, line, "not valid UTF-8 text (" + e.getMessage() + ")", e);
      }
    }

    /** The next record, or null at the end of the input. */
    Record next() throws IOException {
      int c = read();
      if (!started) {
        started = true;
        if (c == '\uFEFF') {
          c = read(); // byte order mark
        }
      }
      if (c == -1) {
        return null;
      }
      long startLine = line;
      List<String> values = new ArrayList<>();
      List<Boolean> quoted = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      while (true) {
        // at the start of a field, c is its first character
        field.setLength(0);
        boolean q = false;
        if (c == '"') {
          q = true;
          long quoteLine = line;
          while (true) {
            c = read();
            if (c == -1) {
              throw new FormatException(file, quoteLine, "unterminated quoted field (opened on this line)");
            }
            if (c == '"') {
              c = read();
              if (c == '"') {
                field.append('"');
                continue;
              }
              break; // closing quote; c is the character after it
            }
            if (c == '\n' || (c == '\r')) {
              if (c == '\r') {
                int d = read();
                if (d != '\n') {
                  pushedBack = d;
                }
                field.append('\r');
                if (d == '\n') {
                  field.append('\n');
                }
              } else {
                field.append('\n');
              }
              line++;
              continue;
            }
            field.append((char) c);
            if (field.length() > MAX_FIELD_CHARS) {
              throw new FormatException(file, quoteLine, "quoted field opened on this line is longer than "
                  + MAX_FIELD_CHARS + " characters (a quote not closed?)");
            }
          }
          if (c != delimiter && c != '\n' && c != '\r' && c != -1) {
            throw new FormatException(file, line, "unexpected character '" + (char) c
                + "' after the closing quote of field " + (values.size() + 1));
          }
        } else {
          while (c != delimiter && c != '\n' && c != '\r' && c != -1) {
            field.append((char) c);
            if (field.length() > MAX_FIELD_CHARS) {
              throw new FormatException(file, line, "field longer than " + MAX_FIELD_CHARS + " characters");
            }
            c = read();
          }
        }
        values.add(field.toString());
        quoted.add(q);
        if (c == delimiter) {
          c = read();
          continue;
        }
        // end of record
        if (c == '\r') {
          int d = read();
          if (d != '\n') {
            pushedBack = d;
          }
        }
        if (c != -1) {
          line++;
        }
        break;
      }
      boolean[] qs = new boolean[quoted.size()];
      for (int k = 0; k < qs.length; k++) {
        qs[k] = quoted.get(k);
      }
      return new Record(values.toArray(String[]::new), qs, startLine);
    }
  }
}
