package dev.lancelet.cli.formats;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes JSON lines: one object per row with every column (null as {@code null}). Integers and
 * decimals are JSON numbers (exact); floats are numbers, except NaN and the infinities, which are
 * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; binary is base64; dates,
 * times and timestamps are ISO-8601 strings (see {@link Values#format}); lists and fixed-size
 * lists are arrays; structs are objects; maps are arrays of {@code {"key":..,"value":..}}.
 */
final class JsonLinesWriter extends AbstractBatchWriter {
  private final Writer out;
  private final List<Field> fields;

  JsonLinesWriter(Path path, String file, Schema schema, boolean overwrite) throws IOException {
    super(path, file, schema);
    this.fields = schema.getFields();
    for (Field f : fields) {
      check(f, f.getName());
    }
    out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path, Formats.createOptions(overwrite)),
        StandardCharsets.UTF_8), 1 << 16);
  }

  private void check(Field f, String path) throws FormatException {
    ArrowType t = f.getType();
    boolean nested = t instanceof ArrowType.List || t instanceof ArrowType.LargeList
        || t instanceof ArrowType.FixedSizeList || t instanceof ArrowType.Struct || t instanceof ArrowType.Map;
    if (!nested && !Values.isTextScalar(t)) {
      throw new FormatException(file, -1, "column '" + path + "' has type " + TypeNames.name(f)
          + ", which JSON lines export does not support");
    }
    for (Field c : f.getChildren()) {
      check(c, path + "." + c.getName());
    }
  }

  @Override
  protected void writeBatch(VectorSchemaRoot batch) throws IOException {
    List<FieldVector> vectors = batch.getFieldVectors();
    StringBuilder line = new StringBuilder(256);
    int n = batch.getRowCount();
    for (int i = 0; i < n; i++) {
      line.setLength(0);
      line.append('{');
      for (int c = 0; c < fields.size(); c++) {
        if (c > 0) {
          line.append(',');
        }
        JsonText.quote(line, fields.get(c).getName());
        line.append(':');
        value(line, fields.get(c), Values.get(vectors.get(c), i));
      }
      line.append("}\n");
      out.write(line.toString());
    }
  }

  private static void value(StringBuilder b, Field f, Object v) {
    if (v == null) {
      b.append("null");
      return;
    }
    ArrowType t = f.getType();
    switch (t) {
      case ArrowType.List l -> array(b, f, (List<?>) v);
      case ArrowType.LargeList l -> array(b, f, (List<?>) v);
      case ArrowType.FixedSizeList l -> array(b, f, (List<?>) v);
      case ArrowType.Map m -> array(b, f, (List<?>) v);
      case ArrowType.Struct s -> {
        Object[] a = (Object[]) v;
        List<Field> children = f.getChildren();
        b.append('{');
        for (int c = 0; c < a.length; c++) {
          if (c > 0) {
            b.append(',');
          }
          JsonText.quote(b, children.get(c).getName());
          b.append(':');
          value(b, children.get(c), a[c]);
        }
        b.append('}');
      }
      case ArrowType.Int i -> b.append(Values.format(t, v));
      case ArrowType.Decimal d -> b.append(((BigDecimal) v).toPlainString());
      case ArrowType.Duration d -> b.append(v);
      case ArrowType.Bool bool -> b.append(v);
      case ArrowType.FloatingPoint fp -> {
        double d = ((Number) v).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          JsonText.quote(b, v.toString());
        } else {
          b.append(v);
        }
      }
      default -> JsonText.quote(b, Values.format(t, v));
    }
  }

  private static void array(StringBuilder b, Field f, List<?> list) {
    Field item = f.getChildren().get(0);
    b.append('[');
    for (int k = 0; k < list.size(); k++) {
      if (k > 0) {
        b.append(',');
      }
      value(b, item, list.get(k));
    }
    b.append(']');
  }

  @Override
  protected void finish() throws IOException {
    out.close();
  }

  @Override
  protected void release() {
    try {
      out.close();
    } catch (IOException ignored) {
      // aborting
    }
  }
}
