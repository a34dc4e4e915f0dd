package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.schema.LanceField;
import java.util.Iterator;
import java.util.List;
import dev.lancelet.file.kernels.LittleEndian;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Fills Arrow vectors from decoded leaves, bottom-up: each leaf restores its item validity, then
 * each struct takes its validity from its first child's levels and each list rebuilds its offsets
 * and validity from the repetition levels (see {@link Unraveler}).
 */
final class VectorFill {
  private VectorFill() {}

  /** A decoded leaf ready for filling. */
  record Decoded(Leaf leaf, short[] rep, short[] def, Values values) {}

  /** Fills {@code v} (created from {@code f}'s Arrow field) and returns the unraveler past f's layers. */
  static Unraveler fill(FieldVector v, LanceField f, Iterator<Decoded> leaves) throws LanceFormatException {
    if (f.isLeaf()) {
      Decoded d = leaves.next();
      Unraveler u = new Unraveler(d.rep(), d.def(), d.leaf().isList(), d.values().count);
      int[] cnt = new int[1];
      boolean[] validity = u.validity(cnt);
      if (cnt[0] != d.values().count) {
        throw new LanceFormatException("Column " + d.leaf().path() + ": levels give " + cnt[0] + " items but " + d.values().count + " values were decoded");
      }
      leaf(v, d.values(), validity, cnt[0]);
      return u;
    }
    if (f.isStruct()) {
      StructVector sv = (StructVector) v;
      List<FieldVector> kids = sv.getChildrenFromFields();
      Unraveler first = null;
      for (int i = 0; i < f.children().size(); i++) {
        Unraveler u = fill(kids.get(i), f.children().get(i), leaves);
        if (first == null) {
          first = u;
        }
      }
      if (first == null) {
        throw new LanceFormatException("Struct " + f.name() + " without children is not supported");
      }
      int[] cnt = new int[1];
      boolean[] validity = first.validity(cnt);
      int n = cnt[0];
      sv.setInitialCapacity(n);
      while (sv.getValueCapacity() < n) {
        sv.reAlloc();
      }
      for (int i = 0; i < n; i++) {
        if (validity == null || validity[i]) {
          sv.setIndexDefined(i);
        } else {
          sv.setNull(i);
        }
      }
      // Children already hold n values each; set the struct's own count without touching them.
      setStructCount(sv, n);
      return first;
    }
    // list / large list
    FieldVector target = (FieldVector) (v instanceof ListVector lv0 ? lv0.getDataVector() : ((LargeListVector) v).getDataVector());
    // Fill the items into a separate vector: allocating the list below also resets its items.
    FieldVector child = target.getField().createVector(target.getAllocator());
    Unraveler u;
    try {
      u = fill(child, f.children().get(0), leaves);
    } catch (LanceFormatException | RuntimeException e) {
      child.close();
      throw e;
    }
    boolean[][] val = new boolean[1][];
    int[] cnt = new int[1];
    long[] offs = u.offsets(val, cnt);
    int n = cnt[0];
    if (offs[n] != child.getValueCount()) {
      throw new LanceFormatException("List " + f.name() + " offsets end at " + offs[n] + " but the items hold " + child.getValueCount() + " values");
    }
    boolean[] validity = val[0];
    try {
      fillList(v, child, offs, validity, n);
    } finally {
      child.close();
    }
    return u;
  }

  private static void fillList(FieldVector v, FieldVector child, long[] offs, boolean[] validity, int n) {
    if (v instanceof ListVector lv) {
      lv.setInitialCapacity(n);
      lv.allocateNew();
      while (lv.getValueCapacity() < n) {
        lv.reAlloc();
      }
      ArrowBuf ob = lv.getOffsetBuffer();
      for (int i = 0; i <= n; i++) {
        ob.setInt(4L * i, Math.toIntExact(offs[i]));
      }
      setValidity(lv.getValidityBuffer(), validity, n);
      lv.setLastSet(n - 1);
      child.makeTransferPair(lv.getDataVector()).transfer();
      lv.setValueCount(n);
    } else {
      LargeListVector lv = (LargeListVector) v;
      lv.setInitialCapacity(n);
      lv.allocateNew();
      while (lv.getValueCapacity() < n) {
        lv.reAlloc();
      }
      ArrowBuf ob = lv.getOffsetBuffer();
      for (int i = 0; i <= n; i++) {
        ob.setLong(8L * i, offs[i]);
      }
      setValidity(lv.getValidityBuffer(), validity, n);
      lv.setLastSet(n - 1);
      child.makeTransferPair(lv.getDataVector()).transfer();
      lv.setValueCount(n);
    }
  }

