package dev.lancelet.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal pretty-printing JSON writer: objects, arrays, strings, numbers, booleans and null.
 * Calls must nest properly; {@link #toString()} returns the document.
 */
final class Json {
  private final StringBuilder sb = new StringBuilder();
  /** For each open container: true once it has a member (so the next needs a comma). */
  private final Deque<boolean[]> open = new ArrayDeque<>();
  private boolean afterName;

  Json beginObject() {
    beforeValue();
    sb.append('{');
    open.push(new boolean[1]);
    return this;
  }

  Json endObject() {
    return end('}');
  }

  Json beginArray() {
    beforeValue();
    sb.append('[');
    open.push(new boolean[1]);
    return this;
  }

  Json endArray() {
    return end(']');
  }

  Json name(String name) {
    beforeValue();
    string(name);
    sb.append(": ");
    afterName = true;
    return this;
  }

  Json value(String s) {
    beforeValue();
    if (s == null) {
      sb.append("null");
    } else {
      string(s);
    }
    return this;
  }

  Json value(long v) {
    beforeValue();
    sb.append(v);
    return this;
  }

  Json value(double v) {
    beforeValue();
    sb.append(Double.isFinite(v) ? Double.toString(v) : "null");
    return this;
  }

  Json value(boolean v) {
    beforeValue();
    sb.append(v);
    return this;
  }

  Json nullValue() {
    beforeValue();
    sb.append("null");
    return this;
  }

  Json field(String name, String v) {
    return name(name).value(v);
  }

  Json field(String name, long v) {
    return name(name).value(v);
  }

  Json field(String name, boolean v) {
    return name(name).value(v);
  }

  @Override
  public String toString() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("Unclosed JSON container");
    }
    return sb.toString();
  }

  private Json end(char c) {
    boolean[] state = open.pop();
    if (state[0]) {
      newline();
    }
    sb.append(c);
    return this;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (!open.isEmpty()) {
      boolean[] state = open.peek();
      if (state[0]) {
        sb.append(',');
      }
      state[0] = true;
      newline();
    }
  }

  private void newline() {
    sb.append('\n');
    sb.append("  ".repeat(open.size()));
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
