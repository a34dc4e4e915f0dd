package dev.lancelet.file.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.FileProtos;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A damaged schema in a file is a {@link LanceFormatException} naming the field, found when the
 * file is opened (fuzz: LanceSchemaConverter.primitive/tree/requireOneChild/parseInt used to
 * throw IllegalArgumentException and NumberFormatException).
 */
class SchemaValidationTest {
  static FileProtos.Field f(int id, int parent, String name, String type) {
    return FileProtos.Field.newBuilder().setId(id).setParentId(parent).setName(name).setLogicalType(type).setNullable(true).build();
  }

  static void rejects(String message, FileProtos.Field... fields) {
    assertThatThrownBy(() -> LanceSchemaConverter.tree(List.of(fields)))
        .isInstanceOf(LanceFormatException.class)
        .hasMessageContaining(message);
  }

  @Test
  void validSchemaLinks() throws Exception {
    List<LanceField> t = LanceSchemaConverter.tree(List.of(
        f(0, -1, "a", "int64"), f(1, -1, "l", "list"), f(2, 1, "item", "int32"),
        f(3, -1, "v", "fixed_size_list:float:8"), f(4, -1, "d", "decimal:128:10:2"),
        f(5, -1, "ts", "timestamp:us:+01:00"), f(6, -1, "k", "dict:string:int32:false")));
    assertThat(t).hasSize(6);
    assertThat(t.get(1).children()).hasSize(1);
  }

  @Test
  void badLogicalTypes() {
    rejects("Field 'a' (id 0) has an invalid logical type 'int65': unknown type", f(0, -1, "a", "int65"));
    rejects("size 'x' is not an integer", f(0, -1, "v", "fixed_size_list:float:x"));
    rejects("size '-3' is not an integer", f(0, -1, "v", "fixed_size_list:float:-3"));
    rejects("size '99999999999' is not an integer", f(0, -1, "v", "fixed_size_list:float:99999999999"));
    rejects("invalid logical type 'bogus'", f(0, -1, "v", "fixed_size_list:bogus:4"));
    rejects("invalid logical type 'decimal:128:x:2'", f(0, -1, "d", "decimal:128:x:2"));
    rejects("precision must be in [1, 38]", f(0, -1, "d", "decimal:128:90:2"));
    rejects("invalid logical type 'timestamp:qs:-'", f(0, -1, "t", "timestamp:qs:-"));
    rejects("expected dict:", f(0, -1, "k", "dict:string:int32"));
    rejects("index type must be an integer", f(0, -1, "k", "dict:string:float:false"));
  }

  @Test
  void badLinks() {
    rejects("Fields 'a' and 'b' have the same id 3", f(3, -1, "a", "int32"), f(3, -1, "b", "int32"));
    rejects("names a missing parent id 7", f(0, -1, "a", "struct"), f(1, 7, "b", "int32"));
    rejects("negative id", f(-2, -1, "a", "int32"));
    rejects("is its own parent", f(0, -1, "a", "struct"), f(1, 1, "b", "int32"));
    rejects("Parent ids form a cycle: 2 fields are not reachable", f(0, -1, "a", "int32"), f(1, 2, "b", "struct"), f(2, 1, "c", "struct"));
  }

  @Test
  void wrongChildCounts() {
    rejects("Field 'l' (id 0, type list) must have exactly 1 child, has 0", f(0, -1, "l", "list"));
    rejects("must have exactly 1 child, has 2", f(0, -1, "l", "large_list"), f(1, 0, "x", "int32"), f(2, 0, "y", "int32"));
    rejects("Field 'a' (id 0, type int32) must have no children, has 1", f(0, -1, "a", "int32"), f(1, 0, "x", "int32"));
  }

  @Test
  void deepNesting() {
    FileProtos.Field[] fs = new FileProtos.Field[70];
    for (int i = 0; i < fs.length; i++) {
      fs[i] = f(i, i - 1, "s" + i, i == fs.length - 1 ? "int32" : "struct");
    }
    rejects("nests deeper than 64 levels", fs);
  }
}
