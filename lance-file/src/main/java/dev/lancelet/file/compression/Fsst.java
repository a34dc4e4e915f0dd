package dev.lancelet.file.compression;

import static dev.lancelet.file.compression.Checks.checkRange;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * FSST string compression in Lance's serialization ({@code Fsst.symbol_table} proto field plus the
 * compressed strings, which an inner {@code Variable} encoding stores with their own offsets).
 *
 * <h2>Symbol table: exactly 2312 bytes</h2>
 *
 * <pre>
 *   0    u64 LE header:  bits 32..63  magic 0x46535354 ("FSST"); the reader only requires
 *                                     those bits to be set
 *                        bit  24      1 = strings are FSST-compressed, 0 = stored raw
 *                        bits 16..23  suffix limit  (encoder bookkeeping; readers ignore it)
 *                        bits  8..15  terminator    (encoder bookkeeping; readers ignore it)
 *                        bits  0..7   n = number of symbols (0..255)
 *   8    n x u64 LE      symbol i's bytes, first byte in the low byte; unused high bytes zero
 *   8+8n n x u8          symbol i's length, 1..8
 *   ..   zero bytes up to 2312 (= 8 + 256*8 + 256)
 * </pre>
 *
 * <h2>Compressed strings</h2>
 *
 * Each string is compressed on its own into a sequence of codes: a byte {@code c < 255} stands
 * for symbol {@code c}'s bytes; the byte {@code 255} is an escape and the following byte is a
 * literal. Lance's writer only compresses when the page has at least 32 KiB of string bytes;
 * below that it sets the header's bit 24 to 0 and stores the strings unchanged (with the same
 * offsets). Decoded offsets here always start at 0.
 */
public final class Fsst {
  /** Size of a serialized symbol table. */
  public static final int SYMBOL_TABLE_BYTES = 8 + 256 * 8 + 256;
  /** Lance compresses only pages with at least this many string bytes. */
  public static final int LANCE_MIN_INPUT_BYTES = 32 * 1024;

  private static final long MAGIC = 0x46535354L;
  private static final int ESCAPE = 255;
  private static final int MAX_SYMBOLS = 255;

  private Fsst() {}

  /** A parsed symbol table. Immutable. */
  public static final class SymbolTable {
    final long[] symbols;
    final byte[] lens;
    final int size;
    final boolean compressed;

    SymbolTable(long[] symbols, byte[] lens, int size, boolean compressed) {
      this.symbols = symbols;
      this.lens = lens;
      this.size = size;
      this.compressed = compressed;
    }

    /** Number of symbols (0..255). */
    public int size() {
      return size;
    }

    /** Whether the strings are FSST codes (header bit 24); if not they are stored raw. */
    public boolean compressed() {
      return compressed;
    }

    /** The bytes of symbol {@code i}. */
    public byte[] symbol(int i) {
      byte[] b = new byte[lens[i]];
      for (int k = 0; k < b.length; k++) {
        b[k] = (byte) (symbols[i] >>> (8 * k));
      }
      return b;
    }

    /** Parses a serialized table; see the class doc for the layout. */
    public static SymbolTable parse(byte[] src, int off, int len) throws LanceFormatException {
      checkRange(src, off, len);
      if (len != SYMBOL_TABLE_BYTES) {
        throw new LanceFormatException(
            "FSST symbol table must be " + SYMBOL_TABLE_BYTES + " bytes, got " + len);
      }
      long header = LittleEndian.getLong(src, off);
      if (((header >>> 32) & MAGIC) != MAGIC) {
        throw new LanceFormatException(
            "FSST symbol table magic: expected bits 0x46535354 in the header's high word, got 0x"
                + Long.toHexString(header >>> 32));
      }
      boolean compressed = ((header >>> 24) & 1) != 0;
      int n = (int) (header & 0xFF);
      long[] symbols = new long[256];
      byte[] lens = new byte[256];
      for (int i = 0; i < n; i++) {
        int l = src[off + 8 + 8 * n + i];
        if (l < 1 || l > 8) {
          throw new LanceFormatException("FSST symbol " + i + " length must be 1..8, got " + l);
        }
        lens[i] = (byte) l;
        long v = LittleEndian.getLong(src, off + 8 + 8 * i);
        symbols[i] = l == 8 ? v : v & ((1L << (8 * l)) - 1);
      }
      return new SymbolTable(symbols, lens, n, compressed);
    }