  private static void setStructCount(StructVector sv, int n) {
    sv.setValueCount(n);
  }

  static void setValidity(ArrowBuf vb, boolean[] validity, int n) {
    int full = n >>> 3;
    if (validity == null) {
      vb.setOne(0, full);
    } else {
      byte[] packed = new byte[full];
      packBits(validity, packed, full);
      vb.setBytes(0, packed, 0, full);
    }
    for (int i = full << 3; i < n; i++) {
      if (validity == null || validity[i]) {
        BitVectorHelper.setBit(vb, i);
      } else {
        BitVectorHelper.unsetBit(vb, i);
      }
    }
  }

  /** Packs the first {@code bytes * 8} flags, LSB first. */
  private static void packBits(boolean[] validity, byte[] out, int bytes) {
    for (int b = 0; b < bytes; b++) {
      int i = b << 3;
      int v = (validity[i] ? 1 : 0)
          | (validity[i + 1] ? 2 : 0)
          | (validity[i + 2] ? 4 : 0)
          | (validity[i + 3] ? 8 : 0)
          | (validity[i + 4] ? 16 : 0)
          | (validity[i + 5] ? 32 : 0)
          | (validity[i + 6] ? 64 : 0)
          | (validity[i + 7] ? 128 : 0);
      out[b] = (byte) v;
    }
  }

  private static int nullCount(boolean[] validity, int n) {
    if (validity == null) {
      return 0;
    }
    int c = 0;
    for (int i = 0; i < n; i++) {
      if (!validity[i]) {
        c++;
      }
    }
    return c;
  }

  /**
   * A validity buffer for {@link org.apache.arrow.vector.FieldVector#loadFieldBuffers}: the empty
   * buffer when nothing is null (Arrow then allocates an all-ones one), else the packed bits.
   */
  private static ArrowBuf validityBuffer(BufferAllocator a, boolean[] validity, int n, int nulls) {
    if (nulls == 0) {
      return a.getEmpty();
    }
    ArrowBuf vb = a.buffer(Math.max(1, (n + 7) >>> 3));
    vb.setZero(0, vb.capacity());
    setValidity(vb, validity, n);
    return vb;
  }

  /**
   * Loads {@code n} non-null values: {@code data} (retained, not consumed) as the value buffer, or
   * no value buffer when null (a fixed-size list's own validity).
   */
  static void loadDirect(FieldVector v, int n, ArrowBuf data) {
    if (data == null) {
      v.loadFieldBuffers(new ArrowFieldNode(n, 0), java.util.List.of(v.getAllocator().getEmpty()));
    } else {
      v.loadFieldBuffers(new ArrowFieldNode(n, 0), java.util.List.of(v.getAllocator().getEmpty(), data));
    }
  }

  /** Hands fresh buffers to {@code v} (which retains them) and releases this method's references. */
  private static void load(FieldVector v, int n, int nulls, ArrowBuf... bufs) {
    try {
      v.loadFieldBuffers(new ArrowFieldNode(n, nulls), java.util.Arrays.asList(bufs));
    } finally {
      for (ArrowBuf b : bufs) {
        b.close();
      }
    }
  }

