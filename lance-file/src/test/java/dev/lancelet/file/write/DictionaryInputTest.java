package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.file.container.FileMetadata;
import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dictionary-encoded Arrow input ({@code LanceFileWriter.write(batch, dictionaries)}): read back
 * by lance-core 7.0 (which returns indices plus its page dictionary) and by Lancelet (which
 * returns the values), compared value by value.
 */
class DictionaryInputTest {
  @TempDir Path dir;
  BufferAllocator alloc;
  final List<ValueVector> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    toClose.forEach(ValueVector::close);
    alloc.close();
  }

  /** A dictionary-encoded field in Arrow Java's convention (typed by its index); values in {@code valueTypes}. */
  static Field dictField(String name, ArrowType valueType, ArrowType.Int indexType, long id) {
    VALUE_TYPES.put(id, valueType);
    return new Field(name, new FieldType(true, indexType, new DictionaryEncoding(id, false, indexType)), null);
  }

  static final java.util.Map<Long, ArrowType> VALUE_TYPES = new java.util.concurrent.ConcurrentHashMap<>();

  /** A dictionary vector of {@code type} holding {@code words} (null entries where a word is null). */
  FieldVector dictVector(ArrowType type, List<String> words) {
    FieldVector v = new Field("dict", FieldType.nullable(type), null).createVector(alloc);
    toClose.add(v);
    v.allocateNew();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w == null) {
        setNull(v, i);
      } else if (v instanceof BaseVariableWidthVector b) {
        b.setSafe(i, w.getBytes(StandardCharsets.UTF_8));
      } else {
        ((BaseLargeVariableWidthVector) v).setSafe(i, w.getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(words.size());
    return v;
  }

  static void setNull(ValueVector v, int i) {
    if (v instanceof BaseVariableWidthVector b) b.setNull(i); else ((BaseLargeVariableWidthVector) v).setNull(i);
  }

  static List<String> words(Random rnd, int n) {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add("w" + i + "-" + FsstWriterTest.text(rnd, 1, 12));
    }
    return w;
  }

  /** Decodes a dictionary-encoded vector through {@code provider} into printable values. */
  static List<String> decode(ValueVector indices, DictionaryProvider provider, long id) {
    List<String> out = new ArrayList<>();
    ValueVector dict = provider.lookup(id).getVector();
    for (int i = 0; i < indices.getValueCount(); i++) {
      if (indices.isNull(i)) {
        out.add("null");
        continue;
      }
      int k = (int) ((BaseIntVector) indices).getValueAsLong(i);
      out.add(WriteHarness.printable(dict.isNull(k) ? null : dict.getObject(k)));
    }
    return out;
  }

  /** Batches of random indices (null with probability pNull) into per-batch dictionaries. */
  record Input(Schema schema, ArrowType valueType, List<List<String>> dictionaries, int[] rows, double pNull, long seed) {
    Input(Schema schema, List<List<String>> dictionaries, int[] rows, double pNull, long seed) {
      this(schema, VALUE_TYPES.get(schema.getFields().get(0).getDictionary().getId()), dictionaries, rows, pNull, seed);
    }
  }

  /** Writes {@code in} with Lancelet (and, when asked, lance-core); returns the expected values. */
  WriteOptions options = WriteOptions.defaults();

  List<String> write(Input in, String name, boolean alsoLance) throws Exception {
    Field field = in.schema().getFields().get(0);
    long id = field.getDictionary().getId();
    ArrowType valueType = in.valueType();
    Random rnd = new Random(in.seed());
    List<String> expected = new ArrayList<>();
    DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
    provider.put(new Dictionary(dictVector(valueType, in.dictionaries().get(0)), field.getDictionary()));
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, name, in.schema(), alloc, options, provider);
        org.lance.file.LanceFileWriter lw = alsoLance
            ? org.lance.file.LanceFileWriter.open(dir.resolve("lance-" + name).toString(), alloc, provider) : null) {
      for (int b = 0; b < in.rows().length; b++) {
        List<String> words = in.dictionaries().get(b % in.dictionaries().size());
        provider.put(new Dictionary(dictVector(valueType, words), field.getDictionary()));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(in.schema(), alloc)) {
          BaseIntVector idx = (BaseIntVector) root.getVector(0);
          root.getVector(0).allocateNew();
          for (int i = 0; i < in.rows()[b]; i++) {
            if (rnd.nextDouble() < in.pNull()) {
              ((org.apache.arrow.vector.BaseFixedWidthVector) idx).setNull(i);
            } else {
              idx.setWithPossibleTruncate(i, rnd.nextInt(words.size()));
            }
          }
          root.getVector(0).setValueCount(in.rows()[b]);
          root.setRowCount(in.rows()[b]);
          expected.addAll(decode(root.getVector(0), provider, id));
          w.write(root, provider);
          if (lw != null) {
            lw.write(root);
          }
        }
      }
    }
    return expected;
  }

  List<String> readWithLance(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(file.toString(), alloc);
        ArrowReader ar = r.readAll(null, null, 1000)) {
      while (ar.loadNextBatch()) {
        FieldVector v = ar.getVectorSchemaRoot().getVector(0);
        out.addAll(decode(v, ar, v.getField().getDictionary().getId()));
      }
    }
    return out;
  }

  List<String> readWithLancelet(String name) throws Exception {
    List<String> out = new ArrayList<>();
    for (List<String> row : WriteHarness.readWithLancelet(alloc, dir, name, 1234)) {
      out.add(row.get(0));
    }
    return out;
  }

  void check(Input in, String expectLogicalType) throws Exception {
    String name = "dict" + in.seed() + ".lance";
    List<String> expected = write(in, name, false);
    String ctx = "seed " + in.seed() + " " + in.schema();
    assertThat(readWithLance(dir.resolve(name))).as(ctx + " (lance-core)").isEqualTo(expected);
    assertThat(readWithLancelet(name)).as(ctx + " (lancelet)").isEqualTo(expected);
    try (LocalObjectStore store = new LocalObjectStore(dir)) {
      FileMetadata md = FileMetadata.read(store.open(name));
      assertThat(md.descriptor().getSchema().getFields(0).getLogicalType()).isEqualTo(expectLogicalType);
    }
    if (in.pNull() < 1) {
      String dict = options.version() == dev.lancelet.format.LanceFileVersion.V2_1
          ? "dictionary=Variable" : "dictionary=General(LZ4, Variable";
      assertThat(WriteHarness.pageEncodings(alloc, dir, name)).allSatisfy(e -> assertThat(e).startsWith("MiniBlock").contains(dict));
    }
  }

  static final ArrowType.Int I8 = new ArrowType.Int(8, true), I16 = new ArrowType.Int(16, true),
      I32 = new ArrowType.Int(32, true), U8 = new ArrowType.Int(8, false), I64 = new ArrowType.Int(64, true);

  @Test
  void int32Utf8SameDictionaryEveryBatch() throws Exception {
    Random r = new Random(1);
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I32, 3)));
    check(new Input(s, List.of(words(r, 40)), new int[] {5000, 3000, 1}, 0.1, 1), "dict:string:int32:false");
  }

  @Test
  void dictionaryChangesBetweenBatches() throws Exception {
    Random r = new Random(2);
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I32, 0)));
    check(new Input(s, List.of(words(r, 10), words(r, 300), words(r, 3)), new int[] {2000, 2500, 100, 4000}, 0.05, 2),
        "dict:string:int32:false");
  }

  @Test
  void otherIndexAndValueTypes() throws Exception {
    Random r = new Random(3);
    check(new Input(new Schema(List.of(dictField("s", ArrowType.LargeUtf8.INSTANCE, I8, 1))), List.of(words(r, 100)),
        new int[] {3000, 3000}, 0.2, 3), "dict:large_string:int8:false");
    check(new Input(new Schema(List.of(dictField("s", ArrowType.Binary.INSTANCE, I16, 1))), List.of(words(r, 1000)),
        new int[] {3000}, 0, 4), "dict:binary:int16:false");
    check(new Input(new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, U8, 1))), List.of(words(r, 250)),
        new int[] {3000}, 0, 5), "dict:string:uint8:false");
    check(new Input(new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I64, 1))), List.of(words(r, 20)),
        new int[] {3000}, 0, 6), "dict:string:int64:false");
  }

  @Test
  void nullEntriesInTheDictionaryAndAllNull() throws Exception {
    Random r = new Random(7);
    List<String> w = words(r, 20);
    w.set(3, null);
    w.set(11, null);
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I32, 0)));
    check(new Input(s, List.of(w), new int[] {4000}, 0.1, 7), "dict:string:int32:false");
    check(new Input(s, List.of(w), new int[] {1000, 500}, 1.0, 8), "dict:string:int32:false");
  }

  @Test
  void smallBatchesWithBigDictionariesAreMerged() throws Exception {
    // 40 batches of 20 rows, each with the same 200-entry dictionary: concatenating would give
    // 8000 entries for 800 values, so the page dictionary is merged down to the used entries.
    Random r = new Random(9);
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I8, 0)));
    int[] rows = new int[40];
    java.util.Arrays.fill(rows, 20);
    check(new Input(s, List.of(words(r, 100)), rows, 0.1, 9), "dict:string:int8:false");
  }

  @Test
  void format22() throws Exception {
    options = WriteOptions.builder().version(dev.lancelet.format.LanceFileVersion.V2_2).build();
    Random r = new Random(11);
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I32, 2)));
    check(new Input(s, List.of(words(r, 40), words(r, 7)), new int[] {5000, 3000, 10}, 0.1, 11), "dict:string:int32:false");
  }

  @Test
  void missingDictionaryIsRejected() throws Exception {
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I32, 5)));
    try (LocalObjectStore store = new LocalObjectStore(dir);
        VectorSchemaRoot root = VectorSchemaRoot.create(s, alloc)) {
      assertThatThrownBy(() -> LanceFileWriter.create(store, "missing.lance", s, alloc, WriteOptions.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DictionaryProvider")
          .hasMessageContaining("id 5");
      // Value type given in the schema (IPC convention), but no dictionary at write time.
      Schema named = new Schema(List.of(new Field("s", new FieldType(true, ArrowType.Utf8.INSTANCE,
          new DictionaryEncoding(5, false, I32)), null)));
      try (LanceFileWriter w = LanceFileWriter.create(store, "missing.lance", named, alloc, WriteOptions.defaults());
          IntVector idx = new IntVector(named.getFields().get(0), alloc);
          VectorSchemaRoot r2 = new VectorSchemaRoot(named.getFields(), List.of(idx), 1)) {
        idx.setSafe(0, 0);
        idx.setValueCount(1);
        assertThatThrownBy(() -> w.write(r2))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no dictionary")
            .hasMessageContaining("id 5");
        w.abort();
      }
    }
  }

  @Test
  void sizeCloseToLance() throws Exception {
    Random r = new Random(10);
    Schema s = new Schema(List.of(dictField("s", ArrowType.Utf8.INSTANCE, I32, 0)));
    Input in = new Input(s, List.of(words(r, 50)), new int[] {8192, 8192, 8192, 8192, 5000}, 0.1, 10);
    List<String> expected = write(in, "size.lance", true);
    assertThat(readWithLance(dir.resolve("size.lance"))).isEqualTo(expected);
    long ours = Files.size(dir.resolve("size.lance"));
    long theirs = Files.size(dir.resolve("lance-size.lance"));
    System.out.printf("dictionary<int32,utf8> input: Lancelet %d bytes, lance-core %d bytes, ratio %.2f%n",
        ours, theirs, (double) ours / theirs);
    assertThat((double) ours / theirs).isBetween(0.85, 1.15);
  }
}
