package dev.lancelet.file.encoding.write;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One Lance column: a leaf of the Arrow schema together with the chain of struct and list
 * ancestors above it. Shreds Arrow rows into this column's page accumulator.
 *
 * <h2>Levels</h2>
 *
 * While a page accumulates, definition levels are recorded in a <em>canonical</em> numbering that
 * assumes every ancestor may be null (and every list may also be empty): walking from the leaf
 * upwards, an item or struct layer takes one level (null) and a list layer two (null, then
 * empty); 0 means "valid everywhere". When the page is flushed the numbering is compacted to the
 * layers that actually held nulls or empty lists, which is what Lance records in the page's
 * layer list. Repetition levels follow Lance: with {@code L} list ancestors a new top-level row
 * has level {@code L}, and a further item of the list at depth {@code p} (1 = outermost) has
 * level {@code L - p}.
 */
public final class LeafColumn {
  /** What kind of value the leaf holds. */
  enum ValueKind {
    FIXED,
    BOOL,
    VARIABLE,
    FSL,
    /** Dictionary-encoded Arrow input: integer indices into per-batch dictionaries of strings/bytes. */
    DICT
  }

  enum NodeKind {
    STRUCT,
    LIST,
    LEAF
  }

  final int index;
  final Field leafField;
  final List<Field> pathFields; // top-level first, leaf last
  final NodeKind[] kinds;
  final int[] canonNull; // canonical def level of a null at each depth
  final int[] contRep; // rep level for a non-first item of the list at each depth
  final int numLists;
  final ValueKind valueKind;
  final int byteWidth; // FIXED/FSL: bytes per value
  final int bitsPerValue; // FIXED/BOOL/FSL: bits per value
  final int offsetBits; // VARIABLE: 32 or 64
  final int fslDim; // FSL only
  final int fslItemBits;
  final boolean tracksLevels;
  /** VARIABLE: utf8 / large_utf8 (Lance considers FSST for text only, never for binary). */
  final boolean isText;
  /**
   * Blob v2 descriptors (each value a packed descriptor row): always a plain full-zip page, never
   * dictionary-encoded or compressed, so the page can be relabelled as a packed struct.
   */
  boolean blobDescriptors;

  // Page accumulator (handed to a detached page object on flush, see detachPage)
  GrowBuf.Bytes values = new GrowBuf.Bytes();
  GrowBuf.Longs offsets = new GrowBuf.Longs();
  GrowBuf.Shorts rep = new GrowBuf.Shorts();
  GrowBuf.Shorts def = new GrowBuf.Shorts();
  final boolean[] nullSeen;
  final boolean[] emptySeen;
  long pageFirstRow;
  long pageRows;
  int pageItems; // visible values
  long maxValueLength;
  /**
   * FSL: item validity of the page, one byte (1 = valid) per item, or null while every item so
   * far is valid (created at the page's first null item). Items of null rows count as valid.
   */
  GrowBuf.Bytes fslValid;
  /** FSL: the bound batch's items have nulls (counted once per batch: Arrow's null count scans). */
  private boolean fslItemNulls;

  // Dictionary input (DICT): the dictionary entries this page uses, batch dictionaries in the
  // order the page first used them; indices in `values` are 32-bit and point into these.
  final org.apache.arrow.vector.types.pojo.DictionaryEncoding dictEncoding;
  final int dictIndexBits; // DICT: bit width of the Arrow index type
  GrowBuf.Bytes dictValues = new GrowBuf.Bytes();
  GrowBuf.Longs dictOffsets = new GrowBuf.Longs();
  int dictEntries;
  private ValueVector boundDict; // the current batch's dictionary values
  private long boundDictBase = -1; // where boundDict starts in this page's entries, -1 = not yet added

  // Page dictionary budget (DICT with 8- or 16-bit indices only). The encoder writes the page's
  // entries concatenated, or, when they overflow the index type, only the distinct values the page
  // uses (see PageEncoder#dictionaryInput). The page takes a row only while those distinct values
  // still fit the index type; otherwise the row starts the next page.
  /** Entries the index type addresses, or 0 when no page of this column can outgrow it. */
  final int dictCapacity;
  /** Distinct values (bytes) of the page entries used so far. */
  private java.util.HashSet<java.nio.ByteBuffer> pageDistinct;
  /** Per entry of {@link #boundDict}: its value is already in {@link #pageDistinct}. */
  private boolean[] boundCounted;
  /** A null slot of the page points at entry 0, and that entry's value is counted. */
  private boolean pagePlaceholder;
  private boolean zeroCounted;
  // Scratch of fitsDictionary: the row's dictionary keys and whether it has a null slot.
  private GrowBuf.Longs rowKeys;
  private boolean rowPlaceholder;

