package dev.lancelet.file.encoding.write;

import dev.lancelet.file.compression.Fsst;
import dev.lancelet.file.compression.GeneralCompression;
import dev.lancelet.file.compression.InlineBitpacking;
import dev.lancelet.file.compression.OutOfLineBitpacking;
import dev.lancelet.file.compression.Rle;
import dev.lancelet.file.kernels.FastLanes;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.format.proto.EncodingsV21Protos.BufferCompression;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressionScheme;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.FixedSizeList;
import dev.lancelet.format.proto.EncodingsV21Protos.Flat;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.General;
import dev.lancelet.format.proto.EncodingsV21Protos.InlineBitpacking.Builder;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.RepDefLayer;
import dev.lancelet.format.proto.EncodingsV21Protos.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one accumulated page of a {@link LeafColumn} into page buffers plus a {@code
 * lance.encodings21.PageLayout}, choosing layout and compression the way Lance 7.0 does (see
 * docs/writer.md).
 */
public final class PageEncoder {
  /** An encoded page: buffers in on-disk order and the layout describing them. */
  public record EncodedPage(List<byte[]> buffers, PageLayout layout) {}

  /** Values at least this wide (bytes) go to full-zip instead of mini-block, as in Lance. */
  static final int MINIBLOCK_MAX_VALUE_BYTES = 256;
  /** Per-value zstd is used for variable values longer than this, as in Lance. */
  static final int PER_VALUE_COMPRESSION_MIN_LENGTH = 32 * 1024;
  /** Lance's cap on a mini-block chunk's value data (bytes). */
  static final int MAX_MINIBLOCK_BYTES = 8 * 1024 - 6;
  static final int MAX_MINIBLOCK_VALUES = 4096;
  /** Variable-width mini-block chunks aim at this many bytes. */
  static final int AIM_VARIABLE_CHUNK_BYTES = 4 * 1024;
  /** Lance picks RLE when runs are fewer than this fraction of the values. */
  static final double RLE_THRESHOLD = 0.5;

  private final LanceFileVersion version;
  /** 2.2+: u32 chunk metadata and value-buffer sizes, RLE levels, constant pages, LZ4 dictionaries. */
  private final boolean v22;

  public PageEncoder(LanceFileVersion version) {
    this.version = version;
    this.v22 = version.compareTo(LanceFileVersion.V2_2) >= 0;
  }

  // ---------------------------------------------------------------- levels

  /** Levels of a page after compaction to the layers that occur. */
  static final class Levels {
    short[] rep; // null when the column has no list ancestor
    short[] def; // null when every level is 0
    int numLevels;
    int maxRep;
    int maxDef;
    int maxVisibleDef;
    List<RepDefLayer> layers = new ArrayList<>();
  }

  static Levels levels(LeafColumn c) {
    Levels l = new Levels();
    int depth = c.kinds.length;
    // Canonical -> actual def level, walking from the leaf (innermost) upwards.
    int maxCanon = 0;
    for (int d = 0; d < depth; d++) {
      maxCanon = Math.max(maxCanon, c.canonNull[d] + (c.kinds[d] == LeafColumn.NodeKind.LIST ? 1 : 0));
    }
    int[] map = new int[maxCanon + 1];
    int next = 1;
    boolean seenList = false;
    int maxVisible = 0;
    for (int d = depth - 1; d >= 0; d--) {
      boolean isList = c.kinds[d] == LeafColumn.NodeKind.LIST;
      boolean nul = c.nullSeen[d];
      if (!isList) {
        if (nul) {
          map[c.canonNull[d]] = next++;
          l.layers.add(RepDefLayer.REPDEF_NULLABLE_ITEM);
        } else {
          l.layers.add(RepDefLayer.REPDEF_ALL_VALID_ITEM);
        }
        if (!seenList) {
          maxVisible = next - 1;
        }
      } else {
        seenList = true;
        boolean emp = c.emptySeen[d];
        if (nul) {
          map[c.canonNull[d]] = next++;
        }
        if (emp) {
          map[c.canonNull[d] + 1] = next++;
        }
        l.layers.add(nul && emp ? RepDefLayer.REPDEF_NULL_AND_EMPTY_LIST
            : nul ? RepDefLayer.REPDEF_NULLABLE_LIST
            : emp ? RepDefLayer.REPDEF_EMPTYABLE_LIST
            : RepDefLayer.REPDEF_ALL_VALID_LIST);
      }
    }
    l.maxVisibleDef = maxVisible;
    l.numLevels = c.numLists > 0 ? c.rep.n : c.tracksLevels ? c.def.n : c.pageItems;
    if (c.tracksLevels && next > 1) {
      short[] def = new short[c.def.n];
      int max = 0;
      for (int i = 0; i < def.length; i++) {
        int v = map[c.def.a[i]];
        def[i] = (short) v;
        max = Math.max(max, v);
      }
      if (max > 0) {
        l.def = def;
        l.maxDef = max;
      }
    }
    if (c.numLists > 0) {
      l.rep = java.util.Arrays.copyOf(c.rep.a, c.rep.n);
      l.maxRep = c.numLists;
    }
    return l;
  }

  // ---------------------------------------------------------------- dispatch

