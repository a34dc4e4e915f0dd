package dev.lancelet.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
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
 * dictionaries, so every batch that leaves the CLI passes through here. Nothing is copied except
 * decoded dictionary values; the source batch is left as it was.
 */
final class PlainBatches implements AutoCloseable {
  private final Schema source;
  private final DictionaryProvider dictionaries;
  private final Schema plain;
  private final VectorSchemaRoot root;

  /**
   * @param source the schema of the batches to come
   * @param dictionaries where the dictionaries of dictionary-encoded columns are (an IPC or scan
   *     reader is one); may be null if there are none
   */
  PlainBatches(Schema source, DictionaryProvider dictionaries, BufferAllocator allocator) {
    this.source = source;
    this.dictionaries = dictionaries;
    this.plain = plain(source, dictionaries);
    this.root = VectorSchemaRoot.create(plain, allocator);
  }

  /** True if any top-level column is dictionary-encoded. */
  static boolean hasDictionaries(Schema schema) {
    return schema.getFields().stream().anyMatch(f -> f.getDictionary() != null);
  }

  /**
   * The schema with every dictionary-encoded column replaced by its value type. (In Arrow Java a
   * dictionary-encoded field carries the index type; the value type is the dictionary's.)
   */
  static Schema plain(Schema schema, DictionaryProvider dictionaries) {
    List<Field> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      checkNoNestedDictionary(f, f.getName());
      if (f.getDictionary() == null) {
        fields.add(f);
        continue;
      }
      Field values = dictionary(f, dictionaries).getVector().getField();
      fields.add(new Field(f.getName(), new FieldType(f.isNullable(), values.getType(), null, f.getMetadata()), values.getChildren()));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  private static Dictionary dictionary(Field f, DictionaryProvider dictionaries) {
    long id = f.getDictionary().getId();
    Dictionary d = dictionaries == null ? null : dictionaries.lookup(id);
    if (d == null) {
      throw new CliException("Column " + f.getName() + " is dictionary-encoded but its dictionary (id " + id + ") is missing");
    }
    return d;
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
   * Moves {@code batch} (of the source schema) into {@link #root()}, decoding dictionary columns
   * with the current contents of the dictionaries.
   */
  VectorSchemaRoot load(VectorSchemaRoot batch) {
    if (batch.getFieldVectors().size() != source.getFields().size()) {
      throw new IllegalStateException("Batch has " + batch.getFieldVectors().size() + " columns, expected "
          + source.getFields().size() + ": " + batch.getSchema());
    }
    int rows = batch.getRowCount();
    List<Field> plainFields = new ArrayList<>();
    List<FieldVector> plainSrc = new ArrayList<>();
    List<FieldVector> plainDst = new ArrayList<>();
    for (int i = 0; i < plain.getFields().size(); i++) {
      FieldVector src = batch.getVector(i);
      FieldVector dst = root.getVector(i);
      Field f = source.getFields().get(i);
      if (f.getDictionary() == null) {
        plainFields.add(plain.getFields().get(i));
        plainSrc.add(src);
        plainDst.add(dst);
        continue;
      }
      Dictionary dictionary = dictionary(f, dictionaries);
      // The decoded vector is ours, so its buffers can simply be handed over.
      try (ValueVector decoded = DictionaryEncoder.decode(src, dictionary)) {
        decoded.makeTransferPair(dst).transfer();
      }
    }
    if (!plainSrc.isEmpty()) {
      // Share the other columns' buffers (reference-counted, no copy) and leave the source intact:
      // a reader refills its root in place and must find it as it left it.
      VectorSchemaRoot from = new VectorSchemaRoot(plainFields, plainSrc, rows);
      VectorSchemaRoot to = new VectorSchemaRoot(plainFields, plainDst, 0);
      try (ArrowRecordBatch shared = new VectorUnloader(from).getRecordBatch()) {
        new VectorLoader(to).load(shared);
      }
    }
    root.setRowCount(rows);
    return root;
  }

  @Override
  public void close() {
    root.close();
  }
}
