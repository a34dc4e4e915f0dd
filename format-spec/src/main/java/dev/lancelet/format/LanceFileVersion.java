package dev.lancelet.format;

import java.util.Locale;

/**
 * Versions of the Lance data file format.
 *
 * <p>The version a file <em>is</em> ({@link #major()}.{@link #minor()}) is not always the pair
 * written in its footer: 2.0 files carry {@code 0.3} and legacy (0.1) files carry {@code 0.2}.
 * From 2.1 on the two agree. Use {@link #footerMajor()}/{@link #footerMinor()} when writing and
 * {@link #fromFooter(int, int)} when reading.
 */
public enum LanceFileVersion {
  /** The original (v1) format. */
  V0_1(0, 1, 0, 2),
  /** First v2 format; footer says 0.3. */
  V2_0(2, 0, 0, 3),
  /** Current stable format (structural encodings, lance.encodings21). */
  V2_1(2, 1, 2, 1),
  /** Adds constant layouts, large mini-block chunks, variable packed structs. */
  V2_2(2, 2, 2, 2),
  /** Unstable "next" format. */
  V2_3(2, 3, 2, 3);

  /** What Lance calls "stable". */
  public static final LanceFileVersion STABLE = V2_1;

  /** What Lance calls "next". */
  public static final LanceFileVersion NEXT = V2_3;

  private final int major;
  private final int minor;
  private final int footerMajor;
  private final int footerMinor;

  LanceFileVersion(int major, int minor, int footerMajor, int footerMinor) {
    this.major = major;
    this.minor = minor;
    this.footerMajor = footerMajor;
    this.footerMinor = footerMinor;
  }

  /** Major number of the version as users name it ("2" in "2.1"). */
  public int major() {
    return major;
  }

  /** Minor number of the version as users name it ("1" in "2.1"). */
  public int minor() {
    return minor;
  }

  /** Major number stored in the file footer. */
  public int footerMajor() {
    return footerMajor;
  }

  /** Minor number stored in the file footer. */
  public int footerMinor() {
    return footerMinor;
  }

  /** True for the v1 format. */
  public boolean isLegacy() {
    return this == V0_1;
  }

  /** True if this version is the same as or newer than {@code other}. */
  public boolean atLeast(LanceFileVersion other) {
    return compareTo(other) >= 0;
  }

  /**
   * Maps a (major, minor) pair found in a file footer, or in a manifest's DataFile, to a version.
   *
   * <p>Accepted: 0.0, 0.1 and 0.2 (legacy; DataFile records legacy files as 0.0), 0.3 and 2.0
   * (2.0), 2.1, 2.2, 2.3.
   *
   * @throws IllegalArgumentException for any other pair
   */
  public static LanceFileVersion fromFooter(int major, int minor) {
    if (major == 0) {
      switch (minor) {
        case 0, 1, 2 -> {
          return V0_1;
        }
        case 3 -> {
          return V2_0;
        }
        default -> {
          // fall through to the error below
        }
      }
    } else if (major == 2) {
      switch (minor) {
        case 0 -> {
          return V2_0;
        }
        case 1 -> {
          return V2_1;
        }
        case 2 -> {
          return V2_2;
        }
        case 3 -> {
          return V2_3;
        }
        default -> {
          // fall through to the error below
        }
      }
    }
    throw new IllegalArgumentException("Unknown Lance file version " + major + "." + minor);
  }

  /**
   * Parses a user-facing version name: "2.0", "2.1", "2.2", "2.3", "stable" (2.1), "next" (2.3),
   * "legacy" or "0.1". Case and surrounding blanks are ignored.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static LanceFileVersion parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Lance file version must not be null");
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "0.1", "legacy" -> V0_1;
      case "2.0" -> V2_0;
      case "2.1", "stable" -> V2_1;
      case "2.2" -> V2_2;
      case "2.3", "next" -> V2_3;
      default -> throw new IllegalArgumentException("Unknown Lance file version: '" + text + "'");
    };
  }

  /** "major.minor", e.g. "2.1" (legacy prints "0.1"). */
  @Override
  public String toString() {
    return major + "." + minor;
  }
}