  // Vectors of the current batch, per depth
  private final ValueVector[] vecs;
  /**
   * Run count and per-1024-value bit widths of the page, gathered while shredding; only for
   * non-nullable flat integer-like columns of 1, 2, 4 or 8 bytes (null otherwise), whose every
   * value passes through the fast path of {@link #shred}.
   */
  FixedStats stats;
  /** A written page's buffers, kept for the next page (see {@link #recycle}), or null. */
  private LeafColumn spare;

  /**
   * A detached page: the configuration of {@code src} and its current page accumulator (the
   * buffers themselves, not copies). Used only by {@link #detachPage}.
   */
  private LeafColumn(LeafColumn src) {
    this.index = src.index;
    this.leafField = src.leafField;
    this.pathFields = src.pathFields;
    this.kinds = src.kinds;
    this.canonNull = src.canonNull;
    this.contRep = src.contRep;
    this.numLists = src.numLists;
    this.valueKind = src.valueKind;
    this.byteWidth = src.byteWidth;
    this.bitsPerValue = src.bitsPerValue;
    this.offsetBits = src.offsetBits;
    this.fslDim = src.fslDim;
    this.fslItemBits = src.fslItemBits;
    this.tracksLevels = src.tracksLevels;
    this.isText = src.isText;
    this.blobDescriptors = src.blobDescriptors;
    this.dictEncoding = src.dictEncoding;
    this.dictIndexBits = src.dictIndexBits;
    this.dictCapacity = 0; // a detached page takes no more rows
    this.vecs = new ValueVector[0]; // a detached page is never bound to a batch
    this.nullSeen = src.nullSeen.clone();
    this.emptySeen = src.emptySeen.clone();
    this.values = src.values;
    this.offsets = src.offsets;
    this.rep = src.rep;
    this.def = src.def;
    this.dictValues = src.dictValues;
    this.dictOffsets = src.dictOffsets;
    this.dictEntries = src.dictEntries;
    this.fslValid = src.fslValid;
    this.stats = src.stats;
    this.pageFirstRow = src.pageFirstRow;
    this.pageRows = src.pageRows;
    this.pageItems = src.pageItems;
    this.maxValueLength = src.maxValueLength;
  }

  /**
   * Hands the current page over to a new object, which the encoder may read on another thread,
   * and starts the next page in other buffers: a recycled page's when there is one, else new
   * ones (the value buffer sized like the old one, so a full page does not regrow by doubling;
   * small when {@code last}, as no page follows).
   */
  LeafColumn detachPage(boolean last) {
    LeafColumn page = new LeafColumn(this);
    LeafColumn s = spare;
    spare = null;
    if (s != null) {
      values = s.values;
      offsets = s.offsets;
      rep = s.rep;
      def = s.def;
      dictValues = s.dictValues;
      dictOffsets = s.dictOffsets;
    } else {
      int capacity = values.a.length;
      values = new GrowBuf.Bytes();
      if (!last) {
        values.reserve(capacity);
      }
      offsets = new GrowBuf.Longs();
      rep = new GrowBuf.Shorts();
      def = new GrowBuf.Shorts();
      dictValues = new GrowBuf.Bytes();
      dictOffsets = new GrowBuf.Longs();
    }
    resetPage(page.pageFirstRow + page.pageRows);
    return page;
  }

  /** Takes back the buffers of a page from {@link #detachPage} once it is encoded. */
  void recycle(LeafColumn page) {
    if (spare == null) {
      spare = page;
    } else {
      page.values.release();
    }
  }

  /** After the last page: gives the page arrays to {@link PageArrays} for a later writer. */
  void releaseBuffers() {
    values.release();
    if (spare != null) {
      spare.values.release();
      spare = null;
    }
  }

