package dev.lancelet.file.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Exact comparison of Arrow data: types, null positions at every nesting level, and values
 * (floats bit for bit, except that any NaN equals any NaN). Dictionary-encoded columns are
 * compared by their decoded values, so a dictionary column equals the plain column it encodes.
 * Field metadata and the names of list / large-list / fixed-size-list item fields are ignored
 * (Arrow Java renames them to {@code $data$} in {@code slice}, {@code getField} and friends).
 *
 * <p>A failure names the column, the field path inside it, the global row (and the batch and row
 * within each side), the expected and actual values, and the caller's context; put the seed in
 * the context. Further mismatches are counted per column in the same message.
 */
public final class ArrowAssert {

  private ArrowAssert() {}

  /** Asserts two roots hold the same schema (modulo metadata) and values. */
  public static void assertRootsEqual(VectorSchemaRoot expected, VectorSchemaRoot actual, String context) {
    assertBatchesEqual(List.of(expected), null, List.of(actual), null, context);
  }

  /** As {@link #assertRootsEqual(VectorSchemaRoot, VectorSchemaRoot, String)}, decoding dictionaries. */
  public static void assertRootsEqual(
      VectorSchemaRoot expected, DictionaryProvider expectedDictionaries,
      VectorSchemaRoot actual, DictionaryProvider actualDictionaries, String context) {
    assertBatchesEqual(List.of(expected), expectedDictionaries, List.of(actual), actualDictionaries, context);
  }

  /**
   * Asserts the concatenation of {@code expected} equals the concatenation of {@code actual},
   * wherever the batch boundaries fall on either side.
   */
  public static void assertBatchesEqual(List<VectorSchemaRoot> expected, List<VectorSchemaRoot> actual, String context) {
    assertBatchesEqual(expected, null, actual, null, context);
  }

