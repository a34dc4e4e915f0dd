package dev.lancelet.table.expr;

import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** The unbound syntax tree the parser produces; {@code pos} is the character offset in the source. */
sealed interface Ast {
  int pos();

  /** A column reference: a top-level name and, for struct fields, the names below it. */
  record Ident(List<String> path, int pos) implements Ast {}

  /** An integer literal (digits only), kept as text until its type is known. */
  record IntLit(String digits, int pos) implements Ast {}

  /** A literal with a fraction or exponent. */
  record NumLit(String text, int pos) implements Ast {}

  record StrLit(String value, int pos) implements Ast {}

  record BoolLit(boolean value, int pos) implements Ast {}

  record NullLit(int pos) implements Ast {}

  /** {@code DATE '...'}, {@code TIMESTAMP '...'}, {@code DECIMAL(p, s) '...'}: a string read as a type. */
  record TypedLit(ArrowType type, String text, int pos) implements Ast {}

  /** Binary operators: arithmetic, comparisons, AND, OR. */
  record Binary(String op, Ast left, Ast right, int pos) implements Ast {}

  /** {@code NOT x} or {@code -x}. */
  record Unary(String op, Ast operand, int pos) implements Ast {}

  /** {@code x IS [NOT] NULL|TRUE|FALSE}; {@code what} is one of those three words. */
  record IsTest(Ast operand, String what, boolean negated, int pos) implements Ast {}

  record In(Ast operand, List<Ast> items, boolean negated, int pos) implements Ast {}

  record Between(Ast operand, Ast low, Ast high, boolean negated, int pos) implements Ast {}

  record Like(Ast operand, Ast pattern, Ast escape, boolean negated, int pos) implements Ast {}

  record Cast(Ast operand, ArrowType type, int pos) implements Ast {}

  /** A function call; no function is supported yet, the binder reports it. */
  record Call(String name, List<Ast> args, int pos) implements Ast {}
}
