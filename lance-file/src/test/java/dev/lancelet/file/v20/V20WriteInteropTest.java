package dev.lancelet.file.v20;

import static dev.lancelet.file.v20.V20Data.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.file.container.FileMetadata;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ReadableObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lancelet writes 2.0 files; lance-core 7.0 (and Lancelet) must read back exactly what was written. */
class V20WriteInteropTest {
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

  private void roundTrip(String name, Schema schema, int rows, int batch, long seed, double pNull, WriteOptions opts) throws Exception {
    List<List<String>> expected = new ArrayList<>();
    Random rnd = new Random(seed);
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileWriter w = LanceFileWriter.create(store, name, schema, alloc, opts)) {
      for (int done = 0; done < rows; done += batch) {
        int n = Math.min(batch, rows - done);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
          for (FieldVector v : root.getFieldVectors()) {
            fill(v, n, rnd, pNull);
          }
          root.setRowCount(n);
          expected.addAll(rows(root, null));
          w.write(root);
        }
      }
    }
    Path file = dir.resolve(name);
    try (LocalObjectStore store = new LocalObjectStore(dir);
        ReadableObject obj = store.open(name)) {
      FileMetadata meta = FileMetadata.read(obj);
      assertThat(meta.footer().major()).isEqualTo(0);
      assertThat(meta.footer().minor()).isEqualTo(3);
    }
    List<List<String>> reference = referenceRows(file, alloc);
    check("lance-core reads " + name + " (seed " + seed + ")", reference, expected);
    List<List<String>> ours = new ArrayList<>();
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, name, alloc);
        var ar = r.scan(dev.lancelet.file.ScanOptions.builder().batchSize(1000).build())) {
      while (ar.loadNextBatch()) {
        ours.addAll(rows(ar.getVectorSchemaRoot(), null));
      }
    }
    check("Lancelet reads " + name + " (seed " + seed + ")", ours, expected);
  }

  private static void check(String what, List<List<String>> actual, List<List<String>> expected) {
    assertThat(actual.size()).as(what + ": rows").isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(what + ": row " + i + " expected " + expected.get(i) + " but read " + actual.get(i));
      }
    }
  }

  @Test
  void scalars() throws Exception {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < SCALARS.size(); i++) {
      fields.add(f("n" + i, SCALARS.get(i), false));
      fields.add(f("c" + i, SCALARS.get(i), true));
    }
    fields.add(f("fsb", new ArrowType.FixedSizeBinary(16), true));
    roundTrip("scalars.lance", new Schema(fields), 4000, 1500, 11, 0.25, V20);
  }

  @Test
  void allNull() throws Exception {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < SCALARS.size(); i++) {
      fields.add(f("c" + i, SCALARS.get(i), true));
    }
    fields.add(f("l", ArrowType.List.INSTANCE, true, f("item", I32, true)));
    fields.add(f("v", new ArrowType.FixedSizeList(4), true, f("item", F32, true)));
    roundTrip("allnull.lance", new Schema(fields), 600, 600, 12, 1.0, V20);
  }

  @Test
  void nested() throws Exception {
    Field inner = f("c", ArrowType.Struct.INSTANCE, false, f("d", F64, true), f("e", BOOL, true));
    Schema schema = new Schema(List.of(
        f("s", ArrowType.Struct.INSTANCE, false, f("a", I32, false), f("b", UTF8, true), inner),
        f("li", ArrowType.List.INSTANCE, true, f("item", I32, true)),
        f("ll", ArrowType.LargeList.INSTANCE, true, f("item", LUTF8, true)),
        f("lli", ArrowType.List.INSTANCE, true, f("item", ArrowType.List.INSTANCE, true, f("item", I64, true))),
        f("sl", ArrowType.Struct.INSTANCE, false, f("x", ArrowType.List.INSTANCE, true, f("item", F32, true)), f("y", I16, true)),
        f("vec", new ArrowType.FixedSizeList(8), false, f("item", F32, false)),
        f("vn", new ArrowType.FixedSizeList(3), true, f("item", I32, true)),
        f("ls", ArrowType.List.INSTANCE, false, f("item", ArrowType.Struct.INSTANCE, true, f("p", I32, true), f("q", BIN, true)))));
    roundTrip("nested.lance", schema, 5000, 1700, 13, 0.15, V20);
  }

  @Test
  void manySmallPages() throws Exception {
    Schema schema = new Schema(List.of(f("i", I64, true), f("s", UTF8, true),
        f("l", ArrowType.List.INSTANCE, true, f("item", I32, true)), f("st", ArrowType.Struct.INSTANCE, false, f("b", BOOL, true))));
    roundTrip("pages.lance", schema, 30000, 1000, 14, 0.1, WriteOptions.builder().version(LanceFileVersion.V2_0).maxPageBytes(4096).build());
    try (LocalObjectStore store = new LocalObjectStore(dir);
        ReadableObject obj = store.open("pages.lance")) {
      assertThat(FileMetadata.read(obj).columns().get(0).getPagesCount()).isGreaterThan(5);
    }
  }

  @Test
  void unsupportedFieldsAreRejectedUpFront() {
    DictionaryEncoding enc = new DictionaryEncoding(1, false, new ArrowType.Int(32, true));
    Schema dict = new Schema(List.of(new Field("d", new FieldType(true, new ArrowType.Int(32, true), enc), null)));
    assertThatThrownBy(() -> {
      try (LocalObjectStore store = new LocalObjectStore(dir)) {
        LanceFileWriter.create(store, "d.lance", dict, alloc, V20).close();
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DictionaryProvider");
    Schema packed = new Schema(List.of(new Field("p", new FieldType(true, ArrowType.Struct.INSTANCE, null,
        java.util.Map.of("packed", "true")), List.of(f("x", I32, true)))));
    assertThatThrownBy(() -> {
      try (LocalObjectStore store = new LocalObjectStore(dir)) {
        LanceFileWriter.create(store, "p.lance", packed, alloc, V20).close();
      }
    }).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("packed");
    Schema blob = new Schema(List.of(new Field("b", new FieldType(true, BIN, null,
        java.util.Map.of(V20FileEncoder.BLOB_META_KEY, "true")), null)));
    assertThatThrownBy(() -> {
      try (LocalObjectStore store = new LocalObjectStore(dir)) {
        LanceFileWriter.create(store, "b.lance", blob, alloc, V20).close();
      }
    }).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("large_binary");
  }
}
