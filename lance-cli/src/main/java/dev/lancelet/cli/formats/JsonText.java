package dev.lancelet.cli.formats;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser and printer for JSON lines. Objects parse to {@link LinkedHashMap}
 * (a duplicate key is an error), arrays to {@link List}, integers to {@link Long} (or {@link
 * BigDecimal} beyond 64 bits), other numbers to {@link BigDecimal} (exact), plus {@link String},
 * {@link Boolean} and null.
 */
final class JsonText {
  private static final int MAX_DEPTH = 512;

  private final String s;
  private int pos;

  private JsonText(String s) {
    this.s = s;
  }

  /** Thrown for malformed JSON; {@link #position()} is the 1-based character position in the text. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    private final int position;

    SyntaxError(String message, int position) {
      super(message);
      this.position = position;
    }

    int position() {
      return position;
    }
  }

  /** Parses one JSON value spanning the whole text (surrounding white space allowed). */
  static Object parse(String text) throws SyntaxError {
    JsonText p = new JsonText(text);
    p.skipSpace();
    Object v = p.value(0);
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "' after the value");
    }
    return v;
  }

  private SyntaxError error(String message) {
    return new SyntaxError(message + " at position " + (pos + 1), pos + 1);
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value(int depth) throws SyntaxError {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (pos >= s.length()) {
      throw error("unexpected end of line");
    }
    char c = s.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected '" + c + "'");
      }
    };
  }

  private Object literal(String word, Object v) throws SyntaxError {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected '" + s.charAt(pos) + "'");
    }
    pos += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) throws SyntaxError {
    pos++; // {
    Map<String, Object> out = new LinkedHashMap<>();
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return out;
    }
    while (true) {
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("expected a field name");
      }
      int keyPos = pos;
      String key = string();
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != ':') {
        throw error("expected ':'");
      }
      pos++;
      skipSpace();
      Object v = value(depth + 1);
      if (out.containsKey(key)) {
        pos = keyPos;
        throw error("duplicate field \"" + Values.abbreviate(key) + "\"");
      }
      out.put(key, v);
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return out;
      }
      throw error("expected ',' or '}'");
    }
  }

  private List<Object> array(int depth) throws SyntaxError {
    pos++; // [
    List<Object> out = new ArrayList<>();
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return out;
    }
    while (true) {
      skipSpace();
      out.add(value(depth + 1));
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return out;
      }
      throw error("expected ',' or ']'");
    }
  }

  private String string() throws SyntaxError {
    pos++; // opening quote
    StringBuilder b = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        String out = b == null ? s.substring(start, pos) : b.append(s, start, pos).toString();
        pos++;
        return out;
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (b == null) {
        b = new StringBuilder();
      }
      b.append(s, start, pos);
      pos++;
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"' -> b.append('"');
        case '\\' -> b.append('\\');
        case '/' -> b.append('/');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw error("bad \\u escape");
          }
          int cp = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(pos + k), 16);
            if (d < 0) {
              throw error("bad \\u escape");
            }
            cp = cp * 16 + d;
          }
          pos += 4;
          b.append((char) cp);
        }
        default -> {
          pos--;
          throw error("bad escape '\\" + e + "'");
        }
      }
      start = pos;
    }
  }

  private Object number() throws SyntaxError {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    int intStart = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
      pos++;
    }
    if (pos == intStart) {
      throw error("bad number");
    }
    if (s.charAt(intStart) == '0' && pos - intStart > 1) {
      pos = intStart;
      throw error("leading zero in a number");
    }
    boolean integer = true;
    if (pos < s.length() && s.charAt(pos) == '.') {
      integer = false;
      pos++;
      int f = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos == f) {
        throw error("bad number");
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      integer = false;
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      int f = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos == f) {
        throw error("bad number");
      }
    }
    String text = s.substring(start, pos);
    if (integer && text.length() <= 19) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException ignored) {
        // beyond long: fall through
      }
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException | ArithmeticException e) {
      pos = start;
      throw error("number out of range");
    }
  }

  /** Appends {@code v} as a JSON string literal. */
  static void quote(StringBuilder out, String v) {
    out.append('"');
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Prints a parsed JSON value (as {@link #parse} returns them) compactly. */
  static void print(StringBuilder out, Object v) {
    switch (v) {
      case null -> out.append("null");
      case String str -> quote(out, str);
      case BigDecimal d -> out.append(d.toString());
      case Number n -> out.append(n);
      case Boolean b -> out.append(b);
      case Map<?, ?> m -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          out.append(first ? "" : ",");
          first = false;
          quote(out, String.valueOf(e.getKey()));
          out.append(':');
          print(out, e.getValue());
        }
        out.append('}');
      }
      case List<?> l -> {
        out.append('[');
        for (int k = 0; k < l.size(); k++) {
          out.append(k == 0 ? "" : ",");
          print(out, l.get(k));
        }
        out.append(']');
      }
      default -> quote(out, v.toString());
    }
  }
}