    /** Serializes this table in Lance's 2312-byte form. */
    public byte[] serialize() {
      byte[] out = new byte[SYMBOL_TABLE_BYTES];
      long header = (MAGIC << 32) | ((compressed ? 1L : 0L) << 24) | ((long) size << 16) | size;
      LittleEndian.putLong(out, 0, header);
      for (int i = 0; i < size; i++) {
        LittleEndian.putLong(out, 8 + 8 * i, symbols[i]);
        out[8 + 8 * size + i] = lens[i];
      }
      return out;
    }
  }

  /** Strings as Arrow lays them out: bytes plus {@code count + 1} 32-bit offsets. */
  public record Strings(byte[] data, int[] offsets) {}

  /** Strings with 64-bit offsets (large_utf8 / large_binary). */
  public record LargeStrings(byte[] data, long[] offsets) {}

  /** The writer's output: the serialized symbol table and the compressed strings. */
  public record Compressed(byte[] symbolTable, byte[] data, int[] offsets) {}

  private static void checkOffsets(int[] offsets, int offOff, int count, int dataLen) throws LanceFormatException {
    if (count < 0 || offOff < 0 || offsets.length - offOff < count + 1L) {
      throw new LanceFormatException(
          "FSST needs " + (count + 1L) + " offsets, the offsets array has " + (offsets.length - offOff));
    }
    int prev = offsets[offOff];
    if (prev < 0) {
      throw new LanceFormatException("FSST string offset 0 is negative: " + prev);
    }
    for (int i = 1; i <= count; i++) {
      int cur = offsets[offOff + i];
      if (cur < prev) {
        throw new LanceFormatException(
            "FSST string offsets must not decrease: offset " + i + " is " + cur + " after " + prev);
      }
      prev = cur;
    }
    if (prev > dataLen) {
      throw new LanceFormatException(
          "FSST string offsets end at " + prev + " but the data has " + dataLen + " bytes");
    }
  }

  /**
   * Decompresses {@code count} strings. String {@code i} is {@code data[offsets[offOff+i] ..
   * offsets[offOff+i+1])}; offsets index into {@code data} from 0.
   *
   * @throws LanceFormatException on bad offsets, a code naming a missing symbol, an escape at the
   *     end of a string, or an output over 2 GiB
   */
  public static Strings decompress(SymbolTable table, byte[] data, int[] offsets, int offOff, int count)
      throws LanceFormatException {
    checkOffsets(offsets, offOff, count, data.length);
    int base = offsets[offOff];
    int[] outOffsets = new int[count + 1];
    if (!table.compressed) {
      int end = offsets[offOff + count];
      for (int i = 0; i <= count; i++) {
        outOffsets[i] = offsets[offOff + i] - base;
      }
      return new Strings(Arrays.copyOfRange(data, base, end), outOffsets);
    }
    final byte[] lens = table.lens;
    final long[] symbols = table.symbols;
    final int n = table.size;
    // Pass 1: validate codes and size the output exactly.
    long total = 0;
    for (int s = 0; s < count; s++) {
      int p = offsets[offOff + s];
      int end = offsets[offOff + s + 1];
      while (p < end) {
        int code = data[p] & 0xFF;
        if (code == ESCAPE) {
          if (p + 1 >= end) {
            throw new LanceFormatException("FSST escape byte at the end of string " + s);
          }
          total++;
          p += 2;
        } else {
          if (code >= n) {
            throw new LanceFormatException(
                "FSST code " + code + " in string " + s + " but the table has " + n + " symbols");
          }
          total += lens[code];
          p++;
        }
      }
      outOffsets[s + 1] = (int) Math.min(total, Integer.MAX_VALUE);
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new LanceFormatException("FSST output of " + total + " bytes does not fit in one array");
    }
    byte[] out = new byte[(int) total];
    int safeEnd = out.length - 8; // positions where an 8-byte store stays in bounds
    int o = 0;
    for (int s = 0; s < count; s++) {
      int p = offsets[offOff + s];
      int end = offsets[offOff + s + 1];
      while (p < end) {
        int code = data[p] & 0xFF;
        if (code != ESCAPE) {
          int l = lens[code];
          if (o <= safeEnd) {
            LittleEndian.putLong(out, o, symbols[code]);
          } else {
            long v = symbols[code];
            for (int k = 0; k < l; k++) {
              out[o + k] = (byte) (v >>> (8 * k));
            }
          }
          o += l;
          p++;
        } else {
          out[o++] = data[p + 1];
          p += 2;
        }
      }
    }
    return new Strings(out, outOffsets);
  }

