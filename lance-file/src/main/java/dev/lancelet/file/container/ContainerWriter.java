package dev.lancelet.file.container;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.format.LanceFormatConstants;
import dev.lancelet.format.proto.EncodingsV20Protos;
import dev.lancelet.format.proto.File2Protos;
import dev.lancelet.format.proto.FileProtos;
import dev.lancelet.io.ObjectWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the container of a Lance 2.x file around encoded pages, streaming to an {@link
 * ObjectWriter}.
 *
 * <h2>Layout written</h2>
 *
 * <pre>
 *   data page buffers     each starts on a 64-byte boundary; the gap before it is 0x48 bytes
 *   global buffer 0       lance.file.FileDescriptor (schema + row count), 64-byte aligned
 *   column metadata       one lance.file.v2.ColumnMetadata protobuf per column, back to back
 *   CMO table             per column: u64 position, u64 length
 *   GBO table             per global buffer: u64 position, u64 length
 *   footer (40 bytes)     u64 column-metadata start, u64 CMO start, u64 GBO start,
 *                         u32 global buffer count, u32 column count, u16 major, u16 minor, "LANC"
 * </pre>
 *
 * All integers little-endian. Metadata, tables and footer are not padded. Pages of different
 * columns may interleave; each page records its own buffer offsets. Not thread-safe.
 */
public final class ContainerWriter {
  private static final String PAGE_LAYOUT_TYPE_URL = "type.googleapis.com/lance.encodings21.PageLayout";
  private static final String COLUMN_ENCODING_TYPE_URL = "type.googleapis.com/lance.encodings.ColumnEncoding";

  private final ObjectWriter out;
  private final LanceFileVersion version;
  private final List<File2Protos.ColumnMetadata.Builder> columns = new ArrayList<>();
  private static final byte[] PAD = new byte[LanceFormatConstants.PAGE_ALIGNMENT];

  static {
    Arrays.fill(PAD, LanceFormatConstants.PADDING_BYTE);
  }

  public ContainerWriter(ObjectWriter out, LanceFileVersion version, int numColumns) {
    this.out = out;
    this.version = version;
    File2Protos.Encoding columnEncoding = direct(Any.newBuilder()
        .setTypeUrl(COLUMN_ENCODING_TYPE_URL)
        .setValue(EncodingsV20Protos.ColumnEncoding.newBuilder()
            .setValues(Empty.getDefaultInstance()).build().toByteString())
        .build());
    for (int i = 0; i < numColumns; i++) {
      columns.add(File2Protos.ColumnMetadata.newBuilder().setEncoding(columnEncoding));
    }
  }

  private static File2Protos.Encoding direct(Any any) {
    return File2Protos.Encoding.newBuilder()
        .setDirect(File2Protos.DirectEncoding.newBuilder().setEncoding(any.toByteString()))
        .build();
  }

  /** Bytes written so far. */
  public long position() {
    return out.position();
  }

  /** Pads to the next 64-byte boundary, writes {@code buf}, and returns where it starts. */
  private long writeAligned(byte[] buf) throws IOException {
    long pos = out.position();
    int pad = (int) ((LanceFormatConstants.PAGE_ALIGNMENT - (pos % LanceFormatConstants.PAGE_ALIGNMENT))
        % LanceFormatConstants.PAGE_ALIGNMENT);
    if (pad > 0) {
      out.write(PAD, 0, pad);
      pos += pad;
    }
    out.write(buf, 0, buf.length);
    return pos;
  }

  /**
   * Writes one page's buffers and records the page in its column's metadata.
   *
   * @param layout a {@code lance.encodings21.PageLayout} message (a {@code lance.encodings.ArrayEncoding} in 2.0)
   * @param firstRow the page's first top-level row (its priority)
   * @param numRows top-level rows in the page
   */
  public void writePage(int column, List<byte[]> buffers, Message layout, long firstRow, long numRows)
      throws IOException {
    File2Protos.ColumnMetadata.Page.Builder page = File2Protos.ColumnMetadata.Page.newBuilder();
    for (byte[] b : buffers) {
      page.addBufferOffsets(writeAligned(b));
      page.addBufferSizes(b.length);
    }
    page.setLength(numRows).setPriority(firstRow);
    // 2.1+ pages carry a lance.encodings21.PageLayout, 2.0 pages a lance.encodings.ArrayEncoding.
    String typeUrl = "type.googleapis.com/" + layout.getDescriptorForType().getFullName();
    page.setEncoding(direct(Any.newBuilder().setTypeUrl(typeUrl).setValue(layout.toByteString()).build()));
    columns.get(column).addPages(page);
  }

