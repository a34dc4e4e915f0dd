package dev.lancelet.table.format;

/**
 * How manifest files under {@code _versions/} are named.
 *
 * <ul>
 *   <li>{@link #V1}: {@code {version}.manifest}, plain decimal. Older datasets.
 *   <li>{@link #V2}: {@code {u64::MAX - version}.manifest}, zero-padded to 20 digits, so a sorted
 *       listing starts with the newest version. The default for new datasets.
 * </ul>
 *
 * Detached versions ({@code d{version}.manifest}) are not part of the version history and are
 * ignored by {@link #parse}.
 */
public enum ManifestNaming {
  V1,
  V2;

  /** The folder holding manifests. */
  public static final String VERSIONS_DIR = "_versions";

  /** The file name suffix. */
  public static final String SUFFIX = ".manifest";

  private static final int V2_DIGITS = 20;

  /** The path (inside the dataset) of version {@code version}'s manifest. */
  public String path(long version) {
    return VERSIONS_DIR + "/" + fileName(version);
  }

  /** The file name of version {@code version}'s manifest. */
  public String fileName(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("Negative version " + version);
    }
    if (this == V1) {
      return version + SUFFIX;
    }
    String inv = Long.toUnsignedString(-1L - version);
    return "0".repeat(V2_DIGITS - inv.length()) + inv + SUFFIX;
  }

  /** The scheme of a manifest file name, or null when it is not one. */
  public static ManifestNaming detect(String fileName) {
    if (!fileName.endsWith(SUFFIX) || fileName.startsWith("d")) {
      return null;
    }
    String digits = fileName.substring(0, fileName.length() - SUFFIX.length());
    if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return null;
    }
    return digits.length() == V2_DIGITS ? V2 : V1;
  }

  /**
   * The version a manifest file name stands for, or -1 when the name is not a manifest of either
   * scheme (temporary files, detached versions, other files).
   */
  public static long parse(String fileName) {
    ManifestNaming scheme = detect(fileName);
    if (scheme == null) {
      return -1;
    }
    String digits = fileName.substring(0, fileName.length() - SUFFIX.length());
    long n;
    try {
      n = Long.parseUnsignedLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
    long v = scheme == V1 ? n : -1L - n;
    return v < 0 ? -1 : v;
  }
}
