package dev.lancelet.table.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.TypeCatalog;
import dev.lancelet.format.proto.FileProtos;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class TableSchemaTest {

  @Test
  void idsArePreOrderAndParentsLinked() {
    Schema s = new Schema(List.of(
        TypeCatalog.prim("a", new ArrowType.Int(32, true)),
        TypeCatalog.struct("s", TypeCatalog.prim("x", ArrowType.Utf8.INSTANCE),
            TypeCatalog.list("l", ArrowType.List.INSTANCE, TypeCatalog.prim("item", new ArrowType.Int(64, true)))),
        TypeCatalog.list("v", new ArrowType.FixedSizeList(128),
            TypeCatalog.prim("item", new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE)))));
    TableSchema t = TableSchema.fromArrow(s);
    List<FileProtos.Field> f = t.fields();
    assertThat(f).extracting(FileProtos.Field::getName).containsExactly("a", "s", "x", "l", "item", "v");
    assertThat(f).extracting(FileProtos.Field::getId).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(f).extracting(FileProtos.Field::getParentId).containsExactly(-1, -1, 1, 1, 3, -1);
    assertThat(f).extracting(FileProtos.Field::getLogicalType)
        .containsExactly("int32", "struct", "string", "list", "int64", "fixed_size_list:float:128");
    assertThat(t.maxFieldId()).isEqualTo(5);
    assertThat(t.arrowSchema().getFields()).hasSize(3);
    assertThat(TableSchema.idsPreOrder(t.topLevel("s"))).containsExactly(1, 2, 3, 4);

    TableSchema added = t.withAdded(new Schema(List.of(TypeCatalog.prim("c", ArrowType.Utf8.INSTANCE))));
    assertThat(added.topLevel("c").id()).isEqualTo(6);
    assertThat(added.project(List.of("c", "a")).names()).containsExactly("a", "c");
    assertThatThrownBy(() -> t.withAdded(new Schema(List.of(TypeCatalog.prim("a", ArrowType.Utf8.INSTANCE)))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyCatalogTypeRoundTripsThroughTheManifestForm() throws Exception {
    for (TypeCatalog.Entry e : TypeCatalog.all()) {
      if (e.kind() == TypeCatalog.Kind.DICTIONARY) {
        continue; // Arrow Java gives these the index type; covered by the dataset write tests
      }
      Schema s = TypeCatalog.schemaOf(List.of(e));
      TableSchema t;
      try {
        t = TableSchema.fromArrow(s);
      } catch (IllegalArgumentException ex) {
        continue; // types Lance cannot store are refused up front
      }
      TableSchema back = TableSchema.of(t.fields(), t.metadata());
      assertThat(back).as(e.toString()).isEqualTo(t);
      assertThat(back.arrowSchema()).as(e.toString()).isEqualTo(t.arrowSchema());
      assertThat(t.match(t.arrowSchema())).hasSize(1);
    }
  }

  @Test
  void appendMustMatchTheDatasetSchema() {
    TableSchema t = TableSchema.fromArrow(new Schema(List.of(
        TypeCatalog.prim("a", new ArrowType.Int(32, true)), TypeCatalog.prim("b", ArrowType.Utf8.INSTANCE))));
    // Any order, nullability aside.
    assertThat(t.match(new Schema(List.of(TypeCatalog.notNull("b", ArrowType.Utf8.INSTANCE),
        TypeCatalog.prim("a", new ArrowType.Int(32, true))))))
        .extracting(f -> f.id()).containsExactly(1, 0);
    assertThatThrownBy(() -> t.match(new Schema(List.of(TypeCatalog.prim("a", new ArrowType.Int(64, true)),
        TypeCatalog.prim("b", ArrowType.Utf8.INSTANCE)))))
        .hasMessageContaining("Column 'a'");
    assertThatThrownBy(() -> t.match(new Schema(List.of(TypeCatalog.prim("a", new ArrowType.Int(32, true))))))
        .hasMessageContaining("columns");
  }
}
