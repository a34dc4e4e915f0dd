package dev.lancelet.file.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.RandomData.Nulls;
import dev.lancelet.file.testing.RandomData.Shape;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tests of RandomData and ArrowAssert themselves (no lance-core). */
class HarnessSelfTest {

  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private Schema everything() {
    return TypeCatalog.schemaOf(TypeCatalog.all());
  }

  @Test
  void sameSeedSameData() {
    for (Shape shape : Shape.values()) {
      if (shape == Shape.HUGE_BINARY) {
        continue;
      }
      RandomData.Builder b = RandomData.builder(99).shape(shape).nulls(Nulls.RUNS).rows(300).batches(2);
      try (RandomData.Batches x = b.build(everything(), allocator);
          RandomData.Batches y = b.build(everything(), allocator)) {
        ArrowAssert.assertBatchesEqual(x.roots(), x.dictionaries(), y.roots(), y.dictionaries(), b.describe());
      }
    }
  }

  @Test
  void differentSeedDifferentData() {
    try (RandomData.Batches x = RandomData.builder(1).rows(50).build(everything(), allocator);
        RandomData.Batches y = RandomData.builder(2).rows(50).build(everything(), allocator)) {
      assertThatThrownBy(() -> ArrowAssert.assertBatchesEqual(x.roots(), x.dictionaries(), y.roots(), y.dictionaries(), "seeds 1 vs 2"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("column 'int8', row 0")
          .hasMessageContaining("context: seeds 1 vs 2");
    }
  }

  @Test
  void columnsAreIndependentOfTheirNeighbours() {
    Schema one = TypeCatalog.schemaOf(List.of(TypeCatalog.get("utf8")));
    Schema many = TypeCatalog.schemaOf(List.of(TypeCatalog.get("int64"), TypeCatalog.get("utf8")));
    try (RandomData.Batches x = RandomData.builder(5).nulls(Nulls.RANDOM_10).build(one, allocator);
        RandomData.Batches y = RandomData.builder(5).nulls(Nulls.RANDOM_10).build(many, allocator);
        VectorSchemaRoot ySlice = new VectorSchemaRoot(List.of(y.root().getVector("utf8")))) {
      ArrowAssert.assertRootsEqual(x.root(), new VectorSchemaRoot(one.getFields(), ySlice.getFieldVectors(), 1000), "independence");
      ySlice.clear(); // do not close y's vectors twice
    }
  }

  @Test
  void nullPatterns() {
    Schema s = TypeCatalog.schemaOf(List.of(TypeCatalog.get("int32"), TypeCatalog.get("list_int32"), TypeCatalog.get("struct_flat")));
    try (RandomData.Batches all = RandomData.builder(3).nulls(Nulls.ALL_NULL).rows(500).build(s, allocator);
        RandomData.Batches most = RandomData.builder(3).nulls(Nulls.MOSTLY_NULL_95).rows(2000).build(s, allocator);
        RandomData.Batches some = RandomData.builder(3).nulls(Nulls.RANDOM_10).rows(2000).build(s, allocator)) {
      for (FieldVector v : all.root().getFieldVectors()) {
        assertThat(v.getNullCount()).as(v.getName()).isEqualTo(500);
      }
      assertThat(most.root().getVector("int32").getNullCount()).isBetween(1800, 1990);
      ListVector list = (ListVector) some.root().getVector("list_int32");
      int nulls = 0, empties = 0;
      for (int i = 0; i < list.getValueCount(); i++) {
        if (list.isNull(i)) {
          nulls++;
        } else if (list.getElementEndIndex(i) == list.getElementStartIndex(i)) {
          empties++;
        }
      }
      assertThat(nulls).as("null lists").isBetween(100, 300);
      assertThat(empties).as("empty lists").isBetween(100, 500);
      assertThat(list.getDataVector().getNullCount()).as("null items").isPositive();
      assertThat(some.root().getVector("struct_flat").getNullCount()).as("null structs").isPositive();
      assertThat(((org.apache.arrow.vector.complex.StructVector) some.root().getVector("struct_flat"))
          .getChild("a").getNullCount()).as("null struct children").isPositive();
    }
  }

  @Test
  void shapesLookLikeTheirNames() {
    Schema s = TypeCatalog.schemaOf(List.of(TypeCatalog.get("int64"), TypeCatalog.get("utf8")));
    try (RandomData.Batches constant = RandomData.builder(1).shape(Shape.CONSTANT).rows(100).build(s, allocator);
        RandomData.Batches sorted = RandomData.builder(1).shape(Shape.SORTED).rows(100).build(s, allocator);
        RandomData.Batches lowCard = RandomData.builder(1).shape(Shape.LOW_CARDINALITY).rows(1000).build(s, allocator);
        RandomData.Batches longStrings = RandomData.builder(1).shape(Shape.LONG_STRINGS).rows(50).build(s, allocator)) {
      var c = (org.apache.arrow.vector.BigIntVector) constant.root().getVector("int64");
      var so = (org.apache.arrow.vector.BigIntVector) sorted.root().getVector("int64");
      for (int i = 1; i < 100; i++) {
        assertThat(c.get(i)).isEqualTo(c.get(0));
        assertThat(so.get(i)).isGreaterThanOrEqualTo(so.get(i - 1));
      }
      var lc = (org.apache.arrow.vector.BigIntVector) lowCard.root().getVector("int64");
      java.util.Set<Long> distinct = new java.util.HashSet<>();
      for (int i = 0; i < 1000; i++) {
        distinct.add(lc.get(i));
      }
      assertThat(distinct.size()).isLessThanOrEqualTo(8);
      var ls = (org.apache.arrow.vector.VarCharVector) longStrings.root().getVector("utf8");
      for (int i = 0; i < 50; i++) {
        assertThat(ls.get(i).length).isBetween(300, 2000);
      }
    }
  }

  @Test
  void assertReportsColumnRowValuesAndContext() {
    Schema s = TypeCatalog.schemaOf(List.of(TypeCatalog.get("int32"), TypeCatalog.get("float64")));
    try (RandomData.Batches x = RandomData.builder(8).rows(10).build(s, allocator);
        RandomData.Batches y = RandomData.builder(8).rows(10).build(s, allocator)) {
      ((IntVector) y.root().getVector("int32")).set(7, 123);
      assertThatThrownBy(() -> ArrowAssert.assertRootsEqual(x.root(), y.root(), "seed=8"))
          .hasMessageContaining("column 'int32', row 7")
          .hasMessageContaining("but was 123")
          .hasMessageContaining("context: seed=8");
      ((IntVector) y.root().getVector("int32")).setNull(7);
      assertThatThrownBy(() -> ArrowAssert.assertRootsEqual(x.root(), y.root(), "seed=8"))
          .hasMessageContaining("but was null");
    }
  }

  @Test
  void nanEqualsNanButSignedZerosDiffer() {
    Schema s = TypeCatalog.schemaOf(List.of(TypeCatalog.get("float64")));
    try (VectorSchemaRoot a = VectorSchemaRoot.create(s, allocator);
        VectorSchemaRoot b = VectorSchemaRoot.create(s, allocator)) {
      Float8Vector x = (Float8Vector) a.getVector(0);
      Float8Vector y = (Float8Vector) b.getVector(0);
      x.allocateNew(2);
      y.allocateNew(2);
      x.set(0, Double.NaN);
      y.set(0, Double.longBitsToDouble(0x7ff8_0000_0000_0001L));
      x.set(1, 0.0);
      y.set(1, 0.0);
      a.setRowCount(2);
      b.setRowCount(2);
      ArrowAssert.assertRootsEqual(a, b, "nan");
      y.set(1, -0.0);
      assertThatThrownBy(() -> ArrowAssert.assertRootsEqual(a, b, "zero")).hasMessageContaining("row 1");
    }
  }

  @Test
  void batchBoundariesDoNotMatter() {
    Schema s = everything();
    try (RandomData.Batches x = RandomData.builder(4).nulls(Nulls.RANDOM_10).rows(90).batches(1).build(s, allocator)) {
      List<VectorSchemaRoot> slices = new ArrayList<>();
      try {
        slices.add(x.root().slice(0, 10));
        slices.add(x.root().slice(10, 0));
        slices.add(x.root().slice(10, 77));
        slices.add(x.root().slice(87, 3));
        ArrowAssert.assertBatchesEqual(x.roots(), x.dictionaries(), slices, x.dictionaries(), "slices");
        List<VectorSchemaRoot> shorter = slices.subList(0, 3);
        assertThatThrownBy(() -> ArrowAssert.assertBatchesEqual(x.roots(), x.dictionaries(), shorter, x.dictionaries(), "short"))
            .hasMessageContaining("Row count differs: expected 90");
      } finally {
        slices.forEach(VectorSchemaRoot::close);
      }
    }
  }

  @Test
  void everyCatalogFieldIsGeneratable() {
    for (TypeCatalog.Entry t : TypeCatalog.all()) {
      for (Nulls n : Nulls.values()) {
        try (RandomData.Batches d = RandomData.builder(1).nulls(n).rows(33).build(t.schema(), allocator)) {
          assertThat(d.root().getRowCount()).isEqualTo(33);
          assertThat(d.root().getVector(0).getValueCount()).as(t.name()).isEqualTo(33);
        }
      }
    }
  }
}