  LeafColumn(int index, List<Field> pathFields) {
    this.index = index;
    this.pathFields = List.copyOf(pathFields);
    int depth = pathFields.size();
    this.kinds = new NodeKind[depth];
    this.vecs = new ValueVector[depth];
    this.nullSeen = new boolean[depth];
    this.emptySeen = new boolean[depth];
    this.leafField = pathFields.get(depth - 1);
    int lists = 0;
    boolean anyNullable = false;
    for (int d = 0; d < depth; d++) {
      ArrowType t = pathFields.get(d).getType();
      anyNullable |= pathFields.get(d).isNullable();
      if (d == depth - 1) {
        kinds[d] = NodeKind.LEAF;
      } else if (t instanceof ArrowType.Struct) {
        kinds[d] = NodeKind.STRUCT;
      } else {
        kinds[d] = NodeKind.LIST;
        lists++;
      }
    }
    this.numLists = lists;
    this.canonNull = new int[depth];
    int slots = 0;
    for (int d = depth - 1; d >= 0; d--) {
      canonNull[d] = slots + 1;
      slots += kinds[d] == NodeKind.LIST ? 2 : 1;
    }
    this.contRep = new int[depth];
    int p = 0;
    for (int d = 0; d < depth; d++) {
      if (kinds[d] == NodeKind.LIST) {
        p++;
        contRep[d] = lists - p;
      }
    }
    this.tracksLevels = anyNullable || lists > 0;

    ArrowType t = leafField.getType();
    this.dictEncoding = leafField.getDictionary();
    int bw = 0;
    int bits = 0;
    int offBits = 0;
    int dim = 0;
    int itemBits = 0;
    ValueKind vk;
    switch (t.getTypeID()) {
      case Int -> {
        bw = ((ArrowType.Int) t).getBitWidth() / 8;
        vk = ValueKind.FIXED;
      }
      case FloatingPoint -> {
        bw = switch (((ArrowType.FloatingPoint) t).getPrecision()) {
          case HALF -> 2;
          case SINGLE -> 4;
          case DOUBLE -> 8;
        };
        vk = ValueKind.FIXED;
      }
      case Date -> {
        bw = ((ArrowType.Date) t).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY ? 4 : 8;
        vk = ValueKind.FIXED;
      }
      case Time -> {
        bw = ((ArrowType.Time) t).getBitWidth() / 8;
        vk = ValueKind.FIXED;
      }
      case Timestamp, Duration -> {
        bw = 8;
        vk = ValueKind.FIXED;
      }
      case Decimal -> {
        bw = ((ArrowType.Decimal) t).getBitWidth() / 8;
        vk = ValueKind.FIXED;
      }
      case FixedSizeBinary -> {
        bw = ((ArrowType.FixedSizeBinary) t).getByteWidth();
        vk = ValueKind.FIXED;
      }
      case Bool -> vk = ValueKind.BOOL;
      case Utf8, Binary -> {
        offBits = 32;
        vk = ValueKind.VARIABLE;
      }
      case LargeUtf8, LargeBinary -> {
        offBits = 64;
        vk = ValueKind.VARIABLE;
      }
      case FixedSizeList -> {
        dim = ((ArrowType.FixedSizeList) t).getListSize();
        Field item = leafField.getChildren().get(0);
        int ib = fixedItemBytes(item.getType());
        if (ib <= 0) {
          throw new UnsupportedOperationException(
              "Lancelet cannot write fixed_size_list of " + item.getType() + " yet (field " + leafField.getName() + ")");
        }
        itemBits = ib * 8;
        bw = ib * dim;
        vk = ValueKind.FSL;
      }
      default -> throw new UnsupportedOperationException(
          "Lancelet cannot write Arrow type " + t + " yet (field " + leafField.getName() + ")");
    }
    int indexBits = 0;
    if (dictEncoding != null) {
      if (vk != ValueKind.VARIABLE) {
        throw new UnsupportedOperationException(
            "Lancelet writes dictionary-encoded fields of utf8/binary values only, not " + t + " (field "
                + leafField.getName() + ")");
      }
      indexBits = dictEncoding.getIndexType().getBitWidth();
      vk = ValueKind.DICT;
      bw = 4;
    }
    this.dictIndexBits = indexBits;
    if (vk == ValueKind.DICT && indexBits <= 16) {
      boolean signed = dictEncoding.getIndexType().getIsSigned();
      this.dictCapacity = signed ? 1 << (indexBits - 1) : 1 << indexBits;
      this.pageDistinct = new java.util.HashSet<>();
      this.rowKeys = new GrowBuf.Longs();
    } else {
      this.dictCapacity = 0;
    }
    this.valueKind = vk;
    this.byteWidth = bw;
    this.bitsPerValue = vk == ValueKind.BOOL ? 1 : bw * 8;
    this.offsetBits = offBits;
    this.fslDim = dim;
    this.fslItemBits = itemBits;
    this.isText = t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8;
    this.stats = !tracksLevels && depth == 1 && vk == ValueKind.FIXED && (bw == 1 || bw == 2 || bw == 4 || bw == 8)
        ? new FixedStats(bw) : null;
    offsets.add(0);
    dictOffsets.add(0);
  }

