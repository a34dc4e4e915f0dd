package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import dev.lancelet.file.testing.TypeCatalog;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * {@link Selection#select} and {@link Batches#gather} (the fast run-by-run copies used by filtered
 * scans and takes) against {@link Batches#gatherBySlices} (the generic slice-and-append path) on
 * every catalog type, with and without nulls, for sparse, half, dense and run-shaped selections,
 * and for takes from several sources in any order with repeats.
 */
class SelectionTest {
  static final int ROWS = 700;

  private static BitSet mask(String shape, Random r) {
    BitSet keep = new BitSet();
    switch (shape) {
      case "sparse" -> {
        for (int i = 0; i < ROWS; i++) {
          if (r.nextInt(100) == 0) {
            keep.set(i);
          }
        }
      }
      case "half" -> {
        for (int i = 0; i < ROWS; i++) {
          if (r.nextBoolean()) {
            keep.set(i);
          }
        }
      }
      case "dense" -> {
        keep.set(0, ROWS);
        keep.clear(r.nextInt(ROWS));
      }
      case "runs" -> {
        for (int i = 0; i < ROWS; ) {
          int len = 1 + r.nextInt(40);
          if (r.nextBoolean()) {
            keep.set(i, Math.min(ROWS, i + len));
          }
          i += len;
        }
      }
      case "none" -> { }
      default -> throw new IllegalArgumentException(shape);
    }
    return keep;
  }

  /** The expected selection: every column through the generic gather. */
  private static VectorSchemaRoot expected(VectorSchemaRoot in, BitSet keep, BufferAllocator allocator) {
    int n = keep.cardinality();
    int[] rows = keep.stream().toArray();
    List<FieldVector> out = new ArrayList<>();
    for (FieldVector v : in.getFieldVectors()) {
      out.add(Batches.gatherBySlices(v.getField(), List.of(v), new int[n], rows, n, allocator));
    }
    return new VectorSchemaRoot(in.getSchema().getFields(), out, n);
  }

  @Test
  void matchesGenericGatherOnEveryType() {
    long seed = new Random().nextLong();
    List<Field> fields = new ArrayList<>();
    for (TypeCatalog.Entry e : TypeCatalog.all()) {
      if (!hasDictionary(e.field()) && !Batches.hasLargeList(e.field())) {
        fields.add(e.field());
      }
    }
    Schema schema = new Schema(fields);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (RandomData.Nulls nulls : new RandomData.Nulls[] {RandomData.Nulls.NONE, RandomData.Nulls.RANDOM_10}) {
        for (String shape : List.of("sparse", "half", "dense", "runs", "none")) {
          Random r = new Random(seed ^ shape.hashCode() ^ nulls.ordinal());
          BitSet keep = mask(shape, r);
          RandomData.Builder b = RandomData.builder(seed).rows(ROWS).nulls(nulls);
          String ctx = b.describe() + " " + shape + " " + nulls;
          try (RandomData.Batches in = b.build(schema, allocator); RandomData.Batches again = b.build(schema, allocator);
              VectorSchemaRoot want = expected(in.root(), keep, allocator);
              VectorSchemaRoot got = Selection.select(again.root(), keep, allocator)) {
            assertThat(got.getRowCount()).as(ctx).isEqualTo(keep.cardinality());
            ArrowAssert.assertRootsEqual(want, got, ctx);
          }
        }
      }
    }
  }

  @Test
  void gatherFromSeveralSourcesMatchesSlices() {
    long seed = new Random().nextLong();
    List<Field> fields = new ArrayList<>();
    for (TypeCatalog.Entry e : TypeCatalog.all()) {
      if (!hasDictionary(e.field()) && !Batches.hasLargeList(e.field())) {
        fields.add(e.field());
      }
    }
    Schema schema = new Schema(fields);
    Random r = new Random(seed);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (RandomData.Nulls nulls : new RandomData.Nulls[] {RandomData.Nulls.NONE, RandomData.Nulls.RANDOM_10}) {
        RandomData.Builder b = RandomData.builder(seed + nulls.ordinal()).rows(ROWS / 3).batches(3).nulls(nulls);
        try (RandomData.Batches in = b.build(schema, allocator)) {
          int n = 400;
          int[] parts = new int[n];
          int[] rows = new int[n];
          for (int i = 0; i < n; i++) {
            parts[i] = r.nextInt(3);
            // runs of neighbours, jumps and repeats
            rows[i] = i > 0 && parts[i] == parts[i - 1] && r.nextBoolean() && rows[i - 1] + 1 < ROWS / 3
                ? rows[i - 1] + (r.nextInt(4) == 0 ? 0 : 1) : r.nextInt(ROWS / 3);
          }
          for (int c = 0; c < fields.size(); c++) {
            List<FieldVector> sources = new ArrayList<>();
            for (VectorSchemaRoot root : in.roots()) {
              sources.add(root.getVector(c));
            }
            Field f = fields.get(c);
            try (FieldVector want = Batches.gatherBySlices(f, sources, parts, rows, n, allocator);
                FieldVector got = Batches.gather(f, sources, parts, rows, n, allocator);
                VectorSchemaRoot w = VectorSchemaRoot.of(want);
                VectorSchemaRoot g = VectorSchemaRoot.of(got)) {
              ArrowAssert.assertRootsEqual(w, g, b.describe() + " column " + f.getName());
            }
          }
        }
      }
    }
  }

  private static boolean hasDictionary(Field f) {
    if (f.getDictionary() != null) {
      return true;
    }
    for (Field c : f.getChildren()) {
      if (hasDictionary(c)) {
        return true;
      }
    }
    return false;
  }
}
