package dev.lancelet.file.v20;

import static dev.lancelet.file.v20.V20Data.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.FileInfo;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
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
 * 2.0 writer features checked against lance-core 7.0: dictionary-encoded Arrow input, Lance's own
 * low-cardinality string dictionary (with a file-size comparison), blob columns, and large batches
 * split into several pages. Seeded; everything compared exactly.
 */
class V20WriterFeaturesTest {
  @TempDir Path dir;
  BufferAllocator alloc;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  private static final WriteOptions V20 = WriteOptions.builder().version(LanceFileVersion.V2_0).build();

  private static void check(String what, List<List<String>> actual, List<List<String>> expected) {
    assertThat(actual.size()).as(what + ": rows").isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(what + ": row " + i + " expected " + expected.get(i) + " but read " + actual.get(i));
      }
    }
  }

  /** Lancelet's full scan, a take of unsorted rows with duplicates, all as strings. */
  private List<List<String>> lanceletRows(String name, List<List<String>> expected, long seed) throws Exception {
    List<List<String>> ours = new ArrayList<>();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
      try (var ar = r.scan(ScanOptions.builder().batchSize(777).build())) {
        while (ar.loadNextBatch()) {
          ours.addAll(rows(ar.getVectorSchemaRoot(), null));
        }
      }
      if (!expected.isEmpty()) {
        Random rnd = new Random(seed);
        long[] take = new long[50];
        for (int i = 0; i < take.length; i++) {
          take[i] = rnd.nextInt(expected.size());
        }
        take[1] = take[0];
        try (VectorSchemaRoot t = r.take(take, null)) {
          List<List<String>> want = new ArrayList<>();
          for (long x : take) {
            want.add(expected.get((int) x));
          }
          check("Lancelet take " + name, rows(t, null), want);
        }
      }
    }
    return ours;
  }

  private FileInfo info(String name) throws Exception {
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
      return r.info();
    }
  }

  private static VarCharVector dictionary(String name, BufferAllocator alloc, String... values) {
    VarCharVector v = new VarCharVector(name, alloc);
    v.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        v.setNull(i);
      } else {
        v.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      }
    }
    v.setValueCount(values.length);
    return v;
  }

  // ------------------------------------------------------------------ dictionary-encoded input

  @Test
  void dictionaryInputRoundTripsThroughLanceCore() throws Exception {
    for (long pageBytes : new long[] {8L << 20, 4096}) {
      DictionaryEncoding enc = new DictionaryEncoding(7, false, new ArrowType.Int(32, true));
      Schema schema = new Schema(List.of(f("id", I32, false),
          new Field("d", new FieldType(true, new ArrowType.Int(32, true), enc), null)));
      String name = "dict" + pageBytes + ".lance";
      Random rnd = new Random(21 + pageBytes);
      List<List<String>> expected = new ArrayList<>();
      // Three batches: a shared dictionary twice (the second time with nulls), then another
      // dictionary, then an all-null batch.
      String[][] dicts = {{"apple", "pear", "fig", ""}, {"apple", "pear", "fig", ""}, {"x", "yy", null, "zzz", "apple"}, {"q"}};
      double[] pNull = {0, 0.3, 0.2, 1.0};
      int[] sizes = {1500, 900, 2000, 300};
      WriteOptions opts = WriteOptions.builder().version(LanceFileVersion.V2_0).maxPageBytes(pageBytes).build();
      int id = 0;
      try (LocalObjectStore store = new LocalObjectStore(dir);
          VarCharVector shared = dictionary("d0", alloc, dicts[0]);
          LanceFileWriter w = LanceFileWriter.create(store, name, schema, alloc, opts,
              new DictionaryProvider.MapDictionaryProvider(new Dictionary(shared, enc)))) {
        for (int b = 0; b < sizes.length; b++) {
          try (VarCharVector own = b == 0 || b == 1 ? null : dictionary("d" + b, alloc, dicts[b]);
              VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
            VarCharVector dv = own == null ? shared : own;
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider(new Dictionary(dv, enc));
            IntVector ids = (IntVector) root.getVector(0);
            IntVector keys = (IntVector) root.getVector(1);
            ids.allocateNew(sizes[b]);
            keys.allocateNew(sizes[b]);
            for (int i = 0; i < sizes[b]; i++) {
              ids.set(i, id++);
              if (rnd.nextDouble() < pNull[b]) {
                keys.setNull(i);
              } else {
                keys.set(i, rnd.nextInt(dicts[b].length));
              }
            }
            ids.setValueCount(sizes[b]);
            keys.setValueCount(sizes[b]);
            root.setRowCount(sizes[b]);
            expected.addAll(rows(root, provider));
            if (b == 0) {
              w.write(root); // the provider given to create
            } else {
              w.write(root, provider);
            }
          }
        }
      }
      check("lance-core reads " + name, referenceRows(dir.resolve(name), alloc), expected);
      check("Lancelet reads " + name, lanceletRows(name, expected, 5), expected);
      FileInfo.ColumnInfo col = info(name).columns().get(1);
      assertThat(col.pages()).allSatisfy(p -> assertThat(p.encoding()).startsWith("Dictionary(").contains("Flat(32"));
      if (pageBytes == 4096) {
        assertThat(col.pages()).hasSizeGreaterThan(3);
      }
      try (LocalObjectStore store = new LocalObjectStore(dir);
          LanceFileReader r = LanceFileReader.open(store, name, alloc)) {
        assertThat(r.schema().getFields().get(1).getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
      }
    }
  }

  // ------------------------------------------------------------------ low-cardinality strings

  private record SizeCase(String label, ArrowType type, int distinct, double pNull) {}

  /**
   * Lance's 2.0 writer dictionary-encodes utf8 pages of at least 100 rows with fewer than 100
   * distinct values; Lancelet does too, so the files are the same size. Prints one report line
   * per case (docs/format-2.0.md has the table).
   */
  @Test
  void lowCardinalityStringsMatchLanceCoreSizes() throws Exception {
    List<SizeCase> cases = List.of(
        new SizeCase("utf8 8 distinct", UTF8, 8, 0),
        new SizeCase("utf8 8 distinct, 10% null", UTF8, 8, 0.1),
        new SizeCase("utf8 constant", UTF8, 1, 0),
        new SizeCase("utf8 all null", UTF8, 1, 1.0),
        new SizeCase("utf8 99 distinct", UTF8, 99, 0),
        new SizeCase("utf8 5000 distinct", UTF8, 5000, 0.05),
        new SizeCase("large_utf8 8 distinct", LUTF8, 8, 0),
        new SizeCase("binary 8 distinct", BIN, 8, 0));
    int rows = 20_000;
    for (SizeCase sc : cases) {
      Schema schema = new Schema(List.of(f("s", sc.type(), true)));
      Random rnd = new Random(31 + sc.label().hashCode());
      String ours = "lc_ours_" + Math.abs(sc.label().hashCode()) + ".lance";
      Path theirs = dir.resolve("lc_ref_" + Math.abs(sc.label().hashCode()) + ".lance");
      List<List<String>> expected;
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
        fillStrings(root.getVector(0), rows, rnd, sc.distinct(), sc.pNull());
        root.setRowCount(rows);
        expected = rows(root, null);
        writeReference(theirs, root, null, alloc);
        try (LocalObjectStore store = new LocalObjectStore(dir);
            LanceFileWriter w = LanceFileWriter.create(store, ours, schema, alloc, V20)) {
          w.write(root);
        }
      }
      check("lance-core reads " + sc.label(), referenceRows(dir.resolve(ours), alloc), expected);
      check("Lancelet reads " + sc.label(), lanceletRows(ours, expected, 9), expected);
      FileInfo oursInfo = info(ours);
      FileInfo refInfo = info(theirs.getFileName().toString());
      String oursEnc = oursInfo.columns().get(0).pages().get(0).encoding();
      String refEnc = refInfo.columns().get(0).pages().get(0).encoding();
      long oursSize = Files.size(dir.resolve(ours));
      long refSize = Files.size(theirs);
      System.out.printf("2.0 size report: %-28s lance-core %9d B (data %9d, metadata %4d, %s)  Lancelet %9d B (data %9d,"
          + " metadata %4d, %s)%n", sc.label(), refSize, dataBytes(refInfo), refInfo.metadataBytes(),
          refEnc.substring(0, refEnc.indexOf('(') < 0 ? refEnc.length() : refEnc.indexOf('(')), oursSize,
          dataBytes(oursInfo), oursInfo.metadataBytes(),
          oursEnc.substring(0, oursEnc.indexOf('(') < 0 ? oursEnc.length() : oursEnc.indexOf('(')));
      assertThat(oursEnc).as(sc.label()).isEqualTo(refEnc);
      assertThat(dataBytes(oursInfo)).as(sc.label() + ": page bytes").isEqualTo(dataBytes(refInfo));
      assertThat(oursEnc.startsWith("Dictionary")).as(sc.label() + ": %s vs %s", oursEnc, refEnc)
          .isEqualTo(refEnc.startsWith("Dictionary"));
      assertThat((double) Math.abs(oursSize - refSize)).as(sc.label() + " size: ours %d, lance-core %d", oursSize, refSize)
          .isLessThanOrEqualTo(Math.max(256, refSize * 0.01));
    }
  }

  private static long dataBytes(FileInfo fi) {
    return fi.columns().stream().flatMap(c -> c.pages().stream()).flatMap(p -> p.buffers().stream())
        .mapToLong(FileInfo.BufferInfo::size).sum();
  }

  /** {@code rows} strings drawn from {@code distinct} values, nulls with probability {@code pNull}. */
  private static void fillStrings(FieldVector v, int rows, Random rnd, int distinct, double pNull) {
    v.setInitialCapacity(rows);
    v.allocateNew();
    for (int i = 0; i < rows; i++) {
      if (rnd.nextDouble() < pNull) {
        setNullAt(v, i);
      } else {
        byte[] b = ("value-" + rnd.nextInt(distinct) * 7919).getBytes(StandardCharsets.UTF_8);
        if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector vv) {
          vv.setSafe(i, b);
        } else {
          ((org.apache.arrow.vector.BaseLargeVariableWidthVector) v).setSafe(i, b);
        }
      }
    }
    v.setValueCount(rows);
  }

  private static void setNullAt(FieldVector v, int i) {
    if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector vv) {
      vv.setNull(i);
    } else {
      ((org.apache.arrow.vector.BaseLargeVariableWidthVector) v).setNull(i);
    }
  }

  // ------------------------------------------------------------------ blobs

  @Test
  void blobColumnsAsLanceWritesThem() throws Exception {
    Field blob = new Field("b", new FieldType(true, LBIN, null, Map.of(V20FileEncoder.BLOB_META_KEY, "true")), null);
    Schema schema = new Schema(List.of(f("id", I32, false), blob));
    Random rnd = new Random(41);
    List<List<String>> expected = new ArrayList<>();
    String name = "blob.lance";
    int id = 0;
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, name, schema, alloc, V20)) {
      for (int n : new int[] {120, 1, 179}) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
          IntVector ids = (IntVector) root.getVector(0);
          LargeVarBinaryVector b = (LargeVarBinaryVector) root.getVector(1);
          ids.allocateNew(n);
          b.allocateNew(n);
          for (int i = 0; i < n; i++) {
            ids.set(i, id++);
            double p = rnd.nextDouble();
            if (p < 0.15) {
              b.setNull(i);
            } else if (p < 0.25) {
              b.setSafe(i, new byte[0]);
            } else {
              byte[] v = new byte[1 + rnd.nextInt(p < 0.3 ? 100_000 : 300)];
              rnd.nextBytes(v);
              b.setSafe(i, v);
            }
          }
          ids.setValueCount(n);
          b.setValueCount(n);
          root.setRowCount(n);
          expected.addAll(rows(root, null));
          w.write(root);
        }
      }
    }
    FileInfo.ColumnInfo col = info(name).columns().get(1);
    assertThat(col.encoding()).isEqualTo("Blob");
    assertThat(col.pages()).allSatisfy(p -> assertThat(p.encoding()).startsWith("PackedStruct("));
    check("Lancelet reads " + name, lanceletRows(name, expected, 3), expected);
    // lance-core's Java reader returns empty values for many blob rows (a lance-core bug,
    // ReferenceQuirks.V20_BLOB_READS_EMPTY), so its read of our file must equal its read of the
    // file it writes itself from the same data; Lancelet reads both exactly.
    Path ref = dir.resolve("blob_ref.lance");
    try (VectorSchemaRoot all = VectorSchemaRoot.create(schema, alloc)) {
      IntVector ids = (IntVector) all.getVector(0);
      LargeVarBinaryVector b = (LargeVarBinaryVector) all.getVector(1);
      ids.allocateNew(expected.size());
      b.allocateNew(expected.size());
      try (LocalObjectStore store = new LocalObjectStore(dir);
          LanceFileReader r = LanceFileReader.open(store, name, alloc);
          var ar = r.scan(ScanOptions.builder().batchSize(1 << 20).build())) {
        int at = 0;
        while (ar.loadNextBatch()) {
          VectorSchemaRoot got = ar.getVectorSchemaRoot();
          for (int i = 0; i < got.getRowCount(); i++, at++) {
            ids.setSafe(at, ((IntVector) got.getVector(0)).get(i));
            LargeVarBinaryVector gb = (LargeVarBinaryVector) got.getVector(1);
            if (gb.isNull(i)) {
              b.setNull(at);
            } else {
              b.setSafe(at, gb.get(i));
            }
          }
        }
        ids.setValueCount(at);
        b.setValueCount(at);
        all.setRowCount(at);
      }
      check("source of the reference file", rows(all, null), expected);
      writeReference(ref, all, null, alloc);
    }
    List<List<String>> referenceOfOurs = referenceRows(dir.resolve(name), alloc);
    check("lance-core reads our blob file as it reads its own", referenceOfOurs, referenceRows(ref, alloc));
    for (int i = 0; i < expected.size(); i++) {
      assertThat(referenceOfOurs.get(i).get(0)).as("lance-core id at row %d", i).isEqualTo(expected.get(i).get(0));
    }
    check("Lancelet reads lance-core's blob file", lanceletRows("blob_ref.lance", expected, 4), expected);
    FileInfo.ColumnInfo refCol = info("blob_ref.lance").columns().get(1);
    assertThat(refCol.encoding()).isEqualTo("Blob");
    assertThat(col.pages().get(0).encoding()).isEqualTo(refCol.pages().get(0).encoding());
    assertThat(Files.size(dir.resolve(name))).isCloseTo(Files.size(ref), org.assertj.core.data.Offset.offset(256L));
  }

  // ------------------------------------------------------------------ page splitting

  @Test
  void largeBatchesAreSplitIntoPages() throws Exception {
    int rows = 1_500_000; // 12 MB of int64 and a 96 MB fixed-size list column
    Schema schema = new Schema(List.of(f("i", I64, true), f("v", new ArrowType.FixedSizeList(16), false, f("item", F32, false)),
        f("s", UTF8, true)));
    String name = "big.lance";
    long[] probes = {0, 1, 777_777, rows - 1};
    List<List<String>> expected = new ArrayList<>();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, name, schema, alloc, V20);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      BigIntVector iv = (BigIntVector) root.getVector(0);
      FixedSizeListVector fl = (FixedSizeListVector) root.getVector(1);
      VarCharVector sv = (VarCharVector) root.getVector(2);
      iv.allocateNew(rows);
      fl.setInitialCapacity(rows);
      fl.allocateNew();
      Float4Vector items = (Float4Vector) fl.getDataVector();
      items.allocateNew(rows * 16);
      sv.allocateNew(rows * 6L, rows);
      for (int i = 0; i < rows; i++) {
        if (i % 11 == 3) {
          iv.setNull(i);
        } else {
          iv.set(i, i * 31L);
        }
        fl.setNotNull(i);
        for (int j = 0; j < 16; j++) {
          items.set(i * 16 + j, i + j / 16f);
        }
        sv.setSafe(i, Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      }
      iv.setValueCount(rows);
      items.setValueCount(rows * 16);
      fl.setValueCount(rows);
      sv.setValueCount(rows);
      root.setRowCount(rows);
      for (long p : probes) {
        List<String> row = new ArrayList<>();
        for (FieldVector v : root.getFieldVectors()) {
          Object o = v.getObject((int) p);
          row.add(o instanceof byte[] bb ? java.util.Arrays.toString(bb) : String.valueOf(o));
        }
        expected.add(row);
      }
      w.write(root);
    }
    FileInfo fi = info(name);
    long max = (8L << 20) + (8L << 20) / 4;
    for (FileInfo.ColumnInfo c : fi.columns()) {
      assertThat(c.pages()).as("pages of %s", c.field()).hasSizeGreaterThan(1);
      for (FileInfo.PageInfo p : c.pages()) {
        long bytes = p.buffers().stream().mapToLong(FileInfo.BufferInfo::size).sum();
        assertThat(bytes).as("page of %s at row %d", c.field(), p.firstRow()).isLessThanOrEqualTo(max);
      }
    }
    assertThat(fi.columns().get(1).pages()).hasSizeGreaterThanOrEqualTo(11); // 96 MB in 8 MiB pages
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, name, alloc);
        VectorSchemaRoot t = r.take(probes, null)) {
      check("Lancelet take " + name, rows(t, null), expected);
    }
    // lance-core reads the probe rows back too.
    try (org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(dir.resolve(name).toString(), alloc)) {
      assertThat(r.numRows()).isEqualTo(rows);
    }
    List<List<String>> ref = new ArrayList<>();
    for (long p : probes) {
      List<VectorSchemaRoot> part = dev.lancelet.file.testing.ReferenceLance.readRanges(dir.resolve(name), null,
          List.of(new dev.lancelet.file.testing.ReferenceLance.RowRange((int) p, (int) p + 1)), alloc);
      try {
        for (VectorSchemaRoot b : part) {
          ref.addAll(rows(b, null));
        }
      } finally {
        dev.lancelet.file.testing.ReferenceLance.closeAll(part);
      }
    }
    check("lance-core reads " + name, ref, expected);
  }
}
