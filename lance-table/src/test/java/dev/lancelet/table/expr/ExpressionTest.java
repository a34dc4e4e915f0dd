package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scalar expressions: result types, nullability, casts to target columns, errors. */
class ExpressionTest {
  private static final Schema SCHEMA = new Schema(List.of(
      new Field("id", FieldType.notNullable(new ArrowType.Int(32, true)), null),
      Field.nullable("price", new ArrowType.Decimal(10, 2, 128)),
      Field.nullable("name", ArrowType.Utf8.INSTANCE),
      Field.nullable("score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
      Field.nullable("extra", ArrowType.Utf8.INSTANCE)));

  private BufferAllocator allocator;
  private VectorSchemaRoot root;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    IntVector id = (IntVector) root.getVector("id");
    DecimalVector price = (DecimalVector) root.getVector("price");
    VarCharVector name = (VarCharVector) root.getVector("name");
    Float8Vector score = (Float8Vector) root.getVector("score");
    String[] names = {"7", "x", null, "-3"};
    for (int i = 0; i < 4; i++) {
      id.setSafe(i, i * 1000);
      if (i == 2) {
        price.setNull(i);
        score.setNull(i);
      } else {
        price.setSafe(i, new BigDecimal("1.25").multiply(BigDecimal.valueOf(i + 1)));
        score.setSafe(i, i / 2.0);
      }
      if (names[i] == null) {
        name.setNull(i);
      } else {
        name.setSafe(i, names[i].getBytes());
      }
    }
    root.setRowCount(4);
  }

  @AfterEach
  void close() {
    root.close();
    allocator.close();
  }

  private List<Object> values(Expression e) {
    try (FieldVector v = e.evaluate(root, allocator, "out")) {
      assertThat(v.getField().getName()).isEqualTo("out");
      assertThat(v.getField().getType()).isEqualTo(e.resultType());
      List<Object> out = new java.util.ArrayList<>();
      for (int i = 0; i < v.getValueCount(); i++) {
        Object o = v.getObject(i);
        out.add(o == null ? null : o.toString());
      }
      return out;
    }
  }

  @Test
  void integerArithmeticIsBigint() {
    Expression e = Expression.parse("id * 2 + 1", SCHEMA);
    assertThat(e.resultType()).isEqualTo(new ArrowType.Int(64, true));
    assertThat(e.nullable()).isFalse();
    assertThat(e.columns()).containsExactly("id");
    assertThat(values(e)).containsExactly("1", "2001", "4001", "6001");
    assertThat(values(Expression.parse("id / 999", SCHEMA))).containsExactly("0", "1", "2", "3");
    assertThat(values(Expression.parse("-id % 7", SCHEMA))).containsExactly("0", "-6", "-5", "-4");
  }

  @Test
  void decimalAndFloatArithmetic() {
    Expression e = Expression.parse("price * 2", SCHEMA);
    assertThat(e.resultType()).isEqualTo(new ArrowType.Decimal(12, 2, 128));
    assertThat(e.nullable()).isTrue();
    assertThat(values(e)).containsExactly("2.50", "5.00", null, "10.00");
    Expression div = Expression.parse("price / 3", SCHEMA);
    assertThat(div.resultType()).isEqualTo(new ArrowType.Decimal(14, 6, 128));
    assertThat(values(div)).containsExactly("0.416667", "0.833333", null, "1.666667");
    assertThat(values(Expression.parse("price + 0.005", SCHEMA))).containsExactly("1.255", "2.505", null, "5.005");
    assertThat(values(Expression.parse("score * 1.5", SCHEMA))).containsExactly("0.0", "0.75", null, "2.25");
    assertThat(values(Expression.parse("score / 0", SCHEMA))).containsExactly("NaN", "Infinity", null, "Infinity");
  }

  @Test
  void divisionByZeroAndOverflowAreErrors() {
    assertThatThrownBy(() -> values(Expression.parse("id / (id - id)", SCHEMA)))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("Division by zero (row 0)");
    assertThatThrownBy(() -> values(Expression.parse("price % 0", SCHEMA)))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("Division by zero");
    assertThatThrownBy(() -> values(Expression.parse("id * 9223372036854775807", SCHEMA)))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("Integer overflow");
    // A null row never fails.
    assertThat(values(Expression.parse("id / CAST(price AS INT)", SCHEMA))).containsExactly("0", "500", null, "600");
    assertThat(values(Expression.parse("1 / CAST(NULL AS INT)", SCHEMA))).containsOnly((Object) null);
  }

