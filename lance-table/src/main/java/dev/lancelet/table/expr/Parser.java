package dev.lancelet.table.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Hand-written lexer and recursive-descent parser for the filter language. Precedence, lowest
 * first: {@code OR}; {@code AND}; {@code NOT}; comparisons and the postfix tests ({@code IS},
 * {@code IN}, {@code BETWEEN}, {@code LIKE}); {@code + -}; {@code * / %}; unary minus.
 */
final class Parser {
  private static final Set<String> RESERVED = Set.of("AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE",
      "BETWEEN", "LIKE", "ESCAPE", "CAST", "AS");
  private static final int MAX_DEPTH = 200;

  private enum Kind { IDENT, QUOTED, NUMBER, STRING, OP, EOF }

  private record Token(Kind kind, String text, int pos) {
    boolean is(String keyword) {
      return kind == Kind.IDENT && text.equalsIgnoreCase(keyword);
    }

    boolean op(String o) {
      return kind == Kind.OP && text.equals(o);
    }

    String show() {
      return switch (kind) {
        case EOF -> "end of input";
        case STRING -> "string '" + text + "'";
        case QUOTED -> "`" + text + "`";
        default -> "'" + text + "'";
      };
    }
  }

  private final String src;
  private final List<Token> tokens = new ArrayList<>();
  private int at;
  private int depth;

  private Parser(String src) {
    this.src = src;
    lex();
  }

  /** Parses a complete expression; anything left over is an error. */
  static Ast parse(String src) {
    if (src == null) {
      throw new ExpressionException("Expression is null", null, -1);
    }
    Parser p = new Parser(src);
    if (p.peek().kind == Kind.EOF) {
      throw p.error("Empty expression", 0);
    }
    Ast a = p.expr();
    Token t = p.peek();
    if (t.kind != Kind.EOF) {
      throw p.error("Unexpected " + t.show() + " after a complete expression", t.pos);
    }
    return a;
  }

  ExpressionException error(String msg, int pos) {
    return new ExpressionException(msg, src, pos);
  }

  // ---------------------------------------------------------------- lexer

