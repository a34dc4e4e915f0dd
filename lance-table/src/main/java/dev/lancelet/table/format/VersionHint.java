package dev.lancelet.table.format;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code _versions/latest_version_hint.json}: {@code {"version":N}}, the newest version a writer
 * committed. Only a hint: a reader that trusts it still checks that no newer manifest exists,
 * and a writer updates it after (never instead of) committing.
 */
public final class VersionHint {
  private VersionHint() {}

  /** Path of the hint inside the dataset. */
  public static final String PATH = ManifestNaming.VERSIONS_DIR + "/latest_version_hint.json";

  /** The hint's bytes for {@code version}. */
  public static byte[] encode(long version) {
    return ("{\"version\":" + Long.toUnsignedString(version) + "}").getBytes(StandardCharsets.UTF_8);
  }

  /** The version a hint names, or -1 when the bytes are not a valid hint. */
  public static long decode(byte[] bytes) {
    try {
      Object v = Json.parse(new String(bytes, StandardCharsets.UTF_8));
      if (v instanceof Map<?, ?> m && m.get("version") instanceof Long n && n >= 0) {
        return n;
      }
    } catch (IllegalArgumentException e) {
      // A damaged hint is ignored; the listing is authoritative.
    }
    return -1;
  }
}
