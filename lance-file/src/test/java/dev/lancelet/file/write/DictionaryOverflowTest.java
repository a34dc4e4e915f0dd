package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several batches of a dictionary-encoded column with 8- or 16-bit indices and a different
 * dictionary each, written into what would be one page: the page dictionary gathering the batch
 * dictionaries can hold more distinct values than the index type addresses. The file must read
 * back exactly (by lance-core 7.0 and by Lancelet) for every file version, index type, value type
 * and overlap of the batch dictionaries (none, partial, full), with and without nulls.
 */
class DictionaryOverflowTest {
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

  enum Overlap {
    NONE,
    PARTIAL,
    FULL
  }

  static final ArrowType.Int I8 = new ArrowType.Int(8, true), U8 = new ArrowType.Int(8, false),
      I16 = new ArrowType.Int(16, true), U16 = new ArrowType.Int(16, false);

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    long seed = 1000;
    List<ArrowType> valueTypes = List.of(ArrowType.Utf8.INSTANCE, ArrowType.LargeUtf8.INSTANCE,
        ArrowType.Binary.INSTANCE, ArrowType.LargeBinary.INSTANCE);
    for (String version : List.of("2.0", "2.1", "2.2")) {
      for (ArrowType.Int idx : List.of(I8, U8, I16, U16)) {
        for (Overlap overlap : Overlap.values()) {
          ArrowType vt = valueTypes.get((int) (seed % valueTypes.size()));
          out.add(Arguments.of(version, idx, vt, overlap, seed++));
        }
      }
    }
    return out.stream();
  }

  /** Entries an index type addresses. */
  static int capacity(ArrowType.Int t) {
    return t.getIsSigned() ? 1 << (t.getBitWidth() - 1) : 1 << t.getBitWidth();
  }

  FieldVector dictVector(ArrowType type, List<String> words) {
    FieldVector v = new Field("dict", FieldType.nullable(type), null).createVector(alloc);
    toClose.add(v);
    v.allocateNew();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w == null) {
        if (v instanceof BaseVariableWidthVector b) b.setNull(i); else ((BaseLargeVariableWidthVector) v).setNull(i);
      } else if (v instanceof BaseVariableWidthVector b) {
        b.setSafe(i, w.getBytes(StandardCharsets.UTF_8));
      } else {
        ((BaseLargeVariableWidthVector) v).setSafe(i, w.getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(words.size());
    return v;
  }

  /**
   * Batch dictionaries of {@code size} entries each (close to the index capacity), overlapping
   * the previous batch's as asked; some entries null.
   */
  static List<List<String>> dictionaries(Random rnd, int batches, int size, Overlap overlap) {
    List<List<String>> out = new ArrayList<>();
    int next = 0;
    for (int b = 0; b < batches; b++) {
      List<String> d = new ArrayList<>();
      if (b > 0 && overlap != Overlap.NONE) {
        List<String> prev = out.get(b - 1);
        int shared = overlap == Overlap.FULL ? prev.size() : prev.size() / 3;
        List<String> reuse = new ArrayList<>(prev.subList(0, shared));
        java.util.Collections.shuffle(reuse, rnd);
        d.addAll(reuse);
      }
      while (d.size() < size) {
        d.add("v" + (next++) + "-" + FsstWriterTest.text(rnd, 0, 6));
      }
      if (rnd.nextInt(3) == 0) {
        d.set(rnd.nextInt(size), null);
      }
      out.add(d);
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} {2} {3} seed {4}")
  @MethodSource("cases")
  void pagesGatheringSeveralDictionariesReadBackExactly(String version, ArrowType.Int indexType, ArrowType valueType,
      Overlap overlap, long seed) throws Exception {
    Random rnd = new Random(seed);
    int cap = capacity(indexType);
    int size = cap - rnd.nextInt(Math.max(1, cap / 4));
    int batches = 2 + rnd.nextInt(3);
    List<List<String>> dicts = dictionaries(rnd, batches, size, overlap);
    double pNull = rnd.nextBoolean() ? 0 : 0.1;
    DictionaryEncoding enc = new DictionaryEncoding(7, false, indexType);
    Schema schema = new Schema(List.of(new Field("d", new FieldType(true, indexType, enc), null)));
    WriteOptions options = WriteOptions.builder().version(LanceFileVersion.parse(version)).build();
    String name = "overflow" + seed + ".lance";
    List<String> expected = new ArrayList<>();
    DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
    provider.put(new Dictionary(dictVector(valueType, dicts.get(0)), enc));
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, name, schema, alloc, options, provider)) {
      for (int b = 0; b < batches; b++) {
        List<String> words = dicts.get(b);
        provider.put(new Dictionary(dictVector(valueType, words), enc));
        int rows = size + rnd.nextInt(size);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
          BaseIntVector idx = (BaseIntVector) root.getVector(0);
          root.getVector(0).allocateNew();
          for (int i = 0; i < rows; i++) {
            if (rnd.nextDouble() < pNull) {
              ((BaseFixedWidthVector) idx).setNull(i);
            } else {
              // Every entry used at least once, the rest at random.
              idx.setWithPossibleTruncate(i, i < size ? i : rnd.nextInt(size));
            }
          }
          root.getVector(0).setValueCount(rows);
          root.setRowCount(rows);
          expected.addAll(DictionaryInputTest.decode(root.getVector(0), provider, 7));
          w.write(root, provider);
        }
      }
    }
    String ctx = version + " " + indexType + " " + valueType + " " + overlap + " seed " + seed;
    DictionaryInputTest reader = new DictionaryInputTest();
    reader.dir = dir;
    reader.alloc = alloc;
    assertThat(reader.readWithLancelet(name)).as(ctx + " (lancelet)").isEqualTo(expected);
    // lance-core returns one dictionary per batch, so a batch must not straddle pages whose
    // dictionaries together outgrow the index type (it fails with "Dictionary key bigger than the
    // key type", also on files it writes itself): read page by page.
    List<String> lance = new ArrayList<>();
    FileInfo info = WriteHarness.info(alloc, dir, name);
    List<FileInfo.PageInfo> pages = info.columns().get(0).pages();
    for (FileInfo.PageInfo p : pages) {
      try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(dir.resolve(name).toString(), alloc);
          ArrowReader ar = r.readAll(null, List.of(org.lance.util.Range.of((int) p.firstRow(),
              (int) (p.firstRow() + p.numRows()))), (int) p.numRows())) {
        while (ar.loadNextBatch()) {
          FieldVector v = ar.getVectorSchemaRoot().getVector(0);
          lance.addAll(DictionaryInputTest.decode(v, ar, v.getField().getDictionary().getId()));
        }
      }
    }
    assertThat(lance).as(ctx + " (lance-core)").isEqualTo(expected);
    // Every page keeps the field's index width (none is widened to 32 bits).
    int bits = indexType.getBitWidth();
    String indices = version.equals("2.0") ? ".*indices=NoNull\\(Flat\\(" + bits + "\\)\\).*"
        : ".*values=(Flat|InlineBitpacking)\\(" + bits + "\\).*";
    for (FileInfo.PageInfo p : pages) {
      assertThat(p.encoding()).as(ctx).matches(indices);
    }
  }
}
