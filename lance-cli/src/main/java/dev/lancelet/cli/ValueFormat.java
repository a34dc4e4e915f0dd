package dev.lancelet.cli;

import java.util.Locale;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.BaseRepeatedValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/** One Arrow value as short text for a table cell; long lists show their first few items. */
final class ValueFormat {
  private static final int LIST_ITEMS_SHOWN = 3;

  private ValueFormat() {}

  static String format(ValueVector v, int i) {
    if (v.isNull(i)) {
      return "null";
    }
    if (v instanceof FixedSizeListVector fsl) {
      int n = fsl.getListSize();
      return list(fsl.getDataVector(), i * n, i * n + n);
    }
    if (v instanceof ListVector lv) {
      return list(lv.getDataVector(), lv.getElementStartIndex(i), lv.getElementEndIndex(i));
    }
    if (v instanceof BaseRepeatedValueVector rv) {
      return String.valueOf(rv.getObject(i));
    }
    if (v instanceof Float4Vector f) {
      return String.format(Locale.ROOT, "%.3f", f.get(i));
    }
    if (v instanceof Float8Vector f) {
      return String.format(Locale.ROOT, "%.4f", f.get(i));
    }
    Object o = v.getObject(i);
    return o instanceof byte[] b ? hex(b) : String.valueOf(o);
  }

  private static String list(FieldVector items, int start, int end) {
    StringBuilder sb = new StringBuilder("[");
    int n = end - start;
    for (int k = 0; k < Math.min(n, LIST_ITEMS_SHOWN); k++) {
      sb.append(k == 0 ? "" : ", ").append(format(items, start + k));
    }
    if (n > LIST_ITEMS_SHOWN) {
      sb.append(", … ").append(n).append(" items");
    }
    return sb.append(']').toString();
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder("0x");
    for (int k = 0; k < Math.min(b.length, 16); k++) {
      sb.append(String.format("%02x", b[k]));
    }
    return b.length > 16 ? sb.append("…").toString() : sb.toString();
  }
}