  public EncodedPage encode(LeafColumn c) {
    Levels lv = levels(c);
    if (c.blobDescriptors) {
      // lance-core writes blob v2 descriptors as a plain full-zip page, even when all are null.
      pendingFsst = null;
      return fullZip(c, lv);
    }
    boolean anyValid = false;
    if (lv.def == null) {
      anyValid = c.pageItems > 0;
    } else {
      for (short d : lv.def) {
        if (d == 0) {
          anyValid = true;
          break;
        }
      }
    }
    if (!anyValid) {
      return allNull(c, lv);
    }
    if (v22 && c.valueKind == LeafColumn.ValueKind.FIXED) {
      EncodedPage constant = maybeConstant(c, lv);
      if (constant != null) {
        return constant;
      }
    }
    if (c.valueKind == LeafColumn.ValueKind.DICT) {
      return dictionaryInput(c, lv);
    }
    boolean wide = switch (c.valueKind) {
      case DICT -> false;
      // Lance's narrowness test covers vectors too: FSL<f32,8> (32 bytes) is mini-block,
      // FSL<f32,128> (512 bytes) full-zip.
      case FSL -> c.byteWidth >= MINIBLOCK_MAX_VALUE_BYTES;
      case FIXED -> c.byteWidth >= MINIBLOCK_MAX_VALUE_BYTES;
      case BOOL -> false;
      case VARIABLE -> c.maxValueLength >= MINIBLOCK_MAX_VALUE_BYTES;
    };
    if (c.valueKind == LeafColumn.ValueKind.VARIABLE) {
      EncodedPage dict = maybeDictionary(c, lv);
      if (dict != null) {
        return dict;
      }
    }
    if (wide) {
      pendingFsst = null;
      return fullZip(c, lv);
    }
    ValueChunks vc = switch (c.valueKind) {
      case BOOL -> flatChunks(boolBits(c), 1, c.pageItems);
      case FIXED -> fixedChunks(c.values.a, c.byteWidth, c.pageItems,
          c.stats != null && c.stats.items() == c.pageItems ? c.stats : null);
      case VARIABLE -> {
        Fsst.Compressed fsst = pendingFsst != null ? pendingFsst : maybeFsst(c);
        pendingFsst = null;
        if (fsst == null) {
          yield variableChunks(c.values.a, c.offsets.a, c.pageItems, c.offsetBits);
        }
        long[] off = new long[c.pageItems + 1];
        for (int i = 0; i <= c.pageItems; i++) {
          off[i] = fsst.offsets()[i];
        }
        ValueChunks inner = variableChunks(fsst.data(), off, c.pageItems, c.offsetBits);
        yield new ValueChunks(inner.chunks(), inner.counts(), fsstEncoding(fsst, inner.encoding()));
      }
      case FSL -> {
        if (c.fslValid != null) {
          yield fslValidityChunks(c);
        }
        // Whole vectors per chunk (the largest power-of-two count under ~4 KiB), uncompressed.
        ValueChunks flat = flatChunks(c.values.a, c.bitsPerValue, c.pageItems);
        yield ValueChunks.slices(flat.flatSource(), flat.flatBounds(), flat.counts(), CompressiveEncoding.newBuilder()
            .setFixedSizeList(FixedSizeList.newBuilder().setItemsPerValue(c.fslDim).setValues(flat(c.fslItemBits)))
            .build());
      }
      case DICT -> throw new IllegalStateException("Dictionary input is encoded above");
    };
    return miniBlock(c, lv, vc, null, null, 0);
  }

  /** Lance tries FSST only when the longest string has at least this many bytes. */
  static final int FSST_MIN_MAX_LENGTH = 5;
  /** ... and the page's strings plus offsets come to at least this many bytes. */
  static final int FSST_MIN_DATA_SIZE = 32 * 1024;

  /**
   * FSST for a text page, decided as Lance does: utf8 or large_utf8 only (never binary), longest
   * value at least 5 bytes, value bytes plus offsets at least 32 KiB. One symbol table covers the
   * page. Below 32 KiB of value bytes (possible when the offsets make up the difference) the
   * kernel stores the strings raw behind a table whose compressed bit is 0, which is also what
   * Lance writes. Returns null when FSST does not apply.
   */
  static Fsst.Compressed maybeFsst(LeafColumn c) {
    if (!c.isText || c.maxValueLength < FSST_MIN_MAX_LENGTH) {
      return null;
    }
    long dataSize = c.values.n + (long) (c.pageItems + 1) * (c.offsetBits / 8);
    if (dataSize < FSST_MIN_DATA_SIZE) {
      return null;
    }
    int[] off = new int[c.pageItems + 1];
    for (int i = 0; i <= c.pageItems; i++) {
      off[i] = Math.toIntExact(c.offsets.a[i]);
    }
    return Fsst.compress(c.values.a, off, 0, c.pageItems);
  }

  static CompressiveEncoding fsstEncoding(Fsst.Compressed fsst, CompressiveEncoding inner) {
    return CompressiveEncoding.newBuilder()
        .setFsst(dev.lancelet.format.proto.EncodingsV21Protos.Fsst.newBuilder()
            .setSymbolTable(com.google.protobuf.ByteString.copyFrom(fsst.symbolTable()))
            .setValues(inner))
        .build();
  }

  /** Lance skips dictionaries for pages with fewer values than this. */
  static final int DICT_MIN_VALUES = 100;
  /** Above this estimated size ratio a dictionary is only used when it beats FSST. */
  static final double DICT_UNCERTAIN_RATIO = 0.5;
  /** FSST result computed while deciding against a dictionary, reused by the same page. */
  private Fsst.Compressed pendingFsst;

  /** Lance's default {@code lance-encoding:dict-divisor}: at most one distinct value per this many values. */
  static final int DICT_DIVISOR = 2;
  /** Lance dictionary-encodes when the estimated encoded size is below this share of the data. */
  static final double DICT_SIZE_RATIO = 0.8;

  /**
   * Layout-level dictionary for low-cardinality variable-width pages, decided like Lance: the
   * estimated size (distinct values at the average length, plus 4-byte dictionary offsets and
   * 4-byte indices per value) must be under 80% of the value bytes. Indices are int32, compressed
   * like any fixed-width mini-block values; the dictionary is one Variable(Flat(32)) block.
   */
  private EncodedPage maybeDictionary(LeafColumn c, Levels lv) {
    int n = c.pageItems;
    int ow = c.offsetBits / 8;
    // Lance measures a variable-width block as its bytes plus its offsets.
    long dataSize = c.values.n + (long) (n + 1) * ow;
    if (n < DICT_MIN_VALUES) {
      return null;
    }
    long avg = dataSize / n;
    double budget = DICT_SIZE_RATIO * dataSize - (double) n * ow;
    if (budget <= 0) {
      return null;
    }
    // Lance also caps the cardinality at the page's value count over its dictionary divisor (2).
    long maxCard = Math.min((long) (budget / (avg + ow)), n / DICT_DIVISOR);
    int[] indices = new int[n];
    long[] off = c.offsets.a;
    DistinctValues ids = new DistinctValues(c.values.a, off, (int) Math.min(maxCard + 1, 1 << 20));
    for (int i = 0; i < n; i++) {
      int id = ids.idOf(i);
      if (id >= maxCard) {
        return null; // one distinct value more than the budget allows
      }
      indices[i] = id;
    }
    GrowBuf.Bytes dictBytes = new GrowBuf.Bytes();
    GrowBuf.Longs dictOff = new GrowBuf.Longs();
    dictOff.add(0);
    for (int id = 0; id < ids.size(); id++) {
      int f = ids.firstItem(id);
      dictBytes.put(c.values.a, (int) off[f], (int) (off[f + 1] - off[f]));
      dictOff.add(dictBytes.n);
    }
    int card = ids.size();
    double ratio = (double) (card * avg + (long) card * ow + (long) n * ow) / dataSize;
    if (!(ratio < DICT_SIZE_RATIO)) {
      return null;
    }
    if (ratio >= DICT_UNCERTAIN_RATIO) {
      // Lance estimates the cardinality with a 16-register HyperLogLog, so near the threshold
      // its choice is a coin toss. There we take whichever of dictionary and FSST is smaller.
      Fsst.Compressed fsst = maybeFsst(c);
      if (fsst != null) {
        long fsstBytes = fsst.data().length + (long) (n + 1) * ow + Fsst.SYMBOL_TABLE_BYTES;
        long dictBytesTotal = dictBytes.n + (long) (card + 1) * ow + (long) n * Math.max(1, bitWidth(card - 1)) / 8;
        if (fsstBytes < dictBytesTotal) {
          pendingFsst = fsst;
          return null;
        }
      }
    }
    if (dictBytes.n > 0x7FFFFFF0L) {
      return null;
    }
    byte[] dict = variableBlock(dictBytes.a, dictOff.a, card, ow);
    byte[] idx = new byte[n * 4];
    LittleEndian.writeInts(indices, 0, idx, 0, n);
    ValueChunks vc = fixedChunks(idx, 4, n);
    CompressiveEncoding dictEnc = CompressiveEncoding.newBuilder()
        .setVariable(Variable.newBuilder().setOffsets(flat(c.offsetBits)))
        .build();
    return miniBlock(c, lv, vc, dict, dictEnc, card);
  }