  private static int fixedItemBytes(ArrowType t) {
    return switch (t.getTypeID()) {
      case Int -> ((ArrowType.Int) t).getBitWidth() / 8;
      case FloatingPoint -> switch (((ArrowType.FloatingPoint) t).getPrecision()) {
        case HALF -> 2;
        case SINGLE -> 4;
        case DOUBLE -> 8;
      };
      default -> -1;
    };
  }

  /** Lists one {@link LeafColumn} per leaf of {@code fields}, depth first, as Lance numbers columns. */
  public static List<LeafColumn> forSchema(List<Field> fields) {
    List<LeafColumn> out = new ArrayList<>();
    for (Field f : fields) {
      collect(f, new ArrayList<>(), out);
    }
    return out;
  }

  private static void collect(Field f, List<Field> path, List<LeafColumn> out) {
    path.add(f);
    ArrowType t = f.getType();
    if (t instanceof ArrowType.Struct) {
      if (f.getChildren().isEmpty()) {
        throw new UnsupportedOperationException("Lancelet cannot write empty structs yet (field " + f.getName() + ")");
      }
      for (Field c : f.getChildren()) {
        collect(c, path, out);
      }
    } else if (t instanceof ArrowType.List || t instanceof ArrowType.LargeList) {
      collect(f.getChildren().get(0), path, out);
    } else if (t instanceof ArrowType.Map || t instanceof ArrowType.Union || t instanceof ArrowType.ListView
        || t instanceof ArrowType.LargeListView || t instanceof ArrowType.Utf8View || t instanceof ArrowType.BinaryView
        || t instanceof ArrowType.Null || t instanceof ArrowType.Interval || t instanceof ArrowType.RunEndEncoded) {
      throw new UnsupportedOperationException("Lancelet cannot write Arrow type " + t + " yet (field " + f.getName() + ")");
    } else {
      out.add(new LeafColumn(out.size(), path));
    }
    path.remove(path.size() - 1);
  }

  /**
   * Binds the vectors of a new batch, given the batch's top-level vector for this column and the
   * batch's dictionaries (needed only for dictionary-encoded leaves).
   */
  void bind(FieldVector top, org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries) {
    if (dictEncoding != null) {
      long id = dictEncoding.getId();
      org.apache.arrow.vector.dictionary.Dictionary d = dictionaries == null ? null : dictionaries.lookup(id);
      if (d == null) {
        throw new IllegalArgumentException("Field " + leafField.getName() + " is dictionary-encoded (id " + id
            + ") but no dictionary with that id was given; use LanceFileWriter.write(batch, dictionaries)");
      }
      ValueVector dv = d.getVector();
      boolean large = offsetBits == 64;
      boolean ok = large ? dv instanceof BaseLargeVariableWidthVector : dv instanceof BaseVariableWidthVector;
      if (!ok || !dv.getField().getType().equals(leafField.getType())) {
        throw new IllegalArgumentException("Dictionary " + id + " of field " + leafField.getName() + " holds "
            + dv.getField().getType() + " values, the schema says " + leafField.getType());
      }
      boundDict = dv;
      boundDictBase = -1;
      if (dictCapacity > 0) {
        boundCounted = new boolean[dv.getValueCount()];
      }
    }
    ValueVector v = top;
    for (int d = 0; d < kinds.length; d++) {
      vecs[d] = v;
      if (d + 1 < kinds.length) {
        Field child = pathFields.get(d + 1);
        if (kinds[d] == NodeKind.STRUCT) {
          v = ((StructVector) v).getChild(child.getName());
        } else if (v instanceof ListVector lv) {
          v = lv.getDataVector();
        } else {
          v = ((LargeListVector) v).getDataVector();
        }
      }
    }
    fslItemNulls = valueKind == ValueKind.FSL && ((FixedSizeListVector) v).getDataVector().getNullCount() > 0;
  }

