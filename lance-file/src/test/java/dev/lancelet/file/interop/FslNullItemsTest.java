package dev.lancelet.file.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.LanceFileLayout;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.ReferenceLance;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
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
 * Fixed-size lists with null items (Lance {@code FixedSizeList has_validity}) in both
 * directions, narrow vectors (mini-block: a validity bitmap buffer then the items per chunk) and
 * wide ones (full-zip: {@code ceil(dim/8)} validity bytes before each vector's items). The
 * interop matrix covers {@code fixed_size_list<f64, 4>}; this adds the wide layout and nesting.
 */
class FslNullItemsTest {

  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private static Field fsl(String name, int dim, ArrowType item) {
    return new Field(name, FieldType.nullable(new ArrowType.FixedSizeList(dim)),
        List.of(new Field("item", FieldType.nullable(item), null)));
  }

  static Stream<Arguments> cases() {
    ArrowType f32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    ArrowType f64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    ArrowType i16 = new ArrowType.Int(16, true);
    List<Arguments> out = new ArrayList<>();
    for (String v : List.of("2.1", "2.2")) {
      for (Nulls n : List.of(Nulls.RANDOM_10, Nulls.RUNS)) {
        out.add(Arguments.of(v, "f32x128", n, new Schema(List.of(fsl("v", 128, f32)))));
        out.add(Arguments.of(v, "f64x4", n, new Schema(List.of(fsl("v", 4, f64)))));
        out.add(Arguments.of(v, "i16x3+f32x100", n, new Schema(List.of(fsl("a", 3, i16), fsl("b", 100, f32)))));
        out.add(Arguments.of(v, "list<f32x6>", n, new Schema(List.of(new Field("l", FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(fsl("item", 6, f32)))))));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} {2} in {0}")
  @MethodSource("cases")
  void roundTrips(String version, String name, Nulls nulls, Schema schema) throws Exception {
    long seed = name.hashCode() * 31L + version.hashCode() + nulls.ordinal();
    try (RandomData.Batches data = RandomData.builder(seed).nulls(nulls).rows(700).batches(2).build(schema, allocator)) {
      SplittableRandom rnd = new SplittableRandom(seed);
      // lance-core writes, Lancelet reads.
      Path ref = dir.resolve("ref.lance");
      ReferenceLance.writeFile(ref, data, version);
      String layout = LanceFileLayout.read(ref).dump(false);
      assertThat(layout).as("lance-core stores item validity").contains("has_validity=true");
      lanceletReads(ref, data.roots(), rnd, name + " lance-core " + version + "\n" + layout);
      // Lancelet writes (also with small pages), lance-core and Lancelet read.
      for (long pageBytes : new long[] {0, 4096}) {
        Path ours = dir.resolve("ours" + pageBytes + ".lance");
        WriteOptions.Builder opts = WriteOptions.builder().version(version.equals("2.1") ? LanceFileVersion.V2_1 : LanceFileVersion.V2_2);
        if (pageBytes > 0) {
          opts.maxPageBytes(pageBytes);
        }
        try (LocalObjectStore store = new LocalObjectStore(dir);
            LanceFileWriter w = LanceFileWriter.create(store, ours.getFileName().toString(), schema, allocator,
                opts.build(), data.dictionaries())) {
          for (VectorSchemaRoot r : data.roots()) {
            w.write(r);
          }
        }
        String ctx = name + " Lancelet " + version + " pageBytes=" + pageBytes + "\n" + LanceFileLayout.read(ours).dump(false);
        assertThat(ctx).as("Lancelet stores item validity").contains("has_validity=true");
        List<VectorSchemaRoot> back = ReferenceLance.readFile(ours, null, allocator);
        try {
          ArrowAssert.assertBatchesEqual(data.roots(), back, "lance-core reads " + ctx);
        } finally {
          ReferenceLance.closeAll(back);
        }
        lanceletReads(ours, data.roots(), rnd, ctx);
      }
    }
  }

  private void lanceletReads(Path file, List<VectorSchemaRoot> expected, SplittableRandom rnd, String ctx)
      throws Exception {
    try (LocalObjectStore store = new LocalObjectStore(dir);
        LanceFileReader r = LanceFileReader.open(store, file.getFileName().toString(), allocator)) {
      long n = r.numRows();
      int batch = 1 + 2 * rnd.nextInt(200);
      long pos = 0;
      try (ArrowReader ar = r.scan(ScanOptions.builder().batchSize(batch).build())) {
        while (ar.loadNextBatch()) {
          VectorSchemaRoot got = ar.getVectorSchemaRoot();
          long[] rows = new long[got.getRowCount()];
          for (int i = 0; i < rows.length; i++) {
            rows[i] = pos + i;
          }
          ArrowAssert.assertRowsEqual(expected, null, rows, got, null, "Lancelet scan batch " + batch + "; " + ctx);
          pos += rows.length;
        }
      }
      assertThat(pos).as(ctx).isEqualTo(n);
      long from = rnd.nextLong(n);
      long to = from + rnd.nextLong(n - from) + 1;
      pos = from;
      try (ArrowReader ar = r.scan(ScanOptions.builder().rowRange(from, to).batchSize(97).build())) {
        while (ar.loadNextBatch()) {
          VectorSchemaRoot got = ar.getVectorSchemaRoot();
          long[] rows = new long[got.getRowCount()];
          for (int i = 0; i < rows.length; i++) {
            rows[i] = pos + i;
          }
          ArrowAssert.assertRowsEqual(expected, null, rows, got, null, "Lancelet range; " + ctx);
          pos += rows.length;
        }
      }
      assertThat(pos).as(ctx).isEqualTo(to);
      long[] sorted = rnd.longs(40, 0, n).distinct().sorted().toArray();
      long[] shuffled = rnd.longs(43, 0, n).toArray();
      shuffled[42] = shuffled[0];
      for (long[] rows : List.of(sorted, shuffled)) {
        try (VectorSchemaRoot t = r.take(rows, null)) {
          ArrowAssert.assertRowsEqual(expected, null, rows, t, null, "Lancelet take; " + ctx);
        }
      }
    }
  }
}
