package dev.lancelet.table.format;

import dev.lancelet.table.UnsupportedFeatureException;

/**
 * The feature bits of a manifest ({@code reader_feature_flags} / {@code writer_feature_flags}).
 * A reader must refuse a dataset whose reader flags carry a bit it does not understand, and a
 * writer one whose writer flags do; reading on could give silently wrong results.
 */
public final class FeatureFlags {
  private FeatureFlags() {}

  /** Some fragment has a deletion file. */
  public static final long DELETION_FILES = 1;
  /** Row ids are stable: every fragment carries its row-id sequence. */
  public static final long STABLE_ROW_IDS = 2;
  /** Written with v2 files (deprecated, carries no meaning today). */
  public static final long USE_V2_FORMAT_DEPRECATED = 4;
  /** The manifest has table config entries. */
  public static final long TABLE_CONFIG = 8;
  /** Files may live under extra base paths (shallow clones, multi-base datasets). */
  public static final long BASE_PATHS = 16;
  /** Transactions are only embedded in the manifest, not written to {@code _transactions/}. */
  public static final long DISABLE_TRANSACTION_FILE = 32;
  /** Fragments may carry data overlay files. */
  public static final long DATA_OVERLAYS = 64;
  /** Index metadata may list covering (carried, not keyed) fields. */
  public static final long COVERING_INDEX_FIELDS = 128;

  /** Reader bits Lancelet handles: everything it needs to read the data of such a dataset. */
  public static final long READABLE =
      DELETION_FILES | STABLE_ROW_IDS | USE_V2_FORMAT_DEPRECATED | TABLE_CONFIG | BASE_PATHS
          | DISABLE_TRANSACTION_FILE | COVERING_INDEX_FIELDS;

  /** Writer bits Lancelet handles when it commits a new version on top of a dataset. */
  public static final long WRITABLE =
      DELETION_FILES | STABLE_ROW_IDS | USE_V2_FORMAT_DEPRECATED | TABLE_CONFIG | DISABLE_TRANSACTION_FILE;

  /** Throws unless every reader bit of {@code manifest} is one we understand. */
  public static void checkReadable(long readerFlags, String what) throws UnsupportedFeatureException {
    long unknown = readerFlags & ~READABLE;
    if (unknown != 0) {
      throw new UnsupportedFeatureException(
          what + " needs reader features Lancelet does not support: " + describe(unknown)
              + " (reader_feature_flags=" + readerFlags + ")");
    }
  }

  /** Throws unless every writer bit is one we understand. */
  public static void checkWritable(long writerFlags, String what) throws UnsupportedFeatureException {
    long unknown = writerFlags & ~WRITABLE;
    if (unknown != 0) {
      throw new UnsupportedFeatureException(
          what + " needs writer features Lancelet does not support: " + describe(unknown)
              + " (writer_feature_flags=" + writerFlags + ")");
    }
  }

  /** Names of the bits set in {@code flags}, e.g. {@code "base paths (16), bit 512"}. */
  public static String describe(long flags) {
    StringBuilder sb = new StringBuilder();
    for (int bit = 0; bit < 64; bit++) {
      long b = 1L << bit;
      if ((flags & b) == 0) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(name(b));
    }
    return sb.toString();
  }

  private static String name(long bit) {
    if (bit == DELETION_FILES) {
      return "deletion files (1)";
    } else if (bit == STABLE_ROW_IDS) {
      return "stable row ids (2)";
    } else if (bit == USE_V2_FORMAT_DEPRECATED) {
      return "v2 format (4)";
    } else if (bit == TABLE_CONFIG) {
      return "table config (8)";
    } else if (bit == BASE_PATHS) {
      return "multiple base paths (16)";
    } else if (bit == DISABLE_TRANSACTION_FILE) {
      return "no transaction files (32)";
    } else if (bit == DATA_OVERLAYS) {
      return "data overlay files (64)";
    } else if (bit == COVERING_INDEX_FIELDS) {
      return "covering index fields (128)";
    }
    return "unknown bit " + Long.toUnsignedString(bit);
  }
}
