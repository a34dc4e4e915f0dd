package dev.lancelet.file.compression;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import java.util.Arrays;

/**
 * Decoder for Lance's FSST (fast static symbol table) string compression.
 *
 * <h2>Symbol table</h2>
 *
 * <pre>
 *   u64 LE header : bits 32..63 = 0x46535354 ("FSST"), bit 24 = encoder switch (0: the strings
 *                   are stored uncompressed), bits 16..23 suffix limit, bits 8..15 terminator,
 *                   bits 0..7 = n, the number of symbols
 *   n x u64 LE    : symbol i in its low lens[i] bytes, first byte lowest
 *   n x u8        : lens[i], 1..8
 * </pre>
 *
 * (Lance reserves 2312 bytes for the table but only this prefix is meaningful.)
 *
 * <h2>Compressed strings</h2>
 *
 * Each string is compressed on its own; its bytes are codes: a code {@code c < 255} expands to
 * symbol {@code c}, and {@code 255} (escape) is followed by one literal byte.
 */
public final class Fsst {
  private static final long MAGIC = 0x46535354L;

  private final boolean enabled;
  private final long[] symbols;
  private final byte[] lens;

  private Fsst(boolean enabled, long[] symbols, byte[] lens) {
    this.enabled = enabled;
    this.symbols = symbols;
    this.lens = lens;
  }

  /** Parses a symbol table. */
  public static Fsst fromSymbolTable(byte[] table) throws LanceFormatException {
    if (table.length < 8) {
      throw new LanceFormatException("FSST symbol table needs an 8-byte header, got " + table.length + " bytes");
    }
    long header = LittleEndian.getLong(table, 0);
    if ((header >>> 32) != MAGIC) {
      throw new LanceFormatException("FSST symbol table has no FSST magic (header " + Long.toHexString(header) + ")");
    }
    boolean enabled = (header & (1L << 24)) != 0;
    int n = (int) (header & 0xff);
    if (table.length < 8 + 9 * n) {
      throw new LanceFormatException("FSST symbol table with " + n + " symbols needs " + (8 + 9 * n) + " bytes, got " + table.length);
    }
    long[] symbols = new long[256];
    byte[] lens = new byte[256];
    for (int i = 0; i < n; i++) {
      symbols[i] = LittleEndian.getLong(table, 8 + 8 * i);
      int len = table[8 + 8 * n + i];
      if (len < 1 || len > 8) {
        throw new LanceFormatException("FSST symbol " + i + " has length " + len + ", expected 1..8");
      }
      lens[i] = (byte) len;
    }
    return new Fsst(enabled, symbols, lens);
  }

  /**
   * Decompresses {@code count} strings given by {@code offsets[0..count]} (absolute positions in
   * {@code src}); returns the new data and rewrites {@code outOffsets[0..count]} (starting at 0).
   */
  public byte[] decompress(byte[] src, long[] offsets, int count, long[] outOffsets) throws LanceFormatException {
    if (!enabled) {
      long base = offsets[0];
      for (int i = 0; i <= count; i++) {
        outOffsets[i] = offsets[i] - base;
      }
      return Arrays.copyOfRange(src, (int) base, (int) offsets[count]);
    }
    byte[] out = new byte[Math.max(16, (int) Math.min(Integer.MAX_VALUE - 16, (offsets[count] - offsets[0]) * 3 + 16))];
    int o = 0;
    outOffsets[0] = 0;
    for (int s = 0; s < count; s++) {
      int p = (int) offsets[s];
      int end = (int) offsets[s + 1];
      if (p > end || end > src.length) {
        throw new LanceFormatException("FSST string " + s + " spans [" + p + ", " + end + ") outside " + src.length + " bytes");
      }
      while (p < end) {
        if (out.length - o < 9) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        int code = src[p++] & 0xff;
        if (code == 255) {
          if (p >= end) {
            throw new LanceFormatException("FSST string " + s + " ends in an escape byte");
          }
          out[o++] = src[p++];
        } else {
          int len = lens[code];
          if (len == 0) {
            throw new LanceFormatException("FSST code " + code + " names no symbol");
          }
          LittleEndian.putLong(out, o, symbols[code]);
          o += len;
        }
      }
      outOffsets[s + 1] = o;
    }
    return Arrays.copyOf(out, o);
  }
}
