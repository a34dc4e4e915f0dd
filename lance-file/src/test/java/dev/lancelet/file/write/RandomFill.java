package dev.lancelet.file.write;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.arrow.vector.*;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Seeded random values for any vector the writer accepts, nested types included. A shape picks
 * the value distribution (so the writer's compression choices all get exercised); a null
 * probability applies at every level that is nullable.
 */
final class RandomFill {
  /** Value distributions. */
  enum Shape {
    RANDOM,
    SMALL_RANGE,
    RUNS,
    SORTED,
    CONSTANT
  }

  private final Random rnd;
  private final Shape shape;
  private final double pNull;
  private final int maxListLength;

  RandomFill(Random rnd, Shape shape, double pNull, int maxListLength) {
    this.rnd = rnd;
    this.shape = shape;
    this.pNull = pNull;
    this.maxListLength = maxListLength;
  }

  /** Fills rows {@code [0, rows)} of {@code v} and sets its value count. */
  void fill(FieldVector v, int rows) {
    fillRange(v, 0, rows);
    v.setValueCount(rows);
  }

  private boolean drawNull(FieldVector v) {
    return v.getField().isNullable() && pNull > 0 && (pNull >= 1 || rnd.nextDouble() < pNull);
  }

  private long value(int i) {
    return switch (shape) {
      case RANDOM -> rnd.nextLong();
      case SMALL_RANGE -> rnd.nextInt(100);
      case RUNS -> (i / 300) * 7L;
      case SORTED -> i * 3L;
      case CONSTANT -> 42;
    };
  }

  private String string(int i) {
    return switch (shape) {
      case RANDOM -> rnd.nextInt(10) == 0 ? "" : FsstWriterTest.text(rnd, 1, 1 + rnd.nextInt(60));
      case SMALL_RANGE -> "cat" + rnd.nextInt(8);
      case RUNS -> "run" + (i / 200);
      case SORTED -> String.format("key%08d", i);
      case CONSTANT -> "same";
    };
  }

  private byte[] bytes(int i) {
    if (shape == Shape.RANDOM) {
      byte[] b = new byte[rnd.nextInt(40)];
      rnd.nextBytes(b);
      return b;
    }
    return string(i).getBytes(StandardCharsets.UTF_8);
  }

  void fillRange(FieldVector v, int from, int to) {
    for (int i = from; i < to; i++) {
      boolean isNull = drawNull(v);
      switch (v) {
        case StructVector sv -> {
          if (isNull) sv.setNull(i); else sv.setIndexDefined(i);
        }
        case ListVector lv -> {
          if (isNull) { lv.setNull(i); continue; }
          int len = rnd.nextInt(maxListLength + 1);
          int start = lv.startNewValue(i);
          fillRange(lv.getDataVector(), start, start + len);
          lv.getDataVector().setValueCount(start + len);
          lv.endValue(i, len);
        }
        case LargeListVector lv -> {
          if (isNull) { lv.setNull(i); continue; }
          int len = rnd.nextInt(maxListLength + 1);
          long start = lv.startNewValue(i);
          fillRange(lv.getDataVector(), (int) start, (int) start + len);
          lv.getDataVector().setValueCount((int) start + len);
          lv.endValue(i, len);
        }
        case FixedSizeListVector fv -> {
          int dim = fv.getListSize();
          FieldVector items = fv.getDataVector();
          if (isNull) {
            fv.setNull(i);
            // Slots under a null list still need defined child values.
            for (int k = 0; k < dim; k++) setZero(items, i * dim + k);
          } else {
            fv.setNotNull(i);
            fillRange(items, i * dim, (i + 1) * dim);
          }
          items.setValueCount((i + 1) * dim);
        }
        default -> {
          if (isNull) {
            setNull(v, i);
          } else {
            setValue(v, i, value(i));
          }
        }
      }
    }
    if (v instanceof StructVector sv) {
      for (FieldVector c : sv.getChildrenFromFields()) {
        fillRange(c, from, to);
        c.setValueCount(to);
      }
    }
  }

  private void setZero(FieldVector v, int i) {
    setValue(v, i, 0);
  }

  private void setValue(FieldVector v, int i, long x) {
    switch (v) {
      case TinyIntVector t -> t.setSafe(i, (byte) x);
      case SmallIntVector t -> t.setSafe(i, (short) x);
      case IntVector t -> t.setSafe(i, (int) x);
      case BigIntVector t -> t.setSafe(i, x);
      case UInt1Vector t -> t.setSafe(i, (byte) x);
      case UInt2Vector t -> t.setSafe(i, (char) x);
      case UInt4Vector t -> t.setSafe(i, (int) x);
      case UInt8Vector t -> t.setSafe(i, x);
      case Float2Vector t -> t.setSafe(i, (short) (x & 0x7BFF));
      case Float4Vector t -> t.setSafe(i, shape == Shape.RANDOM ? (float) rnd.nextGaussian() : (float) x);
      case Float8Vector t -> t.setSafe(i, shape == Shape.RANDOM ? rnd.nextDouble() : x / 4.0);
      case BitVector t -> t.setSafe(i, shape == Shape.RANDOM ? rnd.nextInt(2) : (int) ((x / 7) & 1));
      case DateDayVector t -> t.setSafe(i, (int) (x & 0xFFFFF));
      case DateMilliVector t -> t.setSafe(i, (x & 0xFFFFF) * 86_400_000L);
      case TimeStampMicroTZVector t -> t.setSafe(i, 1_700_000_000_000_000L + (shape == Shape.RANDOM ? rnd.nextInt() : x));
      case TimeStampMicroVector t -> t.setSafe(i, 1_700_000_000_000_000L + (x & 0xFFFFFFFFL));
      case TimeStampNanoVector t -> t.setSafe(i, x);
      case TimeMicroVector t -> t.setSafe(i, Math.floorMod(x, 86_400_000_000L));
      case TimeMilliVector t -> t.setSafe(i, (int) Math.floorMod(x, 86_400_000L));
      case DurationVector t -> t.setSafe(i, x);
      case DecimalVector t -> t.setSafe(i, BigDecimal.valueOf(x % 1_000_000_000L, t.getScale()));
      case FixedSizeBinaryVector t -> {
        byte[] b = new byte[t.getByteWidth()];
        if (shape == Shape.RANDOM) rnd.nextBytes(b); else b[0] = (byte) x;
        t.setSafe(i, b);
      }
      case VarCharVector t -> t.setSafe(i, string(i).getBytes(StandardCharsets.UTF_8));
      case LargeVarCharVector t -> t.setSafe(i, string(i).getBytes(StandardCharsets.UTF_8));
      case VarBinaryVector t -> t.setSafe(i, bytes(i));
      case LargeVarBinaryVector t -> t.setSafe(i, bytes(i));
      default -> throw new IllegalStateException("No random values for " + v.getClass().getSimpleName());
    }
  }

  static void setNull(FieldVector v, int i) {
    switch (v) {
      case BaseFixedWidthVector b -> b.setNull(i);
      case BaseVariableWidthVector b -> b.setNull(i);
      case BaseLargeVariableWidthVector b -> b.setNull(i);
      default -> throw new IllegalStateException("Cannot set null in " + v.getClass().getSimpleName());
    }
  }
}