  /**
   * A Variable block (as Lance's block compressor writes it), for offsets of W = 4 or 8 bytes:
   * W-byte offset width in bits, W-byte start of the bytes, {@code count + 1} W-byte offsets from
   * 0, then the bytes.
   */
  static byte[] variableBlock(byte[] bytes, long[] off, int count, int ow) {
    int start = 2 * ow + (count + 1) * ow;
    int len = Math.toIntExact(off[count] - off[0]);
    byte[] out = new byte[Math.addExact(start, len)];
    LittleEndian.putUnsigned(out, 0, ow, ow * 8L);
    LittleEndian.putUnsigned(out, ow, ow, start);
    for (int i = 0; i <= count; i++) {
      LittleEndian.putUnsigned(out, 2 * ow + i * ow, ow, off[i] - off[0]);
    }
    System.arraycopy(bytes, (int) off[0], out, start, len);
    return out;
  }

  /**
   * Dictionary-encoded Arrow input, written as Lance does for an already-encoded column: always
   * mini-block, the indices as fixed-width values at the Arrow index width (compressed like any
   * integers), and the page's dictionary as a layout-level Variable block. The page dictionary is
   * the batch dictionaries one after another, as arrow-rs concatenates dictionary arrays; when that
   * holds at least as many entries as the page has values (or overflows the index type), it is
   * merged instead: only referenced entries, each distinct value once, in first-seen order. The
   * merged dictionary always fits the index type: the writer starts a new page before it would not.
   */
  private EncodedPage dictionaryInput(LeafColumn c, Levels lv) {
    int n = c.pageItems;
    int ow = c.offsetBits / 8;
    int[] idx = new int[n];
    LittleEndian.readInts(c.values.a, 0, idx, 0, n);
    byte[] bytes = c.dictValues.a;
    long[] off = c.dictOffsets.a;
    int card = c.dictEntries;
    boolean signed = ((org.apache.arrow.vector.types.pojo.ArrowType.Int) c.dictEncoding.getIndexType()).getIsSigned();
    long keyMax = c.dictIndexBits == 64 ? Long.MAX_VALUE
        : signed ? (1L << (c.dictIndexBits - 1)) - 1 : (1L << c.dictIndexBits) - 1;
    boolean overflow = card - 1 > keyMax;
    if (card >= n || overflow) {
      // Merge: keep referenced entries once each.
      boolean[] used = new boolean[card];
      for (int i = 0; i < n; i++) {
        used[idx[i]] = true;
      }
      java.util.HashMap<java.nio.ByteBuffer, Integer> ids = new java.util.HashMap<>();
      int[] remap = new int[card];
      GrowBuf.Bytes nb = new GrowBuf.Bytes();
      GrowBuf.Longs no = new GrowBuf.Longs();
      no.add(0);
      for (int e = 0; e < card; e++) {
        if (!used[e]) {
          continue;
        }
        java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(bytes, (int) off[e], (int) (off[e + 1] - off[e]));
        Integer id = ids.get(key);
        if (id == null) {
          id = ids.size();
          ids.put(key, id);
          nb.put(bytes, (int) off[e], (int) (off[e + 1] - off[e]));
          no.add(nb.n);
        }
        remap[e] = id;
      }
      for (int i = 0; i < n; i++) {
        idx[i] = remap[idx[i]];
      }
      bytes = nb.a;
      off = no.a;
      card = ids.size();
      overflow = card - 1 > keyMax;
    }
    // Lance 7.0 widens overflowing indices to uint32, which its own reader then takes for indices
    // of the field's index type (wrong values). The page is cut before its merged dictionary can
    // overflow (LeafColumn#shred), so this never happens.
    if (overflow) {
      throw new IllegalStateException("Page dictionary of field " + c.leafField.getName() + " has " + card
          + " distinct values, more than its " + c.dictIndexBits + "-bit index type addresses");
    }
    int bits = c.dictIndexBits;
    int w = bits / 8;
    byte[] idxBytes = new byte[n * w];
    for (int i = 0; i < n; i++) {
      LittleEndian.putUnsigned(idxBytes, i * w, w, idx[i]);
    }
    ValueChunks vc = fixedChunks(idxBytes, w, n);
    CompressiveEncoding dictEnc = CompressiveEncoding.newBuilder()
        .setVariable(Variable.newBuilder().setOffsets(flat(c.offsetBits)))
        .build();
    return miniBlock(c, lv, vc, variableBlock(bytes, off, card, ow), dictEnc, card);
  }

