package dev.lancelet.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte-level constants shared by Lance data files and manifests. */
public final class LanceFormatConstants {

  /**
   * The four magic bytes "LANC" that end every Lance data file and manifest. Shared array: never
   * modify it; use {@link #magic()} for a private copy.
   */
  public static final byte[] MAGIC = "LANC".getBytes(StandardCharsets.US_ASCII);

  /** Length of {@link #MAGIC}. */
  public static final int MAGIC_LENGTH = 4;

  /**
   * Size of the v2 file footer: column-metadata start, CMO table start, global buffer offset
   * table start (u64 each), number of global buffers, number of columns (u32 each), major and
   * minor version (u16 each), magic.
   */
  public static final int FOOTER_SIZE = 40;

  /** Buffers in v2 files start at multiples of this many bytes. */
  public static final int PAGE_ALIGNMENT = 64;

  /** Filler byte written between buffers to reach {@link #PAGE_ALIGNMENT}. */
  public static final byte PADDING_BYTE = (byte) 0x48;

  private LanceFormatConstants() {}

  /** A fresh copy of the magic bytes. */
  public static byte[] magic() {
    return MAGIC.clone();
  }

  /** True if {@code buf[offset .. offset + 4)} is "LANC". */
  public static boolean isMagic(byte[] buf, int offset) {
    if (offset < 0 || buf.length - offset < MAGIC_LENGTH) {
      return false;
    }
    return Arrays.equals(buf, offset, offset + MAGIC_LENGTH, MAGIC, 0, MAGIC_LENGTH);
  }
}
