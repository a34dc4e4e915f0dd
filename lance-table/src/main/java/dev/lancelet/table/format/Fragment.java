package dev.lancelet.table.format;

import dev.lancelet.format.proto.TableProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A fragment: a set of rows stored as one or more data files that share row order, with an
 * optional deletion file. The value wraps the stored message, so fields it does not model (row
 * version sequences, overlays, newer fields) are written back unchanged.
 */
public final class Fragment {
  private final TableProtos.DataFragment proto;
  private final List<DataFile> files;
  private final DeletionFile deletionFile;

  private Fragment(TableProtos.DataFragment proto) {
    this.proto = proto;
    List<DataFile> fs = new ArrayList<>(proto.getFilesCount());
    for (TableProtos.DataFile f : proto.getFilesList()) {
      fs.add(DataFile.fromProto(f));
    }
    this.files = List.copyOf(fs);
    this.deletionFile = proto.hasDeletionFile() ? DeletionFile.fromProto(proto.getDeletionFile()) : null;
  }

  /** The value of a stored message. */
  public static Fragment fromProto(TableProtos.DataFragment proto) {
    return new Fragment(Objects.requireNonNull(proto));
  }

  /** A new fragment with the given files and row count, no deletions. */
  public static Fragment of(long id, List<DataFile> files, long physicalRows) {
    TableProtos.DataFragment.Builder b = TableProtos.DataFragment.newBuilder().setId(id).setPhysicalRows(physicalRows);
    for (DataFile f : files) {
      b.addFiles(f.toProto());
    }
    return new Fragment(b.build());
  }

  /** The stored message. */
  public TableProtos.DataFragment toProto() {
    return proto;
  }

  /** Fragment id, unique in the dataset. */
  public long id() {
    return proto.getId();
  }

  /** Data files, each holding some of the fields for all rows. */
  public List<DataFile> files() {
    return files;
  }

  /** The deletion file, or null when no row is deleted. */
  public DeletionFile deletionFile() {
    return deletionFile;
  }

  /** Rows stored, deleted ones included. */
  public long physicalRows() {
    return proto.getPhysicalRows();
  }

  /**
   * Rows not deleted, when the manifest says how many are deleted; -1 when it does not (an old
   * deletion file without a count) and the deletion file must be read.
   */
  public long liveRowsIfKnown() {
    if (deletionFile == null) {
      return physicalRows();
    }
    return deletionFile.numDeletedRows() < 0 ? -1 : physicalRows() - deletionFile.numDeletedRows();
  }

  /** Whether the fragment carries a row-id sequence (datasets with stable row ids). */
  public boolean hasRowIds() {
    return proto.getRowIdSequenceCase() != TableProtos.DataFragment.RowIdSequenceCase.ROWIDSEQUENCE_NOT_SET;
  }

  /** This fragment under another id. */
  public Fragment withId(long id) {
    return new Fragment(proto.toBuilder().setId(id).build());
  }

  /** This fragment with another deletion file (null removes it). */
  public Fragment withDeletionFile(DeletionFile d) {
    TableProtos.DataFragment.Builder b = proto.toBuilder();
    if (d == null) {
      b.clearDeletionFile();
    } else {
      b.setDeletionFile(d.toProto());
    }
    return new Fragment(b.build());
  }

  /** This fragment with the given serialized row-id sequence stored inline. */
  public Fragment withInlineRowIds(byte[] sequence) {
    return new Fragment(proto.toBuilder().setInlineRowIds(com.google.protobuf.ByteString.copyFrom(sequence)).build());
  }

  /**
   * This fragment with the given serialized per-row version sequences (see {@link RowVersions})
   * stored inline.
   */
  public Fragment withInlineRowVersions(byte[] createdAt, byte[] lastUpdatedAt) {
    return new Fragment(proto.toBuilder()
        .setInlineCreatedAtVersions(com.google.protobuf.ByteString.copyFrom(createdAt))
        .setInlineLastUpdatedAtVersions(com.google.protobuf.ByteString.copyFrom(lastUpdatedAt)).build());
  }

  /** This fragment with other data files. */
  public Fragment withFiles(List<DataFile> newFiles) {
    TableProtos.DataFragment.Builder b = proto.toBuilder().clearFiles();
    for (DataFile f : newFiles) {
      b.addFiles(f.toProto());
    }
    return new Fragment(b.build());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fragment f && f.proto.equals(proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "Fragment{id=" + id() + ", rows=" + physicalRows() + ", files=" + files.size()
        + (deletionFile == null ? "" : ", deleted=" + deletionFile.numDeletedRows()) + "}";
  }
}
