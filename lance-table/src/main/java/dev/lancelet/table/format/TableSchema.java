package dev.lancelet.table.format;

import com.google.protobuf.ByteString;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.file.schema.LanceSchemaConverter;
import dev.lancelet.format.proto.FileProtos;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A dataset's schema as the manifest stores it: a flat list of {@code lance.file.Field} messages
 * (parents before children, linked by {@code parent_id}, -1 at the top level), each with a field id
 * that never changes once assigned, plus schema-level metadata. Field ids tie the schema to the
 * data files: a {@code DataFile} lists the ids of the fields it stores.
 *
 * <p>Ids are assigned depth-first in pre-order (a field, then its children), starting after the
 * largest id in use, so a new dataset numbers its fields 0, 1, 2, ... Fixed-size lists carry their
 * item type inside the logical type and have no child field.
 *
 * <p>Immutable and validated on construction (ids unique and not negative, parents exist, logical
 * types known).
 */
public final class TableSchema {
  private final List<FileProtos.Field> fields;
  private final Map<String, ByteString> metadata;
  private final List<LanceField> tree;
  private final Map<Integer, LanceField> byId;
  private final Schema arrow;

  private TableSchema(List<FileProtos.Field> fields, Map<String, ByteString> metadata, List<LanceField> tree) {
    this.fields = List.copyOf(fields);
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    this.tree = List.copyOf(tree);
    Map<Integer, LanceField> ids = new HashMap<>();
    index(tree, ids);
    this.byId = Collections.unmodifiableMap(ids);
    this.arrow = decodedForm(LanceSchemaConverter.arrowSchema(tree, metadata));
  }

  private static void index(List<LanceField> fs, Map<Integer, LanceField> out) {
    for (LanceField f : fs) {
      out.put(f.id(), f);
      index(f.children(), out);
    }
  }

  /**
   * The schema of a manifest's field list.
   *
   * @throws LanceFormatException if the list is not a valid schema (duplicate ids, missing
   *     parents, unknown logical types, ...); the message names the field
   */
  public static TableSchema of(List<FileProtos.Field> fields, Map<String, ByteString> metadata)
      throws LanceFormatException {
    return new TableSchema(fields, metadata, LanceSchemaConverter.tree(fields));
  }

  /**
   * A new schema for an Arrow schema, with ids assigned from 0 in pre-order. Dictionary fields
   * must carry their value type (as {@link #arrowSchema()} and Arrow IPC schemas do) with a
   * {@link DictionaryEncoding}.
   *
   * @throws IllegalArgumentException for a type Lance cannot store
   */
  public static TableSchema fromArrow(Schema schema) {
    return fromArrow(schema, 0);
  }

  /** As {@link #fromArrow(Schema)}, with ids starting at {@code firstId}. */
  public static TableSchema fromArrow(Schema schema, int firstId) {
    List<FileProtos.Field> raw = LanceSchemaConverter.toLance(stripDictionaryKey(schema));
    List<FileProtos.Field> out = new ArrayList<>(raw.size());
    for (FileProtos.Field f : raw) {
      FileProtos.Field.Builder b = f.toBuilder().setId(f.getId() + firstId);
      if (f.getParentId() >= 0) {
        b.setParentId(f.getParentId() + firstId);
      }
      out.add(b.build());
    }
    try {
      return of(out, LanceSchemaConverter.toLanceMetadata(schema.getCustomMetadata()));
    } catch (LanceFormatException e) {
      throw new IllegalArgumentException("Arrow schema has no valid Lance form: " + e.getMessage(), e);
    }
  }

  /** The flat field list, parents before children, as stored. */
  public List<FileProtos.Field> fields() {
    return fields;
  }

  /** Schema-level metadata as stored (UTF-8 bytes). */
  public Map<String, ByteString> metadata() {
    return metadata;
  }

  /** Top-level fields, linked with their children. */
  public List<LanceField> topLevel() {
    return tree;
  }

  /** The field with {@code id}, or null. */
  public LanceField field(int id) {
    return byId.get(id);
  }