  /**
   * Writes an out-of-line buffer (a 2.0 blob payload) 64-byte aligned and returns its absolute
   * position in the file; no page records it.
   */
  public long writeBuffer(byte[] buf, int off, int len) throws IOException {
    long pos = out.position();
    int pad = (int) ((LanceFormatConstants.PAGE_ALIGNMENT - (pos % LanceFormatConstants.PAGE_ALIGNMENT))
        % LanceFormatConstants.PAGE_ALIGNMENT);
    if (pad > 0) {
      out.write(PAD, 0, pad);
      pos += pad;
    }
    out.write(buf, off, len);
    return pos;
  }

  /**
   * Writes the remaining bytes of {@code buf} as an out-of-line buffer (a blob v2 inline value),
   * 64-byte aligned, and returns its absolute offset. A direct buffer is copied through in
   * bounded chunks. An empty buffer writes only the padding and returns where it would start.
   */
  public long writeBuffer(java.nio.ByteBuffer buf) throws IOException {
    long pos = out.position();
    int pad = (int) ((LanceFormatConstants.PAGE_ALIGNMENT - (pos % LanceFormatConstants.PAGE_ALIGNMENT))
        % LanceFormatConstants.PAGE_ALIGNMENT);
    if (pad > 0) {
      out.write(PAD, 0, pad);
      pos += pad;
    }
    out.write(buf);
    return pos;
  }

  /**
   * Replaces a column's {@code ColumnMetadata.encoding} (default {@code ColumnEncoding.values});
   * {@code columnEncoding} is a {@code lance.encodings.ColumnEncoding}, e.g. a 2.0 blob column's.
   */
  public void setColumnEncoding(int column, Message columnEncoding) {
    columns.get(column).setEncoding(direct(Any.newBuilder()
        .setTypeUrl(COLUMN_ENCODING_TYPE_URL).setValue(columnEncoding.toByteString()).build()));
  }

  /** Writes the file descriptor, column metadata, offset tables and footer. */
  public void finish(List<FileProtos.Field> fields, java.util.Map<String, String> schemaMetadata, long numRows)
      throws IOException {
    FileProtos.Schema.Builder schema = FileProtos.Schema.newBuilder().addAllFields(fields);
    schemaMetadata.forEach((k, v) -> schema.putMetadata(k, ByteString.copyFromUtf8(v)));
    byte[] descriptor = FileProtos.FileDescriptor.newBuilder().setSchema(schema).setLength(numRows).build().toByteArray();
    long gb0 = writeAligned(descriptor);

    long columnMetaStart = out.position();
    long[] cmo = new long[columns.size() * 2];
    for (int i = 0; i < columns.size(); i++) {
      byte[] meta = columns.get(i).build().toByteArray();
      cmo[2 * i] = out.position();
      cmo[2 * i + 1] = meta.length;
      out.write(meta, 0, meta.length);
    }
    long cmoStart = out.position();
    byte[] table = new byte[cmo.length * 8];
    for (int i = 0; i < cmo.length; i++) {
      LittleEndian.putLong(table, i * 8, cmo[i]);
    }
    out.write(table, 0, table.length);
    long gboStart = out.position();
    byte[] gbo = new byte[16];
    LittleEndian.putLong(gbo, 0, gb0);
    LittleEndian.putLong(gbo, 8, descriptor.length);
    out.write(gbo, 0, gbo.length);

    byte[] footer = new byte[40];
    LittleEndian.putLong(footer, 0, columnMetaStart);
    LittleEndian.putLong(footer, 8, cmoStart);
    LittleEndian.putLong(footer, 16, gboStart);
    LittleEndian.putInt(footer, 24, 1);
    LittleEndian.putInt(footer, 28, columns.size());
    LittleEndian.putShort(footer, 32, version.footerMajor()); // 2.0 files say 0.3
    LittleEndian.putShort(footer, 34, version.footerMinor());
    System.arraycopy(LanceFormatConstants.MAGIC, 0, footer, 36, 4);
    out.write(footer, 0, footer.length);
  }
}
