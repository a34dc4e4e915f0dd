package dev.lancelet.file.container;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;

/**
 * The fixed 40-byte trailer of a Lance 2.x file. All integers little-endian:
 *
 * <pre>
 *   offset  width  field
 *   0       u64    start of the column-metadata region (first byte of column 0's metadata)
 *   8       u64    start of the column-metadata offset (CMO) table
 *   16      u64    start of the global-buffer offset (GBO) table
 *   24      u32    number of global buffers
 *   28      u32    number of columns
 *   32      u16    major version
 *   34      u16    minor version
 *   36      4 B    magic "LANC"
 * </pre>
 *
 * The legacy (0.1) layout ends with the same 8 bytes ({@code u16 major, u16 minor, "LANC"}), so the
 * version can be read before the rest of the footer is trusted.
 *
 * @param columnMetaStart start of the column metadata region
 * @param cmoStart start of the CMO table ({@code numColumns} x {@code (u64 position, u64 length)})
 * @param gboStart start of the GBO table ({@code numGlobalBuffers} x {@code (u64 position, u64 length)})
 * @param numGlobalBuffers global buffers in the file (at least 1: the file descriptor)
 * @param numColumns physical columns in the file
 * @param major footer major version
 * @param minor footer minor version
 */
public record Footer(
    long columnMetaStart,
    long cmoStart,
    long gboStart,
    int numGlobalBuffers,
    int numColumns,
    int major,
    int minor) {

  /** Size of the footer in bytes. */
  public static final int SIZE = 40;

  /** The magic bytes at the very end of every Lance file. */
  static final byte[] MAGIC = {'L', 'A', 'N', 'C'};

  /**
   * Reads the version and magic from the last 8 bytes at {@code buf[end-8..end)} and, for a 2.x
   * file, the rest of the footer. Checks only what the footer alone can check.
   */
  static Footer parse(String location, byte[] buf, int end) throws LanceFormatException {
    for (int i = 0; i < 4; i++) {
      if (buf[end - 4 + i] != MAGIC[i]) {
        throw LanceFormatException.at(
            location,
            "not a Lance file: the last 4 bytes are %s, expected \"LANC\" (file truncated or not a Lance file?)",
            hex(buf, end - 4, 4));
      }
    }
    int major = LittleEndian.getUnsignedShort(buf, end - 8);
    int minor = LittleEndian.getUnsignedShort(buf, end - 6);
    int start = end - SIZE;
    long colMeta = LittleEndian.getLong(buf, start);
    long cmo = LittleEndian.getLong(buf, start + 8);
    long gbo = LittleEndian.getLong(buf, start + 16);
    int numGlobal = LittleEndian.getInt(buf, start + 24);
    int numColumns = LittleEndian.getInt(buf, start + 28);
    return new Footer(colMeta, cmo, gbo, numGlobal, numColumns, major, minor);
  }

  private static String hex(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append(String.format("%02x", b[off + i] & 0xff));
    }
    return sb.toString();
  }
}