  /** As {@link #assertBatchesEqual(List, List, String)}, decoding dictionaries. */
  public static void assertBatchesEqual(
      List<VectorSchemaRoot> expected, DictionaryProvider expectedDictionaries,
      List<VectorSchemaRoot> actual, DictionaryProvider actualDictionaries, String context) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    if (expected.isEmpty() || actual.isEmpty()) {
      long e = expected.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
      long a = actual.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
      if (e != a) {
        fail(context, "Row count differs: expected " + e + " but was " + a + " (one side has no batches)");
      }
      return;
    }
    List<Field> eFields = expected.get(0).getSchema().getFields();
    List<Field> aFields = actual.get(0).getSchema().getFields();
    if (eFields.size() != aFields.size()) {
      fail(context, "Column count differs: expected " + names(eFields) + " but was " + names(aFields));
    }
    for (int c = 0; c < eFields.size(); c++) {
      String diff = compareFields(
          eFields.get(c), expectedDictionaries, aFields.get(c), actualDictionaries, eFields.get(c).getName());
      if (diff != null) {
        fail(context, "Schema differs in column " + c + ": " + diff);
      }
    }
    long eRows = expected.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
    long aRows = actual.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
    if (eRows != aRows) {
      fail(context, "Row count differs: expected " + eRows + " (" + expected.size() + " batches) but was "
          + aRows + " (" + actual.size() + " batches)");
    }
    StringBuilder report = new StringBuilder();
    for (int c = 0; c < eFields.size(); c++) {
      int eb = 0, er = 0, ab = 0, ar = 0;
      long mismatches = 0;
      String first = null;
      for (long g = 0; g < eRows; g++) {
        while (er >= expected.get(eb).getRowCount()) {
          eb++;
          er = 0;
        }
        while (ar >= actual.get(ab).getRowCount()) {
          ab++;
          ar = 0;
        }
        FieldVector ev = expected.get(eb).getVector(c);
        FieldVector av = actual.get(ab).getVector(c);
        String diff = compareCell(ev, er, expectedDictionaries, av, ar, actualDictionaries, ev.getField().getName());
        if (diff != null) {
          if (first == null) {
            first = "column '" + ev.getField().getName() + "', row " + g
                + (expected.size() > 1 || actual.size() > 1
                    ? " (expected batch " + eb + " row " + er + ", actual batch " + ab + " row " + ar + ")" : "")
                + ": " + diff;
          }
          mismatches++;
        }
        er++;
        ar++;
      }
      if (first != null) {
        report.append(report.isEmpty() ? "" : "\n  also ").append(first)
            .append(" [").append(mismatches).append(" mismatching rows in this column]");
      }
    }
    if (!report.isEmpty()) {
      fail(context, "Values differ in " + report);
    }
  }

  /**
   * Asserts that row {@code i} of {@code actual} equals global row {@code rows[i]} of the
   * concatenation of {@code expected}, for every {@code i}: the check for a take (rows in any
   * order, duplicates allowed) or a row range. Schemas are compared as in {@link
   * #assertBatchesEqual(List, DictionaryProvider, List, DictionaryProvider, String)}.
   */
  public static void assertRowsEqual(
      List<VectorSchemaRoot> expected, DictionaryProvider expectedDictionaries, long[] rows,
      VectorSchemaRoot actual, DictionaryProvider actualDictionaries, String context) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    if (actual.getRowCount() != rows.length) {
      fail(context, "Row count differs: asked for " + rows.length + " rows but got " + actual.getRowCount());
    }
    if (rows.length == 0) {
      return;
    }
    long[] starts = new long[expected.size() + 1];
    for (int b = 0; b < expected.size(); b++) {
      starts[b + 1] = starts[b] + expected.get(b).getRowCount();
    }
    List<Field> eFields = expected.get(0).getSchema().getFields();
    List<Field> aFields = actual.getSchema().getFields();
    if (eFields.size() != aFields.size()) {
      fail(context, "Column count differs: expected " + names(eFields) + " but was " + names(aFields));
    }
    for (int c = 0; c < eFields.size(); c++) {
      String diff = compareFields(
          eFields.get(c), expectedDictionaries, aFields.get(c), actualDictionaries, eFields.get(c).getName());
      if (diff != null) {
        fail(context, "Schema differs in column " + c + ": " + diff);
      }
    }
    StringBuilder report = new StringBuilder();
    for (int c = 0; c < eFields.size(); c++) {
      long mismatches = 0;
      String first = null;
      for (int i = 0; i < rows.length; i++) {
        long g = rows[i];
        if (g < 0 || g >= starts[expected.size()]) {
          fail(context, "Row " + g + " (position " + i + ") is outside the expected " + starts[expected.size()] + " rows");
        }
        int b = java.util.Arrays.binarySearch(starts, g);
        b = b >= 0 ? b : -b - 2;
        while (starts[b + 1] <= g) {
          b++; // skip empty batches
        }
        FieldVector ev = expected.get(b).getVector(c);
        FieldVector av = actual.getVector(c);
        String diff = compareCell(ev, (int) (g - starts[b]), expectedDictionaries, av, i, actualDictionaries,
            ev.getField().getName());
        if (diff != null) {
          if (first == null) {
            first = "column '" + ev.getField().getName() + "', position " + i + " (row " + g + "): " + diff;
          }
          mismatches++;
        }
      }
      if (first != null) {
        report.append(report.isEmpty() ? "" : "\n  also ").append(first)
            .append(" [").append(mismatches).append(" mismatching rows in this column]");
      }
    }
    if (!report.isEmpty()) {
      fail(context, "Values differ in " + report);
    }
  }

  /** Canonical description of one value, for messages (dictionary decoded when possible). */
  public static String describe(FieldVector v, int row, DictionaryProvider dictionaries) {
    Resolved r = resolve(v, row, dictionaries);
    return r == null ? "<dictionary missing>" : render(r.vector, r.index);
  }

  // ------------------------------------------------------------------------------------------

  private static void fail(String context, String message) {
    throw new AssertionError(message + "\n  context: " + context);
  }

  private static String names(List<Field> fields) {
    return fields.stream().map(Field::getName).toList().toString();
  }

  private record Logical(ArrowType type, boolean nullable, List<Field> children) {}

  private static Logical logical(Field f, DictionaryProvider dicts) {
    if (f.getDictionary() == null) {
      return new Logical(f.getType(), f.isNullable(), f.getChildren());
    }
    Dictionary d = dicts == null ? null : dicts.lookup(f.getDictionary().getId());
    if (d == null) {
      return null;
    }
    Field vf = d.getVector().getField();
    return new Logical(vf.getType(), f.isNullable(), vf.getChildren());
  }

  private static String compareFields(Field e, DictionaryProvider ed, Field a, DictionaryProvider ad, String path) {
    return compareFields(e, ed, a, ad, path, false);
  }

  private static String compareFields(
      Field e, DictionaryProvider ed, Field a, DictionaryProvider ad, String path, boolean listItem) {
    if (!listItem && !e.getName().equals(a.getName())) {
      return "field " + path + ": expected name '" + e.getName() + "' but was '" + a.getName() + "'";
    }
    Logical el = logical(e, ed);
    Logical al = logical(a, ad);
    if (el == null || al == null) {
      return "field " + path + ": dictionary-encoded but no dictionary with id "
          + (el == null ? e.getDictionary().getId() + " in expected" : a.getDictionary().getId() + " in actual");
    }
    if (!el.type.equals(al.type)) {
      return "field " + path + ": expected type " + el.type + " but was " + al.type;
    }
    if (el.nullable != al.nullable) {
      return "field " + path + ": expected nullable=" + el.nullable + " but was nullable=" + al.nullable;
    }
    if (el.children.size() != al.children.size()) {
      return "field " + path + ": expected children " + names(el.children) + " but was " + names(al.children);
    }
    for (int i = 0; i < el.children.size(); i++) {
      boolean item = el.type instanceof ArrowType.List || el.type instanceof ArrowType.LargeList
          || el.type instanceof ArrowType.FixedSizeList;
      String d = compareFields(el.children.get(i), ed, al.children.get(i), ad, path + "." + el.children.get(i).getName(), item);
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  private record Resolved(FieldVector vector, int index) {}

  private static Resolved resolve(FieldVector v, int i, DictionaryProvider dicts) {
    if (v.getField().getDictionary() == null || v.isNull(i)) {
      return new Resolved(v, i);
    }
    Dictionary d = dicts == null ? null : dicts.lookup(v.getField().getDictionary().getId());
    if (d == null) {
      return null;
    }
    long idx = ((BaseIntVector) v).getValueAsLong(i);
    return new Resolved(d.getVector(), Math.toIntExact(idx));
  }

  /** Null if equal, else a description of the first difference (with the field path). */
  private static String compareCell(
      FieldVector e0, int ei0, DictionaryProvider ed, FieldVector a0, int ai0, DictionaryProvider ad, String path) {
    Resolved er = resolve(e0, ei0, ed);
    Resolved ar = resolve(a0, ai0, ad);
    if (er == null || ar == null) {
      return "at " + path + ": dictionary missing";
    }
    FieldVector e = er.vector;
    FieldVector a = ar.vector;
    int ei = er.index;
    int ai = ar.index;
    boolean en = e.isNull(ei);
    boolean an = a.isNull(ai);
    if (en != an) {
      return "at " + path + ": expected " + (en ? "null" : render(e, ei)) + " but was " + (an ? "null" : render(a, ai));
    }
    if (en) {
      return null;
    }
    if (e.getClass() != a.getClass()) {
      return "at " + path + ": expected a " + e.getClass().getSimpleName() + " but was a " + a.getClass().getSimpleName();
    }
    if (e instanceof StructVector es) {
      StructVector as = (StructVector) a;
      List<FieldVector> ec = es.getChildrenFromFields();
      List<FieldVector> ac = as.getChildrenFromFields();
      if (ec.size() != ac.size()) {
        return "at " + path + ": expected " + ec.size() + " struct children but was " + ac.size();
      }
      for (int k = 0; k < ec.size(); k++) {
        String d = compareCell(ec.get(k), ei, ed, ac.get(k), ai, ad, path + "." + ec.get(k).getField().getName());
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (e instanceof ListVector el) {
      ListVector al = (ListVector) a;
      return compareRange(el.getDataVector(), el.getElementStartIndex(ei), el.getElementEndIndex(ei), ed,
          al.getDataVector(), al.getElementStartIndex(ai), al.getElementEndIndex(ai), ad, path, e, ei, a, ai);
    }
    if (e instanceof LargeListVector el) {
      LargeListVector al = (LargeListVector) a;
      return compareRange(el.getDataVector(), el.getElementStartIndex(ei), el.getElementEndIndex(ei), ed,
          al.getDataVector(), al.getElementStartIndex(ai), al.getElementEndIndex(ai), ad, path, e, ei, a, ai);
    }
    if (e instanceof FixedSizeListVector el) {
      FixedSizeListVector al = (FixedSizeListVector) a;
      long es = (long) ei * el.getListSize();
      long as = (long) ai * al.getListSize();
      return compareRange(el.getDataVector(), es, es + el.getListSize(), ed,
          al.getDataVector(), as, as + al.getListSize(), ad, path, e, ei, a, ai);
    }
    boolean equal;
    if (e instanceof BitVector eb) {
      equal = eb.get(ei) == ((BitVector) a).get(ai);
    } else if (e instanceof Float2Vector f) {
      short x = f.get(ei);
      short y = ((Float2Vector) a).get(ai);
      equal = x == y || (Float.isNaN(Float.float16ToFloat(x)) && Float.isNaN(Float.float16ToFloat(y)));
    } else if (e instanceof Float4Vector f) {
      float x = f.get(ei);
      float y = ((Float4Vector) a).get(ai);
      equal = Float.floatToRawIntBits(x) == Float.floatToRawIntBits(y) || (Float.isNaN(x) && Float.isNaN(y));
    } else if (e instanceof Float8Vector f) {
      double x = f.get(ei);
      double y = ((Float8Vector) a).get(ai);
      equal = Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y) || (Double.isNaN(x) && Double.isNaN(y));
    } else if (e instanceof BaseFixedWidthVector ef) {
      BaseFixedWidthVector af = (BaseFixedWidthVector) a;
      int w = ef.getTypeWidth();
      if (w != af.getTypeWidth()) {
        return "at " + path + ": expected width " + w + " but was " + af.getTypeWidth();
      }
      equal = true;
      long eo = (long) ei * w;
      long ao = (long) ai * w;
      for (int k = 0; k < w && equal; k++) {
        equal = ef.getDataBuffer().getByte(eo + k) == af.getDataBuffer().getByte(ao + k);
      }
    } else if (e instanceof BaseVariableWidthVector ev) {
      equal = java.util.Arrays.equals(ev.get(ei), ((BaseVariableWidthVector) a).get(ai));
    } else if (e instanceof BaseLargeVariableWidthVector ev) {
      equal = java.util.Arrays.equals(ev.get(ei), ((BaseLargeVariableWidthVector) a).get(ai));
    } else {
      equal = Objects.equals(e.getObject(ei), a.getObject(ai));
    }
    return equal ? null : "at " + path + ": expected " + render(e, ei) + " but was " + render(a, ai);
  }

  private static String compareRange(
      FieldVector ec, long es, long ee, DictionaryProvider ed,
      FieldVector ac, long as, long ae, DictionaryProvider ad, String path,
      FieldVector e, int ei, FieldVector a, int ai) {
    if (ee - es != ae - as) {
      return "at " + path + ": expected a list of " + (ee - es) + " items but was " + (ae - as) + " items: expected "
          + render(e, ei) + " but was " + render(a, ai);
    }
    for (long k = 0; k < ee - es; k++) {
      String d = compareCell(ec, Math.toIntExact(es + k), ed, ac, Math.toIntExact(as + k), ad,
          path + "[" + k + "]");
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  private static final int MAX_RENDER = 160;

  private static String render(FieldVector v, int i) {
    if (v.isNull(i)) {
      return "null";
    }
    String s;
    if (v instanceof VarCharVector || v instanceof LargeVarCharVector) {
      byte[] b = v instanceof VarCharVector vc ? vc.get(i) : ((LargeVarCharVector) v).get(i);
      s = "\"" + new String(b, StandardCharsets.UTF_8) + "\" (" + b.length + " B)";
    } else if (v instanceof BaseVariableWidthVector bv) {
      s = hex(bv.get(i));
    } else if (v instanceof BaseLargeVariableWidthVector bv) {
      s = hex(bv.get(i));
    } else if (v instanceof Float2Vector f) {
      short bits = f.get(i);
      s = Float.float16ToFloat(bits) + " (bits 0x" + Integer.toHexString(bits & 0xFFFF) + ")";
    } else if (v instanceof Float4Vector f) {
      s = f.get(i) + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(f.get(i))) + ")";
    } else if (v instanceof Float8Vector f) {
      s = f.get(i) + " (bits 0x" + Long.toHexString(Double.doubleToRawLongBits(f.get(i))) + ")";
    } else {
      Object o = v.getObject(i);
      s = o instanceof byte[] b ? hex(b) : String.valueOf(o);
    }
    return s.length() > MAX_RENDER ? s.substring(0, MAX_RENDER) + "…" : s;
  }

  private static String hex(byte[] b) {
    int n = Math.min(b.length, 48);
    return "0x" + HexFormat.of().formatHex(b, 0, n) + (n < b.length ? "…" : "") + " (" + b.length + " B)";
  }

}