  /**
   * Sizes the page buffers for a bound batch of {@code batchRows} rows when the batch is large (at
   * least 1/64 of a page): the value buffer then goes straight to about one page ({@code
   * maxPageBytes} plus one row block), and a variable-width column's offsets to the page's row
   * count at the batch's average value length. This replaces a series of doublings (each a copy of
   * everything so far) by one allocation; small batches keep growing by doubling. Only a size
   * hint: the buffers still grow if a page needs more.
   */
  void reserve(int batchRows, long maxPageBytes) {
    if (tracksLevels || kinds.length != 1 || batchRows == 0) {
      return;
    }
    long batchBytes;
    long slack;
    if (valueKind == ValueKind.FIXED || valueKind == ValueKind.FSL) {
      batchBytes = (long) batchRows * byteWidth;
      slack = (long) ColumnWriters.MAX_BLOCK_ROWS * byteWidth;
    } else if (valueKind == ValueKind.VARIABLE) {
      batchBytes = variableBytes(vecs[0], 0, batchRows);
      slack = 0;
    } else {
      return;
    }
    if (batchBytes * 64 < maxPageBytes) {
      return;
    }
    long cap = Math.min(maxPageBytes + slack, Integer.MAX_VALUE - 16);
    values.reserve((int) Math.min(cap, values.n + Math.max(batchBytes, maxPageBytes)));
    if (valueKind == ValueKind.VARIABLE) {
      long avg = Math.max(1, batchBytes / batchRows) + offsetBits / 8;
      offsets.reserve((int) Math.min(Integer.MAX_VALUE - 16, maxPageBytes / avg + ColumnWriters.MAX_BLOCK_ROWS + 2));
    }
  }

  /** Value bytes of rows {@code [from, to)} of a utf8/binary vector (either offset width). */
  private static long variableBytes(ValueVector v, int from, int to) {
    return variableOffset(v, to) - variableOffset(v, from);
  }

  /** Offset {@code i} of a utf8/binary vector's offset buffer (either offset width). */
  private static long variableOffset(ValueVector v, int i) {
    if (v instanceof BaseVariableWidthVector bv) {
      return bv.getOffsetBuffer().getInt((long) i * 4);
    }
    return ((BaseLargeVariableWidthVector) v).getOffsetBuffer().getLong((long) i * 8);
  }

  /** Offset {@code i} of a list or large-list vector's offset buffer. */
  private static long listOffset(ValueVector v, int i) {
    if (v instanceof ListVector lv) {
      return lv.getOffsetBuffer().getInt((long) i * 4);
    }
    return ((LargeListVector) v).getOffsetBuffer().getLong((long) i * 8);
  }

  /** Bytes buffered in the current page. */
  long bufferedBytes() {
    long b = values.n + (long) rep.n * 2 + (long) def.n * 2;
    if (valueKind == ValueKind.DICT) {
      b += dictValues.n + (long) dictEntries * (offsetBits / 8);
    }
    if (valueKind == ValueKind.VARIABLE) {
      b += (long) pageItems * (offsetBits / 8);
    }
    return b;
  }

  /**
   * Shreds top-level rows {@code [from, to)} of the bound batch into the page. Returns the end of
   * the rows taken: {@code to}, or less when the next row would make the page dictionary outgrow
   * an 8/16-bit index type (the page must then be flushed and the rest shredded into the next).
   */
  int shred(int from, int to) {
    if (dictCapacity > 0) {
      for (int r = from; r < to; r++) {
        if (!fitsDictionary(r)) {
          return r;
        }
        visit(0, r, numLists);
        pageRows++;
      }
      return to;
    }
    if (!tracksLevels && kinds.length == 1 && valueKind != ValueKind.VARIABLE && valueKind != ValueKind.BOOL
        && valueKind != ValueKind.DICT) {
      // Fast path: non-nullable flat fixed-width column. Copy the data buffer directly.
      ArrowBuf data;
      if (valueKind == ValueKind.FSL) {
        FieldVector items = ((FixedSizeListVector) vecs[0]).getDataVector();
        if (fslItemNulls || fslValid != null) {
          for (int r = from; r < to; r++) {
            fslItemValidity(items, (long) r * fslDim, pageItems + (r - from));
          }
        }
        data = items.getDataBuffer();
      } else {
        data = ((FieldVector) vecs[0]).getDataBuffer();
      }
      int len = (to - from) * byteWidth;
      values.ensure(len);
      data.getBytes((long) from * byteWidth, values.a, values.n, len);
      values.n += len;
      if (stats != null) {
        stats.scan(values.a, pageItems, to - from); // while the block is still in cache
      }
      pageItems += to - from;
      pageRows += to - from;
      return to;
    }
    if (!tracksLevels && kinds.length == 1 && valueKind == ValueKind.VARIABLE) {
      shredVariable(from, to);
      return to;
    }
    for (int r = from; r < to; r++) {
      visit(0, r, numLists);
    }
    pageRows += to - from;
    return to;
  }

