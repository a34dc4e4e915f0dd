package dev.lancelet.file.v20;

import dev.lancelet.file.LanceFormatException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Allocates Arrow vectors for a known row count and copies decoded {@link Block}s into them. Each
 * vector is filled front to back by one reader; {@link #finish} sets the value counts.
 */
final class VectorFill {
  private VectorFill() {}

  /**
   * Allocates {@code v} for {@code count} rows, all null until filled. List children are not
   * allocated here: their size is known only once the offsets are read.
   */
  static void allocate(FieldVector v, int count) {
    switch (v) {
      case BaseFixedWidthVector f -> {
        f.allocateNew(Math.max(count, 1));
      }
      case BaseVariableWidthVector f -> f.allocateNew(Math.max(count * 8L, 64), Math.max(count, 1));
      case BaseLargeVariableWidthVector f -> f.allocateNew(Math.max(count * 8L, 64), Math.max(count, 1));
      case FixedSizeListVector f -> {
        f.setInitialCapacity(Math.max(count, 1));
        f.allocateNew();
        allocate(f.getDataVector(), Math.multiplyExact(count, f.getListSize()));
      }
      case StructVector s -> {
        s.setInitialCapacity(Math.max(count, 1));
        s.allocateNew();
        for (FieldVector c : s.getChildrenFromFields()) {
          allocate(c, count);
        }
      }
      case ListVector l -> {
        l.setInitialCapacity(Math.max(count, 1));
        l.allocateNew();
      }
      case LargeListVector l -> {
        l.setInitialCapacity(Math.max(count, 1));
        l.allocateNew();
      }
      case NullVector n -> {}
      default -> throw new IllegalArgumentException("Unsupported Arrow vector " + v.getClass().getSimpleName());
    }
  }

  /** Copies {@code b} into {@code v} at row {@code at}. */
  static void append(PageIo io, FieldVector v, int at, Block b) throws LanceFormatException {
    int n = b.count();
    if (b instanceof Block.AllNull) {
      appendNulls(v, at, n);
      return;
    }
    switch (v) {
      case BitVector bv -> {
        Block.Fixed f = fixed(io, v, b, 1);
        Bits.copyInto(f.data(), bv.getDataBuffer(), at, n);
        Bits.copyInto(f.validity(), bv.getValidityBuffer(), at, n);
      }
      case BaseFixedWidthVector fv -> {
        int w = fv.getTypeWidth();
        Block.Fixed f = fixed(io, v, b, w * 8);
        fv.getDataBuffer().setBytes((long) at * w, f.data(), 0, (long) n * w);
        Bits.copyInto(f.validity(), fv.getValidityBuffer(), at, n);
      }
      case BaseVariableWidthVector vv -> {
        Block.Var var = var(io, v, b);
        ArrowBuf offs = vv.getOffsetBuffer();
        long base = offs.getInt((long) at * 4);
        long end = base + var.offsets()[n];
        if (end > Integer.MAX_VALUE) {
          throw io.corrupt("Field %s holds more than 2 GiB of bytes in one read; use a large type or a smaller batch", v.getField().getName());
        }
        while (vv.getDataBuffer().capacity() < end) {
          vv.reallocDataBuffer();
        }
        vv.getDataBuffer().setBytes(base, var.data(), 0, var.data().length);
        offs = vv.getOffsetBuffer();
        for (int i = 1; i <= n; i++) {
          offs.setInt((long) (at + i) * 4, (int) (base + var.offsets()[i]));
        }
        Bits.copyInto(var.validity(), vv.getValidityBuffer(), at, n);
        vv.setLastSet(at + n - 1);
      }
      case BaseLargeVariableWidthVector vv -> {
        Block.Var var = var(io, v, b);
        ArrowBuf offs = vv.getOffsetBuffer();
        long base = offs.getLong((long) at * 8);
        long end = base + var.offsets()[n];
        while (vv.getDataBuffer().capacity() < end) {
          vv.reallocDataBuffer();
        }
        vv.getDataBuffer().setBytes(base, var.data(), 0, var.data().length);
        offs = vv.getOffsetBuffer();
        for (int i = 1; i <= n; i++) {
          offs.setLong((long) (at + i) * 8, base + var.offsets()[i]);
        }
        Bits.copyInto(var.validity(), vv.getValidityBuffer(), at, n);
        vv.setLastSet(at + n - 1);
      }
      case FixedSizeListVector fl -> {
        if (!(b instanceof Block.Fsl l) || l.dim() != fl.getListSize()) {
          throw io.corrupt("Field %s is %s but the page holds %s", v.getField().getName(), v.getField().getType(), describe(b));
        }
        append(io, fl.getDataVector(), at * l.dim(), l.items());
        Bits.copyInto(l.validity(), fl.getValidityBuffer(), at, n);
      }
      case StructVector s -> {
        if (!(b instanceof Block.Packed p) || p.children().length != s.getChildrenFromFields().size()) {
          throw io.corrupt("Field %s is a struct but the page holds %s", v.getField().getName(), describe(b));
        }
        for (int c = 0; c < p.children().length; c++) {
          append(io, s.getChildrenFromFields().get(c), at, p.children()[c]);
        }
        Bits.copyInto(null, s.getValidityBuffer(), at, n);
      }
      case NullVector nv -> {}
      default -> throw io.corrupt("Field %s of type %s cannot hold %s", v.getField().getName(), v.getField().getType(), describe(b));
    }
  }

  /** Nulls need no bytes, except that offsets must repeat and children must stay aligned. */
  private static void appendNulls(FieldVector v, int at, int n) {
    switch (v) {
      case BaseVariableWidthVector vv -> {
        ArrowBuf offs = vv.getOffsetBuffer();
        int base = offs.getInt((long) at * 4);
        for (int i = 1; i <= n; i++) {
          offs.setInt((long) (at + i) * 4, base);
        }
        vv.setLastSet(at + n - 1);
      }
      case BaseLargeVariableWidthVector vv -> {
        ArrowBuf offs = vv.getOffsetBuffer();
        long base = offs.getLong((long) at * 8);
        for (int i = 1; i <= n; i++) {
          offs.setLong((long) (at + i) * 8, base);
        }
        vv.setLastSet(at + n - 1);
      }
      case FixedSizeListVector fl -> appendNulls(fl.getDataVector(), at * fl.getListSize(), n * fl.getListSize());
      case StructVector s -> {
        for (FieldVector c : s.getChildrenFromFields()) {
          appendNulls(c, at, n);
        }
      }
      default -> {}
    }
  }

  private static Block.Fixed fixed(PageIo io, FieldVector v, Block b, int bits) throws LanceFormatException {
    if (b instanceof Block.Fixed f && f.bits() == bits) {
      return f;
    }
    throw io.corrupt("Field %s is %s (%d bits) but the page holds %s", v.getField().getName(), v.getField().getType(), bits, describe(b));
  }

  private static Block.Var var(PageIo io, FieldVector v, Block b) throws LanceFormatException {
    if (b instanceof Block.Var var) {
      return var;
    }
    throw io.corrupt("Field %s is %s but the page holds %s", v.getField().getName(), v.getField().getType(), describe(b));
  }

  static String describe(Block b) {
    return switch (b) {
      case Block.Fixed f -> f.bits() + "-bit fixed-width values";
      case Block.Var v -> "variable-width values";
      case Block.Fsl l -> "fixed-size lists of " + l.dim();
      case Block.AllNull a -> "nulls";
      case Block.Packed p -> "a packed struct of " + p.children().length + " fields";
    };
  }
}