  /**
   * 2.2+: a page whose valid values are all the same fixed-width value becomes a {@code
   * ConstantLayout} carrying the value inline (little-endian bytes of one value), as Lance 7.0
   * writes it. Without levels the page has no buffers; with levels it has two, the raw u16
   * repetition levels (empty without lists) and the raw u16 definition levels (empty without
   * nulls). Values up to 32 bytes wide only.
   */
  private static EncodedPage maybeConstant(LeafColumn c, Levels lv) {
    int w = c.byteWidth;
    if (w <= 0 || w > 32) {
      return null;
    }
    byte[] v = c.values.a;
    int first = -1;
    int item = 0;
    for (int k = 0; k < (lv.def == null ? c.pageItems : lv.def.length); k++) {
      int d = lv.def == null ? 0 : lv.def[k];
      if (d > lv.maxVisibleDef) {
        continue; // no value slot
      }
      if (d == 0) {
        if (first < 0) {
          first = item;
        } else if (!java.util.Arrays.equals(v, item * w, item * w + w, v, first * w, first * w + w)) {
          return null;
        }
      }
      item++;
    }
    if (first < 0) {
      return null;
    }
    var cl = dev.lancelet.format.proto.EncodingsV21Protos.ConstantLayout.newBuilder()
        .addAllLayers(lv.layers)
        .setInlineValue(com.google.protobuf.ByteString.copyFrom(v, first * w, w));
    List<byte[]> bufs = new ArrayList<>();
    if (lv.rep != null || lv.def != null) {
      bufs.add(lv.rep == null ? new byte[0] : shortsToBytes(lv.rep, lv.rep.length));
      bufs.add(lv.def == null ? new byte[0] : shortsToBytes(lv.def, lv.def.length));
    }
    return new EncodedPage(bufs, PageLayout.newBuilder().setConstantLayout(cl).build());
  }

  private static EncodedPage allNull(LeafColumn c, Levels lv) {
    PageLayout.Builder pl = PageLayout.newBuilder();
    // Tag 2 of PageLayout: AllNullLayout in 2.1, generalized to ConstantLayout (no inline value = all null).
    var an = dev.lancelet.format.proto.EncodingsV21Protos.ConstantLayout.newBuilder();
    List<byte[]> bufs = new ArrayList<>();
    if (lv.rep == null && lv.layers.size() == 1) {
      an.addLayers(RepDefLayer.REPDEF_NULLABLE_ITEM);
    } else {
      an.addAllLayers(lv.layers);
      bufs.add(lv.rep == null ? new byte[0] : shortsToBytes(lv.rep, lv.rep.length));
      bufs.add(lv.def == null ? new byte[0] : shortsToBytes(lv.def, lv.def.length));
    }
    return new EncodedPage(bufs, pl.setConstantLayout(an).build());
  }

  // ---------------------------------------------------------------- mini-block

  /** Value chunks of a mini-block page: per chunk its value count and one slice per buffer. */
  private record ValueChunks(List<byte[][]> chunks, List<Integer> counts, CompressiveEncoding encoding,
      byte[] flatSource, int[] flatBounds) {
    /** Chunks that are arrays of their own, one per buffer. */
    ValueChunks(List<byte[][]> chunks, List<Integer> counts, CompressiveEncoding encoding) {
      this(chunks, counts, encoding, null, null);
    }

    /**
     * One-buffer chunks that are slices of {@code source}: chunk {@code i} is {@code
     * source[bounds[i] .. bounds[i + 1])}. Saves copying flat values twice.
     */
    static ValueChunks slices(byte[] source, int[] bounds, List<Integer> counts, CompressiveEncoding encoding) {
      return new ValueChunks(null, counts, encoding, source, bounds);
    }

    int size() {
      return counts.size();
    }

    int numBuffers() {
      return chunks == null ? 1 : chunks.get(0).length;
    }

    int length(int chunk, int buffer) {
      return chunks == null ? flatBounds[chunk + 1] - flatBounds[chunk] : chunks.get(chunk)[buffer].length;
    }

    /** Copies buffer {@code buffer} of chunk {@code chunk} to {@code dst[pos..]}. */
    void copy(int chunk, int buffer, byte[] dst, int pos) {
      if (chunks == null) {
        System.arraycopy(flatSource, flatBounds[chunk], dst, pos, length(chunk, 0));
      } else {
        byte[] b = chunks.get(chunk)[buffer];
        System.arraycopy(b, 0, dst, pos, b.length);
      }
    }
  }

