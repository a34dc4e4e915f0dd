package dev.lancelet.cli;

import dev.lancelet.file.schema.LanceField;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.DeletionFile;
import dev.lancelet.table.format.FeatureFlags;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code lance show} and {@code lance checkout} print about one version of a dataset: version,
 * rows, schema with field ids, fragments with their files, feature flags, writer, tags.
 */
final class DatasetSummary {
  private final Dataset ds;
  private final long latest;
  private final Map<String, Long> tags;
  private final long rows;

  DatasetSummary(Dataset ds, Map<String, Long> tags) throws IOException {
    this.ds = ds;
    this.latest = ds.latestVersion();
    this.tags = tags;
    this.rows = ds.countRows();
  }

  long rows() {
    return rows;
  }

  /** Deleted rows of a fragment, or -1 when its deletion file does not record the count. */
  static long deleted(Fragment f) {
    DeletionFile d = f.deletionFile();
    if (d == null) {
      return 0;
    }
    return d.numDeletedRows() > 0 ? d.numDeletedRows() : -1;
  }

  static long bytes(Fragment f) {
    long n = 0;
    for (DataFile file : f.files()) {
      n += Math.max(0, file.fileSizeBytes());
    }
    return n;
  }

  private List<String> tagsHere() {
    List<String> out = new ArrayList<>();
    tags.forEach((name, v) -> {
      if (v == ds.version()) {
        out.add(name);
      }
    });
    return out;
  }

  void printText(PrintWriter out, boolean withFragments) {
    Manifest m = ds.manifest();
    out.printf("Dataset   %s%n", ds.uri());
    out.printf("Version   %d of %d%s%s%n", ds.version(), latest, ds.version() == latest ? " (latest)" : "",
        tagsHere().isEmpty() ? "" : ", tags " + String.join(", ", tagsHere()));
    out.printf("Committed %s%n", m.timestamp() == null ? "(not recorded)" : m.timestamp().toString());
    out.printf("Rows      %s in %d fragment%s (%s physical, %s deleted)%n", Formats.count(rows), m.fragments().size(),
        m.fragments().size() == 1 ? "" : "s", Formats.count(m.physicalRows()), Formats.count(m.physicalRows() - rows));
    out.printf("Format    Lance file %s, writer %s %s%n", m.dataStorageVersion(), m.writerLibrary(), m.writerVersion());
    out.printf("Features  reader: %s; writer: %s%n", flags(m.readerFeatureFlags()), flags(m.writerFeatureFlags()));
    out.printf("Row ids   %s%n", m.stableRowIds() ? "stable (next " + m.nextRowId() + ")" : "row addresses");
    if (!m.config().isEmpty()) {
      out.printf("Config    %s%n", m.config());
    }
    if (!tags.isEmpty()) {
      List<String> all = new ArrayList<>();
      tags.forEach((name, v) -> all.add(name + " -> " + v));
      out.printf("Tags      %s%n", String.join(", ", all));
    }
    out.println();
    out.println("Schema");
    TextTable schema = new TextTable("id", "field", "type", "nullable").right(0);
    for (LanceField f : m.schema().topLevel()) {
      schemaRows(schema, f, "");
    }
    schema.lines("  ").forEach(out::println);
    if (withFragments) {
      out.println();
      out.println("Fragments");
      TextTable frags = new TextTable("id", "rows", "deleted", "files", "bytes", "data files").right(0, 1, 2, 3, 4);
      for (Fragment f : m.fragments()) {
        List<String> names = new ArrayList<>();
        for (DataFile file : f.files()) {
          names.add(file.path() + " (v" + file.majorVersion() + "." + file.minorVersion() + ", fields " + file.fields() + ")");
        }
        long del = deleted(f);
        frags.row(f.id(), Formats.count(f.physicalRows()), del < 0 ? "?" : Formats.count(del), f.files().size(),
            Formats.bytes(bytes(f)), String.join("; ", names));
      }
      frags.lines("  ").forEach(out::println);
    }
  }

  private static void schemaRows(TextTable t, LanceField f, String indent) {
    t.row(f.id(), indent + f.name(), f.logicalType(), f.nullable() ? "yes" : "no");
    for (LanceField c : f.children()) {
      schemaRows(t, c, indent + "  ");
    }
  }

  private static String flags(long flags) {
    return flags == 0 ? "none" : FeatureFlags.describe(flags);
  }

  String json() {
    Manifest m = ds.manifest();
    Json j = new Json().beginObject();
    j.field("uri", ds.uri()).field("version", ds.version()).field("latest_version", latest);
    j.field("timestamp", m.timestamp() == null ? null : m.timestamp().toString());
    j.field("rows", rows).field("physical_rows", m.physicalRows());
    j.field("data_storage_version", m.dataStorageVersion());
    j.name("writer").beginObject().field("library", m.writerLibrary()).field("version", m.writerVersion()).endObject();
    j.name("reader_feature_flags").value(m.readerFeatureFlags());
    j.name("writer_feature_flags").value(m.writerFeatureFlags());
    j.field("stable_row_ids", m.stableRowIds());
    j.name("config").beginObject();
    m.config().forEach(j::field);
    j.endObject();
    j.name("tags").beginObject();
    tags.forEach((name, v) -> j.field(name, v));
    j.endObject();
    j.name("schema").beginArray();
    for (LanceField f : m.schema().topLevel()) {
      fieldJson(j, f);
    }
    j.endArray();
    j.name("fragments").beginArray();
    for (Fragment f : m.fragments()) {
      j.beginObject().field("id", f.id()).field("physical_rows", f.physicalRows());
      long del = deleted(f);
      j.name("deleted_rows");
      if (del < 0) {
        j.nullValue();
      } else {
        j.value(del);
      }
      j.field("bytes", bytes(f));
      j.name("files").beginArray();
      for (DataFile file : f.files()) {
        j.beginObject().field("path", file.path()).field("file_version", file.majorVersion() + "." + file.minorVersion())
            .field("size_bytes", file.fileSizeBytes());
        j.name("fields").beginArray();
        file.fields().forEach(id -> j.value(id));
        j.endArray().endObject();
      }
      j.endArray();
      if (f.deletionFile() != null) {
        j.field("deletion_file", f.deletionFile().path(f.id()));
      }
      j.endObject();
    }
    j.endArray();
    return j.endObject().toString();
  }

  private static void fieldJson(Json j, LanceField f) {
    j.beginObject().field("id", f.id()).field("name", f.name()).field("type", f.logicalType()).field("nullable", f.nullable());
    if (!f.children().isEmpty()) {
      j.name("children").beginArray();
      for (LanceField c : f.children()) {
        fieldJson(j, c);
      }
      j.endArray();
    }
    j.endObject();
  }
}