  @Test
  void literalsAndConstants() {
    assertThat(Expression.parse("DATE '2024-01-31'", SCHEMA).resultType()).isEqualTo(new ArrowType.Date(DateUnit.DAY));
    assertThat(values(Expression.parse("DATE '2024-01-31'", SCHEMA))).containsOnly("19753");
    Expression ts = Expression.parse("TIMESTAMP '2024-01-31 12:00:00.123456'", SCHEMA);
    assertThat(ts.resultType()).isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    assertThat(values(ts)).containsOnly(LocalDateTime.parse("2024-01-31T12:00:00.123456").toString());
    assertThat(values(Expression.parse("'it''s'", SCHEMA))).containsOnly("it's");
    assertThat(Expression.parse("'x'", SCHEMA).nullable()).isFalse();
    Expression nul = Expression.parse("NULL", SCHEMA);
    assertThat(nul.nullable()).isTrue();
    assertThat(values(nul.castTo(new ArrowType.Int(32, true)))).containsOnly((Object) null);
    assertThat(values(Expression.parse("1 + 2 * 3", SCHEMA))).containsOnly("7");
  }

  @Test
  void castToTargetColumnTypes() {
    Expression e = Expression.parse("id / 10", SCHEMA).castTo(new ArrowType.Int(16, true));
    try (FieldVector v = e.evaluate(root, allocator, "c")) {
      assertThat(v.getField().getType()).isEqualTo(new ArrowType.Int(16, true));
      assertThat(v.getObject(3)).isEqualTo((short) 300);
    }
    assertThatThrownBy(() -> values(Expression.parse("id", SCHEMA).castTo(new ArrowType.Int(8, true))))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("Value 1000 is out of range for TINYINT");
    assertThat(values(Expression.parse("id", SCHEMA).castTo(ArrowType.Utf8.INSTANCE)))
        .containsExactly("0", "1000", "2000", "3000");
    assertThat(values(Expression.parse("price", SCHEMA).castTo(new ArrowType.Decimal(5, 1, 128))))
        .containsExactly("1.3", "2.5", null, "5.0");
    assertThatThrownBy(() -> values(Expression.parse("CAST(name AS INT)", SCHEMA)))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("CAST failed: Cannot convert 'x' to INT");
    try (FieldVector v = Expression.parse("'2024-02-29'", SCHEMA).castTo(new ArrowType.Date(DateUnit.DAY))
        .evaluate(root, allocator, "d")) {
      assertThat(((DateDayVector) v).get(0)).isEqualTo(19782);
    }
    assertThatThrownBy(() -> Expression.parse("name", SCHEMA).castTo(new ArrowType.List()))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("Cannot convert name");
    assertThatThrownBy(() -> Expression.parse("score", SCHEMA).castTo(new ArrowType.Date(DateUnit.DAY)))
        .isInstanceOf(ExpressionException.class);
    try (FieldVector v = Expression.parse("score > 0", SCHEMA).castTo(new ArrowType.Int(64, true))
        .evaluate(root, allocator, "b")) {
      assertThat(((BigIntVector) v).getObject(1)).isEqualTo(1L);
      assertThat(v.isNull(2)).isTrue();
    }
  }

  @Test
  void batchProblemsAreReported() {
    Expression e = Expression.parse("id + 1", SCHEMA);
    Schema other = new Schema(List.of(Field.nullable("id", ArrowType.Utf8.INSTANCE)));
    try (VectorSchemaRoot wrong = VectorSchemaRoot.create(other, allocator)) {
      wrong.setRowCount(0);
      assertThatThrownBy(() -> e.evaluate(wrong, allocator, "x")).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("Column id has type Utf8 in the batch");
    }
    Schema none = new Schema(List.of(Field.nullable("zzz", ArrowType.Utf8.INSTANCE)));
    try (VectorSchemaRoot missing = VectorSchemaRoot.create(none, allocator)) {
      missing.setRowCount(0);
      assertThatThrownBy(() -> Predicate.parse("id > 1", SCHEMA).evaluate(missing))
          .isInstanceOf(ExpressionException.class).hasMessageContaining("Column id is not in the batch");
    }
  }
}
