package dev.lancelet.cli.formats;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes CSV (or TSV): a header line, then one line per row. Strings and binaries (base64) are
 * always quoted, so a quoted empty field is an empty value and an empty field is null, and string
 * columns read back as strings; other values are never quoted. Only scalar columns; see {@link Values#format}.
 */
final class CsvWriter extends AbstractBatchWriter {
  private final Writer out;
  private final char delimiter;
  private final ArrowType[] types;
  private final boolean[] strings;

  CsvWriter(Path path, String file, Schema schema, char delimiter, boolean header, boolean overwrite)
      throws IOException {
    super(path, file, schema);
    this.delimiter = delimiter;
    List<Field> fields = schema.getFields();
    types = new ArrowType[fields.size()];
    strings = new boolean[fields.size()];
    for (int c = 0; c < types.length; c++) {
      Field f = fields.get(c);
      if (!Values.isTextScalar(f.getType())) {
        throw new FormatException(file, -1, "column '" + f.getName() + "' has type " + TypeNames.name(f)
            + ", which CSV cannot hold; export to .jsonl, .parquet or .arrow instead, or leave the column out");
      }
      types[c] = f.getType();
      strings[c] = CsvReader.isQuotedType(f.getType());
    }
    out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(path, Formats.createOptions(overwrite)),
        StandardCharsets.UTF_8), 1 << 16);
    if (header) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < fields.size(); c++) {
        if (c > 0) {
          line.append(delimiter);
        }
        String name = fields.get(c).getName();
        if (needsQuotes(name) || name.isEmpty()) {
          quote(line, name);
        } else {
          line.append(name);
        }
      }
      out.write(line.append('\n').toString());
    }
  }

  private boolean needsQuotes(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
        return true;
      }
    }
    return false;
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '"') {
        b.append('"');
      }
      b.append(c);
    }
    b.append('"');
  }

  @Override
  protected void writeBatch(VectorSchemaRoot batch) throws IOException {
    List<FieldVector> vectors = batch.getFieldVectors();
    StringBuilder line = new StringBuilder(256);
    int n = batch.getRowCount();
    for (int i = 0; i < n; i++) {
      line.setLength(0);
      for (int c = 0; c < types.length; c++) {
        if (c > 0) {
          line.append(delimiter);
        }
        Object v = Values.get(vectors.get(c), i);
        if (v == null) {
          continue;
        }
        String text = Values.format(types[c], v);
        if (strings[c]) {
          quote(line, text);
        } else {
          line.append(text);
        }
      }
      line.append('\n');
      out.write(line.toString());
    }
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