  /** The top-level field named {@code name}, or null. */
  public LanceField topLevel(String name) {
    for (LanceField f : tree) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** Whether {@code id} names a field of this schema (at any depth). */
  public boolean contains(int id) {
    return byId.containsKey(id);
  }

  /** Ids of every field, any depth. */
  public Set<Integer> ids() {
    return byId.keySet();
  }

  /** Largest field id in use, -1 for an empty schema. */
  public int maxFieldId() {
    int max = -1;
    for (FileProtos.Field f : fields) {
      max = Math.max(max, f.getId());
    }
    return max;
  }

  /**
   * The Arrow schema, as scans produce batches: dictionary fields are given as their value type,
   * with the Lance logical type kept in the field metadata under {@link
   * LanceFileReader#DICTIONARY_TYPE_KEY}.
   */
  public Schema arrowSchema() {
    return arrow;
  }

  /** The Arrow field of a top-level field, in its scan form. */
  public Field arrowField(String name) {
    for (Field f : arrow.getFields()) {
      if (f.getName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** Top-level field names in order. */
  public List<String> names() {
    List<String> out = new ArrayList<>(tree.size());
    for (LanceField f : tree) {
      out.add(f.name());
    }
    return out;
  }

  /**
   * The schema restricted to the given top-level fields (with all their children), in the order
   * of this schema.
   *
   * @throws IllegalArgumentException naming a field that does not exist
   */
  public TableSchema project(Collection<String> names) {
    Set<String> wanted = new HashSet<>(names);
    Set<String> known = new HashSet<>(names());
    for (String n : wanted) {
      if (!known.contains(n)) {
        throw new IllegalArgumentException("No column '" + n + "' in the dataset; columns are " + names());
      }
    }
    Set<Integer> keep = new HashSet<>();
    for (LanceField f : tree) {
      if (wanted.contains(f.name())) {
        collect(f, keep);
      }
    }
    List<FileProtos.Field> out = new ArrayList<>();
    for (FileProtos.Field f : fields) {
      if (keep.contains(f.getId())) {
        out.add(f);
      }
    }
    List<LanceField> t = new ArrayList<>();
    for (LanceField f : tree) {
      if (wanted.contains(f.name())) {
        t.add(f);
      }
    }
    return new TableSchema(out, metadata, t);
  }

  /** Ids of a field and everything below it, pre-order. */
  public static List<Integer> idsPreOrder(LanceField f) {
    List<Integer> out = new ArrayList<>();
    preOrder(f, out);
    return out;
  }

  private static void preOrder(LanceField f, List<Integer> out) {
    out.add(f.id());
    for (LanceField c : f.children()) {
      preOrder(c, out);
    }
  }

  private static void collect(LanceField f, Set<Integer> out) {
    out.add(f.id());
    for (LanceField c : f.children()) {
      collect(c, out);
    }
  }

  /**
   * This schema with the top-level fields of {@code added} appended, their ids continuing after
   * {@link #maxFieldId()}.
   *
   * @throws IllegalArgumentException if a name is already taken
   */
  public TableSchema withAdded(Schema added) {
    for (Field f : added.getFields()) {
      if (topLevel(f.getName()) != null) {
        throw new IllegalArgumentException("Column '" + f.getName() + "' already exists");
      }
    }
    TableSchema extra = fromArrow(new Schema(added.getFields()), maxFieldId() + 1);
    List<FileProtos.Field> out = new ArrayList<>(fields);
    out.addAll(extra.fields());
    try {
      return of(out, metadata);
    } catch (LanceFormatException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code data} (the schema of batches to append) has the same top-level fields as
   * this schema, in any order, with equal types (nullability and metadata aside), and returns, for
   * each of its top-level fields in its order, the matching field of this schema.
   *
   * @throws IllegalArgumentException describing the first difference
   */
  public List<LanceField> match(Schema data) {
    if (data.getFields().size() != tree.size()) {
      throw new IllegalArgumentException(
          "Appended data has columns " + namesOf(data) + " but the dataset has " + names());
    }
    List<LanceField> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Field f : data.getFields()) {
      LanceField mine = topLevel(f.getName());
      if (mine == null || !seen.add(f.getName())) {
        throw new IllegalArgumentException(
            "Appended data has columns " + namesOf(data) + " but the dataset has " + names());
      }
      Field expected = arrowField(f.getName());
      if (!sameShape(expected, stripDictionaryKey(f))) {
        throw new IllegalArgumentException(
            "Column '" + f.getName() + "' has type " + describe(f) + " in the appended data but "
                + describe(expected) + " in the dataset");
      }
      out.add(mine);
    }
    return out;
  }

  private static List<String> namesOf(Schema s) {
    List<String> out = new ArrayList<>();
    for (Field f : s.getFields()) {
      out.add(f.getName());
    }
    return out;
  }

  private static String describe(Field f) {
    StringBuilder sb = new StringBuilder(f.getType().toString());
    if (!f.getChildren().isEmpty()) {
      sb.append('<');
      for (int i = 0; i < f.getChildren().size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        Field c = f.getChildren().get(i);
        sb.append(c.getName()).append(": ").append(describe(c));
      }
      sb.append('>');
    }
    return sb.toString();
  }

  /** Same name, type and children (recursively); nullability and metadata are not compared. */
  static boolean sameShape(Field a, Field b) {
    if (!a.getName().equals(b.getName()) || !a.getType().equals(b.getType())) {
      return false;
    }
    if (a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    boolean fsl = a.getType() instanceof ArrowType.FixedSizeList;
    for (int i = 0; i < a.getChildren().size(); i++) {
      Field ca = a.getChildren().get(i);
      Field cb = b.getChildren().get(i);
      if (fsl || a.getType() instanceof ArrowType.List || a.getType() instanceof ArrowType.LargeList) {
        // Item names vary between writers ("item", "element"); compare types only.
        if (!ca.getType().equals(cb.getType()) || !sameShape(ca, new Field(ca.getName(), cb.getFieldType(), cb.getChildren()))) {
          return false;
        }
      } else if (!sameShape(ca, cb)) {
        return false;
      }
    }
    return true;
  }

  /** A schema whose dictionary fields carry the value type and a DictionaryEncoding again. */
  private static Schema stripDictionaryKey(Schema s) {
    List<Field> out = new ArrayList<>();
    for (Field f : s.getFields()) {
      out.add(stripDictionaryKey(f));
    }
    return new Schema(out, s.getCustomMetadata());
  }

  private static Field stripDictionaryKey(Field f) {
    List<Field> kids = new ArrayList<>();
    for (Field c : f.getChildren()) {
      kids.add(stripDictionaryKey(c));
    }
    Map<String, String> md = f.getMetadata();
    String dict = md == null ? null : md.get(LanceFileReader.DICTIONARY_TYPE_KEY);
    if (dict == null) {
      return new Field(f.getName(), f.getFieldType(), kids);
    }
    Map<String, String> rest = new LinkedHashMap<>(md);
    rest.remove(LanceFileReader.DICTIONARY_TYPE_KEY);
    String[] parts = dict.split(":", -1);
    DictionaryEncoding enc = f.getDictionary();
    if (enc == null && parts.length == 4) {
      ArrowType idx = LanceSchemaConverter.primitive(parts[2]);
      if (idx instanceof ArrowType.Int i) {
        enc = new DictionaryEncoding(0, Boolean.parseBoolean(parts[3]), i);
      }
    }
    return new Field(f.getName(), new FieldType(f.isNullable(), f.getType(), enc, rest.isEmpty() ? null : rest), kids);
  }

  /** Dictionary fields read as values (the form scans produce). */
  private static Schema decodedForm(Schema s) {
    List<Field> out = new ArrayList<>();
    for (Field f : s.getFields()) {
      out.add(decodedForm(f));
    }
    return new Schema(out, s.getCustomMetadata());
  }

  private static Field decodedForm(Field f) {
    List<Field> kids = new ArrayList<>();
    for (Field c : f.getChildren()) {
      kids.add(decodedForm(c));
    }
    DictionaryEncoding enc = f.getDictionary();
    if (enc == null) {
      return new Field(f.getName(), f.getFieldType(), kids);
    }
    Map<String, String> md = new LinkedHashMap<>(f.getMetadata() == null ? Map.of() : f.getMetadata());
    md.put(LanceFileReader.DICTIONARY_TYPE_KEY, "dict:" + LanceSchemaConverter.logicalType(new Field("v", new FieldType(true, f.getType(), null), null))
        + ":" + LanceSchemaConverter.logicalType(new Field("i", new FieldType(true, enc.getIndexType(), null), null)) + ":" + enc.isOrdered());
    return new Field(f.getName(), new FieldType(f.isNullable(), f.getType(), null, md), kids);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableSchema t && t.fields.equals(fields) && t.metadata.equals(metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fields, metadata);
  }

  @Override
  public String toString() {
    return arrow.toString();
  }
}
