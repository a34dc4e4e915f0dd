package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** Syntax, precedence, quoting, normalization and error reporting (no data needed). */
class ParserTest {
  private static final Schema SCHEMA = TestTable.schema();

  private static final Schema ODD = new Schema(List.of(
      Field.nullable("select", new ArrowType.Int(32, true)),
      Field.nullable("my col", new ArrowType.Int(32, true)),
      Field.nullable("a`b", ArrowType.Utf8.INSTANCE),
      Field.nullable("Date", ArrowType.Utf8.INSTANCE),
      new Field("outer", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(
          Field.nullable("inner col", new ArrowType.Int(64, true))))));

  private static String norm(String sql) {
    return Predicate.parse(sql, SCHEMA).toString();
  }

  @Test
  void precedenceOfBooleanOperators() {
    assertThat(norm("flag OR i32 = 1 AND i64 = 2")).isEqualTo("flag OR i32 = 1 AND i64 = 2");
    assertThat(norm("flag OR i32 = 1 AND i64 = 2")).isEqualTo(norm("flag OR (i32 = 1 AND i64 = 2)"));
    assertThat(norm("(flag OR i32 = 1) AND i64 = 2")).isEqualTo("(flag OR i32 = 1) AND i64 = 2");
    assertThat(norm("NOT flag AND i32 = 1")).isEqualTo("NOT flag AND i32 = 1");
    assertThat(norm("NOT (flag AND i32 = 1)")).isEqualTo("NOT (flag AND i32 = 1)");
    assertThat(norm("NOT i32 = 1")).isEqualTo("NOT i32 = 1");
    assertThat(norm("not not flag")).isEqualTo("NOT NOT flag");
    // AND and OR chains are associative and printed flat.
    assertThat(norm("flag AND (i32 = 1 AND i64 = 2)")).isEqualTo("flag AND i32 = 1 AND i64 = 2");
    assertThat(norm("flag OR (i32 = 1 OR i64 = 2) OR i8 = 3")).isEqualTo("flag OR i32 = 1 OR i64 = 2 OR i8 = 3");
    assertThat(norm("((flag))")).isEqualTo("flag");
  }

  @Test
  void precedenceOfArithmetic() {
    assertThat(Expression.parse("i32 + i16 * 2", SCHEMA).toString()).isEqualTo("i32 + i16 * 2");
    assertThat(Expression.parse("(i32 + i16) * 2", SCHEMA).toString()).isEqualTo("(i32 + i16) * 2");
    assertThat(Expression.parse("i32 - (i16 - 1)", SCHEMA).toString()).isEqualTo("i32 - (i16 - 1)");
    assertThat(Expression.parse("i32 - i16 - 1", SCHEMA).toString()).isEqualTo("i32 - i16 - 1");
    assertThat(Expression.parse("-i32 * 2", SCHEMA).toString()).isEqualTo("-i32 * 2");
    assertThat(Expression.parse("-(i32 * 2)", SCHEMA).toString()).isEqualTo("-(i32 * 2)");
    assertThat(Expression.parse("i32 - -5", SCHEMA).toString()).isEqualTo("i32 - -5");
    assertThat(Expression.parse("+5 % 3", SCHEMA).toString()).isEqualTo("5 % 3");
    assertThat(norm("i32 + 1 > i16 * 2 OR i8 BETWEEN 1 + 1 AND 3")).isEqualTo("i32 + 1 > i16 * 2 OR i8 BETWEEN 1 + 1 AND 3");
  }

  @Test
  void postfixPredicatesAndKeywordsAreCaseInsensitive() {
    assertThat(norm("i32 between 1 and 3 and s not like 'a%' or flag is not true"))
        .isEqualTo("i32 BETWEEN 1 AND 3 AND s NOT LIKE 'a%' OR flag IS NOT TRUE");
    assertThat(norm("i32 not in (1, 2) AND s in ('a') AND lst is null AND st is not null"))
        .isEqualTo("i32 NOT IN (1, 2) AND s IN ('a') AND lst IS NULL AND st IS NOT NULL");
    assertThat(norm("s LIKE 'a!%%' ESCAPE '!'")).isEqualTo("s LIKE 'a!%%' ESCAPE '!'");
    assertThat(norm("i32 == 1 AND i16 <> 2")).isEqualTo("i32 = 1 AND i16 != 2");
    assertThat(norm("i32 = 1 IS TRUE")).isEqualTo("i32 = 1 IS TRUE");
  }