  private EncodedPage miniBlock(
      LeafColumn c, Levels lv, ValueChunks vc, byte[] dict, CompressiveEncoding dictEnc, int dictItems) {
    int nChunks = vc.size();
    // Slice levels per chunk: each chunk takes levels up to its last visible item; invisible
    // levels (null/empty lists) that follow belong to the next chunk.
    int[] levelStart = new int[nChunks + 1];
    if (lv.rep == null && lv.def == null) {
      int pos = 0;
      for (int i = 0; i < nChunks; i++) {
        levelStart[i] = pos;
        pos += vc.counts.get(i);
      }
      levelStart[nChunks] = pos;
    } else {
      int pos = 0;
      for (int i = 0; i < nChunks; i++) {
        levelStart[i] = pos;
        if (i == nChunks - 1) {
          pos = lv.numLevels;
        } else {
          int need = vc.counts.get(i);
          int taken = 0;
          while (taken < need) {
            boolean visible = lv.def == null || lv.def[pos] <= lv.maxVisibleDef;
            if (visible) {
              taken++;
            }
            pos++;
          }
        }
      }
      levelStart[nChunks] = lv.numLevels;
    }
    int repWidth = lv.rep == null ? 0 : bitWidth(lv.maxRep);
    int defWidth = lv.def == null ? 0 : bitWidth(lv.maxDef);
    // 2.2 run-length encodes a level stream whose runs are fewer than half its levels.
    boolean repRle = v22 && lv.rep != null && levelsFavourRle(lv.rep);
    boolean defRle = v22 && lv.def != null && levelsFavourRle(lv.def);

    int metaWord = v22 ? 4 : 2;
    int sizeWord = v22 ? 4 : 2;
    byte[] meta = new byte[nChunks * metaWord];
    long[] repIndex = lv.rep == null ? null : new long[nChunks * 2];
    int numBufs = vc.numBuffers();
    int headerBytes = 2 + (lv.rep != null ? 2 : 0) + (lv.def != null ? 2 : 0) + sizeWord * numBufs;
    // Encode the levels first so the page's data buffer can be sized exactly: every chunk is its
    // header, levels and value buffers, each padded to 8 bytes.
    byte[][] repBytes = new byte[nChunks][];
    byte[][] defBytes = new byte[nChunks][];
    long total = 0;
    for (int i = 0; i < nChunks; i++) {
      int l0 = levelStart[i];
      int l1 = levelStart[i + 1];
      if (lv.rep != null) {
        repBytes[i] = repRle ? rleLevels(lv.rep, l0, l1) : OutOfLineBitpacking.encode16(lv.rep, l0, l1 - l0, repWidth);
        total += pad8(repBytes[i].length);
      }
      if (lv.def != null) {
        defBytes[i] = defRle ? rleLevels(lv.def, l0, l1) : OutOfLineBitpacking.encode16(lv.def, l0, l1 - l0, defWidth);
        total += pad8(defBytes[i].length);
      }
      total += pad8(headerBytes);
      for (int b = 0; b < numBufs; b++) {
        total += pad8(vc.length(i, b));
      }
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("Mini-block page of " + total + " bytes exceeds 2 GiB; lower maxPageBytes");
    }
    byte[] data = new byte[(int) total];
    int pos = 0;
    for (int i = 0; i < nChunks; i++) {
      int l0 = levelStart[i];
      int l1 = levelStart[i + 1];
      int start = pos;
      int numLevels = (lv.rep == null && lv.def == null) ? 0 : l1 - l0;
      if (numLevels > 0xFFFF) {
        throw new IllegalStateException("Mini-block chunk has more than 65535 levels");
      }
      if ((repBytes[i] != null && repBytes[i].length > 0xFFFF) || (defBytes[i] != null && defBytes[i].length > 0xFFFF)) {
        throw new IllegalStateException("Mini-block chunk levels exceed 64 KiB");
      }
      int h = pos;
      LittleEndian.putShort(data, h, numLevels);
      h += 2;
      if (repBytes[i] != null) {
        LittleEndian.putShort(data, h, repBytes[i].length);
        h += 2;
      }
      if (defBytes[i] != null) {
        LittleEndian.putShort(data, h, defBytes[i].length);
        h += 2;
      }
      for (int b = 0; b < numBufs; b++) {
        if (v22) {
          LittleEndian.putInt(data, h, vc.length(i, b));
        } else {
          LittleEndian.putShort(data, h, vc.length(i, b));
        }
        h += sizeWord;
      }
      pos = padTo8(data, h);
      if (repBytes[i] != null) {
        pos = putPadded(data, pos, repBytes[i]);
      }
      if (defBytes[i] != null) {
        pos = putPadded(data, pos, defBytes[i]);
      }
      for (int b = 0; b < numBufs; b++) {
        int len = vc.length(i, b);
        vc.copy(i, b, data, pos);
        pos = padTo8(data, pos + len);
      }
      int chunkBytes = pos - start;
      if (!v22 && chunkBytes > 32 * 1024) {
        throw new IllegalStateException("Mini-block chunk of " + chunkBytes + " bytes exceeds 32 KiB");
      }
      int log = i == nChunks - 1 ? 0 : Integer.numberOfTrailingZeros(vc.counts.get(i));
      int word = ((chunkBytes / 8 - 1) << 4) | log;
      if (v22) {
        LittleEndian.putInt(meta, 4 * i, word);
      } else {
        LittleEndian.putShort(meta, 2 * i, word);
      }
      if (repIndex != null) {
        fillRepIndex(lv.rep, l0, l1, lv.maxRep, i, nChunks, repIndex);
      }
    }

    MiniBlockLayout.Builder mb = MiniBlockLayout.newBuilder()
        .setValueCompression(vc.encoding)
        .addAllLayers(lv.layers)
        .setNumBuffers(numBufs)
        .setNumItems(c.pageItems);
    if (lv.rep != null) {
      mb.setRepCompression(repRle ? RLE_LEVELS : oolbp(repWidth));
      mb.setRepetitionIndexDepth(1);
    }
    if (lv.def != null) {
      mb.setDefCompression(defRle ? RLE_LEVELS : oolbp(defWidth));
    }
    if (v22) {
      mb.setHasLargeChunk(true);
    }
    if (dict != null) {
      if (v22) {
        // 2.2 wraps layout dictionaries in LZ4 ([u32 LE length][LZ4 block]).
        dict = GeneralCompression.lz4Compress(dict, 0, dict.length);
        dictEnc = CompressiveEncoding.newBuilder()
            .setGeneral(General.newBuilder()
                .setCompression(BufferCompression.newBuilder().setScheme(CompressionScheme.COMPRESSION_ALGORITHM_LZ4))
                .setValues(dictEnc))
            .build();
      }
      mb.setDictionary(dictEnc).setNumDictionaryItems(dictItems);
    }
    List<byte[]> buffers = new ArrayList<>();
    buffers.add(meta);
    buffers.add(data);
    if (dict != null) {
      buffers.add(dict);
    }
    if (repIndex != null) {
      byte[] ri = new byte[repIndex.length * 8];
      for (int i = 0; i < repIndex.length; i++) {
        LittleEndian.putLong(ri, i * 8, repIndex[i]);
      }
      buffers.add(ri);
    }
    return new EncodedPage(buffers, PageLayout.newBuilder().setMiniBlockLayout(mb).build());
  }

  /**
   * Repetition index entry of chunk {@code i}: rows that finish inside the chunk, then the
   * levels left over after the last row start (which continue into the next chunk).
   */
  private static void fillRepIndex(short[] rep, int l0, int l1, int maxRep, int i, int nChunks, long[] idx) {
    long rows = 0;
    for (int k = l0 + 1; k < l1; k++) {
      if (rep[k] == maxRep) {
        rows++;
      }
    }
    long leftovers;
    if (i < nChunks - 1) {
      int k = l1 - 1;
      while (k >= l0 && rep[k] != maxRep) {
        k--;
      }
      leftovers = k < l0 ? (l1 - l0) : (l1 - k);
    } else {
      leftovers = 0;
    }
    if (i > 0 && l1 > l0 && rep[l0] == maxRep && idx[2 * i - 1] != 0) {
      // The previous chunk's leftovers were in fact a complete row.
      idx[2 * i - 2] += 1;
      idx[2 * i - 1] = 0;
    }
    if (i == nChunks - 1) {
      rows++;
    }
    idx[2 * i] = rows;
    idx[2 * i + 1] = leftovers;
  }

  /** Level encoding of 2.2 when runs are few: {@code Rle(values=Flat(16), run_lengths=Flat(8))}. */
  static final CompressiveEncoding RLE_LEVELS = CompressiveEncoding.newBuilder()
      .setRle(dev.lancelet.format.proto.EncodingsV21Protos.Rle.newBuilder().setValues(flat(16)).setRunLengths(flat(8)))
      .build();

  /** Whether a page's levels have fewer runs than half their count (Lance's RLE threshold). */
  static boolean levelsFavourRle(short[] levels) {
    if (levels.length == 0) {
      return false;
    }
    long runs = 1;
    for (int i = 1; i < levels.length; i++) {
      if (levels[i] != levels[i - 1]) {
        runs++;
      }
    }
    return runs < levels.length * RLE_THRESHOLD;
  }

  /** One chunk's levels in RLE block form: {@code [u64 values size][u16 values][u8 run lengths]}. */
  private static byte[] rleLevels(short[] levels, int from, int to) {
    byte[] raw = shortsToBytes(java.util.Arrays.copyOfRange(levels, from, to), to - from);
    return Rle.encodeBlock(2, 1, raw, 0, to - from);
  }

