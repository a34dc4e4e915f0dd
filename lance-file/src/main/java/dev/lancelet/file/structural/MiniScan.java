package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.compression.Fsst;
import dev.lancelet.file.compression.InlineBitpacking;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * The scan fast path for mini-block pages of flat columns without nulls: chunks are read into a
 * reused buffer and decoded straight into the batch's Arrow buffers, with no intermediate {@link
 * Values}, levels or {@link Run}s. It covers the encodings Lance writes for plain numbers and
 * strings: {@code Flat} (whole bytes), {@code InlineBitpacking}, {@code Variable} with 32-bit
 * offsets and {@code Fsst} over that. Anything else (lists, definition levels, dictionaries, general
 * compression, other encodings, other vectors) takes the general path.
 *
 * <p>One instance belongs to one leaf cursor (one thread at a time); its scratch arrays grow to
 * the largest batch and are kept.
 */
final class MiniScan {
  private enum Kind { FLAT, BITPACKED, VARIABLE, FSST }

  private byte[] raw = new byte[0];
  private byte[] out = new byte[0];
  private int[] ends = new int[0];
  private int[] outEnds = new int[0];
  private byte[] unpacked = new byte[0];

  /** Whether a page can be scanned by this path into a vector of the given kind. */
  static boolean eligible(Leaf leaf, PageIndex ix, FieldVector v) throws LanceFormatException {
    if (ix.mini == null || ix.firstRow == null || ix.dictionary != null || leaf.hasLists()) {
      return false;
    }
    MiniBlockLayout m = ix.mini;
    if (m.hasRepCompression() || m.hasDefCompression() || m.getNumBuffers() != 1) {
      return false;
    }
    Kind k = kind(m.getValueCompression());
    if (k == null) {
      return false;
    }
    boolean ok;
    if (k == Kind.VARIABLE || k == Kind.FSST) {
      ok = v instanceof BaseVariableWidthVector;
    } else {
      ok = v instanceof BaseFixedWidthVector fv && !(v instanceof BitVector) && fv.getTypeWidth() == width(m.getValueCompression());
    }
    if (ok) {
      // The general path checks the layers of a page without definition levels; so does this one.
      LevelMap.map(m.getLayersList(), leaf.isList());
    }
    return ok;
  }

  private static Kind kind(CompressiveEncoding e) {
    switch (e.getCompressionCase()) {
      case FLAT -> {
        long bits = e.getFlat().getBitsPerValue();
        return !e.getFlat().hasData() && bits > 0 && bits % 8 == 0 && bits <= 64 ? Kind.FLAT : null;
      }
      case INLINE_BITPACKING -> {
        long bits = e.getInlineBitpacking().getUncompressedBitsPerValue();
        return bits == 8 || bits == 16 || bits == 32 || bits == 64 ? Kind.BITPACKED : null;
      }
      case VARIABLE -> {
        CompressiveEncoding o = e.getVariable().getOffsets();
        return o.getCompressionCase() == CompressiveEncoding.CompressionCase.FLAT && !o.getFlat().hasData() && o.getFlat().getBitsPerValue() == 32
            ? Kind.VARIABLE : null;
      }
      case FSST -> {
        return kind(e.getFsst().getValues()) == Kind.VARIABLE ? Kind.FSST : null;
      }
      default -> {
        return null;
      }
    }
  }

  private static int width(CompressiveEncoding e) {
    return (int) ((e.getCompressionCase() == CompressiveEncoding.CompressionCase.FLAT
        ? e.getFlat().getBitsPerValue() : e.getInlineBitpacking().getUncompressedBitsPerValue()) / 8);
  }

  /** Output of one batch while it is being decoded. */
  private int rows;
  private int filled;
  private int outLen;
  private ArrowBuf fixedData;

