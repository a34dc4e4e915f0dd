package dev.lancelet.file.v20;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.EncodingsV20Protos.ArrayEncoding;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.io.ByteRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reads one field of a 2.0 file, which may span several columns (a struct's header and children,
 * a list's offsets and items). {@link #read} takes ascending, non-overlapping, non-empty row ranges
 * as pairs {@code [start, end)} and fills {@code out} (allocating it) with exactly those rows.
 */
abstract class FieldReader {
  final PageIo io;
  final Field field;

  FieldReader(PageIo io, Field field) {
    this.io = io;
    this.field = field;
  }

  abstract long numRows();

  abstract void read(long[] ranges, FieldVector out) throws IOException;

  /** The pages of one column that holds values: row extents plus each page's decoder. */
  static final class Pages {
    final long[] first;
    final long[] rows;
    final ArrayEncoding[] encodings;
    final PageBuffers[] buffers;
    final long total;

    Pages(PageIo io, ColumnMetadata col, int columnIndex, PageBuffers columnBuffers) throws LanceFormatException {
      List<ColumnMetadata.Page> kept = new ArrayList<>();
      for (ColumnMetadata.Page p : col.getPagesList()) {
        if (p.getLength() != 0) { // old writers sometimes left empty pages; they carry nothing
          kept.add(p);
        }
      }
      int n = kept.size();
      first = new long[n];
      rows = new long[n];
      encodings = new ArrayEncoding[n];
      buffers = new PageBuffers[n];
      long at = 0;
      for (int i = 0; i < n; i++) {
        ColumnMetadata.Page p = kept.get(i);
        String where = "column " + columnIndex + " page " + i;
        if (p.getLength() < 0) {
          throw io.corrupt("%s has length %s", where, Long.toUnsignedString(p.getLength()));
        }
        first[i] = at;
        rows[i] = p.getLength();
        at = Math.addExact(at, p.getLength());
        long[] pos = p.getBufferOffsetsList().stream().mapToLong(Long::longValue).toArray();
        long[] size = p.getBufferSizesList().stream().mapToLong(Long::longValue).toArray();
        PageBuffers.checkExtents(io, pos, size, where);
        buffers[i] = new PageBuffers(io, pos, size, columnBuffers.colPos(), columnBuffers.colSize(), columnBuffers.filePos(), columnBuffers.fileSize());
        encodings[i] = EncodingTree.pageEncoding(io, p.getEncoding(), where);
      }
      total = at;
    }

    int size() {
      return first.length;
    }

    /**
     * The part of {@code ranges} (file rows) that falls in page {@code p}, in page-local rows;
     * {@code cursor[0]} is the index of the first range pair not yet fully consumed.
     */
    long[] localRanges(int p, long[] ranges, int[] cursor) {
      long s0 = first[p];
      long e0 = s0 + rows[p];
      int k = cursor[0];
      long[] buf = new long[8];
      int nb = 0;
      while (k < ranges.length && ranges[k] < e0) {
        long s = Math.max(ranges[k], s0);
        long e = Math.min(ranges[k + 1], e0);
        if (s < e) {
          if (nb == buf.length) {
            buf = java.util.Arrays.copyOf(buf, nb * 2);
          }
          buf[nb++] = s - s0;
          buf[nb++] = e - s0;
        }
        if (ranges[k + 1] <= e0) {
          k += 2;
        } else {
          break;
        }
      }
      cursor[0] = k;
      return java.util.Arrays.copyOf(buf, nb);
    }
  }

  /** Checks ranges against the field's row count before anything is allocated. */
  final int checkRanges(long[] ranges) throws LanceFormatException {
    long n = 0;
    long prevEnd = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      if (ranges[i] < prevEnd || ranges[i + 1] <= ranges[i] || ranges[i + 1] > numRows()) {
        throw io.corrupt("row range [%d, %d) of field %s is out of order or outside its %d rows", ranges[i], ranges[i + 1], field.getName(), numRows());
      }
      prevEnd = ranges[i + 1];
      n += ranges[i + 1] - ranges[i];
    }
    return Nodes.checkedInt(io, n, "read of field " + field.getName());
  }

  /** A field stored in one column of values: primitives, binary, dictionaries, FSLs, packed structs. */
  static final class Primitive extends FieldReader {
    private final Pages pages;
    private final Nodes.Node[] nodes;

    Primitive(PageIo io, Field field, Pages pages) throws LanceFormatException {
      super(io, field);
      this.pages = pages;
      this.nodes = new Nodes.Node[pages.size()];
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = EncodingTree.build(pages.buffers[i], pages.encodings[i], field, "field " + field.getName() + " page " + i);
      }
    }

    @Override
    long numRows() {
      return pages.total;
    }

    @Override
    void read(long[] ranges, FieldVector out) throws IOException {
      int count = checkRanges(ranges);
      VectorFill.allocate(out, count);
      int at = 0;
      int[] cursor = {0};
      for (int p = 0; p < pages.size() && cursor[0] < ranges.length; p++) {
        long[] local = pages.localRanges(p, ranges, cursor);
        if (local.length == 0) {
          continue;
        }
        Block b = nodes[p].decode(local);
        VectorFill.append(io, out, at, b);
        at += b.count();
      }
      if (at != count) {
        throw io.corrupt("field %s produced %d rows, expected %d", field.getName(), at, count);
      }
      out.setValueCount(count);
    }
  }

  /** A struct: a header column of {@code SimpleStruct} pages (no data), then one reader per child. */
  static final class Struct extends FieldReader {
    private final long rows;
    private final FieldReader[] children;

    Struct(PageIo io, Field field, long rows, FieldReader[] children) throws LanceFormatException {
      super(io, field);
      this.rows = rows;
      this.children = children;
      for (FieldReader c : children) {
        if (c.numRows() != rows) {
          throw io.corrupt("struct %s has %d rows but its child %s has %d", field.getName(), rows, c.field.getName(), c.numRows());
        }
      }
    }

    @Override
    long numRows() {
      return rows;
    }

    @Override
    void read(long[] ranges, FieldVector out) throws IOException {
      int count = checkRanges(ranges);
      StructVector s = (StructVector) out;
      VectorFill.allocate(s, count);
      List<FieldVector> kids = s.getChildrenFromFields();
      for (int i = 0; i < children.length; i++) {
        children[i].read(ranges, kids.get(i));
      }
      // 2.0 stores no struct validity: every struct row is valid.
      Bits.copyInto(null, s.getValidityBuffer(), 0, count);
      s.setValueCount(count);
    }
  }

  /**
   * A list or large list: a column of {@code List} pages whose offsets address the items column
   * by item number, each page's items following the previous page's.
   */
  static final class ListField extends FieldReader {
    private final Pages pages;
    private final Nodes.Node[] nodes;
    private final long[] nullAdjustment;
    private final long[] numItems;
    private final long[] itemBase;
    private final FieldReader items;

    ListField(PageIo io, Field field, Pages pages, FieldReader items) throws LanceFormatException {
      super(io, field);
      this.pages = pages;
      this.items = items;
      int n = pages.size();
      nodes = new Nodes.Node[n];
      nullAdjustment = new long[n];
      numItems = new long[n];
      itemBase = new long[n];
      long base = 0;
      for (int i = 0; i < n; i++) {
        ArrayEncoding e = pages.encodings[i];
        String where = "list " + field.getName() + " page " + i;
        if (!e.hasList()) {
          throw io.corrupt("%s: expected a List page, found %s", where, e.getArrayEncodingCase());
        }
        var list = e.getList();
        if (!list.hasOffsets()) {
          throw io.corrupt("%s: List.offsets is missing", where);
        }
        numItems[i] = list.getNumItems();
        nullAdjustment[i] = list.getNullOffsetAdjustment();
        if (numItems[i] < 0 || Long.compareUnsigned(nullAdjustment[i], numItems[i]) <= 0) {
          throw io.corrupt("%s: null offset adjustment %s must exceed the item count %s", where,
              Long.toUnsignedString(nullAdjustment[i]), Long.toUnsignedString(numItems[i]));
        }
        itemBase[i] = base;
        base = Math.addExact(base, numItems[i]);
        nodes[i] = EncodingTree.build(pages.buffers[i], list.getOffsets(), new Field("offsets", org.apache.arrow.vector.types.pojo.FieldType.notNullable(new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, false)), null), where);
      }
      if (base != items.numRows()) {
        throw io.corrupt("list %s references %d items but its items column holds %d", field.getName(), base, items.numRows());
      }
    }

    @Override
    long numRows() {
      return pages.total;
    }

    @Override
    void read(long[] ranges, FieldVector out) throws IOException {
      int count = checkRanges(ranges);
      VectorFill.allocate(out, count);
      long[] offsets = new long[count + 1];
      byte[] validity = Bits.allSet(count);
      long[] itemRanges = new long[8];
      int ni = 0;
      int row = 0;
      int[] cursor = {0};
      for (int p = 0; p < pages.size() && cursor[0] < ranges.length; p++) {
        long[] local = pages.localRanges(p, ranges, cursor);
        if (local.length == 0) {
          continue;
        }
        long[] ext = new long[local.length];
        for (int i = 0; i < local.length; i += 2) {
          ext[i] = local[i] == 0 ? 0 : local[i] - 1;
          ext[i + 1] = local[i + 1];
        }
        Block b = nodes[p].decode(ext);
        if (!(b instanceof Block.Fixed f) || f.bits() != 64 || f.validity() != null) {
          throw io.corrupt("list %s page %d: offsets must be non-null 64-bit values", field.getName(), p);
        }
        ByteBuffer v = ByteBuffer.wrap(f.data()).order(ByteOrder.LITTLE_ENDIAN);
        long adj = nullAdjustment[p];
        int pos = 0;
        for (int i = 0; i < local.length; i += 2) {
          long startItem = 0;
          if (local[i] != 0) {
            startItem = strip(v.getLong(pos * 8), adj, p);
            pos++;
          }
          long prev = startItem;
          for (long r = local[i]; r < local[i + 1]; r++) {
            long raw = v.getLong(pos * 8);
            pos++;
            long end = strip(raw, adj, p);
            if (Long.compareUnsigned(raw, adj) >= 0) {
              Bits.clear(validity, row);
            }
            if (end < prev || end > numItems[p]) {
              throw io.corrupt("list %s page %d: offset %d after %d is out of order or beyond %d items", field.getName(), p, end, prev, numItems[p]);
            }
            offsets[row + 1] = offsets[row] + (end - prev);
            prev = end;
            row++;
          }
          if (prev > startItem) {
            long s = itemBase[p] + startItem;
            long e = itemBase[p] + prev;
            if (ni > 0 && itemRanges[ni - 1] == s) {
              itemRanges[ni - 1] = e;
            } else {
              if (ni == itemRanges.length) {
                itemRanges = java.util.Arrays.copyOf(itemRanges, ni * 2);
              }
              itemRanges[ni++] = s;
              itemRanges[ni++] = e;
            }
          }
        }
      }
      if (row != count) {
        throw io.corrupt("list %s produced %d rows, expected %d", field.getName(), row, count);
      }
      long totalItems = offsets[count];
      FieldVector data;
      if (out instanceof ListVector l) {
        if (totalItems > Integer.MAX_VALUE) {
          throw io.corrupt("list %s: %d items do not fit a 32-bit-offset list in one read", field.getName(), totalItems);
        }
        ArrowBuf ob = l.getOffsetBuffer();
        for (int i = 0; i <= count; i++) {
          ob.setInt((long) i * 4, (int) offsets[i]);
        }
        Bits.copyInto(validity, l.getValidityBuffer(), 0, count);
        l.setLastSet(count - 1);
        data = l.getDataVector();
      } else if (out instanceof LargeListVector l) {
        ArrowBuf ob = l.getOffsetBuffer();
        for (int i = 0; i <= count; i++) {
          ob.setLong((long) i * 8, offsets[i]);
        }
        Bits.copyInto(validity, l.getValidityBuffer(), 0, count);
        l.setLastSet(count - 1);
        data = l.getDataVector();
      } else {
        throw io.corrupt("field %s is %s but its column holds list offsets", field.getName(), field.getType());
      }
      items.read(java.util.Arrays.copyOf(itemRanges, ni), data);
      out.setValueCount(count);
    }

    private long strip(long raw, long adj, int p) throws LanceFormatException {
      if (Long.compareUnsigned(raw, adj) < 0) {
        return raw;
      }
      long v = raw - adj;
      if (Long.compareUnsigned(v, adj) >= 0) {
        throw io.corrupt("list %s page %d: offset %s exceeds twice the null adjustment %d", field.getName(), p, Long.toUnsignedString(raw), adj);
      }
      return v;
    }
  }

  /**
   * A blob column ({@code ColumnEncoding.Blob}): pages of packed (position u64, size u64)
   * descriptors pointing at out-of-line byte ranges of the file. (1, 0) is null, (0, 0) empty.
   */
  static final class Blob extends FieldReader {
    private final Pages pages;
    private final Nodes.Node[] nodes;

    Blob(PageIo io, Field field, Pages pages) throws LanceFormatException {
      super(io, field);
      this.pages = pages;
      nodes = new Nodes.Node[pages.size()];
      Field desc = new Field(field.getName(), org.apache.arrow.vector.types.pojo.FieldType.notNullable(new org.apache.arrow.vector.types.pojo.ArrowType.Struct()),
          List.of(
              new Field("position", org.apache.arrow.vector.types.pojo.FieldType.notNullable(new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, false)), null),
              new Field("size", org.apache.arrow.vector.types.pojo.FieldType.notNullable(new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, false)), null)));
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = EncodingTree.build(pages.buffers[i], pages.encodings[i], desc, "blob " + field.getName() + " page " + i);
      }
    }

    @Override
    long numRows() {
      return pages.total;
    }

    /** The stored (position, size) of the rows in {@code ranges}, two longs per row. */
    long[] descriptors(long[] ranges) throws IOException {
      int count = checkRanges(ranges);
      long[] pos = new long[count];
      long[] size = new long[count];
      decodeDescriptors(ranges, pos, size);
      long[] out = new long[2 * count];
      for (int i = 0; i < count; i++) {
        out[2 * i] = pos[i];
        out[2 * i + 1] = size[i];
      }
      return out;
    }

    private void decodeDescriptors(long[] ranges, long[] pos, long[] size) throws IOException {
      int at = 0;
      int[] cursor = {0};
      for (int p = 0; p < pages.size() && cursor[0] < ranges.length; p++) {
        long[] local = pages.localRanges(p, ranges, cursor);
        if (local.length == 0) {
          continue;
        }
        Block b = nodes[p].decode(local);
        if (!(b instanceof Block.Packed pk) || pk.children().length != 2) {
          throw io.corrupt("blob %s page %d: descriptors must be a packed (position, size) struct", field.getName(), p);
        }
        ByteBuffer pb = ByteBuffer.wrap(((Block.Fixed) pk.children()[0]).data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer sb = ByteBuffer.wrap(((Block.Fixed) pk.children()[1]).data()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.count(); i++) {
          pos[at + i] = pb.getLong(i * 8);
          size[at + i] = sb.getLong(i * 8);
        }
        at += b.count();
      }
    }

    @Override
    void read(long[] ranges, FieldVector out) throws IOException {
      int count = checkRanges(ranges);
      long[] pos = new long[count];
      long[] size = new long[count];
      decodeDescriptors(ranges, pos, size);
      List<ByteRange> reads = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < count; i++) {
        if (size[i] != 0) {
          if (pos[i] < 0 || size[i] < 0 || pos[i] > io.fileSize() || size[i] > io.fileSize() - pos[i]) {
            throw io.corrupt("blob %s row %d points at [%s, +%s) outside the file", field.getName(), i,
                Long.toUnsignedString(pos[i]), Long.toUnsignedString(size[i]));
          }
          reads.add(new ByteRange(pos[i], size[i]));
          total += size[i];
        }
      }
      List<ByteBuffer> got = io.read(reads);
      long[] offsets = new long[count + 1];
      byte[] data = new byte[Nodes.checkedInt(io, total, "blob bytes")];
      byte[] validity = null;
      int k = 0;
      for (int i = 0; i < count; i++) {
        long len = 0;
        if (size[i] != 0) {
          ByteBuffer bb = got.get(k++);
          len = bb.remaining();
          bb.duplicate().get(data, (int) offsets[i], (int) len);
        } else if (pos[i] == 1) {
          if (validity == null) {
            validity = Bits.allSet(count);
          }
          Bits.clear(validity, i);
        }
        offsets[i + 1] = offsets[i] + len;
      }
      VectorFill.allocate(out, count);
      if (!(out instanceof BaseVariableWidthVector) && !(out instanceof BaseLargeVariableWidthVector)) {
        throw io.corrupt("blob %s must be read as binary, not %s", field.getName(), field.getType());
      }
      if (count > 0) {
        VectorFill.append(io, out, 0, new Block.Var(offsets, data, count, validity));
      }
      out.setValueCount(count);
    }
  }
}
