package dev.lancelet.file.v20;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.io.ByteRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoders for the nodes of a 2.0 page encoding tree. A node decodes a list of row ranges of
 * its page ({@code ranges} holds pairs {@code [start, end)}, in page-local rows, ascending but
 * possibly overlapping) into one {@link Block} holding the rows of every range back to back.
 * Nodes read their bytes themselves, asking only for the byte ranges the rows need.
 */
final class Nodes {
  private Nodes() {}

  /** One node of a page's encoding tree, bound to the page's buffers. */
  abstract static class Node {
    abstract Block decode(long[] ranges) throws IOException;
  }

  static long rowCount(long[] ranges) {
    long n = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      n += ranges[i + 1] - ranges[i];
    }
    return n;
  }

  static int checkedInt(PageIo io, long v, String what) throws LanceFormatException {
    if (v < 0 || v > Integer.MAX_VALUE - 16) {
      throw io.corrupt("%s needs %d entries, more than one read can hold (corrupt length?)", what, v);
    }
    return (int) v;
  }

  /**
   * {@code Flat}: values of {@code bits} bits stored back to back in one buffer, no header.
   * {@code bits == 1} is an LSB-first bitmap; other widths must be whole bytes, little-endian.
   */
  static final class Flat extends Node {
    private final PageIo io;
    private final int bits;
    private final PageBuffers.Extent buffer;

    Flat(PageIo io, long bits, PageBuffers.Extent buffer, String compression) throws LanceFormatException {
      this.io = io;
      if (bits != 1 && (bits % 8 != 0 || bits <= 0 || bits > 1 << 20)) {
        throw io.corrupt("Flat encoding with %d bits per value is not supported (only 1 or whole bytes)", bits);
      }
      if (!compression.isEmpty()) {
        throw io.corrupt("Flat buffer compressed with '%s' is not supported by this reader", compression);
      }
      this.bits = (int) bits;
      this.buffer = buffer;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      int count = checkedInt(io, rowCount(ranges), "Flat read");
      List<ByteRange> byteRanges = new ArrayList<>(ranges.length / 2);
      if (bits == 1) {
        for (int i = 0; i < ranges.length; i += 2) {
          long s = ranges[i];
          long e = ranges[i + 1];
          long endByte = (e + 7) >>> 3;
          checkEnd(endByte, e);
          byteRanges.add(new ByteRange(buffer.position() + (s >>> 3), endByte - (s >>> 3)));
        }
        List<ByteBuffer> got = io.read(byteRanges);
        byte[] out = new byte[(count + 7) >>> 3];
        long at = 0;
        for (int i = 0; i < ranges.length; i += 2) {
          long s = ranges[i];
          int n = (int) (ranges[i + 1] - s);
          Bits.copy(got.get(i / 2), (int) (s & 7), out, at, n);
          at += n;
        }
        return new Block.Fixed(1, out, count, null);
      }
      long width = bits >>> 3;
      long totalBytes = 0;
      for (int i = 0; i < ranges.length; i += 2) {
        long s = ranges[i];
        long e = ranges[i + 1];
        long endByte = Math.multiplyHigh(e, width) != 0 ? Long.MAX_VALUE : e * width;
        checkEnd(endByte, e);
        byteRanges.add(new ByteRange(buffer.position() + s * width, (e - s) * width));
        totalBytes += (e - s) * width;
      }
      byte[] out = new byte[checkedInt(io, totalBytes, "Flat read bytes")];
      List<ByteBuffer> got = io.read(byteRanges);
      int at = 0;
      for (ByteBuffer b : got) {
        int n = b.remaining();
        b.duplicate().get(out, at, n);
        at += n;
      }
      return new Block.Fixed(bits, out, count, null);
    }

    private void checkEnd(long endByte, long endRow) throws LanceFormatException {
      if (endByte > buffer.size()) {
        throw io.corrupt(
            "Flat(%d) buffer at %d holds %d bytes but row %d needs %d (page length and buffer disagree)",
            bits, buffer.position(), buffer.size(), endRow - 1, endByte);
      }
    }
  }

  /** {@code Nullable.NoNull}: the values, all valid. */
  static final class NoNull extends Node {
    private final Node values;

    NoNull(Node values) {
      this.values = values;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      return values.decode(ranges);
    }
  }

  /** {@code Nullable.SomeNull}: a validity bitmap plus values stored for every row, null or not. */
  static final class SomeNull extends Node {
    private final PageIo io;
    private final Node validity;
    private final Node values;

    SomeNull(PageIo io, Node validity, Node values) {
      this.io = io;
      this.validity = validity;
      this.values = values;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      Block v = validity.decode(ranges);
      if (!(v instanceof Block.Fixed f) || f.bits() != 1) {
        throw io.corrupt("SomeNull validity must decode to a bitmap");
      }
      Block values = this.values.decode(ranges);
      if (values.count() != v.count()) {
        throw io.corrupt("SomeNull validity has %d rows but values have %d", v.count(), values.count());
      }
      return Block.withValidity(values, f.data());
    }
  }

  /** {@code Nullable.AllNull}: no buffers. */
  static final class AllNull extends Node {
    private final PageIo io;

    AllNull(PageIo io) {
      this.io = io;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      return new Block.AllNull(checkedInt(io, rowCount(ranges), "AllNull read"));
    }
  }

  /** {@code FixedSizeList}: each row is {@code dim} consecutive rows of the items node. */
  static final class Fsl extends Node {
    private final PageIo io;
    private final int dim;
    private final Node items;

    Fsl(PageIo io, int dim, Node items) {
      this.io = io;
      this.dim = dim;
      this.items = items;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      long[] scaled = new long[ranges.length];
      for (int i = 0; i < ranges.length; i++) {
        scaled[i] = Math.multiplyExact(ranges[i], (long) dim);
      }
      int count = checkedInt(io, rowCount(ranges), "FixedSizeList read");
      Block inner = items.decode(scaled);
      if (inner.count() != (long) count * dim) {
        throw io.corrupt("FixedSizeList items decoded %d rows, expected %d", inner.count(), (long) count * dim);
      }
      return new Block.Fsl(dim, inner, count, null);
    }
  }

  /**
   * {@code Binary}: an indices node holding, for each row, the end of its bytes (u64, relative to
   * the page's first byte, no leading 0) and a bytes node. A null row stores its end plus {@code
   * nullAdjustment}; the end of the row before is read to find where a row starts.
   */
  static final class Binary extends Node {
    private final PageIo io;
    private final Node indices;
    private final Node bytes;
    private final long nullAdjustment;

    Binary(PageIo io, Node indices, Node bytes, long nullAdjustment) {
      this.io = io;
      this.indices = indices;
      this.bytes = bytes;
      this.nullAdjustment = nullAdjustment;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      int count = checkedInt(io, rowCount(ranges), "Binary read");
      long[] ext = new long[ranges.length];
      for (int i = 0; i < ranges.length; i += 2) {
        ext[i] = ranges[i] == 0 ? 0 : ranges[i] - 1;
        ext[i + 1] = ranges[i + 1];
      }
      Block ib = indices.decode(ext);
      if (!(ib instanceof Block.Fixed idx) || idx.bits() != 64 || idx.validity() != null) {
        throw io.corrupt("Binary indices must be non-null 64-bit values");
      }
      ByteBuffer iv = ByteBuffer.wrap(idx.data()).order(ByteOrder.LITTLE_ENDIAN);
      long[] offsets = new long[count + 1];
      byte[] validity = null;
      long[] byteRanges = new long[ranges.length];
      int nb = 0;
      int row = 0;
      int pos = 0;
      long adj = nullAdjustment;
      for (int i = 0; i < ranges.length; i += 2) {
        int n = (int) (ranges[i + 1] - ranges[i]);
        long first;
        if (ranges[i] == 0) {
          first = 0;
        } else {
          first = normalize(iv.getLong(pos * 8));
          pos++;
        }
        long prev = first;
        for (int k = 0; k < n; k++) {
          long raw = iv.getLong(pos * 8);
          pos++;
          boolean valid = Long.compareUnsigned(raw, adj) < 0;
          long end = valid ? raw : raw - adj;
          if (end < prev) {
            throw io.corrupt(
                "Binary offsets go backwards (%d after %d, null adjustment %d)", end, prev, adj);
          }
          if (!valid) {
            if (validity == null) {
              validity = Bits.allSet(count);
            }
            Bits.clear(validity, row);
          }
          offsets[row + 1] = offsets[row] + (end - prev);
          prev = end;
          row++;
        }
        if (prev > first) {
          byteRanges[nb++] = first;
          byteRanges[nb++] = prev;
        }
      }
      long[] br = java.util.Arrays.copyOf(byteRanges, nb);
      byte[] data;
      if (nb == 0) {
        data = new byte[0];
      } else {
        Block b = bytes.decode(br);
        if (!(b instanceof Block.Fixed fb) || fb.bits() != 8) {
          throw io.corrupt("Binary bytes must be an 8-bit Flat buffer");
        }
        data = fb.data();
      }
      if (data.length != offsets[count]) {
        throw io.corrupt("Binary bytes decoded %d bytes but offsets need %d", data.length, offsets[count]);
      }
      return new Block.Var(offsets, data, count, validity);
    }

    private long normalize(long raw) {
      return Long.compareUnsigned(raw, nullAdjustment) < 0 ? raw : raw - nullAdjustment;
    }
  }

  /**
   * {@code Dictionary}: per-row indices plus an items node holding {@code numItems} values, read
   * whole. Two flavours exist. When the field is not dictionary-typed, the writer made the
   * dictionary itself: indices are u8 and index 0 means null, {@code i > 0} means item {@code i -
   * 1}. When the field is dictionary-typed, the indices are the field's keys and nulls are null
   * items. Both decode here to materialized values.
   */
  static final class Dictionary extends Node {
    private final PageIo io;
    private final Node indices;
    private final Node items;
    private final long numItems;
    private final boolean zeroIsNull;

    Dictionary(PageIo io, Node indices, Node items, long numItems, boolean zeroIsNull) {
      this.io = io;
      this.indices = indices;
      this.items = items;
      this.numItems = numItems;
      this.zeroIsNull = zeroIsNull;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      Block dict = numItems == 0 ? new Block.Var(new long[1], new byte[0], 0, null) : items.decode(new long[] {0, numItems});
      Block ib = indices.decode(ranges);
      if (!(ib instanceof Block.Fixed idx) || idx.bits() < 8 || idx.bits() > 64) {
        throw io.corrupt("Dictionary indices must be fixed-width integers");
      }
      int count = idx.count();
      int w = idx.bits() / 8;
      ByteBuffer bb = ByteBuffer.wrap(idx.data()).order(ByteOrder.LITTLE_ENDIAN);
      long[] keys = new long[count];
      byte[] validity = null;
      for (int i = 0; i < count; i++) {
        long k = switch (w) {
          case 1 -> bb.get(i) & 0xFFL;
          case 2 -> bb.getShort(i * 2) & 0xFFFFL;
          case 4 -> bb.getInt(i * 4) & 0xFFFFFFFFL;
          case 8 -> bb.getLong(i * 8);
          default -> throw io.corrupt("Dictionary indices of %d bits are not supported", idx.bits());
        };
        boolean nullRow = idx.validity() != null && !Bits.get(idx.validity(), i);
        if (zeroIsNull && !nullRow) {
          if (k == 0) {
            nullRow = true;
          } else {
            k -= 1;
          }
        }
        if (!nullRow && Long.compareUnsigned(k, numItems) >= 0) {
          throw io.corrupt("Dictionary index %s is out of range for %d items", Long.toUnsignedString(k), numItems);
        }
        if (nullRow) {
          if (validity == null) {
            validity = Bits.allSet(count);
          }
          Bits.clear(validity, i);
          k = -1;
        }
        keys[i] = k;
      }
      return gather(dict, keys, validity);
    }

    private Block gather(Block dict, long[] keys, byte[] validity) throws LanceFormatException {
      int count = keys.length;
      switch (dict) {
        case Block.Var v -> {
          long[] offsets = new long[count + 1];
          for (int i = 0; i < count; i++) {
            long k = keys[i];
            long len = 0;
            if (k >= 0) {
              if (v.validity() != null && !Bits.get(v.validity(), (int) k)) {
                if (validity == null) {
                  validity = Bits.allSet(count);
                }
                Bits.clear(validity, i);
              } else {
                len = v.offsets()[(int) k + 1] - v.offsets()[(int) k];
              }
            }
            offsets[i + 1] = offsets[i] + len;
          }
          byte[] data = new byte[checkedInt(io, offsets[count], "Dictionary values bytes")];
          for (int i = 0; i < count; i++) {
            int len = (int) (offsets[i + 1] - offsets[i]);
            if (len > 0) {
              System.arraycopy(v.data(), (int) v.offsets()[(int) keys[i]], data, (int) offsets[i], len);
            }
          }
          return new Block.Var(offsets, data, count, validity);
        }
        case Block.Fixed f when f.bits() % 8 == 0 -> {
          int w = f.bits() / 8;
          byte[] data = new byte[checkedInt(io, (long) count * w, "Dictionary values bytes")];
          for (int i = 0; i < count; i++) {
            long k = keys[i];
            if (k >= 0) {
              if (f.validity() != null && !Bits.get(f.validity(), (int) k)) {
                if (validity == null) {
                  validity = Bits.allSet(count);
                }
                Bits.clear(validity, i);
              } else {
                System.arraycopy(f.data(), (int) k * w, data, i * w, w);
              }
            }
          }
          return new Block.Fixed(f.bits(), data, count, validity);
        }
        case Block.AllNull a -> {
          return new Block.AllNull(count);
        }
        default -> throw io.corrupt("Dictionary items of this kind are not supported");
      }
    }
  }

  /**
   * {@code PackedStruct}: the fixed-width children of a struct stored row by row in one buffer,
   * each row being the children's values concatenated in field order.
   */
  static final class Packed extends Node {
    private final PageIo io;
    private final int[] childBits;
    private final int rowBytes;
    private final PageBuffers.Extent buffer;

    Packed(PageIo io, int[] childBits, PageBuffers.Extent buffer) {
      this.io = io;
      this.childBits = childBits;
      int total = 0;
      for (int b : childBits) {
        total += b / 8;
      }
      this.rowBytes = total;
      this.buffer = buffer;
    }

    @Override
    Block decode(long[] ranges) throws IOException {
      int count = checkedInt(io, rowCount(ranges), "PackedStruct read");
      List<ByteRange> br = new ArrayList<>();
      for (int i = 0; i < ranges.length; i += 2) {
        long end = Math.multiplyExact(ranges[i + 1], (long) rowBytes);
        if (end > buffer.size()) {
          throw io.corrupt("PackedStruct buffer holds %d bytes but row %d needs %d", buffer.size(), ranges[i + 1] - 1, end);
        }
        br.add(new ByteRange(buffer.position() + ranges[i] * rowBytes, (ranges[i + 1] - ranges[i]) * rowBytes));
      }
      byte[] all = new byte[checkedInt(io, (long) count * rowBytes, "PackedStruct bytes")];
      int at = 0;
      for (ByteBuffer b : io.read(br)) {
        int n = b.remaining();
        b.duplicate().get(all, at, n);
        at += n;
      }
      Block[] children = new Block[childBits.length];
      int colOff = 0;
      for (int c = 0; c < childBits.length; c++) {
        int w = childBits[c] / 8;
        byte[] d = new byte[count * w];
        for (int r = 0; r < count; r++) {
          System.arraycopy(all, r * rowBytes + colOff, d, r * w, w);
        }
        children[c] = new Block.Fixed(childBits[c], d, count, null);
        colOff += w;
      }
      return new Block.Packed(children, count);
    }
  }
}