  /**
   * Fills {@code v} with rows {@code [row, stop)} of the leaf, every page of which passed {@link
   * #eligible}. Errors name the page through {@code where}.
   */
  void fill(ReadableObject obj, Leaf leaf, PageIndex[] ix, long row, long stop, FieldVector v, java.util.function.IntFunction<String> where) throws IOException {
    rows = Math.toIntExact(stop - row);
    filled = 0;
    outLen = 0;
    boolean variable = v instanceof BaseVariableWidthVector;
    BufferAllocator a = v.getAllocator();
    fixedData = null;
    try {
      if (variable) {
        if (outEnds.length < rows + 1) {
          outEnds = new int[rows + 1];
        }
        outEnds[0] = 0;
      } else {
        fixedData = a.buffer(Math.max(1, (long) rows * ((BaseFixedWidthVector) v).getTypeWidth()));
      }
      long[] ps = leaf.pageStart();
      long r = row;
      while (r < stop) {
        int p = leaf.pageOf(r);
        long to = Math.min(stop, ps[p + 1]);
        try {
          page(obj, ix[p], (int) (r - ps[p]), (int) (to - ps[p]));
        } catch (LanceFormatException e) {
          throw new LanceFormatException(where.apply(p) + ": " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
          throw new LanceFormatException(where.apply(p) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          throw LanceFormatException.wrapUnexpected(where.apply(p) + ": corrupt page data (" + e + ")", e);
        }
        r = to;
      }
      if (filled != rows) {
        throw new LanceFormatException(where.apply(leaf.pageOf(row)) + ": decoded " + filled + " of " + rows + " rows");
      }
      if (variable) {
        loadVariable(a, v);
      } else {
        ArrowBuf d = fixedData;
        fixedData = null;
        try {
          v.loadFieldBuffers(new ArrowFieldNode(rows, 0), java.util.List.of(a.getEmpty(), d));
        } finally {
          d.close();
        }
      }
    } finally {
      if (fixedData != null) {
        fixedData.close();
        fixedData = null;
      }
    }
  }

  private void loadVariable(BufferAllocator a, FieldVector v) {
    ArrowBuf ob = a.buffer(4L * (rows + 1));
    ArrowBuf db = null;
    try {
      ob.nioBuffer(0, 4 * (rows + 1)).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(outEnds, 0, rows + 1);
      db = a.buffer(Math.max(1, outLen));
      db.setBytes(0, out, 0, outLen);
      v.loadFieldBuffers(new ArrowFieldNode(rows, 0), java.util.List.of(a.getEmpty(), ob, db));
    } finally {
      ob.close();
      if (db != null) {
        db.close();
      }
    }
  }

  /** Decodes page-relative rows {@code [from, to)}. */
  private void page(ReadableObject obj, PageIndex ix, int from, int to) throws IOException {
    int c0 = chunkOf(ix.firstRow, from);
    int c1 = chunkOf(ix.firstRow, to - 1);
    long start = ix.chunkStart[c0];
    long len = ix.chunkStart[c1 + 1] - start;
    if (len > Decompress.MAX_BUFFER) {
      throw new LanceFormatException("Chunks " + c0 + ".." + c1 + " of " + len + " bytes do not fit one buffer");
    }
    if (raw.length < len) {
      raw = new byte[(int) Math.max(len, Math.min(Decompress.MAX_BUFFER, raw.length * 3L / 2))];
    }
    obj.readInto(ix.dataPos + start, ByteBuffer.wrap(raw, 0, (int) len));
    MiniBlockLayout m = ix.mini;
    CompressiveEncoding e = m.getValueCompression();
    Kind kind = kind(e);
    boolean large = m.getHasLargeChunk();
    Fsst.SymbolTable table = kind == Kind.FSST ? Decompress.symbolTable(e.getFsst().getSymbolTable()) : null;
    for (int c = c0; c <= c1; c++) {
      int base = (int) (ix.chunkStart[c] - start);
      int end = (int) (ix.chunkStart[c + 1] - start);
      int header = 2 + (large ? 4 : 2);
      if (end - base < header) {
        throw new LanceFormatException("Chunk " + c + " of " + (end - base) + " bytes is shorter than its header");
      }
      int size = large ? (int) Math.min(Integer.MAX_VALUE, LittleEndian.getUnsignedInt(raw, base + 2)) : LittleEndian.getUnsignedShort(raw, base + 2);
      int vp = base + ((header + 7) & ~7);
      if (size < 0 || size > end - vp) {
        throw new LanceFormatException("Buffer of " + size + " bytes runs past the end of chunk " + c);
      }
      int nvals = ix.chunkValues[c];
      long first = ix.firstRow[c];
      int lo = (int) Math.max(0, from - first);
      int hi = (int) Math.min(nvals, to - first);
      if (hi <= lo) {
        continue;
      }
      switch (kind) {
        case FLAT -> flat(e, vp, size, nvals, lo, hi);
        case BITPACKED -> bitpacked(e, vp, size, nvals, lo, hi);
        case VARIABLE -> variable(null, vp, size, nvals, lo, hi);
        case FSST -> variable(table, vp, size, nvals, lo, hi);
      }
      filled += hi - lo;
    }
  }

  private void flat(CompressiveEncoding e, int vp, int size, int nvals, int lo, int hi) throws LanceFormatException {
    int w = width(e);
    if ((long) nvals * w > size) {
      throw new LanceFormatException(Decompress.describe(e) + " buffer of " + size + " bytes is too short for " + nvals + " values");
    }
    fixedData.setBytes((long) filled * w, raw, vp + lo * w, (long) (hi - lo) * w);
  }

  private void bitpacked(CompressiveEncoding e, int vp, int size, int nvals, int lo, int hi) throws LanceFormatException {
    int bits = (int) e.getInlineBitpacking().getUncompressedBitsPerValue();
    int w = bits / 8;
    if (nvals > InlineBitpacking.CHUNK_VALUES) {
      throw new LanceFormatException("Inline bitpacking chunk cannot hold " + nvals + " values");
    }
    if (unpacked.length < InlineBitpacking.CHUNK_VALUES * 8) {
      unpacked = new byte[InlineBitpacking.CHUNK_VALUES * 8];
    }
    InlineBitpacking.decodeToBytes(bits, raw, vp, size, hi, unpacked, 0);
    fixedData.setBytes((long) filled * w, unpacked, lo * w, (long) (hi - lo) * w);
  }

  private void variable(Fsst.SymbolTable table, int vp, int size, int nvals, int lo, int hi) throws LanceFormatException {
    if ((long) (nvals + 1) * 4 > size) {
      throw new LanceFormatException("Variable chunk of " + size + " bytes cannot hold " + (nvals + 1) + " offsets");
    }
    if (ends.length < nvals + 1) {
      ends = new int[Math.max(nvals + 1, 1024)];
    }
    // Offsets are relative to the chunk's value buffer; make them absolute in raw, checking order and bounds.
    long prev = LittleEndian.getUnsignedInt(raw, vp);
    if (prev > size) {
      throw new LanceFormatException("Variable chunk offset 0 = " + prev + " is past the " + size + "-byte chunk");
    }
    ends[0] = vp + (int) prev;
    for (int i = 1; i <= nvals; i++) {
      long cur = LittleEndian.getUnsignedInt(raw, vp + 4 * i);
      if (cur < prev || cur > size) {
        throw new LanceFormatException("Variable chunk offset " + i + " = " + cur + " is out of order or past the " + size + "-byte chunk");
      }
      ends[i] = vp + (int) cur;
      prev = cur;
    }
    int codes = ends[hi] - ends[lo];
    long need = table == null ? codes : Fsst.maxDecompressedBytes(codes);
    if (need > Decompress.MAX_BUFFER - (long) outLen) {
      throw new LanceFormatException("Decoded strings do not fit one batch; use a smaller batch size");
    }
    if (out.length - outLen < need) {
      out = java.util.Arrays.copyOf(out, (int) Math.min(Decompress.MAX_BUFFER, Math.max(outLen + need, out.length * 3L / 2)));
    }
    if (table == null) {
      int start = ends[lo];
      System.arraycopy(raw, start, out, outLen, codes);
      int shift = outLen - start;
      for (int i = lo + 1, k = filled + 1; i <= hi; i++, k++) {
        outEnds[k] = ends[i] + shift;
      }
      outLen += codes;
    } else {
      outLen = Fsst.decompressInto(table, raw, ends, lo, hi, out, outLen, outEnds, filled + 1, 0);
    }
  }

  /** The chunk in which row {@code r} starts: the last chunk whose first row is at most r. */
  static int chunkOf(long[] fr, long r) {
    int lo = 0;
    int hi = fr.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (fr[mid] <= r) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