  private void lex() {
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int s = i;
        while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_' || src.charAt(i) == '$')) {
          i++;
        }
        tokens.add(new Token(Kind.IDENT, src.substring(s, i), s));
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
        int s = i;
        while (i < n && Character.isDigit(src.charAt(i))) {
          i++;
        }
        if (i < n && src.charAt(i) == '.') {
          i++;
          while (i < n && Character.isDigit(src.charAt(i))) {
            i++;
          }
        }
        if (i < n && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
          int e = i + 1;
          if (e < n && (src.charAt(e) == '+' || src.charAt(e) == '-')) {
            e++;
          }
          if (e < n && Character.isDigit(src.charAt(e))) {
            i = e;
            while (i < n && Character.isDigit(src.charAt(i))) {
              i++;
            }
          }
        }
        if (i < n && (Character.isLetter(src.charAt(i)) || src.charAt(i) == '_')) {
          throw error("Malformed number '" + src.substring(s, i + 1) + "'", s);
        }
        tokens.add(new Token(Kind.NUMBER, src.substring(s, i), s));
      } else if (c == '\'') {
        int s = i;
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw error("Unterminated string literal", s);
          }
          char d = src.charAt(i);
          if (d == '\'') {
            if (i + 1 < n && src.charAt(i + 1) == '\'') {
              sb.append('\'');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          sb.append(d);
          i++;
        }
        tokens.add(new Token(Kind.STRING, sb.toString(), s));
      } else if (c == '`' || c == '"') {
        int s = i;
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw error("Unterminated quoted identifier", s);
          }
          char d = src.charAt(i);
          if (d == c) {
            if (i + 1 < n && src.charAt(i + 1) == c) {
              sb.append(c);
              i += 2;
              continue;
            }
            i++;
            break;
          }
          sb.append(d);
          i++;
        }
        if (sb.isEmpty()) {
          throw error("Empty quoted identifier", s);
        }
        tokens.add(new Token(Kind.QUOTED, sb.toString(), s));
      } else {
        String two = i + 1 < n ? src.substring(i, i + 2) : "";
        if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=") || two.equals("==")) {
          tokens.add(new Token(Kind.OP, two, i));
          i += 2;
        } else if ("=<>+-*/%(),.[]".indexOf(c) >= 0) {
          tokens.add(new Token(Kind.OP, String.valueOf(c), i));
          i++;
        } else {
          throw error("Unexpected character '" + c + "'", i);
        }
      }
    }
    tokens.add(new Token(Kind.EOF, "", n));
  }

  // ---------------------------------------------------------------- parser

  private Token peek() {
    return tokens.get(at);
  }

  private Token peek(int k) {
    return tokens.get(Math.min(at + k, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(at);
    if (t.kind != Kind.EOF) {
      at++;
    }
    return t;
  }

  private boolean acceptKeyword(String k) {
    if (peek().is(k)) {
      at++;
      return true;
    }
    return false;
  }

  private boolean acceptOp(String o) {
    if (peek().op(o)) {
      at++;
      return true;
    }
    return false;
  }

  private Token expectOp(String o, String context) {
    Token t = peek();
    if (!t.op(o)) {
      throw error("Expected '" + o + "' " + context + " but found " + t.show(), t.pos);
    }
    return next();
  }

  private void expectKeyword(String k, String context) {
    Token t = peek();
    if (!t.is(k)) {
      throw error("Expected " + k + " " + context + " but found " + t.show(), t.pos);
    }
    next();
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("Expression nested too deeply (more than " + MAX_DEPTH + " levels)", peek().pos);
    }
  }

  private Ast expr() {
    enter();
    try {
      return or();
    } finally {
      depth--;
    }
  }

  private Ast or() {
    Ast l = and();
    while (peek().is("OR")) {
      Token op = next();
      l = new Ast.Binary("OR", l, and(), op.pos);
    }
    return l;
  }

  private Ast and() {
    Ast l = not();
    while (peek().is("AND")) {
      Token op = next();
      l = new Ast.Binary("AND", l, not(), op.pos);
    }
    return l;
  }

  private Ast not() {
    if (peek().is("NOT")) {
      Token t = next();
      enter();
      try {
        return new Ast.Unary("NOT", not(), t.pos);
      } finally {
        depth--;
      }
    }
    return predicate();
  }

  private Ast predicate() {
    Ast l = additive();
    while (true) {
      Token t = peek();
      if (t.kind == Kind.OP && Set.of("=", "==", "!=", "<>", "<", "<=", ">", ">=").contains(t.text)) {
        next();
        String op = switch (t.text) {
          case "==" -> "=";
          case "<>" -> "!=";
          default -> t.text;
        };
        l = new Ast.Binary(op, l, additive(), t.pos);
      } else if (t.is("IS")) {
        next();
        boolean neg = acceptKeyword("NOT");
        Token w = next();
        if (!(w.is("NULL") || w.is("TRUE") || w.is("FALSE"))) {
          throw error("Expected NULL, TRUE or FALSE after IS" + (neg ? " NOT" : "") + " but found " + w.show(), w.pos);
        }
        l = new Ast.IsTest(l, w.text.toUpperCase(Locale.ROOT), neg, t.pos);
      } else if (t.is("NOT") && (peek(1).is("IN") || peek(1).is("BETWEEN") || peek(1).is("LIKE"))) {
        next();
        l = postfix(l, true);
      } else if (t.is("IN") || t.is("BETWEEN") || t.is("LIKE")) {
        l = postfix(l, false);
      } else {
        return l;
      }
    }
  }

  private Ast postfix(Ast l, boolean neg) {
    Token t = next();
    if (t.is("IN")) {
      expectOp("(", "after IN");
      List<Ast> items = new ArrayList<>();
      if (peek().op(")")) {
        throw error("IN list is empty", peek().pos);
      }
      do {
        items.add(expr());
      } while (acceptOp(","));
      expectOp(")", "to close the IN list");
      return new Ast.In(l, items, neg, t.pos);
    }
    if (t.is("BETWEEN")) {
      Ast lo = additive();
      expectKeyword("AND", "in BETWEEN ... AND ...");
      Ast hi = additive();
      return new Ast.Between(l, lo, hi, neg, t.pos);
    }
    Ast pattern = additive();
    Ast escape = null;
    if (acceptKeyword("ESCAPE")) {
      escape = primary();
    }
    return new Ast.Like(l, pattern, escape, neg, t.pos);
  }

  private Ast additive() {
    Ast l = multiplicative();
    while (peek().op("+") || peek().op("-")) {
      Token op = next();
      l = new Ast.Binary(op.text, l, multiplicative(), op.pos);
    }
    return l;
  }

  private Ast multiplicative() {
    Ast l = unary();
    while (peek().op("*") || peek().op("/") || peek().op("%")) {
      Token op = next();
      l = new Ast.Binary(op.text, l, unary(), op.pos);
    }
    return l;
  }

  private Ast unary() {
    if (peek().op("-") || peek().op("+")) {
      Token t = next();
      enter();
      try {
        Ast operand = unary();
        if (t.text.equals("+")) {
          return operand;
        }
        // Fold "-<number>" into the literal so that -9223372036854775808 is representable.
        if (operand instanceof Ast.IntLit i && !i.digits().startsWith("-")) {
          return new Ast.IntLit("-" + i.digits(), t.pos);
        }
        if (operand instanceof Ast.NumLit d && !d.text().startsWith("-")) {
          return new Ast.NumLit("-" + d.text(), t.pos);
        }
        return new Ast.Unary("-", operand, t.pos);
      } finally {
        depth--;
      }
    }
    return primary();
  }

  private Ast primary() {
    Token t = peek();
    switch (t.kind) {
      case NUMBER -> {
        next();
        boolean integral = t.text.chars().allMatch(Character::isDigit);
        return integral ? new Ast.IntLit(t.text, t.pos) : new Ast.NumLit(t.text, t.pos);
      }
      case STRING -> {
        next();
        return new Ast.StrLit(t.text, t.pos);
      }
      case QUOTED -> {
        return path();
      }
      case OP -> {
        if (t.op("(")) {
          next();
          Ast e = expr();
          expectOp(")", "to close the parenthesis opened at position " + t.pos);
          return e;
        }
        throw error("Expected a value, column or '(' but found " + t.show(), t.pos);
      }
      case EOF -> throw error("Unexpected end of input, expected a value or column", t.pos);
      default -> {
        // identifiers and keywords
      }
    }
    if (t.is("NULL")) {
      next();
      return new Ast.NullLit(t.pos);
    }
    if (t.is("TRUE") || t.is("FALSE")) {
      next();
      return new Ast.BoolLit(t.is("TRUE"), t.pos);
    }
    if (t.is("CAST")) {
      next();
      expectOp("(", "after CAST");
      Ast e = expr();
      expectKeyword("AS", "in CAST(... AS type)");
      ArrowType type = type();
      expectOp(")", "to close CAST");
      return new Ast.Cast(e, type, t.pos);
    }
    if ((t.is("DATE") || t.is("DATE64")) && peek(1).kind == Kind.STRING
        || (t.is("TIMESTAMP") || t.is("DECIMAL") || t.is("NUMERIC"))
        && (peek(1).kind == Kind.STRING || peek(1).op("(") && typedLiteralAhead())) {
      ArrowType type = type();
      Token s = next();
      if (s.kind != Kind.STRING) {
        throw error("Expected a string after the type name of a typed literal but found " + s.show(), s.pos);
      }
      return new Ast.TypedLit(type, s.text, t.pos);
    }
    if (RESERVED.contains(t.text.toUpperCase(Locale.ROOT))) {
      throw error("Unexpected keyword " + t.text.toUpperCase(Locale.ROOT)
          + " (quote a column of that name with backticks)", t.pos);
    }
    if (peek(1).op("(")) {
      next();
      next();
      List<Ast> args = new ArrayList<>();
      if (!peek().op(")")) {
        do {
          args.add(expr());
        } while (acceptOp(","));
      }
      expectOp(")", "to close the argument list of " + t.text);
      return new Ast.Call(t.text, args, t.pos);
    }
    return path();
  }

  /** After TIMESTAMP/DECIMAL and '(': true when the matching ')' is followed by a string. */
  private boolean typedLiteralAhead() {
    int k = 1;
    while (at + k < tokens.size() && !tokens.get(at + k).op(")")) {
      k++;
    }
    return at + k + 1 < tokens.size() && tokens.get(at + k + 1).kind == Kind.STRING;
  }

  private Ast path() {
    Token first = next();
    List<String> parts = new ArrayList<>();
    parts.add(first.text);
    while (true) {
      if (peek().op(".")) {
        next();
        Token f = next();
        if (f.kind != Kind.IDENT && f.kind != Kind.QUOTED) {
          throw error("Expected a field name after '.' but found " + f.show(), f.pos);
        }
        parts.add(f.text);
      } else if (peek().op("[")) {
        Token b = next();
        Token f = next();
        if (f.kind == Kind.NUMBER) {
          throw error("List element access (column[index]) is not supported", b.pos);
        }
        if (f.kind != Kind.STRING) {
          throw error("Expected a quoted field name inside [...] but found " + f.show(), f.pos);
        }
        parts.add(f.text);
        expectOp("]", "after the field name");
      } else {
        return new Ast.Ident(List.copyOf(parts), first.pos);
      }
    }
  }

  /** A SQL type name as in CAST(x AS type). */
  private ArrowType type() {
    Token t = next();
    if (t.kind != Kind.IDENT) {
      throw error("Expected a type name but found " + t.show(), t.pos);
    }
    String name = t.text.toUpperCase(Locale.ROOT);
    switch (name) {
      case "BOOLEAN", "BOOL" -> {
        return Types.BOOL;
      }
      case "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT" -> {
        int bits = switch (name) {
          case "TINYINT" -> 8;
          case "SMALLINT" -> 16;
          case "BIGINT" -> 64;
          default -> 32;
        };
        boolean unsigned = acceptKeyword("UNSIGNED");
        return new ArrowType.Int(bits, !unsigned);
      }
      case "INT8", "INT16", "INT32", "INT64" -> {
        return new ArrowType.Int(Integer.parseInt(name.substring(3)), true);
      }
      case "UINT8", "UINT16", "UINT32", "UINT64" -> {
        return new ArrowType.Int(Integer.parseInt(name.substring(4)), false);
      }
      case "HALFFLOAT", "FLOAT16" -> {
        return new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
      }
      case "FLOAT", "REAL", "FLOAT32" -> {
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      }
      case "DOUBLE", "FLOAT64" -> {
        acceptKeyword("PRECISION");
        return Types.FLOAT64;
      }
      case "DECIMAL", "NUMERIC" -> {
        int p = 38;
        int s = 10;
        if (acceptOp("(")) {
          p = smallInt("decimal precision");
          s = 0;
          if (acceptOp(",")) {
            s = smallInt("decimal scale");
          }
          expectOp(")", "after the decimal precision and scale");
        }
        if (p < 1 || p > 38 || s > p) {
          throw error("DECIMAL(" + p + ", " + s + ") is not supported: precision must be 1..38 and scale 0..precision", t.pos);
        }
        return new ArrowType.Decimal(p, s, 128);
      }
      case "DATE" -> {
        return Types.DATE32;
      }
      case "DATE64" -> {
        return new ArrowType.Date(DateUnit.MILLISECOND);
      }
      case "TIMESTAMP" -> {
        TimeUnit unit = TimeUnit.MICROSECOND;
        if (acceptOp("(")) {
          Token pt = peek();
          int p = smallInt("timestamp precision");
          unit = switch (p) {
            case 0 -> TimeUnit.SECOND;
            case 3 -> TimeUnit.MILLISECOND;
            case 6 -> TimeUnit.MICROSECOND;
            case 9 -> TimeUnit.NANOSECOND;
            default -> throw error("Timestamp precision must be 0, 3, 6 or 9, not " + p, pt.pos);
          };
          expectOp(")", "after the timestamp precision");
        }
        String tz = null;
        if (acceptKeyword("WITH")) {
          expectKeyword("TIME", "in WITH TIME ZONE");
          expectKeyword("ZONE", "in WITH TIME ZONE");
          Token z = next();
          if (z.kind != Kind.STRING) {
            throw error("Expected a quoted time zone name after WITH TIME ZONE but found " + z.show(), z.pos);
          }
          tz = z.text;
        } else if (acceptKeyword("WITHOUT")) {
          expectKeyword("TIME", "in WITHOUT TIME ZONE");
          expectKeyword("ZONE", "in WITHOUT TIME ZONE");
        }
        return new ArrowType.Timestamp(unit, tz);
      }
      case "STRING", "VARCHAR", "TEXT", "CHAR", "UTF8" -> {
        return Types.UTF8;
      }
      case "LARGE_STRING", "LARGE_UTF8" -> {
        return ArrowType.LargeUtf8.INSTANCE;
      }
      case "BINARY", "VARBINARY", "BYTEA", "BLOB" -> {
        return ArrowType.Binary.INSTANCE;
      }
      case "LARGE_BINARY" -> {
        return ArrowType.LargeBinary.INSTANCE;
      }
      default -> throw error("Unknown type " + t.text, t.pos);
    }
  }

  private int smallInt(String what) {
    Token t = next();
    if (t.kind != Kind.NUMBER || !t.text.chars().allMatch(Character::isDigit) || t.text.length() > 3) {
      throw error("Expected a small integer for the " + what + " but found " + t.show(), t.pos);
    }
    return Integer.parseInt(t.text);
  }
}