  @Test
  void literals() {
    assertThat(norm("s = 'it''s'")).isEqualTo("s = 'it''s'");
    assertThat(norm("d32 = date '2024-01-31'")).isEqualTo("d32 = DATE '2024-01-31'");
    assertThat(norm("ts_us > TIMESTAMP '2024-01-31 12:00:00.5'")).isEqualTo("ts_us > TIMESTAMP(6) '2024-01-31 12:00:00.500000'");
    // A literal is converted to the unit of the timestamp column it meets (floored), as in Lance.
    assertThat(norm("ts_s > TIMESTAMP(9) '2024-01-31 12:00:00.999999999'"))
        .isEqualTo("ts_s > TIMESTAMP(0) '2024-01-31 12:00:00'");
    assertThat(norm("d32 > TIMESTAMP '2024-01-31 12:00:00'")).isEqualTo("d32 > TIMESTAMP(6) '2024-01-31 12:00:00.000000'");
    assertThat(norm("ts_s > ts_ns")).isEqualTo("ts_s > ts_ns");
    assertThat(norm("ts_ms > '2024-01-31T12:00:00Z'")).isEqualTo("ts_ms > TIMESTAMP(3) '2024-01-31 12:00:00.000'");
    assertThat(norm("ts_ms > '2024-01-31 14:00:00+02:00'")).isEqualTo("ts_ms > TIMESTAMP(3) '2024-01-31 12:00:00.000'");
    assertThat(norm("dec = decimal(10, 2) '1.5'")).isEqualTo("dec = DECIMAL(10, 2) '1.50'");
    assertThat(norm("dec > 1.25")).isEqualTo("dec > DECIMAL(38, 2) '1.25'");
    assertThat(norm("f64 > 1e3")).isEqualTo("f64 > 1000.0");
    assertThat(norm("f64 > .5")).isEqualTo("f64 > 0.5");
    assertThat(norm("i64 = -9223372036854775808")).isEqualTo("i64 = -9223372036854775808");
    assertThat(norm("u64 = 18446744073709551615")).isEqualTo("u64 = 18446744073709551615");
    assertThat(norm("flag = TRUE OR flag = false OR flag = NULL")).isEqualTo("flag = TRUE OR flag = FALSE OR flag = NULL");
    assertThat(norm("CAST(i32 AS string) = '1'")).isEqualTo("CAST(i32 AS STRING) = '1'");
    assertThat(norm("cast(s as bigint unsigned) > 1")).isEqualTo("CAST(s AS BIGINT UNSIGNED) > 1");
    assertThat(norm("CAST(s AS TIMESTAMP(3) WITH TIME ZONE 'UTC') > ts_ms"))
        .isEqualTo("CAST(s AS TIMESTAMP(3) WITH TIME ZONE 'UTC') > ts_ms");
  }

  @Test
  void quotingAndNestedFields() {
    Predicate p = Predicate.parse("`select` = 1 AND `my col` > 2 AND \"my col\" < 9 AND `a``b` = 'x' "
        + "AND `outer`.`inner col` IS NULL AND outer['inner col'] > 0 AND `Date` = 'd'", ODD);
    assertThat(p.columns()).containsExactly("select", "my col", "a`b", "outer", "Date");
    assertThat(p.toString()).isEqualTo("select = 1 AND `my col` > 2 AND `my col` < 9 AND `a``b` = 'x' "
        + "AND outer.`inner col` IS NULL AND outer.`inner col` > 0 AND `Date` = 'd'");
    assertThat(Predicate.parse(p.toString(), ODD).toString()).isEqualTo(p.toString());
    assertThat(Predicate.parse("st.x > 1 AND st['y'] = 'a'", SCHEMA).columns()).containsExactly("st");
    // unquoted names resolve case-insensitively when unambiguous
    assertThat(norm("I32 > 1")).isEqualTo("i32 > 1");
  }

  @Test
  void syntaxErrorsPointAtThePosition() {
    assertError("i32 >", 5, "Unexpected end of input");
    assertError("i32 > 1 )", 8, "Unexpected ')' after a complete expression");
    assertError("i32 = 'abc", 6, "Unterminated string literal");
    assertError("(i32 = 1", 8, "Expected ')' to close the parenthesis opened at position 0");
    assertError("i32 IS MAYBE", 7, "Expected NULL, TRUE or FALSE");
    assertError("i32 IN ()", 8, "IN list is empty");
    assertError("i32 BETWEEN 1 OR 2", 14, "Expected AND in BETWEEN");
    assertError("i32 # 2", 4, "Unexpected character '#'");
    assertError("", 0, "Empty expression");
    assertError("i32 = 12abc", 6, "Malformed number");
    assertError("lst[0] IS NULL", 3, "List element access");
    assertError("CAST(i32 AS thing)", 12, "Unknown type thing");
    assertError("and = 1", 0, "Unexpected keyword AND");
    assertError("TIMESTAMP(4) '2024-01-01'", 10, "Timestamp precision must be 0, 3, 6 or 9");
  }