  /** Fills a non-nested vector (or a fixed-size list of primitives) with {@code n} values. */
  static void leaf(FieldVector v, Values vals, boolean[] validity, int n) throws LanceFormatException {
    if (v instanceof BitVector bv) {
      bv.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (validity == null || validity[i]) {
          bv.set(i, vals.data[i] != 0 ? 1 : 0);
        } else {
          bv.setNull(i);
        }
      }
      bv.setValueCount(n);
      return;
    }
    if (v instanceof FixedSizeListVector fl) {
      int dim = ((ArrowType.FixedSizeList) fl.getField().getType()).getListSize();
      FieldVector child = (FieldVector) fl.getDataVector();
      int items = Math.multiplyExact(n, dim);
      int childWidth = vals.bytesPerValue / Math.max(dim, 1);
      Values childVals = Values.fixed(items, childWidth, vals.data);
      boolean[] itemValid = null;
      if (vals.itemValid != null) {
        if (child instanceof FixedSizeListVector) {
          // Validity belongs to the innermost items: hand it down.
          childVals.withItemValidity(vals.itemsPerValue / dim, vals.itemValid);
        } else if (vals.itemsPerValue != dim || vals.itemValid.length < items) {
          throw new LanceFormatException("Item validity of " + vals.itemsPerValue + " items per value does not match " + v.getField());
        } else {
          itemValid = vals.itemValid;
        }
      }
      leaf(child, childVals, itemValid, items);
      // Load the list's own validity directly: reAlloc on the list would also copy the items.
      int nulls = nullCount(validity, n);
      load(fl, n, nulls, validityBuffer(fl.getAllocator(), validity, n, nulls));
      return;
    }
    if (v instanceof BaseFixedWidthVector fv) {
      if (vals.isVariable()) {
        throw new LanceFormatException("Variable-width data decoded for fixed-width field " + v.getField());
      }
      int w = fv.getTypeWidth();
      if (vals.bytesPerValue != w) {
        throw new LanceFormatException("Decoded " + vals.bytesPerValue + "-byte values for " + w + "-byte field " + v.getField());
      }
      long bytes = (long) n * w;
      BufferAllocator a = fv.getAllocator();
      int nulls = nullCount(validity, n);
      ArrowBuf vb = validityBuffer(a, validity, n, nulls);
      ArrowBuf db;
      try {
        db = a.buffer(Math.max(bytes, 1));
        db.setBytes(0, vals.data, 0, bytes);
      } catch (RuntimeException e) {
        vb.close();
        throw e;
      }
      load(fv, n, nulls, vb, db);
      return;
    }
    if (v instanceof BaseVariableWidthVector vv) {
      if (!vals.isVariable()) {
        throw new LanceFormatException("Fixed-width data decoded for variable-width field " + v.getField());
      }
      long total = vals.offsets[n];
      if (total > Integer.MAX_VALUE) {
        throw new LanceFormatException("Batch of " + total + " bytes does not fit 32-bit offsets for " + v.getField());
      }
      byte[] offs = new byte[4 * (n + 1)];
      long[] src = vals.offsets;
      for (int i = 0; i <= n; i++) {
        LittleEndian.putInt(offs, 4 * i, (int) src[i]);
      }
      loadVariable(vv, offs, vals.data, total, validity, n);
      return;
    }
    if (v instanceof BaseLargeVariableWidthVector vv) {
      if (!vals.isVariable()) {
        throw new LanceFormatException("Fixed-width data decoded for variable-width field " + v.getField());
      }
      long total = vals.offsets[n];
      byte[] offs = new byte[8 * (n + 1)];
      LittleEndian.writeLongs(vals.offsets, 0, offs, 0, n + 1);
      loadVariable(vv, offs, vals.data, total, validity, n);
      return;
    }
    throw new LanceFormatException("Unsupported Arrow vector " + v.getClass().getSimpleName() + " for field " + v.getField());
  }

  /** Loads validity, encoded offsets and the first {@code total} data bytes into a variable-width vector. */
  private static void loadVariable(FieldVector v, byte[] offs, byte[] data, long total, boolean[] validity, int n) {
    BufferAllocator a = v.getAllocator();
    int nulls = nullCount(validity, n);
    ArrowBuf vb = validityBuffer(a, validity, n, nulls);
    ArrowBuf ob = null;
    ArrowBuf db = null;
    try {
      ob = a.buffer(offs.length);
      ob.setBytes(0, offs, 0, offs.length);
      db = a.buffer(Math.max(total, 1));
      db.setBytes(0, data, 0, total);
    } catch (RuntimeException e) {
      vb.close();
      if (ob != null) {
        ob.close();
      }
      throw e;
    }
    load(v, n, nulls, vb, ob, db);
  }
}