  /**
   * Bytes of output room {@link #decompressInto} needs past its write position for {@code
   * compressedBytes} bytes of codes: a code expands to at most 8 bytes and every symbol is written
   * as one 8-byte store.
   */
  public static long maxDecompressedBytes(long compressedBytes) {
    return 8 * compressedBytes + 8;
  }

  /**
   * Decompresses the strings {@code src[ends[i-1] .. ends[i])} for {@code i} in {@code (from,
   * to]} (so string {@code i} starts where string {@code i - 1} ends; {@code ends[from]} is where
   * the first starts) one after another into {@code out} from {@code o}, and stores where each
   * decoded string ends, plus {@code outBase}, in {@code outEnds[outAt + i - from - 1]}. Single
   * pass: every symbol is written with one 8-byte store (later ones overwrite the spill), so
   * {@code out} must have {@link #maxDecompressedBytes} of room past {@code o} for the codes read.
   * The caller checks that the code offsets are ordered and inside {@code src}.
   *
   * @return the position in {@code out} after the last string
   * @throws LanceFormatException on a code naming a missing symbol or an escape at the end of a string
   */
  public static int decompressInto(SymbolTable table, byte[] src, int[] ends, int from, int to, byte[] out, int o, int[] outEnds, int outAt, int outBase)
      throws LanceFormatException {
    if (!table.compressed) {
      int start = ends[from];
      int len = ends[to] - start;
      System.arraycopy(src, start, out, o, len);
      int shift = o + outBase - start;
      for (int i = from + 1, k = outAt; i <= to; i++, k++) {
        outEnds[k] = ends[i] + shift;
      }
      return o + len;
    }
    final byte[] lens = table.lens;
    final long[] symbols = table.symbols;
    final int n = table.size;
    int p = ends[from];
    for (int i = from + 1, k = outAt; i <= to; i++, k++) {
      int end = ends[i];
      while (p < end) {
        int code = src[p] & 0xFF;
        if (code < n) {
          LittleEndian.putLong(out, o, symbols[code]);
          o += lens[code];
          p++;
        } else if (code == ESCAPE && p + 1 < end) {
          out[o++] = src[p + 1];
          p += 2;
        } else if (code == ESCAPE) {
          throw new LanceFormatException("FSST escape byte at the end of string " + (i - 1));
        } else {
          throw new LanceFormatException("FSST code " + code + " in string " + (i - 1) + " but the table has " + n + " symbols");
        }
      }
      outEnds[k] = o + outBase;
    }
    return o;
  }

