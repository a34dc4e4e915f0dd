package dev.lancelet.table.format;

import dev.lancelet.format.proto.TableProtos;

/**
 * The deletion file of a fragment: which of its rows are deleted, stored at {@code
 * _deletions/{fragment id}-{read version}-{id}.{arrow|bin}}.
 *
 * @param type how the offsets are stored
 * @param readVersion version the deleting transaction read (part of the name)
 * @param id random number keeping concurrent writers' files apart (part of the name)
 * @param numDeletedRows number of deleted rows, or -1 when the manifest does not say
 * @param baseId index into the manifest's base paths, or null
 */
public record DeletionFile(Type type, long readVersion, long id, long numDeletedRows, Integer baseId) {

  /** Storage form of a deletion file. */
  public enum Type {
    /** An Arrow IPC file with one non-null uint32 column {@code row_id} ({@code .arrow}). */
    ARROW_ARRAY("arrow"),
    /** A serialized 32-bit roaring bitmap, portable format ({@code .bin}). */
    BITMAP("bin");

    private final String suffix;

    Type(String suffix) {
      this.suffix = suffix;
    }

    /** The file name suffix, without the dot. */
    public String suffix() {
      return suffix;
    }
  }

  /** The value of a protobuf message. */
  public static DeletionFile fromProto(TableProtos.DeletionFile p) {
    Type t = switch (p.getFileType()) {
      case ARROW_ARRAY -> Type.ARROW_ARRAY;
      case BITMAP -> Type.BITMAP;
      default -> throw new IllegalArgumentException("Unknown deletion file type " + p.getFileTypeValue());
    };
    // Lance writes 0 when the count is unknown (old writers); a real deletion file never has 0 rows.
    long n = p.getNumDeletedRows() == 0 ? -1 : p.getNumDeletedRows();
    return new DeletionFile(t, p.getReadVersion(), p.getId(), n, p.hasBaseId() ? p.getBaseId() : null);
  }

  /** The protobuf message. */
  public TableProtos.DeletionFile toProto() {
    TableProtos.DeletionFile.Builder b = TableProtos.DeletionFile.newBuilder()
        .setFileType(type == Type.BITMAP ? TableProtos.DeletionFile.DeletionFileType.BITMAP
            : TableProtos.DeletionFile.DeletionFileType.ARROW_ARRAY)
        .setReadVersion(readVersion)
        .setId(id)
        .setNumDeletedRows(Math.max(0, numDeletedRows));
    if (baseId != null) {
      b.setBaseId(baseId);
    }
    return b.build();
  }

  /** The file's path inside the dataset for the fragment {@code fragmentId}. */
  public String path(long fragmentId) {
    return "_deletions/" + Long.toUnsignedString(fragmentId) + "-" + Long.toUnsignedString(readVersion) + "-"
        + Long.toUnsignedString(id) + "." + type.suffix();
  }
}
