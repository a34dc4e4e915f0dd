package dev.lancelet.file.fuzz;

import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte regions of a well-formed Lance 2.x file, parsed independently of the reader under test
 * (so a reader bug cannot hide a region), for aiming damage: footer, GBO and CMO tables, the
 * column metadata blobs, global buffers and page buffers. Offsets are absolute.
 */
final class FileLayout {
  /** A named byte range {@code [start, end)}. */
  record Region(String kind, String name, long start, long end) {
    long length() {
      return end - start;
    }

    boolean contains(long pos) {
      return pos >= start && pos < end;
    }
  }

  final long size;
  final long columnMetaStart;
  final long cmoStart;
  final long gboStart;
  final int numGlobalBuffers;
  final int numColumns;
  final long[] gbOff;
  final long[] gbLen;
  final long[] colOff;
  final long[] colLen;
  final List<ColumnMetadata> columns = new ArrayList<>();
  final List<Region> regions = new ArrayList<>();

  FileLayout(byte[] f) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    size = f.length;
    int ft = f.length - 40;
    columnMetaStart = b.getLong(ft);
    cmoStart = b.getLong(ft + 8);
    gboStart = b.getLong(ft + 16);
    numGlobalBuffers = b.getInt(ft + 24);
    numColumns = b.getInt(ft + 28);
    regions.add(new Region("footer", "footer", ft, f.length));
    regions.add(new Region("gbo", "global buffer table", gboStart, gboStart + 16L * numGlobalBuffers));
    regions.add(new Region("cmo", "column metadata table", cmoStart, cmoStart + 16L * numColumns));
    gbOff = new long[numGlobalBuffers];
    gbLen = new long[numGlobalBuffers];
    for (int i = 0; i < numGlobalBuffers; i++) {
      gbOff[i] = b.getLong((int) gboStart + 16 * i);
      gbLen[i] = b.getLong((int) gboStart + 16 * i + 8);
      regions.add(new Region(i == 0 ? "gb0" : "gb", "global buffer " + i, gbOff[i], gbOff[i] + gbLen[i]));
    }
    colOff = new long[numColumns];
    colLen = new long[numColumns];
    for (int c = 0; c < numColumns; c++) {
      colOff[c] = b.getLong((int) cmoStart + 16 * c);
      colLen[c] = b.getLong((int) cmoStart + 16 * c + 8);
      regions.add(new Region("colmeta", "column " + c + " metadata", colOff[c], colOff[c] + colLen[c]));
      ColumnMetadata cm = ColumnMetadata.parseFrom(ByteBuffer.wrap(f, (int) colOff[c], (int) colLen[c]));
      columns.add(cm);
      for (int p = 0; p < cm.getPagesCount(); p++) {
        ColumnMetadata.Page pg = cm.getPages(p);
        for (int k = 0; k < pg.getBufferOffsetsCount(); k++) {
          long o = pg.getBufferOffsets(k);
          regions.add(new Region("page", "column " + c + " page " + p + " buffer " + k, o, o + pg.getBufferSizes(k)));
        }
      }
      for (int k = 0; k < cm.getBufferOffsetsCount(); k++) {
        long o = cm.getBufferOffsets(k);
        regions.add(new Region("colbuf", "column " + c + " buffer " + k, o, o + cm.getBufferSizes(k)));
      }
    }
  }

  /** Start of the metadata part of the file: global buffer 0 or the column metadata, whichever is first. */
  long metadataStart() {
    return Math.min(gbOff[0], columnMetaStart);
  }

  /** The region holding {@code pos}, or a "padding" region if none does. */
  Region regionOf(long pos) {
    for (Region r : regions) {
      if (r.contains(pos)) {
        return r;
      }
    }
    return new Region("padding", "padding", pos, pos + 1);
  }

  /** Regions of one kind. */
  List<Region> of(String kind) {
    List<Region> out = new ArrayList<>();
    for (Region r : regions) {
      if (r.kind().equals(kind) && r.length() > 0) {
        out.add(r);
      }
    }
    return out;
  }

  /** The bytes of global buffer {@code i}. */
  byte[] globalBuffer(byte[] f, int i) {
    return java.util.Arrays.copyOfRange(f, (int) gbOff[i], (int) (gbOff[i] + gbLen[i]));
  }

  /**
   * A copy of {@code f} whose tail is rebuilt from the given global buffer 0 and column metadata
   * blobs, with fresh offset tables and footer (the footer keeps the original version). Data pages
   * and other global buffers are kept byte for byte. Lets a test plant a lying protobuf field
   * while every offset stays consistent.
   */
  byte[] rebuild(byte[] f, byte[] gb0, List<byte[]> columnBlobs) {
    for (int i = 1; i < numGlobalBuffers; i++) {
      if (gbOff[i] + gbLen[i] > metadataStart()) {
        throw new IllegalStateException("global buffer " + i + " lies in the tail; rebuild would lose it");
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(f, 0, (int) metadataStart());
    while (out.size() % 64 != 0) {
      out.write(0);
    }
    long gb0Off = out.size();
    out.writeBytes(gb0);
    long colStart = out.size();
    long[] pos = new long[columnBlobs.size()];
    for (int c = 0; c < columnBlobs.size(); c++) {
      pos[c] = out.size();
      out.writeBytes(columnBlobs.get(c));
    }
    ByteBuffer t = ByteBuffer.allocate(16 * columnBlobs.size() + 16 * numGlobalBuffers + 40).order(ByteOrder.LITTLE_ENDIAN);
    long cmo = out.size();
    for (int c = 0; c < columnBlobs.size(); c++) {
      t.putLong(pos[c]).putLong(columnBlobs.get(c).length);
    }
    long gbo = cmo + 16L * columnBlobs.size();
    for (int i = 0; i < numGlobalBuffers; i++) {
      t.putLong(i == 0 ? gb0Off : gbOff[i]).putLong(i == 0 ? gb0.length : gbLen[i]);
    }
    t.putLong(colStart).putLong(cmo).putLong(gbo).putInt(numGlobalBuffers).putInt(columnBlobs.size());
    t.put(f, f.length - 8, 8); // version + magic
    out.writeBytes(t.array());
    return out.toByteArray();
  }

  /** The column metadata blobs as they are. */
  List<byte[]> columnBlobs(byte[] f) {
    List<byte[]> out = new ArrayList<>();
    for (int c = 0; c < numColumns; c++) {
      out.add(java.util.Arrays.copyOfRange(f, (int) colOff[c], (int) (colOff[c] + colLen[c])));
    }
    return out;
  }
}
