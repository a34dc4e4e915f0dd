package dev.lancelet.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Moves batches into one long-lived {@link VectorSchemaRoot} of a fixed schema, decoding
 * dictionary-encoded top-level columns to plain values on the way. Arrow's IPC writers are bound to
 * one root, and neither they nor the Lance writer can be handed dictionary indices without the
 * dictionaries, so every batch that leaves the CLI passes through here. Vectors are transferred,
 * not copied; the source batch is left empty.
 */
final class PlainBatches implements AutoCloseable {
  private final Schema source;
  private final Schema plain;
  private final VectorSchemaRoot root;

  PlainBatches(Schema source, BufferAllocator allocator) {
    this.source = source;
    this.plain = plain(source);
    this.root = VectorSchemaRoot.create(plain, allocator);
  }

  /** True if any top-level column is dictionary-encoded. */
  static boolean hasDictionaries(Schema schema) {
    return schema.getFields().stream().anyMatch(f -> f.getDictionary() != null);
  }

  /** The schema with every dictionary-encoded column replaced by its value type. */
  static Schema plain(Schema schema) {
    List<Field> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      checkNoNestedDictionary(f, f.getName());
      fields.add(
          f.getDictionary() == null
              ? f
              : new Field(f.getName(), new FieldType(f.isNullable(), f.getType(), null, f.getMetadata()), f.getChildren()));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  private static void checkNoNestedDictionary(Field f, String path) {
    for (Field c : f.getChildren()) {
      String p = path + "." + c.getName();
      if (c.getDictionary() != null) {
        throw new CliException("Column " + p + " is a nested dictionary-encoded field, which is not supported yet");
      }
      checkNoNestedDictionary(c, p);
    }
  }

  Schema schema() {
    return plain;
  }

  /** The root every batch is moved into. */
  VectorSchemaRoot root() {
    return root;
  }

  /**
   * Moves {@code batch} (of the source schema) into {@link #root()}, decoding dictionaries looked
   * up in {@code dictionaries} (may be null when the schema has none).
   */
  VectorSchemaRoot load(VectorSchemaRoot batch, DictionaryProvider dictionaries) {
    if (batch.getFieldVectors().size() != source.getFields().size()) {
      throw new IllegalStateException("Batch has " + batch.getFieldVectors().size() + " columns, expected "
          + source.getFields().size() + ": " + batch.getSchema());
    }
    for (int i = 0; i < plain.getFields().size(); i++) {
      FieldVector src = batch.getVector(i);
      FieldVector dst = root.getVector(i);
      Field f = source.getFields().get(i);
      if (f.getDictionary() == null) {
        src.makeTransferPair(dst).transfer();
        continue;
      }
      long id = f.getDictionary().getId();
      Dictionary dictionary = dictionaries == null ? null : dictionaries.lookup(id);
      if (dictionary == null) {
        throw new CliException("Column " + f.getName() + " is dictionary-encoded but its dictionary (id " + id + ") is missing");
      }
      try (ValueVector decoded = DictionaryEncoder.decode(src, dictionary)) {
        decoded.makeTransferPair(dst).transfer();
      }
    }
    root.setRowCount(batch.getRowCount());
    return root;
  }

  @Override
  public void close() {
    root.close();
  }
}
