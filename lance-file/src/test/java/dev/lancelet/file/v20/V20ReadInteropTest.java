package dev.lancelet.file.v20;

import static dev.lancelet.file.v20.V20Data.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.container.FileMetadata;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ReadableObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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

/** lance-core 7.0 writes 2.0 files; Lancelet reads them and must see what lance-core sees. */
class V20ReadInteropTest {
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

  /** Writes {@code schema} filled from {@code seed} with lance-core, then checks every access path. */
  private void check(String name, Schema schema, int rows, long seed, double pNull) throws Exception {
    Path file = dir.resolve(name + ".lance");
    Random rnd = new Random(seed);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      for (FieldVector v : root.getFieldVectors()) {
        fill(v, rows, rnd, pNull);
      }
      root.setRowCount(rows);
      writeReference(file, root, null, alloc);
    }
    verify(file, rows, seed);
  }

  /** Compares full scan, sub-ranges and takes against what lance-core reads. */
  private void verify(Path file, int rows, long seed) throws Exception {
    verify(file, rows, seed, referenceRows(file, alloc));
  }

  private void verify(Path file, int rows, long seed, List<List<String>> expected) throws Exception {
    assertThat(expected).hasSize(rows);
    try (LocalObjectStore store = new LocalObjectStore(dir);
        ReadableObject obj = store.open(file.getFileName().toString())) {
      FileMetadata meta = FileMetadata.read(obj);
      assertThat(meta.version()).isEqualTo(LanceFileVersion.V2_0);
      assertThat(meta.footer().major()).isEqualTo(0);
      assertThat(meta.footer().minor()).isEqualTo(3);
      V20FileDecoder dec = V20FileDecoder.open(obj, meta);
      assertThat(dec.numRows()).isEqualTo(rows);
      try (VectorSchemaRoot all = dec.readRange(0, rows, null, alloc)) {
        assertRows("full scan, seed " + seed, rows(all, null), expected);
      }
      Random rnd = new Random(seed ^ 0x5DEECE66DL);
      for (int k = 0; k < 3; k++) {
        int s = rnd.nextInt(rows);
        int e = s + rnd.nextInt(rows - s + 1);
        try (VectorSchemaRoot part = dec.readRange(s, e, null, alloc)) {
          assertRows("range [" + s + "," + e + "), seed " + seed, rows(part, null), expected.subList(s, e));
        }
      }
      long[] take = new long[Math.min(rows, 200)];
      for (int i = 0; i < take.length; i++) {
        take[i] = rnd.nextInt(rows);
      }
      if (take.length > 2) {
        take[1] = take[0]; // a duplicate
      }
      try (VectorSchemaRoot t = dec.take(take, null, alloc)) {
        List<List<String>> want = new ArrayList<>();
        for (long r : take) {
          want.add(expected.get((int) r));
        }
        assertRows("take, seed " + seed, rows(t, null), want);
      }
      long[] sorted = {0, Math.max(0, rows / 2), rows - 1};
      try (VectorSchemaRoot t = dec.take(sorted, null, alloc)) {
        assertThat(rows(t, null).get(2)).isEqualTo(expected.get(rows - 1));
      }
    }
  }

  private static void assertRows(String what, List<List<String>> actual, List<List<String>> expected) {
    assertThat(actual.size()).as(what + ": row count").isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(what + ": row " + i + " expected " + expected.get(i) + " but read " + actual.get(i));
      }
    }
  }

  @Test
  void throughLanceFileReader() throws Exception {
    Field st = f("s", ArrowType.Struct.INSTANCE, false, f("a", I32, true), f("b", UTF8, true));
    Schema schema = new Schema(List.of(f("i", I64, true), st, f("l", ArrowType.List.INSTANCE, true, f("item", F64, true)),
        f("v", new ArrowType.FixedSizeList(4), true, f("item", F32, true))));
    Path file = dir.resolve("api.lance");
    int rows = 5000;
    Random rnd = new Random(9);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      for (FieldVector v : root.getFieldVectors()) {
        fill(v, rows, rnd, 0.2);
      }
      root.setRowCount(rows);
      writeReference(file, root, null, alloc);
    }
    List<List<String>> expected = referenceRows(file, alloc);
    try (LocalObjectStore store = new LocalObjectStore(dir);
        dev.lancelet.file.LanceFileReader r = dev.lancelet.file.LanceFileReader.open(store, "api.lance", alloc)) {
      assertThat(r.version()).isEqualTo(LanceFileVersion.V2_0);
      assertThat(r.numRows()).isEqualTo(rows);
      List<List<String>> got = new ArrayList<>();
      try (var ar = r.scan(dev.lancelet.file.ScanOptions.builder().batchSize(777).build())) {
        while (ar.loadNextBatch()) {
          got.addAll(rows(ar.getVectorSchemaRoot(), null));
        }
      }
      assertRows("LanceFileReader.scan", got, expected);
      long[] take = {4999, 3, 3, 1200, 0};
      try (VectorSchemaRoot t = r.take(take, null)) {
        List<List<String>> want = new ArrayList<>();
        for (long x : take) {
          want.add(expected.get((int) x));
        }
        assertRows("LanceFileReader.take", rows(t, null), want);
      }
      assertThat(r.info().columns()).hasSize(7); // i, s, s.a, s.b, l, l.item, v
      assertThat(r.info().columns().get(1).pages().get(0).encoding()).isEqualTo("SimpleStruct");
    }
  }

  @Test
  void scalarsWithoutNulls() throws Exception {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < SCALARS.size(); i++) {
      fields.add(f("c" + i, SCALARS.get(i), false));
    }
    check("scalars", new Schema(fields), 3000, 1, 0);
  }

  @Test
  void scalarsWithNulls() throws Exception {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < SCALARS.size(); i++) {
      fields.add(f("c" + i, SCALARS.get(i), true));
    }
    check("nullable", new Schema(fields), 2500, 2, 0.3);
  }

  @Test
  void allNull() throws Exception {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < SCALARS.size(); i++) {
      fields.add(f("c" + i, SCALARS.get(i), true));
    }
    fields.add(f("l", ArrowType.List.INSTANCE, true, f("item", I32, true)));
    fields.add(f("v", new ArrowType.FixedSizeList(4), true, f("item", F32, true)));
    check("allnull", new Schema(fields), 700, 3, 1.0);
  }

  @Test
  void nested() throws Exception {
    Field inner = f("c", ArrowType.Struct.INSTANCE, false, f("d", F64, true), f("e", BOOL, true));
    Field st = f("s", ArrowType.Struct.INSTANCE, false, f("a", I32, false), f("b", UTF8, true), inner);
    Schema schema = new Schema(List.of(
        st,
        f("li", ArrowType.List.INSTANCE, true, f("item", I32, true)),
        f("ls", ArrowType.List.INSTANCE, true, f("item", UTF8, true)),
        f("lli", ArrowType.List.INSTANCE, true, f("item", ArrowType.List.INSTANCE, true, f("item", I64, true))),
        f("sl", ArrowType.Struct.INSTANCE, false, f("x", ArrowType.List.INSTANCE, true, f("item", F32, true)), f("y", I16, true)),
        f("vec", new ArrowType.FixedSizeList(8), false, f("item", F32, false)),
        f("vn", new ArrowType.FixedSizeList(3), true, f("item", I32, true)),
        f("ls2", ArrowType.List.INSTANCE, false, f("item", ArrowType.Struct.INSTANCE, true, f("p", I32, true), f("q", LUTF8, true)))));
    check("nested", schema, 3000, 4, 0.15);
  }

  @Test
  void dictionaries() throws Exception {
    Path file = dir.resolve("dict.lance");
    int rows = 2000;
    Random rnd = new Random(5);
    DictionaryEncoding enc = new DictionaryEncoding(1, false, new ArrowType.Int(32, true));
    Schema schema = new Schema(List.of(
        f("lowcard", UTF8, true),
        new Field("d", new FieldType(true, new ArrowType.Int(32, true), enc), null),
        f("allnull_s", UTF8, true)));
    try (VarCharVector dictValues = new VarCharVector("dict", alloc);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      dictValues.allocateNew();
      for (int i = 0; i < 5; i++) {
        dictValues.setSafe(i, ("word-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      dictValues.setValueCount(5);
      fillLowCard((VarCharVector) root.getVector(0), rows, rnd, 0.1);
      IntVector keys = (IntVector) root.getVector(1);
      keys.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        if (rnd.nextInt(8) == 0) {
          keys.setNull(i);
        } else {
          keys.set(i, rnd.nextInt(5));
        }
      }
      keys.setValueCount(rows);
      VarCharVector an = (VarCharVector) root.getVector(2);
      an.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        an.setNull(i);
      }
      an.setValueCount(rows);
      root.setRowCount(rows);
      DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
      provider.put(new Dictionary(dictValues, enc));
      writeReference(file, root, provider, alloc);
    }
    verify(file, rows, 5);
  }

  @Test
  void multiplePages() throws Exception {
    // ~8 MiB pages: 1.5M int64 rows span two pages, the strings several.
    Path file = dir.resolve("pages.lance");
    int rows = 1_500_000;
    Schema schema = new Schema(List.of(f("i", I64, true), f("s", UTF8, true), f("l", ArrowType.List.INSTANCE, true, f("item", I32, true))));
    Random rnd = new Random(6);
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc);
        org.lance.file.LanceFileWriter w =
            org.lance.file.LanceFileWriter.open(file.toString(), alloc, null, java.util.Optional.of("2.0"), Map.of())) {
      int batch = 150_000;
      for (int done = 0; done < rows; done += batch) {
        for (FieldVector v : root.getFieldVectors()) {
          fill(v, batch, rnd, 0.05);
        }
        root.setRowCount(batch);
        w.write(root);
      }
    }
    try (LocalObjectStore store = new LocalObjectStore(dir);
        ReadableObject obj = store.open("pages.lance")) {
      FileMetadata meta = FileMetadata.read(obj);
      assertThat(meta.columns().get(0).getPagesCount()).isGreaterThan(1);
    }
    verify(file, rows, 6);
  }

  @Test
  void blobs() throws Exception {
    Path file = dir.resolve("blob.lance");
    int rows = 300;
    Field blob = new Field("b", new FieldType(true, LBIN, null, Map.of("lance-encoding:blob", "true")), null);
    Schema schema = new Schema(List.of(f("id", I32, false), blob));
    Random rnd = new Random(7);
    List<List<String>> source;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      for (FieldVector v : root.getFieldVectors()) {
        fill(v, rows, rnd, 0.2);
      }
      root.setRowCount(rows);
      source = rows(root, null);
      writeReference(file, root, null, alloc);
    }
    // lance-core 7.0's Java reader returns empty values for blob rows from row 55 on (seen with
    // this seed), so the source data is the reference here.
    verify(file, rows, 7, source);
  }

  @Test
  void legacyFileIsRejected() throws Exception {
    // The file writer cannot write legacy files; a dataset with data_storage_version=legacy can.
    Path ds = dir.resolve("legacy_ds");
    Schema schema = new Schema(List.of(f("i", I32, true)));
    java.io.ByteArrayOutputStream ipc = new java.io.ByteArrayOutputStream();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      fill(root.getVector(0), 10, new Random(8), 0);
      root.setRowCount(10);
      try (var w = new org.apache.arrow.vector.ipc.ArrowStreamWriter(root, null, ipc)) {
        w.writeBatch();
      }
    }
    try (var reader = new org.apache.arrow.vector.ipc.ArrowStreamReader(new java.io.ByteArrayInputStream(ipc.toByteArray()), alloc);
        org.lance.Dataset d = org.lance.Dataset.write().allocator(alloc).reader(reader).uri(ds.toString()).dataStorageVersion("legacy").execute()) {
      assertThat(d.countRows()).isEqualTo(10);
    }
    Path data;
    try (var files = java.nio.file.Files.list(ds.resolve("data"))) {
      data = files.filter(p -> p.toString().endsWith(".lance")).findFirst().orElseThrow();
    }
    try (LocalObjectStore store = new LocalObjectStore(data.getParent());
        ReadableObject obj = store.open(data.getFileName().toString())) {
      assertThatThrownBy(() -> FileMetadata.read(obj))
          .isInstanceOf(LanceFormatException.class)
          .hasMessageContaining(data.getFileName().toString())
          .hasMessageContaining("legacy Lance format (v0.1) is not supported");
    }
  }
}