  @Test
  void bindingErrorsNameTheProblem() {
    assertError("nope > 1", 0, "Unknown column nope");
    assertError("i32 > 1 AND st.z = 1", 12, "Struct st has no field z");
    assertError("i32.x = 1", 0, "Column i32 is not a struct");
    assertError("s > 5", 2, "Cannot compare s (STRING) with literal 5 (BIGINT)");
    assertError("i32 = 'abc'", 6, "Cannot use literal 'abc' (STRING) as INT: Cannot convert 'abc' to INT");
    assertError("lst = 1", 4, "Cannot compare");
    assertError("d32 > 1", 4, "Cannot compare");
    assertError("s + 1 = 2", 2, "Operator + needs numbers");
    assertError("d32 + 1 = 2", 4, "date/time arithmetic is not supported");
    assertError("i32 AND flag", 0, "AND needs a boolean operand");
    assertError("NOT i32", 4, "NOT needs a boolean operand");
    assertError("i32 + 1", 0, "A filter must be a boolean expression");
    assertError("i32 LIKE 'a'", 4, "LIKE needs a string or binary operand");
    assertError("s LIKE s", 7, "The LIKE pattern must be a string literal");
    assertError("s LIKE 'a' ESCAPE 'ab'", 18, "ESCAPE must be a string literal of exactly one character");
    assertError("s LIKE 'a!' ESCAPE '!'", 7, "LIKE pattern ends with the escape character");
    assertError("lower(s) = 'a'", 0, "Unknown function lower");
    assertError("d32 = DATE '2024-13-01'", 6, "Bad DATE literal");
    assertError("CAST(lst AS INT) = 1", 0, "Cannot CAST");
    assertError("i32 IN (1, 'x')", 11, "Cannot use literal 'x'");
    assertError("u8 = 123456789012345678901234567890123456789", 5, "too large");
  }

  @Test
  void dictionaryEncodedColumnsAreRefused() {
    Schema dict = new Schema(List.of(new Field("tag", new FieldType(true, ArrowType.Utf8.INSTANCE,
        new org.apache.arrow.vector.types.pojo.DictionaryEncoding(1, false, new ArrowType.Int(32, true))), null)));
    assertThatThrownBy(() -> Predicate.parse("tag = 'a'", dict)).isInstanceOf(ExpressionException.class)
        .hasMessageContaining("dictionary-encoded");
  }

  @Test
  void deepNestingIsRejectedNotAStackOverflow() {
    String deep = "(".repeat(5000) + "flag" + ")".repeat(5000);
    assertThatThrownBy(() -> Predicate.parse(deep, SCHEMA)).isInstanceOf(ExpressionException.class)
        .hasMessageContaining("nested too deeply");
    String moderate = "(".repeat(100) + "flag" + ")".repeat(100);
    assertThat(norm(moderate)).isEqualTo("flag");
    StringBuilder longChain = new StringBuilder("i32 = 0");
    for (int i = 1; i < 2000; i++) {
      longChain.append(" OR i32 = ").append(i);
    }
    assertThat(Predicate.parse(longChain.toString(), SCHEMA).columns()).containsExactly("i32");
  }

  @Test
  void messageQuotesTheExpressionWithACaret() {
    assertThatThrownBy(() -> Predicate.parse("i32 > 1 AND nope = 2", SCHEMA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown column nope (the schema has [i8, i16, i32, i64, u8, u16, u32, u64, f16, f32, f64, dec, "
            + "flag, s, ls, bin, d32, d64, ts_s, ts_ms]" + " ...) at position 12 in expression:\n"
            + "  i32 > 1 AND nope = 2\n"
            + "              ^");
  }

  private static void assertError(String sql, int position, String message) {
    assertThatThrownBy(() -> Predicate.parse(sql, SCHEMA))
        .as(sql)
        .isInstanceOfSatisfying(ExpressionException.class, e -> {
          assertThat(e.getMessage()).contains(message);
          assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
          assertThat(e.expression()).isEqualTo(sql);
        });
  }
}
