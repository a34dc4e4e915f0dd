package dev.lancelet.file.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Every Arrow type Lancelet must read and write, as named, nullable {@link Field}s, with what
 * lance-core 7.0.0's Java writer does with each one.
 *
 * <p>The {@link Entry#referenceWriter()} maps are the result of probing, recorded in {@link
 * ReferenceQuirks#WRITER_REJECTS} ({@code ReferenceSmokeTest} re-checks them on every run): a type
 * {@link Support#REJECTED} in a version can be tested only in the direction "Lancelet writes,
 * lance-core reads". Probe result for lance-core 7.0.0: every type below is accepted in 2.0, 2.1,
 * 2.2 and 2.3.
 *
 * <p>Dictionary fields use dictionary id {@link #DICTIONARY_ID}; their values are utf8 and
 * {@link RandomData} provides them.
 */
public final class TypeCatalog {

  /** The dictionary id used by the catalog's dictionary-encoded field. */
  public static final long DICTIONARY_ID = 1L;

  /** The reference writer's data storage versions the catalog was probed against. */
  public static final List<String> VERSIONS = List.of("2.0", "2.1", "2.2", "2.3");

  /** What lance-core's Java writer does with a type, for one version. */
  public enum Support {
    /** Written and read back by lance-core. */
    ACCEPTED,
    /** lance-core refuses the type (an exception at open or write); Lancelet-writes-only. */
    REJECTED
  }

  /** Broad kind of a catalog type; lets tests pick subsets. */
  public enum Kind {
    INTEGER,
    FLOAT,
    BOOL,
    STRING,
    BINARY,
    TEMPORAL,
    DECIMAL,
    LIST,
    FIXED_SIZE_LIST,
    STRUCT,
    DICTIONARY,
    NESTED
  }

  /**
   * One catalog type.
   *
   * @param name short unique name, also the field name
   * @param kind broad kind
   * @param field the Arrow field (nullable at every level unless the name says otherwise)
   * @param referenceWriter lance-core writer support per version in {@link #VERSIONS}
   * @param note why a type is rejected, or other probe findings; empty if none
   */
  public record Entry(
      String name, Kind kind, Field field, Map<String, Support> referenceWriter, String note) {

    /** True if lance-core's Java writer accepts this type in {@code version}. */
    public boolean referenceWrites(String version) {
      return referenceWriter.getOrDefault(version, Support.REJECTED) == Support.ACCEPTED;
    }

    /** A one-column schema holding just this field. */
    public Schema schema() {
      return new Schema(List.of(field));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Entry> ALL;

  static {
    List<Entry> e = new ArrayList<>();
    Set<String> all = Set.copyOf(VERSIONS);
    // Integers
    e.add(entry("int8", Kind.INTEGER, prim("int8", new ArrowType.Int(8, true)), all, ""));
    e.add(entry("int16", Kind.INTEGER, prim("int16", new ArrowType.Int(16, true)), all, ""));
    e.add(entry("int32", Kind.INTEGER, prim("int32", new ArrowType.Int(32, true)), all, ""));
    e.add(entry("int64", Kind.INTEGER, prim("int64", new ArrowType.Int(64, true)), all, ""));
    e.add(entry("uint8", Kind.INTEGER, prim("uint8", new ArrowType.Int(8, false)), all, ""));
    e.add(entry("uint16", Kind.INTEGER, prim("uint16", new ArrowType.Int(16, false)), all, ""));
    e.add(entry("uint32", Kind.INTEGER, prim("uint32", new ArrowType.Int(32, false)), all, ""));
    e.add(entry("uint64", Kind.INTEGER, prim("uint64", new ArrowType.Int(64, false)), all, ""));
    // Floats
    e.add(entry("float16", Kind.FLOAT, prim("float16", fp(FloatingPointPrecision.HALF)), all, ""));
    e.add(entry("float32", Kind.FLOAT, prim("float32", fp(FloatingPointPrecision.SINGLE)), all, ""));
    e.add(entry("float64", Kind.FLOAT, prim("float64", fp(FloatingPointPrecision.DOUBLE)), all, ""));
    e.add(entry("bool", Kind.BOOL, prim("bool", ArrowType.Bool.INSTANCE), all, ""));
    // Strings and binaries
    e.add(entry("utf8", Kind.STRING, prim("utf8", ArrowType.Utf8.INSTANCE), all, ""));
    e.add(entry("large_utf8", Kind.STRING, prim("large_utf8", ArrowType.LargeUtf8.INSTANCE), all, ""));
    e.add(entry("binary", Kind.BINARY, prim("binary", ArrowType.Binary.INSTANCE), all, ""));
    e.add(entry("large_binary", Kind.BINARY, prim("large_binary", ArrowType.LargeBinary.INSTANCE), all, ""));
    e.add(entry("fixed_size_binary", Kind.BINARY, prim("fixed_size_binary", new ArrowType.FixedSizeBinary(16)), all, ""));
    // Temporal
    e.add(entry("date32", Kind.TEMPORAL, prim("date32", new ArrowType.Date(DateUnit.DAY)), all, ""));
    e.add(entry("date64", Kind.TEMPORAL, prim("date64", new ArrowType.Date(DateUnit.MILLISECOND)), all, ""));
    e.add(entry("time32_s", Kind.TEMPORAL, prim("time32_s", new ArrowType.Time(TimeUnit.SECOND, 32)), all, ""));
    e.add(entry("time32_ms", Kind.TEMPORAL, prim("time32_ms", new ArrowType.Time(TimeUnit.MILLISECOND, 32)), all, ""));
    e.add(entry("time64_us", Kind.TEMPORAL, prim("time64_us", new ArrowType.Time(TimeUnit.MICROSECOND, 64)), all, ""));
    e.add(entry("time64_ns", Kind.TEMPORAL, prim("time64_ns", new ArrowType.Time(TimeUnit.NANOSECOND, 64)), all, ""));
    for (TimeUnit u : TimeUnit.values()) {
      String unit = unitName(u);
      e.add(entry("timestamp_" + unit, Kind.TEMPORAL, prim("timestamp_" + unit, new ArrowType.Timestamp(u, null)), all, ""));
      e.add(entry("timestamp_" + unit + "_tz", Kind.TEMPORAL,
          prim("timestamp_" + unit + "_tz", new ArrowType.Timestamp(u, u == TimeUnit.MICROSECOND ? "UTC" : "America/New_York")), all, ""));
    }
    // Decimals
    e.add(entry("decimal128", Kind.DECIMAL, prim("decimal128", new ArrowType.Decimal(38, 10, 128)), all, ""));
    e.add(entry("decimal256", Kind.DECIMAL, prim("decimal256", new ArrowType.Decimal(76, 20, 256)), all, ""));
    // Lists
    e.add(entry("list_int32", Kind.LIST, list("list_int32", ArrowType.List.INSTANCE, prim("item", new ArrowType.Int(32, true))), all, ""));
    e.add(entry("list_utf8", Kind.LIST, list("list_utf8", ArrowType.List.INSTANCE, prim("item", ArrowType.Utf8.INSTANCE)), all, ""));
    e.add(entry("large_list_int64", Kind.LIST, list("large_list_int64", ArrowType.LargeList.INSTANCE, prim("item", new ArrowType.Int(64, true))), all, ""));
    // Fixed-size lists
    e.add(entry("embedding_f32x128", Kind.FIXED_SIZE_LIST,
        list("embedding_f32x128", new ArrowType.FixedSizeList(128), notNull("item", fp(FloatingPointPrecision.SINGLE))), all, ""));
    e.add(entry("fsl_i32x3", Kind.FIXED_SIZE_LIST,
        list("fsl_i32x3", new ArrowType.FixedSizeList(3), notNull("item", new ArrowType.Int(32, true))), all, ""));
    e.add(entry("fsl_nullable_items_f64x4", Kind.FIXED_SIZE_LIST,
        list("fsl_nullable_items_f64x4", new ArrowType.FixedSizeList(4), prim("item", fp(FloatingPointPrecision.DOUBLE))), all, ""));
    // Structs
    e.add(entry("struct_flat", Kind.STRUCT,
        struct("struct_flat", prim("a", new ArrowType.Int(32, true)), prim("b", ArrowType.Utf8.INSTANCE)), all, ""));
    e.add(entry("struct_nested", Kind.STRUCT,
        struct("struct_nested",
            prim("a", new ArrowType.Int(32, true)),
            prim("b", ArrowType.Utf8.INSTANCE),
            struct("c", prim("d", fp(FloatingPointPrecision.DOUBLE)), prim("e", ArrowType.Bool.INSTANCE))), all, ""));
    e.add(entry("struct_struct", Kind.STRUCT,
        struct("struct_struct", struct("inner", struct("leaf", prim("v", new ArrowType.Int(64, true))))), all, ""));
    // Dictionary
    e.add(entry("dict_int32_utf8", Kind.DICTIONARY,
        new Field("dict_int32_utf8",
            new FieldType(true, new ArrowType.Int(32, true), new DictionaryEncoding(DICTIONARY_ID, false, new ArrowType.Int(32, true))),
            null), all, ""));
    // Nestings
    e.add(entry("list_struct", Kind.NESTED,
        list("list_struct", ArrowType.List.INSTANCE,
            struct("item", prim("x", new ArrowType.Int(32, true)), prim("y", ArrowType.Utf8.INSTANCE))), all, ""));
    e.add(entry("struct_list", Kind.NESTED,
        struct("struct_list", list("tags", ArrowType.List.INSTANCE, prim("item", ArrowType.Utf8.INSTANCE)),
            prim("n", new ArrowType.Int(64, true))), all, ""));
    e.add(entry("list_list_int32", Kind.NESTED,
        list("list_list_int32", ArrowType.List.INSTANCE,
            list("item", ArrowType.List.INSTANCE, prim("item", new ArrowType.Int(32, true)))), all, ""));
    e.add(entry("list_fsl_f32x4", Kind.NESTED,
        list("list_fsl_f32x4", ArrowType.List.INSTANCE,
            list("item", new ArrowType.FixedSizeList(4), notNull("item", fp(FloatingPointPrecision.SINGLE)))), all, ""));
    e.add(entry("struct_fsl", Kind.NESTED,
        struct("struct_fsl", list("vec", new ArrowType.FixedSizeList(8), notNull("item", fp(FloatingPointPrecision.SINGLE))),
            prim("id", new ArrowType.Int(32, true))), all, ""));
    e.add(entry("large_list_struct", Kind.NESTED,
        list("large_list_struct", ArrowType.LargeList.INSTANCE,
            struct("item", prim("k", ArrowType.Utf8.INSTANCE), prim("v", fp(FloatingPointPrecision.DOUBLE)))), all, ""));
    ALL = List.copyOf(e);
  }

  private TypeCatalog() {}

  /** Every catalog type, in a stable order. */
  public static List<Entry> all() {
    return ALL;
  }

  /** The types lance-core's writer accepts in {@code version}. */
  public static List<Entry> referenceWritable(String version) {
    return ALL.stream().filter(t -> t.referenceWrites(version)).toList();
  }

  /** The entry with this name. */
  public static Entry get(String name) {
    for (Entry t : ALL) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new NoSuchElementException("No catalog type named " + name);
  }

  /** All entries of the given kinds. */
  public static List<Entry> ofKind(Kind first, Kind... rest) {
    EnumSet<Kind> kinds = EnumSet.of(first, rest);
    return ALL.stream().filter(t -> kinds.contains(t.kind())).toList();
  }

  /**
   * One schema with one column per given entry (field names are the entry names, so they are
   * unique).
   */
  public static Schema schemaOf(List<Entry> entries) {
    return new Schema(entries.stream().map(Entry::field).toList());
  }

  // ---- field builders, also handy for tests -------------------------------------------------

  /** A nullable leaf field. */
  public static Field prim(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  /** A non-nullable leaf field. */
  public static Field notNull(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }

  /** A nullable list-like field ({@code List}, {@code LargeList}, {@code FixedSizeList}). */
  public static Field list(String name, ArrowType listType, Field item) {
    return new Field(name, FieldType.nullable(listType), List.of(item));
  }

  /** A nullable struct. */
  public static Field struct(String name, Field... children) {
    return new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(children));
  }

  private static ArrowType fp(FloatingPointPrecision p) {
    return new ArrowType.FloatingPoint(p);
  }

  private static String unitName(TimeUnit u) {
    return switch (u) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }

  private static Entry entry(String name, Kind kind, Field f, Set<String> accepted, String note) {
    Map<String, String> rejects = ReferenceQuirks.WRITER_REJECTS.getOrDefault(name, Map.of());
    Map<String, Support> m = new LinkedHashMap<>();
    StringBuilder notes = new StringBuilder(note);
    for (String v : VERSIONS) {
      boolean ok = accepted.contains(v) && !rejects.containsKey(v);
      m.put(v, ok ? Support.ACCEPTED : Support.REJECTED);
      if (rejects.containsKey(v)) {
        notes.append(notes.isEmpty() ? "" : "; ").append(v).append(": ").append(rejects.get(v));
      }
    }
    return new Entry(name, kind, f, Collections.unmodifiableMap(m), notes.toString());
  }
}
