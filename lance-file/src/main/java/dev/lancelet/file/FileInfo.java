package dev.lancelet.file;

import dev.lancelet.format.LanceFileVersion;
import java.util.List;

/**
 * The physical structure of a Lance file, as {@code lance file inspect} shows it.
 *
 * @param location the file
 * @param version format version found in the footer
 * @param fileSize size in bytes
 * @param numRows rows in the file
 * @param metadataBytes bytes of column metadata, offset tables and footer
 * @param globalBuffers global buffer extents
 * @param columns one entry per physical column, in file order
 */
public record FileInfo(
    String location,
    LanceFileVersion version,
    long fileSize,
    long numRows,
    long metadataBytes,
    List<BufferInfo> globalBuffers,
    List<ColumnInfo> columns) {

  /**
   * One physical column.
   *
   * @param index position among the file's columns
   * @param field dotted path of the leaf (2.1+) or field (2.0) the column stores
   * @param encoding the column-level encoding, described in one line
   * @param pages pages in file order
   */
  public record ColumnInfo(int index, String field, String encoding, List<PageInfo> pages) {
    /** Bytes in this column's page buffers. */
    public long dataBytes() {
      return pages.stream().mapToLong(PageInfo::bytes).sum();
    }
  }

  /**
   * One page.
   *
   * @param firstRow row number of the page's first row
   * @param numRows rows in the page
   * @param layout the structural layout (e.g. {@code MiniBlock}, {@code FullZip}, {@code AllNull})
   * @param encoding the full encoding chain in one line, e.g. {@code MiniBlock(values=Fsst(Variable(Flat(32))), def=OutOfLineBitpacking(16->Flat(1)))}
   * @param buffers the page's buffers
   */
  public record PageInfo(long firstRow, long numRows, String layout, String encoding, List<BufferInfo> buffers) {
    public long bytes() {
      return buffers.stream().mapToLong(BufferInfo::size).sum();
    }
  }

  /** A buffer's position and size in the file. */
  public record BufferInfo(long position, long size) {}
}
