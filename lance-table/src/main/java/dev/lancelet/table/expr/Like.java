package dev.lancelet.table.expr;

import dev.lancelet.table.expr.Col.BytesCol;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A compiled LIKE pattern over UTF-8 bytes: {@code %} matches any run of characters, {@code _}
 * exactly one character (one UTF-8 sequence), everything else itself; an escape character makes
 * the next character literal. Common shapes (exact, prefix, suffix, contains) get direct loops;
 * the rest uses an iterative matcher that backtracks only to the last {@code %} (no exponential
 * blow-up).
 */
final class Like {
  private static final int ANY_ONE = -1;
  private static final int ANY_SEQ = -2;

  private enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, GENERAL }

  private final int[] pattern;
  private final Shape shape;
  private final byte[] literal;
  /** The literal bytes before the first wildcard (for statistics). */
  final byte[] prefix;
  final boolean hasWildcard;

  /** @throws IllegalArgumentException with a message when the escape use is malformed */
  Like(String pattern, Character escape) {
    int[] codes = new int[pattern.length() * 4 + 4];
    int k = 0;
    ByteArrayOutputStream lit = new ByteArrayOutputStream();
    for (int i = 0; i < pattern.length(); ) {
      int cp = pattern.codePointAt(i);
      i += Character.charCount(cp);
      if (escape != null && cp == escape) {
        if (i >= pattern.length()) {
          throw new IllegalArgumentException("LIKE pattern ends with the escape character");
        }
        cp = pattern.codePointAt(i);
        i += Character.charCount(cp);
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          codes[k++] = b & 0xFF;
        }
      } else if (cp == '%') {
        if (k == 0 || codes[k - 1] != ANY_SEQ) {
          codes[k++] = ANY_SEQ;
        }
      } else if (cp == '_') {
        codes[k++] = ANY_ONE;
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          codes[k++] = b & 0xFF;
        }
      }
    }
    this.pattern = Arrays.copyOf(codes, k);
    int firstWild = 0;
    while (firstWild < k && this.pattern[firstWild] >= 0) {
      firstWild++;
    }
    this.prefix = bytes(0, firstWild);
    this.hasWildcard = firstWild < k;
    int anyOne = 0;
    int seqs = 0;
    for (int c : this.pattern) {
      anyOne += c == ANY_ONE ? 1 : 0;
      seqs += c == ANY_SEQ ? 1 : 0;
    }
    boolean startSeq = k > 0 && this.pattern[0] == ANY_SEQ;
    boolean endSeq = k > 0 && this.pattern[k - 1] == ANY_SEQ;
    if (anyOne == 0 && seqs == 0) {
      shape = Shape.EXACT;
      literal = bytes(0, k);
    } else if (anyOne == 0 && seqs == 1 && endSeq && !startSeq) {
      shape = Shape.PREFIX;
      literal = bytes(0, k - 1);
    } else if (anyOne == 0 && seqs == 1 && startSeq && !endSeq) {
      shape = Shape.SUFFIX;
      literal = bytes(1, k);
    } else if (anyOne == 0 && seqs == 2 && startSeq && endSeq && k >= 2) {
      shape = Shape.CONTAINS;
      literal = bytes(1, k - 1);
    } else {
      shape = Shape.GENERAL;
      literal = null;
    }
  }

  private byte[] bytes(int from, int to) {
    byte[] b = new byte[Math.max(0, to - from)];
    for (int i = from; i < to; i++) {
      b[i - from] = (byte) pattern[i];
    }
    return b;
  }

  /** Sets in {@code r} the bits of rows of {@code c} (non-scalar) that match. */
  void match(BytesCol c, long[] r) {
    byte[] d = c.data;
    int[] off = c.off;
    for (int i = 0; i < c.n; i++) {
      if (matches(d, off[i], off[i + 1])) {
        r[i >>> 6] |= 1L << i;
      }
    }
  }

  boolean matches(byte[] d, int s, int e) {
    int len = e - s;
    switch (shape) {
      case EXACT:
        return len == literal.length && Arrays.equals(d, s, e, literal, 0, literal.length);
      case PREFIX:
        return len >= literal.length && Arrays.equals(d, s, s + literal.length, literal, 0, literal.length);
      case SUFFIX:
        return len >= literal.length && Arrays.equals(d, e - literal.length, e, literal, 0, literal.length);
      case CONTAINS:
        return indexOf(d, s, e, literal) >= 0;
      default:
        return general(d, s, e);
    }
  }

  private static int indexOf(byte[] d, int s, int e, byte[] needle) {
    int m = needle.length;
    if (m == 0) {
      return s;
    }
    byte first = needle[0];
    for (int i = s; i <= e - m; i++) {
      if (d[i] == first && Arrays.equals(d, i, i + m, needle, 0, m)) {
        return i;
      }
    }
    return -1;
  }

  private static int nextChar(byte[] d, int s, int e) {
    s++;
    while (s < e && (d[s] & 0xC0) == 0x80) {
      s++;
    }
    return s;
  }

  private boolean general(byte[] d, int s, int e) {
    int[] pat = pattern;
    int plen = pat.length;
    int p = 0;
    int starP = -1;
    int starS = -1;
    while (s < e) {
      if (p < plen && pat[p] == ANY_ONE) {
        s = nextChar(d, s, e);
        p++;
      } else if (p < plen && pat[p] >= 0 && pat[p] == (d[s] & 0xFF)) {
        s++;
        p++;
      } else if (p < plen && pat[p] == ANY_SEQ) {
        starP = p++;
        starS = s;
      } else if (starP >= 0) {
        p = starP + 1;
        starS = nextChar(d, starS, e);
        s = starS;
      } else {
        return false;
      }
    }
    while (p < plen && pat[p] == ANY_SEQ) {
      p++;
    }
    return p == plen;
  }
}
