package dev.lancelet.file.container;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.format.proto.FileProtos.FileDescriptor;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything a reader learns from the end of a Lance 2.x file before touching data: footer,
 * column metadata, global buffer extents and the file descriptor (global buffer 0).
 *
 * <h2>Tail layout</h2>
 *
 * <pre>
 *   ... data pages (64-byte aligned) ...
 *   global buffer 0           lance.file.FileDescriptor protobuf (schema + row count), 64-byte aligned
 *   column metadata blobs     one lance.file.v2.ColumnMetadata protobuf per column, unpadded
 *   CMO table                 numColumns x (u64 position, u64 length)
 *   GBO table                 numGlobalBuffers x (u64 position, u64 length)
 *   footer                    40 bytes, see {@link Footer}
 * </pre>
 *
 * One speculative tail read ({@link #SPECULATIVE_TAIL_BYTES}) usually covers all of it; when it
 * does not, the missing prefix is read with one more request. Every offset and count is checked
 * against the file size before it is used.
 */
public final class FileMetadata {
  /** Bytes read from the end of the file on open. */
  public static final int SPECULATIVE_TAIL_BYTES = 64 * 1024;

  /** Refuse metadata regions larger than this (they are kept in memory). */
  private static final long MAX_METADATA_BYTES = 1L << 30;

  private final String location;
  private final long fileSize;
  private final LanceFileVersion version;
  private final Footer footer;
  private final List<ColumnMetadata> columns;
  private final long[] globalBufferOffsets;
  private final long[] globalBufferSizes;
  private final FileDescriptor descriptor;

  private FileMetadata(
      String location,
      long fileSize,
      LanceFileVersion version,
      Footer footer,
      List<ColumnMetadata> columns,
      long[] gbOffsets,
      long[] gbSizes,
      FileDescriptor descriptor) {
    this.location = location;
    this.fileSize = fileSize;
    this.version = version;
    this.footer = footer;
    this.columns = columns;
    this.globalBufferOffsets = gbOffsets;
    this.globalBufferSizes = gbSizes;
    this.descriptor = descriptor;
  }

  public String location() {
    return location;
  }

  public long fileSize() {
    return fileSize;
  }

  public LanceFileVersion version() {
    return version;
  }

  public Footer footer() {
    return footer;
  }

  /** Column metadata, one per physical column, in file order. */
  public List<ColumnMetadata> columns() {
    return columns;
  }

  public FileDescriptor descriptor() {
    return descriptor;
  }

  public int numGlobalBuffers() {
    return globalBufferOffsets.length;
  }

  public long globalBufferOffset(int i) {
    return globalBufferOffsets[i];
  }

  public long globalBufferSize(int i) {
    return globalBufferSizes[i];
  }

  /** Bytes of column metadata, offset tables and footer. */
  public long metadataBytes() {
    return fileSize - footer.columnMetaStart();
  }

  /** Maps a footer version to a supported format version, or throws a message naming the file. */
  static LanceFileVersion checkVersion(String location, int major, int minor) throws LanceFormatException {
    if (major == 0 && (minor == 1 || minor == 2)) {
      throw LanceFormatException.at(location, "legacy Lance format (v0.1) is not supported (footer version %d.%d)", major, minor);
    }
    if (major == 0 && minor == 3) {
      return LanceFileVersion.V2_0;
    }
    if (major == 2) {
      switch (minor) {
        case 0:
          return LanceFileVersion.V2_0;
        case 1:
          return LanceFileVersion.V2_1;
        case 2:
          return LanceFileVersion.V2_2;
        case 3:
          return LanceFileVersion.V2_3;
        default:
          break;
      }
    }
    throw LanceFormatException.at(location, "unsupported Lance file version %d.%d (this reader supports 2.0 to 2.3)", major, minor);
  }

  /** Reads and validates the metadata of {@code object}. */
  public static FileMetadata read(ReadableObject object) throws IOException {
    String loc = object.location();
    long size = object.size();
    if (size < 8) {
      throw LanceFormatException.at(loc, "file of %d bytes is too small to be a Lance file (file truncated?)", size);
    }
    int tailLen = (int) Math.min(size, SPECULATIVE_TAIL_BYTES);
    byte[] tail = bytes(object.readTail(tailLen));
    long tailStart = size - tail.length;
    // Version and magic first, so that a legacy file gets the right message.
    for (int i = 0; i < 4; i++) {
      if (tail[tail.length - 4 + i] != Footer.MAGIC[i]) {
        Footer.parse(loc, tail, tail.length); // throws the magic message
      }
    }
    int major = LittleEndian.getUnsignedShort(tail, tail.length - 8);
    int minor = LittleEndian.getUnsignedShort(tail, tail.length - 6);
    LanceFileVersion version = checkVersion(loc, major, minor);
    if (size < Footer.SIZE) {
      throw LanceFormatException.at(loc, "file of %d bytes is smaller than the %d-byte footer (file truncated?)", size, Footer.SIZE);
    }
    Footer f = Footer.parse(loc, tail, tail.length);
    long footerStart = size - Footer.SIZE;
    if (f.numColumns() < 0 || f.numGlobalBuffers() < 1) {
      throw LanceFormatException.at(loc, "footer has %s columns and %s global buffers; expected >= 0 and >= 1",
          Integer.toUnsignedString(f.numColumns()), Integer.toUnsignedString(f.numGlobalBuffers()));
    }
    long cmoBytes = 16L * f.numColumns();
    long gboBytes = 16L * f.numGlobalBuffers();
    if (f.gboStart() < 0 || f.gboStart() > footerStart || gboBytes > footerStart - f.gboStart()) {
      throw LanceFormatException.at(loc, "global buffer table [%d, +%d) does not fit before the footer at %d (file truncated?)",
          f.gboStart(), gboBytes, footerStart);
    }
    if (f.cmoStart() < 0 || f.cmoStart() > f.gboStart() || cmoBytes > f.gboStart() - f.cmoStart()) {
      throw LanceFormatException.at(loc, "column metadata offset table [%d, +%d) does not fit before the global buffer table at %d",
          f.cmoStart(), cmoBytes, f.gboStart());
    }
    if (f.columnMetaStart() < 0 || f.columnMetaStart() > f.cmoStart()) {
      throw LanceFormatException.at(loc, "column metadata start %d is not in [0, %d]", f.columnMetaStart(), f.cmoStart());
    }
    if (footerStart - f.columnMetaStart() > MAX_METADATA_BYTES) {
      throw LanceFormatException.at(loc, "metadata region of %d bytes exceeds the %d-byte limit", footerStart - f.columnMetaStart(), MAX_METADATA_BYTES);
    }
    // Make sure we hold [columnMetaStart, size).
    if (f.columnMetaStart() < tailStart) {
      ByteBuffer more = object.read(f.columnMetaStart(), (int) (tailStart - f.columnMetaStart()));
      byte[] prefix = bytes(more);
      byte[] all = new byte[prefix.length + tail.length];
      System.arraycopy(prefix, 0, all, 0, prefix.length);
      System.arraycopy(tail, 0, all, prefix.length, tail.length);
      tail = all;
      tailStart = f.columnMetaStart();
    }
    final byte[] meta = tail;
    final long metaStart = tailStart;

    // Global buffer table.
    int ngb = f.numGlobalBuffers();
    long[] gbOff = new long[ngb];
    long[] gbSize = new long[ngb];
    for (int i = 0; i < ngb; i++) {
      int p = (int) (f.gboStart() + 16L * i - metaStart);
      gbOff[i] = LittleEndian.getLong(meta, p);
      gbSize[i] = LittleEndian.getLong(meta, p + 8);
      checkExtent(loc, "global buffer " + i, gbOff[i], gbSize[i], footerStart);
    }
    // Column metadata.
    int ncol = f.numColumns();
    List<ColumnMetadata> cols = new ArrayList<>(ncol);
    for (int i = 0; i < ncol; i++) {
      int p = (int) (f.cmoStart() + 16L * i - metaStart);
      long pos = LittleEndian.getLong(meta, p);
      long len = LittleEndian.getLong(meta, p + 8);
      if (pos < f.columnMetaStart() || len < 0 || pos > f.cmoStart() || len > f.cmoStart() - pos) {
        throw LanceFormatException.at(loc, "metadata of column %d at [%d, +%d) is outside the column metadata region [%d, %d)",
            i, pos, len, f.columnMetaStart(), f.cmoStart());
      }
      ColumnMetadata cm;
      try {
        cm = ColumnMetadata.parseFrom(ByteBuffer.wrap(meta, (int) (pos - metaStart), (int) len));
      } catch (InvalidProtocolBufferException e) {
        throw new LanceFormatException(loc + ": metadata of column " + i + " at [" + pos + ", +" + len + ") is not a valid ColumnMetadata protobuf: " + e.getMessage(), e);
      }
      checkColumn(loc, i, cm, footerStart);
      cols.add(cm);
    }
    // Global buffer 0 = file descriptor.
    byte[] gb0;
    if (gbOff[0] >= metaStart) {
      gb0 = new byte[(int) gbSize[0]];
      System.arraycopy(meta, (int) (gbOff[0] - metaStart), gb0, 0, gb0.length);
    } else {
      if (gbSize[0] > MAX_METADATA_BYTES) {
        throw LanceFormatException.at(loc, "file descriptor of %d bytes exceeds the %d-byte limit", gbSize[0], MAX_METADATA_BYTES);
      }
      gb0 = bytes(object.read(gbOff[0], (int) gbSize[0]));
    }
    FileDescriptor fd;
    try {
      fd = FileDescriptor.parseFrom(gb0);
    } catch (InvalidProtocolBufferException e) {
      throw new LanceFormatException(loc + ": global buffer 0 at [" + gbOff[0] + ", +" + gbSize[0] + ") is not a valid FileDescriptor protobuf: " + e.getMessage(), e);
    }
    if (fd.getLength() < 0) {
      throw LanceFormatException.at(loc, "file descriptor gives a negative row count %s", Long.toUnsignedString(fd.getLength()));
    }
    return new FileMetadata(loc, size, version, f, Collections.unmodifiableList(cols), gbOff, gbSize, fd);
  }

  private static void checkExtent(String loc, String what, long off, long len, long limit) throws LanceFormatException {
    if (off < 0 || len < 0 || off > limit || len > limit - off) {
      throw LanceFormatException.at(loc, "%s at [%s, +%s) lies outside the file's data region [0, %d) (file truncated?)",
          what, Long.toUnsignedString(off), Long.toUnsignedString(len), limit);
    }
  }

  private static void checkColumn(String loc, int col, ColumnMetadata cm, long limit) throws LanceFormatException {
    if (cm.getBufferOffsetsCount() != cm.getBufferSizesCount()) {
      throw LanceFormatException.at(loc, "column %d has %d buffer offsets but %d buffer sizes", col, cm.getBufferOffsetsCount(), cm.getBufferSizesCount());
    }
    for (int b = 0; b < cm.getBufferOffsetsCount(); b++) {
      checkExtent(loc, "column " + col + " buffer " + b, cm.getBufferOffsets(b), cm.getBufferSizes(b), limit);
    }
    for (int p = 0; p < cm.getPagesCount(); p++) {
      ColumnMetadata.Page page = cm.getPages(p);
      if (page.getBufferOffsetsCount() != page.getBufferSizesCount()) {
        throw LanceFormatException.at(loc, "column %d page %d has %d buffer offsets but %d buffer sizes", col, p, page.getBufferOffsetsCount(), page.getBufferSizesCount());
      }
      for (int b = 0; b < page.getBufferOffsetsCount(); b++) {
        checkExtent(loc, "column " + col + " page " + p + " buffer " + b, page.getBufferOffsets(b), page.getBufferSizes(b), limit);
      }
      if (page.getLength() < 0) {
        throw LanceFormatException.at(loc, "column %d page %d has a negative row count %s", col, p, Long.toUnsignedString(page.getLength()));
      }
    }
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
