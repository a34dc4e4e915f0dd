package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.schema.LanceField;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
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

  private static void setValidity(ArrowBuf vb, boolean[] validity, int n) {
    for (int i = 0; i < n; i++) {
      if (validity == null || validity[i]) {
        BitVectorHelper.setBit(vb, i);
      } else {
        BitVectorHelper.unsetBit(vb, i);
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
      fl.setInitialCapacity(n);
      while (fl.getValueCapacity() < n) {
        fl.reAlloc();
      }
      setValidity(fl.getValidityBuffer(), validity, n);
      fl.setValueCount(n);
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
      fv.allocateNew(n);
      fv.getDataBuffer().setBytes(0, vals.data, 0, (long) n * w);
      setValidity(fv.getValidityBuffer(), validity, n);
      fv.setValueCount(n);
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
      vv.allocateNew(Math.max(total, 1), n);
      ArrowBuf ob = vv.getOffsetBuffer();
      for (int i = 0; i <= n; i++) {
        ob.setInt(4L * i, (int) vals.offsets[i]);
      }
      while (vv.getDataBuffer().capacity() < total) {
        vv.reallocDataBuffer();
      }
      vv.getDataBuffer().setBytes(0, vals.data, 0, total);
      setValidity(vv.getValidityBuffer(), validity, n);
      vv.setLastSet(n - 1);
      vv.setValueCount(n);
      return;
    }
    if (v instanceof BaseLargeVariableWidthVector vv) {
      if (!vals.isVariable()) {
        throw new LanceFormatException("Fixed-width data decoded for variable-width field " + v.getField());
      }
      long total = vals.offsets[n];
      vv.allocateNew(Math.max(total, 1), n);
      ArrowBuf ob = vv.getOffsetBuffer();
      for (int i = 0; i <= n; i++) {
        ob.setLong(8L * i, vals.offsets[i]);
      }
      while (vv.getDataBuffer().capacity() < total) {
        vv.reallocDataBuffer();
      }
      vv.getDataBuffer().setBytes(0, vals.data, 0, total);
      setValidity(vv.getValidityBuffer(), validity, n);
      vv.setLastSet(n - 1);
      vv.setValueCount(n);
      return;
    }
    throw new LanceFormatException("Unsupported Arrow vector " + v.getClass().getSimpleName() + " for field " + v.getField());
  }
}
