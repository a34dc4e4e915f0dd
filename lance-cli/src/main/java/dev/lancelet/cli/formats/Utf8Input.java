package dev.lancelet.cli.formats;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Strict UTF-8 decoding one character at a time over a buffered byte stream, so that a bad byte
 * is reported when the parser reaches it (and can be given a line number), not when a block
 * decoder reads ahead. Characters beyond the BMP come out as surrogate pairs.
 */
final class Utf8Input implements Closeable {
  /** Thrown at an invalid UTF-8 sequence. */
  static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  /** Thrown by {@link #readLine(int)} for an over-long line. */
  static final class LineTooLong extends IOException {
    private static final long serialVersionUID = 1L;

    LineTooLong(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private int pendingLow = -1;
  private long offset;
  private int unread = -1;

  Utf8Input(InputStream in) {
    this.in = in;
  }

  /** Bytes consumed so far. */
  long offset() {
    return offset;
  }

  private int nextByte() throws IOException {
    if (pos == limit) {
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        return -1;
      }
      pos = 0;
      limit = n;
    }
    offset++;
    return buf[pos++] & 0xFF;
  }

  private int continuation() throws IOException {
    int b = nextByte();
    if (b < 0 || (b & 0xC0) != 0x80) {
      throw new Malformed("invalid UTF-8 sequence at byte offset " + (offset - 1));
    }
    return b & 0x3F;
  }

  /** The next UTF-16 char, or -1 at the end. */
  int read() throws IOException {
    if (unread >= 0) {
      int c = unread;
      unread = -1;
      return c;
    }
    if (pendingLow >= 0) {
      int c = pendingLow;
      pendingLow = -1;
      return c;
    }
    int b = nextByte();
    if (b < 0x80) {
      return b; // ASCII or -1
    }
    int cp;
    int min;
    if ((b & 0xE0) == 0xC0) {
      cp = (b & 0x1F) << 6 | continuation();
      min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      cp = (b & 0x0F) << 12 | continuation() << 6 | continuation();
      min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      cp = (b & 0x07) << 18 | continuation() << 12 | continuation() << 6 | continuation();
      min = 0x10000;
    } else {
      throw new Malformed("invalid UTF-8 byte 0x" + Integer.toHexString(b) + " at byte offset " + (offset - 1));
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw new Malformed("invalid UTF-8 sequence before byte offset " + offset);
    }
    if (cp >= 0x10000) {
      pendingLow = Character.lowSurrogate(cp);
      return Character.highSurrogate(cp);
    }
    return cp;
  }

  /**
   * The next line without its terminator (\n, \r\n or \r), or null at the end.
   *
   * @throws IOException if the line is longer than {@code maxChars}
   */
  String readLine(int maxChars) throws IOException {
    StringBuilder b = new StringBuilder();
    int c = read();
    if (c < 0) {
      return null;
    }
    while (c >= 0 && c != '\n' && c != '\r') {
      b.append((char) c);
      if (b.length() > maxChars) {
        throw new LineTooLong("line longer than " + maxChars + " characters");
      }
      c = read();
    }
    if (c == '\r') {
      int d = read();
      if (d != '\n' && d >= 0) {
        unread(d);
      }
    }
    return b.toString();
  }

  /** Gives back one char for the next {@link #read()} (at most one at a time). */
  void unread(int c) {
    if (unread >= 0) {
      throw new IllegalStateException("one char of push-back only");
    }
    unread = c;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
