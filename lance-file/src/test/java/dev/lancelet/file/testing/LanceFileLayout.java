package dev.lancelet.file.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The container structure of a Lance v2 file, parsed independently of Lancelet's reader (for
 * dumps, the census and as a second opinion in tests). Protobufs are decoded by field number
 * ({@link UnknownFieldSet}), so this needs no generated classes.
 *
 * <p>Tail of the file: column metadata blobs, then the CMO table ({@code u64 position, u64 length}
 * per column), the GBO table (same, per global buffer), then a 40-byte footer: {@code u64
 * col_meta_start, u64 cmo_start, u64 gbo_start, u32 num_global_buffers, u32 num_columns, u16
 * major, u16 minor, "LANC"}, all little-endian. Column metadata is {@code
 * lance.file.v2.ColumnMetadata}: encoding=1, pages=2 (buffer_offsets=1, buffer_sizes=2,
 * length=3, encoding=4, priority=5), buffer_offsets=3, buffer_sizes=4; an encoding is {@code
 * Encoding{direct=2{encoding=1 bytes}}} holding a {@code google.protobuf.Any}.
 */
public record LanceFileLayout(
    Path path, long fileSize, Footer footer, List<Extent> globalBuffers, List<Column> columns, byte[] bytes) {

  /** Footer fields. */
  public record Footer(
      long columnMetaStart, long cmoStart, long gboStart, int numGlobalBuffers, int numColumns, int major, int minor) {
    public String version() {
      return major + "." + minor;
    }
  }

  /** A byte range. */
  public record Extent(long position, long size) {
    public long end() {
      return position + size;
    }
  }

  /** An {@code Any}: type URL and value. */
  public record AnyProto(String typeUrl, byte[] value) {
    public String compact() {
      return typeUrl.isEmpty() ? "-" : ProtoText.compact(typeUrl, value);
    }

    public String text() {
      return typeUrl.isEmpty() ? "" : ProtoText.text(typeUrl, value);
    }

    public String layoutName() {
      return typeUrl.isEmpty() ? "-" : ProtoText.layoutName(typeUrl, value);
    }
  }

  /** One page. */
  public record Page(long rows, long priority, List<Extent> buffers, AnyProto encoding) {
    public long bytes() {
      return buffers.stream().mapToLong(Extent::size).sum();
    }
  }

  /** One column. */
  public record Column(int index, Extent metadata, AnyProto encoding, List<Page> pages, List<Extent> buffers) {
    public long bytes() {
      return pages.stream().mapToLong(Page::bytes).sum() + buffers.stream().mapToLong(Extent::size).sum();
    }
  }

  /** Reads and parses {@code path}. */
  public static LanceFileLayout read(Path path) throws IOException {
    byte[] all = Files.readAllBytes(path);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int n = all.length;
    if (n < 40 || !"LANC".equals(new String(all, n - 4, 4, StandardCharsets.US_ASCII))) {
      throw new IOException("Not a Lance v2 file (no LANC magic): " + path);
    }
    int f = n - 40;
    Footer footer = new Footer(b.getLong(f), b.getLong(f + 8), b.getLong(f + 16), b.getInt(f + 24), b.getInt(f + 28),
        Short.toUnsignedInt(b.getShort(f + 32)), Short.toUnsignedInt(b.getShort(f + 34)));
    List<Extent> gbo = new ArrayList<>();
    for (int i = 0; i < footer.numGlobalBuffers(); i++) {
      int p = Math.toIntExact(footer.gboStart() + 16L * i);
      gbo.add(new Extent(b.getLong(p), b.getLong(p + 8)));
    }
    List<Column> cols = new ArrayList<>();
    for (int c = 0; c < footer.numColumns(); c++) {
      int p = Math.toIntExact(footer.cmoStart() + 16L * c);
      Extent meta = new Extent(b.getLong(p), b.getLong(p + 8));
      UnknownFieldSet cm = UnknownFieldSet.parseFrom(
          ByteString.copyFrom(all, Math.toIntExact(meta.position()), Math.toIntExact(meta.size())));
      List<Page> pages = new ArrayList<>();
      if (cm.hasField(2)) {
        for (ByteString pb : cm.getField(2).getLengthDelimitedList()) {
          UnknownFieldSet page = UnknownFieldSet.parseFrom(pb);
          pages.add(new Page(varint(page, 3), varint(page, 5), extents(page, 1, 2), encoding(page, 4)));
        }
      }
      cols.add(new Column(c, meta, encoding(cm, 1), pages, extents(cm, 3, 4)));
    }
    return new LanceFileLayout(path, n, footer, gbo, cols, all);
  }

  private static long varint(UnknownFieldSet s, int field) {
    return s.hasField(field) && !s.getField(field).getVarintList().isEmpty() ? s.getField(field).getVarintList().get(0) : 0;
  }

  private static List<Long> packedVarints(UnknownFieldSet s, int field) throws InvalidProtocolBufferException {
    List<Long> out = new ArrayList<>();
    if (!s.hasField(field)) {
      return out;
    }
    out.addAll(s.getField(field).getVarintList());
    for (ByteString packed : s.getField(field).getLengthDelimitedList()) {
      var in = packed.newCodedInput();
      try {
        while (!in.isAtEnd()) {
          out.add(in.readRawVarint64());
        }
      } catch (IOException e) {
        throw new InvalidProtocolBufferException(e);
      }
    }
    return out;
  }

  private static List<Extent> extents(UnknownFieldSet s, int offsets, int sizes) throws InvalidProtocolBufferException {
    List<Long> o = packedVarints(s, offsets);
    List<Long> z = packedVarints(s, sizes);
    List<Extent> out = new ArrayList<>();
    for (int i = 0; i < o.size(); i++) {
      out.add(new Extent(o.get(i), i < z.size() ? z.get(i) : -1));
    }
    return out;
  }

  /** Encoding{direct=2{encoding=1: Any{type_url=1, value=2}}}. */
  private static AnyProto encoding(UnknownFieldSet s, int field) throws InvalidProtocolBufferException {
    if (!s.hasField(field) || s.getField(field).getLengthDelimitedList().isEmpty()) {
      return new AnyProto("", new byte[0]);
    }
    UnknownFieldSet enc = UnknownFieldSet.parseFrom(s.getField(field).getLengthDelimitedList().get(0));
    if (!enc.hasField(2)) {
      return new AnyProto(enc.hasField(1) ? "<indirect>" : "<none>", new byte[0]);
    }
    UnknownFieldSet direct = UnknownFieldSet.parseFrom(enc.getField(2).getLengthDelimitedList().get(0));
    UnknownFieldSet any = UnknownFieldSet.parseFrom(direct.getField(1).getLengthDelimitedList().get(0));
    String url = any.getField(1).getLengthDelimitedList().get(0).toStringUtf8();
    byte[] value = any.hasField(2) ? any.getField(2).getLengthDelimitedList().get(0).toByteArray() : new byte[0];
    return new AnyProto(url, value);
  }

  /** Page buffers and global buffers, by position. */
  public List<Extent> dataExtents() {
    List<Extent> out = new ArrayList<>(globalBuffers);
    for (Column c : columns) {
      out.addAll(c.buffers());
      for (Page p : c.pages()) {
        out.addAll(p.buffers());
      }
    }
    out.removeIf(e -> e.size() == 0);
    out.sort(Comparator.comparingLong(Extent::position));
    return out;
  }

  /** Data buffers (page and global) whose position is not a multiple of 64. */
  public long misalignedBuffers() {
    return dataExtents().stream().filter(e -> e.position() % 64 != 0).count();
  }

  /** Distinct byte values found in the gaps between consecutive data buffers (padding). */
  public java.util.Set<Integer> paddingByteValues() {
    java.util.Set<Integer> out = new java.util.TreeSet<>();
    List<Extent> ext = dataExtents();
    for (int i = 0; i + 1 < ext.size(); i++) {
      for (long p = ext.get(i).end(); p < ext.get(i + 1).position(); p++) {
        out.add(bytes[(int) p] & 0xFF);
      }
    }
    return out;
  }

  /** The global buffer {@code i}'s bytes. */
  public byte[] globalBuffer(int i) {
    Extent e = globalBuffers.get(i);
    return java.util.Arrays.copyOfRange(bytes, (int) e.position(), (int) e.end());
  }

  /** Full human-readable dump: footer, global buffers, every column and page with encodings. */
  public String dump(boolean fullText) {
    StringBuilder sb = new StringBuilder();
    sb.append("file ").append(path.getFileName()).append(" size=").append(fileSize).append('\n');
    sb.append("footer ").append(footer).append('\n');
    for (int i = 0; i < globalBuffers.size(); i++) {
      sb.append("global buffer ").append(i).append(' ').append(globalBuffers.get(i)).append('\n');
    }
    if (!globalBuffers.isEmpty()) {
      sb.append("  FileDescriptor: ").append(ProtoText.compact("lance.file.FileDescriptor", globalBuffer(0))).append('\n');
    }
    for (Column c : columns) {
      sb.append("column ").append(c.index()).append(" meta=").append(c.metadata()).append(" buffers=").append(c.buffers())
          .append(" encoding=").append(c.encoding().compact()).append('\n');
      for (int p = 0; p < c.pages().size(); p++) {
        Page pg = c.pages().get(p);
        sb.append("  page ").append(p).append(" rows=").append(pg.rows()).append(" priority=").append(pg.priority())
            .append(" buffers=");
        for (Extent e : pg.buffers()) {
          sb.append('[').append(e.position()).append('+').append(e.size()).append(']');
        }
        sb.append(' ').append(pg.encoding().typeUrl()).append('\n');
        sb.append("    ").append(pg.encoding().compact()).append('\n');
        if (fullText) {
          for (String line : pg.encoding().text().split("\n")) {
            sb.append("    | ").append(line).append('\n');
          }
        }
      }
    }
    return sb.toString();
  }
}
