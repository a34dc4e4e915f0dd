package dev.lancelet.table.format;

import dev.lancelet.format.proto.TableProtos;
import java.util.List;
import java.util.Objects;

/**
 * One Lance file of a fragment: the fields (by id) it stores and where each one's column is.
 *
 * @param path file path relative to the dataset's {@code data/} directory
 * @param fields ids of the fields stored, pre-order; may name fields the schema no longer has
 *     (dropped columns) and -2 for a tombstoned field
 * @param columnIndices per entry of {@code fields}, the file column holding it, or -1 when the
 *     field has no column of its own (structs and lists in 2.1+ files); empty for legacy files
 * @param majorVersion file format major version (0 = legacy 0.1/0.2 file)
 * @param minorVersion file format minor version
 * @param fileSizeBytes size of the file, 0 when unknown
 * @param baseId index into the manifest's base paths, or null for the dataset itself
 */
public record DataFile(
    String path,
    List<Integer> fields,
    List<Integer> columnIndices,
    int majorVersion,
    int minorVersion,
    long fileSizeBytes,
    Integer baseId) {

  public DataFile {
    Objects.requireNonNull(path, "path");
    fields = List.copyOf(fields);
    columnIndices = List.copyOf(columnIndices);
  }

  /** The value of a protobuf message. */
  public static DataFile fromProto(TableProtos.DataFile p) {
    return new DataFile(
        p.getPath(),
        p.getFieldsList(),
        p.getColumnIndicesList(),
        p.getFileMajorVersion(),
        p.getFileMinorVersion(),
        p.getFileSizeBytes(),
        p.hasBaseId() ? p.getBaseId() : null);
  }

  /** The protobuf message. */
  public TableProtos.DataFile toProto() {
    TableProtos.DataFile.Builder b = TableProtos.DataFile.newBuilder()
        .setPath(path)
        .addAllFields(fields)
        .addAllColumnIndices(columnIndices)
        .setFileMajorVersion(majorVersion)
        .setFileMinorVersion(minorVersion)
        .setFileSizeBytes(fileSizeBytes);
    if (baseId != null) {
      b.setBaseId(baseId);
    }
    return b.build();
  }

  /** The file's path inside the dataset, e.g. {@code data/0101...lance}. */
  public String datasetPath() {
    return "data/" + path;
  }

  /** Whether this is a legacy (format 0.1/0.2) file. */
  public boolean isLegacy() {
    return majorVersion == 0 && minorVersion < 3;
  }

  /** The column index of field {@code id} in this file, -1 when absent or without a column. */
  public int columnOf(int id) {
    int i = fields.indexOf(id);
    if (i < 0 || i >= columnIndices.size()) {
      return -1;
    }
    return columnIndices.get(i);
  }
}