  private static CompressiveEncoding oolbp(int width) {
    return CompressiveEncoding.newBuilder()
        .setOutOfLineBitpacking(dev.lancelet.format.proto.EncodingsV21Protos.OutOfLineBitpacking.newBuilder()
            .setUncompressedBitsPerValue(16)
            .setValues(flat(width)))
        .build();
  }

  static CompressiveEncoding flat(int bits) {
    return CompressiveEncoding.newBuilder().setFlat(Flat.newBuilder().setBitsPerValue(bits)).build();
  }

  private static byte[] boolBits(LeafColumn c) {
    byte[] out = new byte[(c.pageItems + 7) / 8];
    for (int i = 0; i < c.pageItems; i++) {
      if (c.values.a[i] != 0) {
        out[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    return out;
  }

  /**
   * Flat values cut into the largest power-of-two chunks under about 4 KiB, as Lance does. Reads
   * the first {@code ceil(n * bits / 8)} bytes of {@code data} (which may be longer); the chunks
   * are slices of it, so it must stay unchanged until the page is built.
   */
  private static ValueChunks flatChunks(byte[] data, int bits, int n) {
    int bytesPerWord = bits % 8 == 0 ? bits / 8 : bits;
    int valuesPerWord = bits % 8 == 0 ? 1 : 8;
    int size = 2 * bytesPerWord;
    int log = valuesPerWord == 1 ? 1 : 3;
    int vals = valuesPerWord == 1 ? 2 : 8;
    while (2 * size < MAX_MINIBLOCK_BYTES && 2 * vals <= MAX_MINIBLOCK_VALUES) {
      log++;
      size *= 2;
      vals *= 2;
    }
    int numChunks = (n + vals - 1) / vals;
    int[] bounds = new int[numChunks + 1];
    List<Integer> counts = new ArrayList<>(numChunks);
    for (int i = 0, start = 0; start < n; i++, start += vals) {
      int cnt = Math.min(vals, n - start);
      bounds[i + 1] = (int) (((long) (start + cnt) * bits + 7) / 8);
      counts.add(cnt);
    }
    return ValueChunks.slices(data, bounds, counts, flat(bits));
  }

  /** FixedSizeList(dim, Flat(item bits)) with item validity: set for a page with null items. */
  private static CompressiveEncoding fslEncoding(LeafColumn c) {
    return CompressiveEncoding.newBuilder()
        .setFixedSizeList(FixedSizeList.newBuilder().setItemsPerValue(c.fslDim).setValues(flat(c.fslItemBits))
            .setHasValidity(c.fslValid != null))
        .build();
  }

  /** Bit {@code i} of a bitmap (LSB first) per validity byte {@code valid[from + i]} (0 or 1). */
  private static byte[] packValidity(byte[] valid, int from, int n) {
    byte[] out = new byte[(n + 7) / 8];
    for (int i = 0; i < n; i++) {
      out[i >>> 3] |= (byte) (valid[from + i] << (i & 7));
    }
    return out;
  }

  /**
   * Mini-block chunks of fixed-size lists with item validity, as Lance writes them: two buffers
   * per chunk, the chunk's item validity bitmap ({@code count * dim} bits, LSB first) and the
   * items; whole vectors per chunk, the largest power-of-two count under ~4 KiB counting {@code
   * ceil(dim / 8)} validity bytes per vector.
   */
  private static ValueChunks fslValidityChunks(LeafColumn c) {
    int n = c.pageItems;
    int dim = c.fslDim;
    int bytesPerWord = c.byteWidth + (dim + 7) / 8;
    int size = 2 * bytesPerWord;
    int vals = 2;
    while (2 * size < MAX_MINIBLOCK_BYTES && 2 * vals <= MAX_MINIBLOCK_VALUES) {
      size *= 2;
      vals *= 2;
    }
    List<byte[][]> chunks = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    for (int start = 0; start < n; start += vals) {
      int cnt = Math.min(vals, n - start);
      byte[] bits = packValidity(c.fslValid.a, start * dim, cnt * dim);
      byte[] data = java.util.Arrays.copyOfRange(c.values.a, start * c.byteWidth, (start + cnt) * c.byteWidth);
      chunks.add(new byte[][] {bits, data});
      counts.add(cnt);
    }
    return new ValueChunks(chunks, counts, fslEncoding(c));
  }

  /**
   * Fixed-width values ({@code n} values of {@code w} bytes at the start of {@code data}, which
   * may be longer and is only read): RLE when runs are fewer than half the values, else inline
   * bit packing when it saves space, else flat.
   */
  private static ValueChunks fixedChunks(byte[] data, int w, int n) {
    return fixedChunks(data, w, n, null);
  }

  /** As {@link #fixedChunks(byte[], int, int)} with the page's statistics when they were gathered. */
  private static ValueChunks fixedChunks(byte[] data, int w, int n, FixedStats stats) {
    if (w == 1 || w == 2 || w == 4 || w == 8) {
      // Runs are counted only until the threshold is reached: beyond it RLE is out either way.
      int runLimit = (int) Math.ceil(n * RLE_THRESHOLD);
      long runs = stats != null ? stats.runs() : Rle.countRuns(w, data, 0, n, runLimit);
      if (runs < runLimit) {
        Rle.MiniBlockEncoded r = Rle.encodeMiniBlock(w, data, 0, n);
        List<byte[][]> chunks = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int vo = 0;
        int lo = 0;
        for (int i = 0; i < r.numChunks(); i++) {
          chunks.add(new byte[][] {
              java.util.Arrays.copyOfRange(r.values(), vo, vo + r.chunkValuesBytes()[i]),
              java.util.Arrays.copyOfRange(r.lengths(), lo, lo + r.chunkLengthsBytes()[i])});
          vo += r.chunkValuesBytes()[i];
          lo += r.chunkLengthsBytes()[i];
          counts.add(r.chunkNumValues()[i]);
        }
        CompressiveEncoding enc = CompressiveEncoding.newBuilder()
            .setRle(dev.lancelet.format.proto.EncodingsV21Protos.Rle.newBuilder()
                .setValues(flat(w * 8)).setRunLengths(flat(8)))
            .build();
        return new ValueChunks(chunks, counts, enc);
      }
      ValueChunks ibp = inlineBitpack(data, w, n, stats);
      if (ibp != null) {
        return ibp;
      }
    }
    return flatChunks(data, w * 8, n);
  }

  /** Bit width of {@code cnt} unsigned {@code w}-byte little-endian values at {@code data[off..]}. */
  private static int unsignedWidth(byte[] data, int off, int cnt, int w) {
    long or = 0;
    switch (w) {
      case 8 -> {
        for (int i = 0; i < cnt; i++) {
          or |= LittleEndian.getLong(data, off + 8 * i);
        }
      }
      case 4 -> {
        for (int i = 0; i < cnt; i++) {
          or |= LittleEndian.getInt(data, off + 4 * i);
        }
        or &= 0xFFFFFFFFL;
      }
      case 2 -> {
        for (int i = 0; i < cnt; i++) {
          or |= LittleEndian.getShort(data, off + 2 * i);
        }
        or &= 0xFFFFL;
      }
      default -> {
        for (int i = 0; i < cnt; i++) {
          or |= data[off + i];
        }
        or &= 0xFFL;
      }
    }
    return 64 - Long.numberOfLeadingZeros(or);
  }

  /**
   * Inline bit packing in 1024-value chunks, or null when it would not save space. Widths come
   * from {@code stats} or are measured first (one pass), then each chunk is packed straight into
   * its exact-size array.
   */
  private static ValueChunks inlineBitpack(byte[] data, int w, int n, FixedStats stats) {
    int bits = w * 8;
    int numChunks = (n + FastLanes.BLOCK - 1) / FastLanes.BLOCK;
    long packed = 0;
    int[] widths = new int[numChunks];
    for (int ch = 0; ch < numChunks; ch++) {
      int s = ch * FastLanes.BLOCK;
      int cnt = Math.min(FastLanes.BLOCK, n - s);
      widths[ch] = stats != null ? stats.chunkWidth(ch) : unsignedWidth(data, s * w, cnt, w);
      packed += InlineBitpacking.chunkBytes(bits, widths[ch]);
    }
    if (packed >= (long) n * w) {
      return null;
    }
    List<byte[][]> chunks = new ArrayList<>(numChunks);
    List<Integer> counts = new ArrayList<>(numChunks);
    long[] v64 = w == 8 ? new long[FastLanes.BLOCK] : null;
    int[] v32 = w == 4 ? new int[FastLanes.BLOCK] : null;
    short[] v16 = w == 2 ? new short[FastLanes.BLOCK] : null;
    for (int ch = 0; ch < numChunks; ch++) {
      int s = ch * FastLanes.BLOCK;
      int cnt = Math.min(FastLanes.BLOCK, n - s);
      byte[] out = new byte[InlineBitpacking.chunkBytes(bits, widths[ch])];
      switch (w) {
        case 1 -> InlineBitpacking.encode8(data, s, cnt, out, 0);
        case 2 -> {
          LittleEndian.readShorts(data, s * 2, v16, 0, cnt);
          InlineBitpacking.encode16(v16, 0, cnt, out, 0);
        }
        case 4 -> {
          LittleEndian.readInts(data, s * 4, v32, 0, cnt);
          InlineBitpacking.encode32(v32, 0, cnt, out, 0);
        }
        default -> {
          LittleEndian.readLongs(data, s * 8, v64, 0, cnt);
          InlineBitpacking.encode64(v64, 0, cnt, out, 0);
        }
      }
      chunks.add(new byte[][] {out});
      counts.add(cnt);
    }
    CompressiveEncoding enc = CompressiveEncoding.newBuilder()
        .setInlineBitpacking(dev.lancelet.format.proto.EncodingsV21Protos.InlineBitpacking.newBuilder()
            .setUncompressedBitsPerValue(bits))
        .build();
    return new ValueChunks(chunks, counts, enc);
  }

  /**
   * Variable-width values in chunks of a power-of-two count (the last takes the rest) of about 4
   * KiB: {@code n+1} offsets relative to the chunk start (the first equals the offsets' size),
   * then the bytes, padded to the offset width.
   */
  private static ValueChunks variableChunks(byte[] values, long[] off, int n, int offsetBits) {
    int ow = offsetBits / 8;
    List<byte[][]> chunks = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    int start = 0;
    while (start < n) {
      int remaining = n - start;
      int cnt;
      if (remaining <= MAX_MINIBLOCK_VALUES && chunkSize(off, start, remaining, ow) <= AIM_VARIABLE_CHUNK_BYTES) {
        cnt = remaining;
      } else {
        cnt = 1;
        while (cnt * 2 <= Math.min(remaining, MAX_MINIBLOCK_VALUES)
            && chunkSize(off, start, cnt * 2, ow) <= AIM_VARIABLE_CHUNK_BYTES) {
          cnt *= 2;
        }
        if (cnt == remaining) {
          // A power-of-two chunk that is the last must still be marked as last; fine either way.
        }
      }
      long size = chunkSize(off, start, cnt, ow);
      int padded = (int) ((size + ow - 1) / ow * ow);
      byte[] buf = new byte[padded];
      long base = (long) (cnt + 1) * ow;
      for (int i = 0; i <= cnt; i++) {
        long v = off[start + i] - off[start] + base;
        if (ow == 4) {
          LittleEndian.putInt(buf, i * 4, (int) v);
        } else {
          LittleEndian.putLong(buf, i * 8, v);
        }
      }
      int bytes = (int) (off[start + cnt] - off[start]);
      System.arraycopy(values, (int) off[start], buf, (int) base, bytes);
      java.util.Arrays.fill(buf, (int) (base + bytes), padded, (byte) 0x48);
      chunks.add(new byte[][] {buf});
      counts.add(cnt);
      start += cnt;
    }
    CompressiveEncoding enc = CompressiveEncoding.newBuilder()
        .setVariable(Variable.newBuilder().setOffsets(flat(offsetBits)))
        .build();
    return new ValueChunks(chunks, counts, enc);
  }

  private static long chunkSize(long[] off, int start, int cnt, int ow) {
    return (long) (cnt + 1) * ow + (off[start + cnt] - off[start]);
  }

  // ---------------------------------------------------------------- full-zip

  private EncodedPage fullZip(LeafColumn c, Levels lv) {
    int repWidth = lv.rep == null ? 0 : bitWidth(lv.maxRep);
    int defWidth = lv.def == null ? 0 : bitWidth(lv.maxDef);
    int totalWidth = repWidth + defWidth;
    int cw = totalWidth == 0 ? 0 : totalWidth <= 8 ? 1 : totalWidth <= 16 ? 2 : 4;
    int numLevels = lv.rep != null || lv.def != null ? lv.numLevels : c.pageItems;

    FullZipLayout.Builder fz = FullZipLayout.newBuilder()
        .setBitsRep(repWidth)
        .setBitsDef(defWidth)
        .setNumItems(numLevels)
        .setNumVisibleItems(c.pageItems)
        .addAllLayers(lv.layers);

    boolean variable = c.valueKind == LeafColumn.ValueKind.VARIABLE;
    long sizeGuess = (long) cw * numLevels + (variable ? c.values.n + (long) c.pageItems * (c.offsetBits / 8) : (long) c.pageItems * c.byteWidth);
    GrowBuf.Bytes zipped = new GrowBuf.Bytes((int) Math.min(sizeGuess, Integer.MAX_VALUE - 16));
    List<Long> rowStarts = new ArrayList<>();
    boolean needRowStarts = variable || lv.rep != null;
    long[] off = c.offsets.a;
    byte[] vals = c.values.a;
    long valueBytes = c.values.n;
    byte[][] compressed = null;
    int lengthBytes = c.offsetBits / 8;
    if (variable) {
      long dataSize = c.values.n + (long) (c.pageItems + 1) * lengthBytes;
      CompressiveEncoding varEnc = CompressiveEncoding.newBuilder()
          .setVariable(Variable.newBuilder().setOffsets(flat(c.offsetBits)))
          .build();
      Fsst.Compressed fsst;
      if (c.blobDescriptors) {
        fz.setValueCompression(varEnc);
      } else if (c.maxValueLength > PER_VALUE_COMPRESSION_MIN_LENGTH && dataSize >= FSST_MIN_DATA_SIZE) {
        compressed = new byte[c.pageItems][];
        for (int i = 0; i < c.pageItems; i++) {
          compressed[i] = GeneralCompression.zstdCompress(vals, (int) off[i], (int) (off[i + 1] - off[i]));
        }
        fz.setValueCompression(CompressiveEncoding.newBuilder()
            .setGeneral(General.newBuilder()
                .setCompression(BufferCompression.newBuilder().setScheme(CompressionScheme.COMPRESSION_ALGORITHM_ZSTD).setLevel(0))
                .setValues(varEnc)));
      } else if ((fsst = maybeFsst(c)) != null) {
        vals = fsst.data();
        off = new long[c.pageItems + 1];
        for (int i = 0; i <= c.pageItems; i++) {
          off[i] = fsst.offsets()[i];
        }
        valueBytes = fsst.data().length;
        fz.setValueCompression(fsstEncoding(fsst, varEnc));
      } else {
        fz.setValueCompression(varEnc);
      }
      fz.setBitsPerOffset(c.offsetBits);
    } else if (c.valueKind == LeafColumn.ValueKind.FSL) {
      // With item validity each value is ceil(dim / 8) bytes of validity bitmap, then the items.
      fz.setBitsPerValue(c.bitsPerValue + (c.fslValid != null ? 8 * ((c.fslDim + 7) / 8) : 0));
      fz.setValueCompression(fslEncoding(c));
    } else {
      fz.setBitsPerValue(c.bitsPerValue);
      fz.setValueCompression(flat(c.bitsPerValue));
    }

    int item = 0;
    byte[] lenBuf = new byte[8];
    if (!variable && cw == 0 && !needRowStarts && c.fslValid == null) {
      // No levels and no item validity: the zipped rows are the values back to back.
      zipped.put(vals, 0, Math.multiplyExact(c.pageItems, c.byteWidth));
      numLevels = 0;
    }
    for (int k = 0; k < numLevels; k++) {
      int r = lv.rep == null ? 0 : lv.rep[k];
      int d = lv.def == null ? 0 : lv.def[k];
      boolean newRow = lv.rep == null || r == lv.maxRep;
      if (newRow && needRowStarts) {
        rowStarts.add((long) zipped.n);
      }
      if (cw > 0) {
        long word = ((long) r << defWidth) | d;
        for (int b = 0; b < cw; b++) {
          zipped.put((byte) (word >>> (8 * b)));
        }
      }
      boolean visible = lv.def == null || d <= lv.maxVisibleDef;
      if (!visible) {
        continue;
      }
      if (variable) {
        if (d == 0) {
          byte[] src;
          int so;
          int len;
          if (compressed != null) {
            src = compressed[item];
            so = 0;
            len = src.length;
          } else {
            src = vals;
            so = (int) off[item];
            len = (int) (off[item + 1] - off[item]);
          }
          LittleEndian.putLong(lenBuf, 0, len);
          zipped.put(lenBuf, 0, lengthBytes);
          zipped.put(src, so, len);
        }
      } else {
        if (c.fslValid != null) {
          byte[] bits = packValidity(c.fslValid.a, item * c.fslDim, c.fslDim);
          zipped.put(bits, 0, bits.length);
        }
        zipped.put(vals, item * c.byteWidth, c.byteWidth);
      }
      item++;
    }
    List<byte[]> buffers = new ArrayList<>();
    buffers.add(zipped.n == zipped.a.length ? zipped.a : zipped.toArray()); // zipped is this page's own
    if (variable || lv.rep != null) {
      rowStarts.add((long) zipped.n);
      // Lance sizes the index entries from an upper bound of the zipped length.
      long bound = zipped.n;
      if (variable) {
        long sum = valueBytes;
        if (compressed != null) {
          sum = 0;
          for (byte[] b : compressed) {
            sum += b.length;
          }
        }
        bound = sum + (long) cw * numLevels + (long) lengthBytes * c.pageItems;
      }
      int iw = bound <= 0xFF ? 1 : bound <= 0xFFFF ? 2 : bound <= 0xFFFFFFFFL ? 4 : 8;
      byte[] idx = new byte[rowStarts.size() * iw];
      for (int i = 0; i < rowStarts.size(); i++) {
        LittleEndian.putUnsigned(idx, i * iw, iw, rowStarts.get(i));
      }
      buffers.add(idx);
    }
    return new EncodedPage(buffers, PageLayout.newBuilder().setFullZipLayout(fz).build());
  }

  // ---------------------------------------------------------------- helpers

  static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }

  private static long pad8(int len) {
    return (len + 7L) & ~7L;
  }

  /** Fills {@code data[pos..]} up to the next multiple of 8 with the padding byte 0x48. */
  private static int padTo8(byte[] data, int pos) {
    int end = (pos + 7) & ~7;
    java.util.Arrays.fill(data, pos, end, (byte) 0x48);
    return end;
  }

  /** Copies {@code b} to {@code data[pos..]}, pads to 8 bytes, and returns the next position. */
  private static int putPadded(byte[] data, int pos, byte[] b) {
    System.arraycopy(b, 0, data, pos, b.length);
    return padTo8(data, pos + b.length);
  }

  private static byte[] shortsToBytes(short[] s, int n) {
    byte[] b = new byte[n * 2];
    LittleEndian.writeShorts(s, 0, b, 0, n);
    return b;
  }
}
