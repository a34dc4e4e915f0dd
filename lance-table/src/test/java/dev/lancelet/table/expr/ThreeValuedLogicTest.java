package dev.lancelet.table.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQL's three-valued logic, written out as truth tables. Rows enumerate (a, b) over
 * {TRUE, FALSE, NULL}²; each table gives, per row, T (selected), F or N (both not selected, but
 * distinguished through NOT and IS).
 */
class ThreeValuedLogicTest {
  private static final Boolean[] V = {true, false, null};
  private static final Schema SCHEMA = new Schema(List.of(
      Field.nullable("a", ArrowType.Bool.INSTANCE), Field.nullable("b", ArrowType.Bool.INSTANCE),
      Field.nullable("x", new ArrowType.Int(64, true))));

  private BufferAllocator allocator;
  private VectorSchemaRoot root;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    BitVector a = (BitVector) root.getVector("a");
    BitVector b = (BitVector) root.getVector("b");
    BigIntVector x = (BigIntVector) root.getVector("x");
    for (int i = 0; i < 9; i++) {
      set(a, i, V[i / 3]);
      set(b, i, V[i % 3]);
      if (i % 3 == 2) {
        x.setNull(i);
      } else {
        x.setSafe(i, i % 3 + 1); // 1, 2, null repeating
      }
    }
    root.setRowCount(9);
  }

  @AfterEach
  void close() {
    root.close();
    allocator.close();
  }

  private static void set(BitVector v, int i, Boolean value) {
    if (value == null) {
      v.setNull(i);
    } else {
      v.setSafe(i, value ? 1 : 0);
    }
  }

  /** The outcome per row: 'T', 'F' or 'N', found by evaluating p, NOT p and p IS NULL. */
  private String outcomes(String p) {
    BitSet t = Predicate.parse(p, SCHEMA).evaluate(root);
    BitSet f = Predicate.parse("NOT (" + p + ")", SCHEMA).evaluate(root);
    BitSet n = Predicate.parse("(" + p + ") IS NULL", SCHEMA).evaluate(root);
    List<String> cells = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      int hits = (t.get(i) ? 1 : 0) + (f.get(i) ? 1 : 0) + (n.get(i) ? 1 : 0);
      assertThat(hits).as("%s row %d must be exactly one of TRUE, FALSE, NULL", p, i).isEqualTo(1);
      sb.append(t.get(i) ? 'T' : f.get(i) ? 'F' : 'N');
    }
    cells.add(sb.toString());
    return cells.get(0);
  }

  @Test
  void truthTables() {
    //                   a: T T T F F F N N N
    //                   b: T F N T F N T F N
    assertThat(outcomes("a")).isEqualTo("TTTFFFNNN");
    assertThat(outcomes("a AND b")).isEqualTo("TFNFFFNFN");
    assertThat(outcomes("a OR b")).isEqualTo("TTTTFNTNN");
    assertThat(outcomes("NOT a")).isEqualTo("FFFTTTNNN");
    assertThat(outcomes("a IS TRUE")).isEqualTo("TTTFFFFFF");
    assertThat(outcomes("a IS NOT TRUE")).isEqualTo("FFFTTTTTT");
    assertThat(outcomes("a IS FALSE")).isEqualTo("FFFTTTFFF");
    assertThat(outcomes("a IS NOT FALSE")).isEqualTo("TTTFFFTTT");
    assertThat(outcomes("a IS NULL")).isEqualTo("FFFFFFTTT");
    assertThat(outcomes("a IS NOT NULL")).isEqualTo("TTTTTTFFF");
    assertThat(outcomes("a = b")).isEqualTo("TFNFTNNNN");
    assertThat(outcomes("a != b")).isEqualTo("FTNTFNNNN");
    assertThat(outcomes("a < b")).isEqualTo("FFNTFNNNN");
    assertThat(outcomes("a AND NULL")).isEqualTo("NNNFFFNNN");
    assertThat(outcomes("a OR NULL")).isEqualTo("TTTNNNNNN");
    // NOT binds looser than '=': this is NOT ((a AND b) = (NOT a OR NOT b)).
    assertThat(outcomes("NOT (a AND b) = (NOT a OR NOT b)")).isEqualTo("TTNTTTNTN");
    // De Morgan holds in three-valued logic: TRUE wherever both sides are known.
    assertThat(outcomes("(NOT (a AND b)) = (NOT a OR NOT b)")).isEqualTo("TTNTTTNTN");
    assertThat(outcomes("(NOT (a OR b)) = (NOT a AND NOT b)")).isEqualTo("TTTTTNTNN");
  }

  @Test
  void inAndBetweenWithNulls() {
    // x per row: 1, 2, NULL, 1, 2, NULL, 1, 2, NULL
    assertThat(outcomes("x IN (1, 3)")).isEqualTo("TFNTFNTFN");
    assertThat(outcomes("x IN (1, NULL)")).isEqualTo("TNNTNNTNN");
    assertThat(outcomes("x NOT IN (1, NULL)")).isEqualTo("FNNFNNFNN");
    assertThat(outcomes("x NOT IN (3)")).isEqualTo("TTNTTNTTN");
    assertThat(outcomes("x BETWEEN 2 AND 5")).isEqualTo("FTNFTNFTN");
    assertThat(outcomes("x BETWEEN NULL AND 5")).isEqualTo("NNNNNNNNN");
    assertThat(outcomes("x BETWEEN 3 AND NULL")).isEqualTo("FFNFFNFFN");
    assertThat(outcomes("x NOT BETWEEN 2 AND 5")).isEqualTo("TFNTFNTFN");
    assertThat(outcomes("x = NULL")).isEqualTo("NNNNNNNNN");
    assertThat(outcomes("x + NULL IS NULL")).isEqualTo("TTTTTTTTT");
    assertThat(outcomes("NULL")).isEqualTo("NNNNNNNNN");
    assertThat(outcomes("NULL IS NULL")).isEqualTo("TTTTTTTTT");
  }
}