  /** As {@link #decompress(SymbolTable, byte[], int[], int, int)} with 64-bit offsets. */
  public static LargeStrings decompress(SymbolTable table, byte[] data, long[] offsets, int offOff, int count)
      throws LanceFormatException {
    if (count < 0 || offOff < 0 || offsets.length - offOff < count + 1L) {
      throw new LanceFormatException(
          "FSST needs " + (count + 1L) + " offsets, the offsets array has " + (offsets.length - offOff));
    }
    int[] narrow = new int[count + 1];
    for (int i = 0; i <= count; i++) {
      long v = offsets[offOff + i];
      if (v < 0 || v > data.length) {
        throw new LanceFormatException(
            "FSST string offset " + i + " is " + v + ", outside the " + data.length + " data bytes");
      }
      narrow[i] = (int) v;
    }
    Strings s = decompress(table, data, narrow, 0, count);
    long[] wide = new long[count + 1];
    for (int i = 0; i <= count; i++) {
      wide[i] = s.offsets()[i];
    }
    return new LargeStrings(s.data(), wide);
  }

  // ------------------------------------------------------------------ encoder

  /**
   * Compresses {@code count} strings the way Lance's writer decides: below {@link
   * #LANCE_MIN_INPUT_BYTES} of string bytes the strings are stored raw with a table whose
   * compressed bit is 0; otherwise a table is trained on a sample and every string compressed.
   */
  public static Compressed compress(byte[] data, int[] offsets, int offOff, int count) {
    long bytes = (long) offsets[offOff + count] - offsets[offOff];
    if (bytes < LANCE_MIN_INPUT_BYTES) {
      int base = offsets[offOff];
      int[] out = new int[count + 1];
      for (int i = 0; i <= count; i++) {
        out[i] = offsets[offOff + i] - base;
      }
      SymbolTable raw = new SymbolTable(new long[256], new byte[256], 0, false);
      return new Compressed(
          raw.serialize(), Arrays.copyOfRange(data, base, offsets[offOff + count]), out);
    }
    SymbolTable table = train(data, offsets, offOff, count);
    return compressWith(table, data, offsets, offOff, count);
  }

  /**
   * Greedy longest-match over a symbol table. At each position the longest symbol that matches
   * wins; when none matches the byte is escaped. Candidates are found by table lookup instead of
   * a scan over every symbol:
   *
   * <ul>
   *   <li>a 65,536-entry table, indexed by the next two bytes, holds the best match of at most 2
   *       bytes there (the 2-byte symbol, else the first byte's 1-byte symbol, else an escape),
   *       plus a flag when longer symbols start with those two bytes;
   *   <li>symbols of 3 to 8 bytes are bucketed by their first two bytes (an index into one flat
   *       candidate array, longest first), and looked at only when the flag is set;
   *   <li>a 256-entry table gives the match of a string's last byte.
   * </ul>
   *
   * A table never holds two symbols with the same bytes (training keeps distinct candidates), so
   * at most one symbol of each length can match and "longest first" fixes the result; among equal
   * symbols of a foreign table the lowest code wins. Long candidates are compared as one 8-byte
   * little-endian word masked to the symbol's length.
   */
  static final class Matcher {
    private static final long[] MASK = new long[9];
    /** Entry flag: symbols of 3+ bytes start with this entry's two bytes. */
    static final int LONGER = 1 << 12;

    static {
      for (int l = 1; l < 8; l++) {
        MASK[l] = (1L << (8 * l)) - 1;
      }
      MASK[8] = -1L;
    }

    final long[] symbols;
    final byte[] lens;
    /** Per 2-byte prefix: {@code (len << 8) | code} of the best match of 1-2 bytes (len 0 = escape), | LONGER. */
    final short[] best2 = new short[65536]; // 13 bits used: 128 KiB, cache-friendly
    /** Per byte: {@code (1 << 8) | code} of its 1-byte symbol, or 0. */
    final int[] best1 = new int[256];
    /** Candidates of 3+ bytes with 2-byte prefix k are {@code cands[start[k] .. start[k + 1])}. */
    private final int[] start;
    private final short[] cands;

