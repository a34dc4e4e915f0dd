package dev.lancelet.cli;

import dev.lancelet.file.FileInfo;
import dev.lancelet.file.FileInfo.BufferInfo;
import dev.lancelet.file.FileInfo.ColumnInfo;
import dev.lancelet.file.FileInfo.PageInfo;
import dev.lancelet.file.LanceFileReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** What {@code lance file inspect} reports about one file, as text or JSON. */
final class Inspection {
  /** Pages shown per column before the middle ones are elided (unless all pages are asked for). */
  static final int PAGES_SHOWN = 12;

  private final String file;
  private final FileInfo info;
  private final Schema schema;
  private final Map<String, String> metadata;

  private Inspection(String file, FileInfo info, Schema schema, Map<String, String> metadata) {
    this.file = file;
    this.info = info;
    this.schema = schema;
    this.metadata = metadata;
  }

  static Inspection of(String file, LanceFileReader reader) throws IOException {
    Map<String, String> md = reader.metadata();
    return new Inspection(file, reader.info(), reader.schema(), md == null ? Map.of() : new TreeMap<>(md));
  }

  long pageCount() {
    return info.columns().stream().mapToLong(c -> c.pages().size()).sum();
  }

  long dataBytes() {
    return info.columns().stream().mapToLong(ColumnInfo::dataBytes).sum();
  }

  long globalBufferBytes() {
    return info.globalBuffers().stream().mapToLong(BufferInfo::size).sum();
  }

  List<String> text(boolean allPages) {
    List<String> out = new ArrayList<>();
    out.add(file);
    out.add("  format version  " + Formats.version(info.version()));
    out.add("  rows            " + Formats.count(info.numRows()));
    out.add("  file size       " + Formats.bytes(info.fileSize()) + " (" + Formats.count(info.fileSize()) + " bytes)");
    if (!metadata.isEmpty()) {
      out.add("  metadata        " + metadata.size() + " key" + (metadata.size() == 1 ? "" : "s"));
      metadata.forEach((k, v) -> out.add("    " + k + " = " + abbreviate(v, 80)));
    }
    out.add("");
    out.add("Schema (" + schema.getFields().size() + " fields)");
    for (String line : Formats.schemaTree(schema)) {
      out.add("  " + line);
    }
    out.add("");
    out.add("Columns (" + info.columns().size() + " columns, " + Formats.count(pageCount()) + " pages)");
    for (ColumnInfo c : info.columns()) {
      out.add(String.format(Locale.ROOT, "  #%d %s  ·  %d page%s  ·  %s%s",
          c.index(), c.field(), c.pages().size(), c.pages().size() == 1 ? "" : "s",
          Formats.bytes(c.dataBytes()),
          trivialColumnEncoding(c.encoding()) ? "" : "  ·  column encoding " + c.encoding()));
      TextTable t = new TextTable("page", "first row", "rows", "layout", "bytes", "encoding").right(0, 1, 2, 4);
      List<PageInfo> pages = c.pages();
      for (int i = 0; i < pages.size(); i++) {
        if (!allPages && pages.size() > PAGES_SHOWN && i == PAGES_SHOWN - 3) {
          int skipped = pages.size() - PAGES_SHOWN + 1;
          t.row("…", "", "", "(" + skipped + " more pages; --all-pages shows them)", "", "");
          i += skipped - 1;
          continue;
        }
        PageInfo p = pages.get(i);
        t.row(i, Formats.count(p.firstRow()), Formats.count(p.numRows()), p.layout(), Formats.bytes(p.bytes()), p.encoding());
      }
      out.addAll(t.lines("     "));
    }
    out.add("");
    long size = Math.max(1, info.fileSize());
    out.add("Totals");
    out.add(String.format(Locale.ROOT, "  page data       %-10s %5.1f%%  in %s pages", Formats.bytes(dataBytes()),
        100.0 * dataBytes() / size, Formats.count(pageCount())));
    out.add(String.format(Locale.ROOT, "  global buffers  %-10s %5.1f%%  in %d buffer%s", Formats.bytes(globalBufferBytes()),
        100.0 * globalBufferBytes() / size, info.globalBuffers().size(), info.globalBuffers().size() == 1 ? "" : "s"));
    out.add(String.format(Locale.ROOT, "  metadata        %-10s %5.1f%%  column metadata, offset tables, footer",
        Formats.bytes(info.metadataBytes()), 100.0 * info.metadataBytes() / size));
    long other = info.fileSize() - dataBytes() - globalBufferBytes() - info.metadataBytes();
    if (other > 0) {
      out.add(String.format(Locale.ROOT, "  padding         %-10s %5.1f%%", Formats.bytes(other), 100.0 * other / size));
    }
    return out;
  }

  String json() {
    Json j = new Json().beginObject();
    j.field("location", file);
    j.field("version", Formats.version(info.version()));
    j.field("rows", info.numRows());
    j.field("file_size", info.fileSize());
    j.name("metadata").beginObject();
    metadata.forEach(j::field);
    j.endObject();
    j.name("schema").beginArray();
    for (Field f : schema.getFields()) {
      field(j, f);
    }
    j.endArray();
    j.name("global_buffers").beginArray();
    for (BufferInfo b : info.globalBuffers()) {
      buffer(j, b);
    }
    j.endArray();
    j.name("columns").beginArray();
    for (ColumnInfo c : info.columns()) {
      j.beginObject();
      j.field("index", c.index());
      j.field("field", c.field());
      j.field("encoding", c.encoding());
      j.field("data_bytes", c.dataBytes());
      j.name("pages").beginArray();
      for (PageInfo p : c.pages()) {
        j.beginObject();
        j.field("first_row", p.firstRow());
        j.field("rows", p.numRows());
        j.field("layout", p.layout());
        j.field("encoding", p.encoding());
        j.field("bytes", p.bytes());
        j.name("buffers").beginArray();
        for (BufferInfo b : p.buffers()) {
          buffer(j, b);
        }
        j.endArray();
        j.endObject();
      }
      j.endArray();
      j.endObject();
    }
    j.endArray();
    j.name("totals").beginObject();
    j.field("columns", info.columns().size());
    j.field("pages", pageCount());
    j.field("data_bytes", dataBytes());
    j.field("global_buffer_bytes", globalBufferBytes());
    j.field("metadata_bytes", info.metadataBytes());
    j.endObject();
    return j.endObject().toString();
  }

  private static void field(Json j, Field f) {
    j.beginObject();
    j.field("name", f.getName());
    j.field("type", Formats.typeName(f));
    j.field("nullable", f.isNullable());
    if (f.getMetadata() != null && !f.getMetadata().isEmpty()) {
      j.name("metadata").beginObject();
      new TreeMap<>(f.getMetadata()).forEach(j::field);
      j.endObject();
    }
    if (!f.getChildren().isEmpty()) {
      j.name("children").beginArray();
      for (Field c : f.getChildren()) {
        field(j, c);
      }
      j.endArray();
    }
    j.endObject();
  }

  private static void buffer(Json j, BufferInfo b) {
    j.beginObject().field("position", b.position()).field("size", b.size()).endObject();
  }

  /** 2.1+ columns all say "Structural"; only other column encodings are worth a mention. */
  private static boolean trivialColumnEncoding(String e) {
    return e == null || e.isBlank() || e.equals("Structural");
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "… (" + s.length() + " chars)";
  }
}