  /**
   * Whether row {@code r} of the bound batch can join the page without the distinct values the
   * page's dictionary indices use passing {@link #dictCapacity}; if so, counts them. Mirrors the
   * encoder's merge: the values of the referenced entries, plus entry 0 as soon as a null slot
   * (which points at index 0) and an entry 0 both exist. An empty page takes any row: one batch's
   * dictionary never addresses more than the capacity.
   */
  private boolean fitsDictionary(int r) {
    rowKeys.clear();
    rowPlaceholder = false;
    collectKeys(0, r);
    java.util.Set<java.nio.ByteBuffer> added = null;
    for (int i = 0; i < rowKeys.n; i++) {
      int k = (int) rowKeys.a[i];
      if (!boundCounted[k]) {
        java.nio.ByteBuffer b = boundEntry(k);
        if (!pageDistinct.contains(b)) {
          if (added == null) {
            added = new java.util.HashSet<>();
          }
          added.add(b);
        }
      }
    }
    boolean countZero = false;
    if ((pagePlaceholder || rowPlaceholder) && !zeroCounted && (dictEntries > 0 || rowKeys.n > 0)) {
      // Entry 0: the page's first entry, or the bound dictionary's first if this row adds it first.
      java.nio.ByteBuffer zero = dictEntries > 0
          ? java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(dictValues.a, (int) dictOffsets.a[0], (int) dictOffsets.a[1]))
          : boundEntry(0);
      if (!pageDistinct.contains(zero)) {
        if (added == null) {
          added = new java.util.HashSet<>();
        }
        added.add(zero);
      }
      countZero = true;
    }
    if (added != null) {
      if (pageRows > 0 && pageDistinct.size() + added.size() > dictCapacity) {
        return false;
      }
      pageDistinct.addAll(added);
    }
    for (int i = 0; i < rowKeys.n; i++) {
      boundCounted[(int) rowKeys.a[i]] = true;
    }
    zeroCounted |= countZero;
    pagePlaceholder |= rowPlaceholder;
    return true;
  }

  /** The leaf dictionary keys {@link #visit} would write for {@code idx} at depth {@code d}. */
  private void collectKeys(int d, int idx) {
    ValueVector v = vecs[d];
    if (v.isNull(idx) || (kinds[d] == NodeKind.LEAF && dictEntryNull(v, idx))) {
      rowPlaceholder |= !listAtOrBelow(d);
      return;
    }
    switch (kinds[d]) {
      case STRUCT -> collectKeys(d + 1, idx);
      case LIST -> {
        long s = listOffset(v, idx);
        long e = listOffset(v, idx + 1);
        for (long j = s; j < e; j++) {
          collectKeys(d + 1, (int) j);
        }
      }
      case LEAF -> rowKeys.add(dictIndex(v, idx));
    }
  }

  /** The bytes entry {@code i} of the bound dictionary adds to the page (empty for a null entry). */
  private java.nio.ByteBuffer boundEntry(int i) {
    if (boundDict.isNull(i)) {
      return java.nio.ByteBuffer.wrap(new byte[0]);
    }
    byte[] b = boundDict instanceof BaseVariableWidthVector bv ? bv.get(i) : ((BaseLargeVariableWidthVector) boundDict).get(i);
    return java.nio.ByteBuffer.wrap(b);
  }

  /**
   * Fast path of a non-nullable flat utf8/binary column: the rows' bytes are one contiguous range
   * of the Arrow data buffer, copied in one call; the offsets are rebased onto the page.
   */
  private void shredVariable(int from, int to) {
    int n = to - from;
    ArrowBuf offs;
    ArrowBuf data;
    long s0;
    long s1;
    boolean large = !(vecs[0] instanceof BaseVariableWidthVector);
    if (!large) {
      BaseVariableWidthVector bv = (BaseVariableWidthVector) vecs[0];
      offs = bv.getOffsetBuffer();
      data = bv.getDataBuffer();
      s0 = offs.getInt((long) from * 4);
      s1 = offs.getInt((long) to * 4);
    } else {
      BaseLargeVariableWidthVector bv = (BaseLargeVariableWidthVector) vecs[0];
      offs = bv.getOffsetBuffer();
      data = bv.getDataBuffer();
      s0 = offs.getLong((long) from * 8);
      s1 = offs.getLong((long) to * 8);
    }
    int len = Math.toIntExact(s1 - s0);
    values.ensure(len);
    data.getBytes(s0, values.a, values.n, len);
    offsets.ensure(n);
    long[] o = offsets.a;
    int k = offsets.n;
    long base = values.n - s0; // page offset = Arrow offset + base
    long prev = s0;
    long maxLen = maxValueLength;
    for (int r = from + 1; r <= to; r++) {
      long e = large ? offs.getLong((long) r * 8) : offs.getInt((long) r * 4);
      maxLen = Math.max(maxLen, e - prev);
      o[k++] = e + base;
      prev = e;
    }
    offsets.n = k;
    values.n += len;
    maxValueLength = maxLen;
    pageItems += n;
    pageRows += n;
  }

  private void visit(int d, int idx, int repLevel) {
    ValueVector v = vecs[d];
    if (v.isNull(idx) || (kinds[d] == NodeKind.LEAF && valueKind == ValueKind.DICT && dictEntryNull(v, idx))) {
      nullSeen[d] = true;
      emitLevel(repLevel, canonNull[d]);
      // A null gets a value slot only if no list lies at or below it: a null struct or list above
      // a list hides the list's items entirely (as does a null list), and readers count only
      // levels below the innermost list as visible.
      if (!listAtOrBelow(d)) {
        placeholder();
      }
      return;
    }
    switch (kinds[d]) {
      case STRUCT -> visit(d + 1, idx, repLevel);
      case LIST -> {
        long s = listOffset(v, idx);
        long e = listOffset(v, idx + 1);
        if (s == e) {
          emptySeen[d] = true;
          emitLevel(repLevel, canonNull[d] + 1);
        } else {
          for (long j = s; j < e; j++) {
            visit(d + 1, (int) j, j == s ? repLevel : contRep[d]);
          }
        }
      }
      case LEAF -> {
        emitLevel(repLevel, 0);
        value(v, idx);
      }
    }
  }

  private boolean listAtOrBelow(int d) {
    for (int k = d; k < kinds.length; k++) {
      if (kinds[k] == NodeKind.LIST) {
        return true;
      }
    }
    return false;
  }

  private void emitLevel(int repLevel, int defLevel) {
    if (numLists > 0) {
      rep.add(repLevel);
    }
    if (tracksLevels) {
      def.add(defLevel);
    }
  }

  private void placeholder() {
    pageItems++;
    switch (valueKind) {
      case FIXED, DICT -> values.zeros(byteWidth);
      case FSL -> {
        values.zeros(byteWidth);
        if (fslValid != null) {
          fillValid(fslDim);
        }
      }
      case BOOL -> values.put((byte) 0);
      case VARIABLE -> offsets.add(values.n);
    }
  }

  private void value(ValueVector v, int idx) {
    pageItems++;
    switch (valueKind) {
      case FIXED -> {
        values.ensure(byteWidth);
        ((BaseFixedWidthVector) v).getDataBuffer().getBytes((long) idx * byteWidth, values.a, values.n, byteWidth);
        values.n += byteWidth;
      }
      case FSL -> {
        FixedSizeListVector fv = (FixedSizeListVector) v;
        FieldVector items = fv.getDataVector();
        if (fslItemNulls || fslValid != null) {
          fslItemValidity(items, (long) idx * fslDim, pageItems - 1);
        }
        values.ensure(byteWidth);
        items.getDataBuffer().getBytes((long) idx * byteWidth, values.a, values.n, byteWidth);
        values.n += byteWidth;
      }
      case BOOL -> values.put((byte) (((BitVector) v).get(idx)));
      case DICT -> {
        long k = dictIndex(v, idx);
        if (boundDictBase < 0) {
          addBoundDictionary();
        }
        long global = boundDictBase + k;
        if (global > Integer.MAX_VALUE) {
          throw new IllegalStateException("Page dictionary of field " + leafField.getName() + " passed 2^31 entries");
        }
        values.ensure(4);
        values.n += 4;
        dev.lancelet.file.kernels.LittleEndian.putInt(values.a, values.n - 4, (int) global);
      }
      case VARIABLE -> {
        long s = variableOffset(v, idx);
        long e = variableOffset(v, idx + 1);
        ArrowBuf data = v.getDataBuffer();
        int len = Math.toIntExact(e - s);
        values.ensure(len);
        data.getBytes(s, values.a, values.n, len);
        values.n += len;
        offsets.add(values.n);
        maxValueLength = Math.max(maxValueLength, len);
      }
    }
  }

  /**
   * Records the validity of the {@code fslDim} items starting at {@code first} for the page's
   * value {@code before} (the values before it are all recorded, or all valid).
   */
  private void fslItemValidity(FieldVector items, long first, int before) {
    if (fslValid == null) {
      boolean anyNull = false;
      for (int k = 0; k < fslDim && !anyNull; k++) {
        anyNull = items.isNull((int) (first + k));
      }
      if (!anyNull) {
        return;
      }
      fslValid = new GrowBuf.Bytes();
      fillValid(Math.multiplyExact(before, fslDim));
    }
    fslValid.ensure(fslDim);
    for (int k = 0; k < fslDim; k++) {
      fslValid.a[fslValid.n++] = (byte) (items.isNull((int) (first + k)) ? 0 : 1);
    }
  }

  private void fillValid(int n) {
    fslValid.ensure(n);
    java.util.Arrays.fill(fslValid.a, fslValid.n, fslValid.n + n, (byte) 1);
    fslValid.n += n;
  }

  private long dictIndex(ValueVector v, int idx) {
    long k = ((org.apache.arrow.vector.BaseIntVector) v).getValueAsLong(idx);
    if (dictIndexBits < 64 && ((ArrowType.Int) dictEncoding.getIndexType()).getIsSigned() == false) {
      k &= (1L << dictIndexBits) - 1;
    }
    if (k < 0 || k >= boundDict.getValueCount()) {
      throw new IllegalArgumentException("Dictionary index " + k + " at row " + idx + " of field " + leafField.getName()
          + " is outside its dictionary of " + boundDict.getValueCount() + " entries");
    }
    return k;
  }

  /** Arrow allows nulls among the dictionary entries; Lance (and we) treat them as null values. */
  private boolean dictEntryNull(ValueVector v, int idx) {
    return boundDict.isNull((int) dictIndex(v, idx));
  }

  /** Appends the bound batch's whole dictionary to this page's entries. */
  private void addBoundDictionary() {
    boundDictBase = dictEntries;
    int n = boundDict.getValueCount();
    for (int i = 0; i < n; i++) {
      long s = variableOffset(boundDict, i);
      long e = variableOffset(boundDict, i + 1);
      ArrowBuf data = boundDict.getDataBuffer();
      int len = boundDict.isNull(i) ? 0 : Math.toIntExact(e - s);
      dictValues.ensure(len);
      data.getBytes(s, dictValues.a, dictValues.n, len);
      dictValues.n += len;
      dictOffsets.add(dictValues.n);
      maxValueLength = Math.max(maxValueLength, len);
    }
    dictEntries += n;
  }

  /** Clears the page accumulator after a flush; the next page starts at {@code nextRow}. */
  void resetPage(long nextRow) {
    if (stats != null) {
      stats = new FixedStats(byteWidth); // the old one may belong to a detached page
    }
    dictValues.clear();
    dictOffsets.clear();
    dictOffsets.add(0);
    dictEntries = 0;
    boundDictBase = -1;
    if (dictCapacity > 0) {
      pageDistinct.clear();
      if (boundCounted != null) {
        java.util.Arrays.fill(boundCounted, false);
      }
      pagePlaceholder = false;
      zeroCounted = false;
    }
    values.clear();
    offsets.clear();
    offsets.add(0);
    rep.clear();
    def.clear();
    java.util.Arrays.fill(nullSeen, false);
    java.util.Arrays.fill(emptySeen, false);
    pageFirstRow = nextRow;
    pageRows = 0;
    pageItems = 0;
    maxValueLength = 0;
    fslValid = null;
  }
}