    Matcher(long[] symbols, byte[] lens, int n) {
      this.symbols = symbols;
      this.lens = lens;
      int[] two = new int[65536]; // code + 1 of the 2-byte symbol, 0 = none
      int longCount = 0;
      for (int i = n - 1; i >= 0; i--) { // descending, so the lowest code wins among equals
        int l = lens[i];
        if (l == 1) {
          best1[(int) (symbols[i] & 0xFF)] = (1 << 8) | i;
        } else if (l == 2) {
          two[(int) (symbols[i] & 0xFFFF)] = i + 1;
        } else {
          longCount++;
        }
      }
      for (int k = 0; k < 65536; k++) {
        best2[k] = (short) (two[k] != 0 ? (2 << 8) | (two[k] - 1) : best1[k & 0xFF]);
      }
      if (longCount == 0) {
        start = null;
        cands = null;
        return;
      }
      start = new int[65537];
      for (int i = 0; i < n; i++) {
        if (lens[i] >= 3) {
          start[(int) (symbols[i] & 0xFFFF) + 1]++;
        }
      }
      for (int k = 0; k < 65536; k++) {
        if (start[k + 1] > 0) {
          best2[k] |= (short) LONGER;
        }
        start[k + 1] += start[k];
      }
      cands = new short[longCount];
      int[] fill = new int[65536];
      for (int l = 8; l >= 3; l--) { // longest first within each bucket
        for (int i = 0; i < n; i++) {
          if (lens[i] == l) {
            int k = (int) (symbols[i] & 0xFFFF);
            cands[start[k] + fill[k]++] = (short) i;
          }
        }
      }
    }

    /**
     * The longest symbol matching {@code data[p..end)} ({@code p < end}) as {@code (length << 8)
     * | code}; length 0 means no symbol matches (escape the byte).
     */
    int match(byte[] data, int p, int end) {
      int avail = end - p;
      if (avail < 2) {
        return best1[data[p] & 0xFF];
      }
      int e = best2[LittleEndian.getShort(data, p) & 0xFFFF];
      if ((e & LONGER) == 0) {
        return e;
      }
      long word;
      if (p <= data.length - 8) {
        word = LittleEndian.getLong(data, p);
      } else {
        word = 0;
        for (int k = 0; k < data.length - p; k++) {
          word |= (data[p + k] & 0xFFL) << (8 * k);
        }
      }
      int k = (int) (word & 0xFFFF);
      for (int j = start[k], end2 = start[k + 1]; j < end2; j++) {
        int c = cands[j];
        int l = lens[c];
        if (l <= avail && (word & MASK[l]) == symbols[c]) {
          return (l << 8) | c;
        }
      }
      return e & ~LONGER;
    }
  }

  /** Pages with at least this many string bytes are compressed in two halves at once. */
  static final int PARALLEL_MIN_BYTES = 256 * 1024;

  /**
   * Runs the second half of a large compression. Its own daemon threads (idle ones exit after a
   * few seconds), not the common pool: the writer encodes pages on common-pool threads, and a
   * half forked there would often be run by the very thread that waits for it. When every thread
   * is busy the caller compresses the half itself.
   */
  private static final java.util.concurrent.ExecutorService HALVES = new java.util.concurrent.ThreadPoolExecutor(
      0, Math.max(1, Runtime.getRuntime().availableProcessors()), 5, java.util.concurrent.TimeUnit.SECONDS,
      new java.util.concurrent.SynchronousQueue<>(),
      r -> {
        Thread t = new Thread(r, "lancelet-fsst");
        t.setDaemon(true);
        return t;
      },
      new java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy());

  /**
   * Compresses every string with {@code table} (which must have its compressed bit set). Large
   * inputs are split into two halves by string count and compressed on the caller's thread and a
   * helper thread at once; each string is compressed on its own, so the output is the same bytes
   * either way.
   */
  public static Compressed compressWith(SymbolTable table, byte[] data, int[] offsets, int offOff, int count) {
    if (!table.compressed) {
      throw new IllegalArgumentException("A table whose compressed bit is 0 cannot compress strings");
    }
    Matcher m = new Matcher(table.symbols, table.lens, table.size);
    long bytes = (long) offsets[offOff + count] - offsets[offOff];
    if (bytes < PARALLEL_MIN_BYTES || count < 2 || Runtime.getRuntime().availableProcessors() < 2) {
      Part all = compressPart(m, data, offsets, offOff, count);
      return new Compressed(table.serialize(), Arrays.copyOf(all.out, all.len), all.offsets);
    }
    int half = count / 2;
    java.util.concurrent.Future<Part> second =
        HALVES.submit(() -> compressPart(m, data, offsets, offOff + half, count - half));
    Part first = compressPart(m, data, offsets, offOff, half);
    Part rest;
    try {
      rest = second.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while compressing strings", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
    byte[] out = Arrays.copyOf(first.out, first.len + rest.len);
    System.arraycopy(rest.out, 0, out, first.len, rest.len);
    int[] outOffsets = Arrays.copyOf(first.offsets, count + 1);
    for (int i = 1; i <= count - half; i++) {
      outOffsets[half + i] = first.len + rest.offsets[i];
    }
    return new Compressed(table.serialize(), out, outOffsets);
  }

  /** Codes of some strings: {@code out[0..len)}, and {@code count + 1} offsets from 0. */
  private record Part(byte[] out, int len, int[] offsets) {}

  private static Part compressPart(Matcher m, byte[] data, int[] offsets, int offOff, int count) {
    long worst = 2L * (offsets[offOff + count] - offsets[offOff]);
    byte[] out = new byte[(int) Math.min(Integer.MAX_VALUE - 16, worst)];
    int[] outOffsets = new int[count + 1];
    int o = 0;
    for (int s = 0; s < count; s++) {
      int p = offsets[offOff + s];
      int end = offsets[offOff + s + 1];
      int last = end - 1;
      while (p < last) { // at least 2 bytes left: the common case, one table lookup
        int e = m.best2[LittleEndian.getShort(data, p) & 0xFFFF];
        if ((e & Matcher.LONGER) != 0) {
          e = m.match(data, p, end);
        }
        int len = e >>> 8;
        if (len != 0) {
          out[o++] = (byte) e;
          p += len;
        } else {
          out[o++] = (byte) ESCAPE;
          out[o++] = data[p++];
        }
      }
      if (p == last) { // a last single byte
        int e = m.best1[data[p] & 0xFF];
        if (e != 0) {
          out[o++] = (byte) e;
        } else {
          out[o++] = (byte) ESCAPE;
          out[o++] = data[p];
        }
      }
      outOffsets[s + 1] = o;
    }
    return new Part(out, o, outOffsets);
  }

  /** Target sample size for training, as in the FSST paper. */
  private static final int SAMPLE_TARGET = 16 * 1024;

  /**
   * Trains a symbol table on a sample of the strings (deterministic: seeded), with the FSST
   * paper's scheme: five rounds of compressing the sample with the current table, counting symbols
   * and adjacent symbol pairs, and keeping the 255 candidates with the highest gain (frequency x
   * length).
   */
  public static SymbolTable train(byte[] data, int[] offsets, int offOff, int count) {
    // Build the sample: whole strings (cut to 512 bytes) in random order until ~16 KiB.
    long total = (long) offsets[offOff + count] - offsets[offOff];
    int[] sStart;
    int[] sEnd;
    int ns = 0;
    if (total <= SAMPLE_TARGET) {
      sStart = new int[count];
      sEnd = new int[count];
      for (int i = 0; i < count; i++) {
        sStart[ns] = offsets[offOff + i];
        sEnd[ns++] = offsets[offOff + i + 1];
      }
    } else {
      Random rnd = new Random(4637947L);
      int cap = Math.max(16, Math.min(count, 64 * 1024));
      sStart = new int[cap];
      sEnd = new int[cap];
      long got = 0;
      int tries = 0;
      while (got < SAMPLE_TARGET && ns < cap && tries++ < 4 * cap) {
        int i = rnd.nextInt(count);
        int a = offsets[offOff + i];
        int b = Math.min(offsets[offOff + i + 1], a + 512);
        if (b > a) {
          sStart[ns] = a;
          sEnd[ns++] = b;
          got += b - a;
        }
      }
    }

    long[] symbols = new long[256];
    byte[] lens = new byte[256];
    int n = 0;
    // Codes 0..n-1 are symbols; 256 + b is the single byte b (escaped or single-byte symbol).
    int[] count1 = new int[512];
    int[] count2 = new int[512 * 512];
    for (int gen = 0; gen < 5; gen++) {
      Arrays.fill(count1, 0);
      Arrays.fill(count2, 0);
      Matcher m = new Matcher(symbols, lens, n);
      for (int s = 0; s < ns; s++) {
        int p = sStart[s];
        int end = sEnd[s];
        int prev = -1;
        while (p < end) {
          int e = m.match(data, p, end);
          int code;
          int adv;
          if ((e >>> 8) != 0) {
            code = e & 0xFF;
            adv = e >>> 8;
            if (adv > 1) {
              count1[256 + (data[p] & 0xFF)]++; // the single byte stays a candidate too
            }
          } else {
            code = 256 + (data[p] & 0xFF);
            adv = 1;
          }
          count1[code]++;
          if (prev >= 0) {
            count2[prev * 512 + code]++;
          }
          prev = code;
          p += adv;
        }
      }
      // Gather candidates by gain.
      PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
      for (int a = 0; a < 512; a++) {
        if (count1[a] == 0) {
          continue;
        }
        long av = a >= 256 ? (a - 256) : symbols[a];
        int al = a >= 256 ? 1 : lens[a];
        offer(heap, (long) count1[a] * al, av, al);
        if (al == 8) {
          continue;
        }
        for (int b = 0; b < 512; b++) {
          int cnt = count2[a * 512 + b];
          if (cnt == 0) {
            continue;
          }
          long bv = b >= 256 ? (b - 256) : symbols[b];
          int bl = b >= 256 ? 1 : lens[b];
          int l = Math.min(8, al + bl);
          long v = av | (bv << (8 * al));
          if (l < 8) {
            v &= (1L << (8 * l)) - 1;
          }
          offer(heap, (long) cnt * l, v, l);
        }
      }
      // Keep the best distinct candidates.
      long[][] best = heap.toArray(new long[0][]);
      Arrays.sort(best, (x, y) -> Long.compare(y[0], x[0]));
      java.util.HashSet<SymbolKey> seen = new java.util.HashSet<>();
      n = 0;
      for (long[] cand : best) {
        if (n == MAX_SYMBOLS) {
          break;
        }
        if (seen.add(new SymbolKey(cand[1], (int) cand[2]))) {
          symbols[n] = cand[1];
          lens[n] = (byte) cand[2];
          n++;
        }
      }
    }
    return new SymbolTable(Arrays.copyOf(symbols, 256), Arrays.copyOf(lens, 256), n, true);
  }

  private record SymbolKey(long value, int len) {}

  private static void offer(PriorityQueue<long[]> heap, long gain, long value, int len) {
    // Keep a bounded heap of the top candidates (duplicates are removed later).
    if (heap.size() < 4 * MAX_SYMBOLS) {
      heap.add(new long[] {gain, value, len});
    } else if (heap.peek()[0] < gain) {
      heap.poll();
      heap.add(new long[] {gain, value, len});
    }
  }
}
