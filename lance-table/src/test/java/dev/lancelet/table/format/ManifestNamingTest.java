package dev.lancelet.table.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestNamingTest {

  @Test
  void v2NamesCountDownFromU64Max() {
    assertThat(ManifestNaming.V2.fileName(1)).isEqualTo("18446744073709551614.manifest");
    assertThat(ManifestNaming.V2.fileName(42)).isEqualTo("18446744073709551573.manifest");
    assertThat(ManifestNaming.V2.path(0)).isEqualTo("_versions/18446744073709551615.manifest");
    // Zero padding keeps the names sortable once the inverted number loses digits.
    assertThat(ManifestNaming.V2.fileName(Long.MAX_VALUE)).isEqualTo("09223372036854775808.manifest");
  }

  @Test
  void v1NamesArePlainDecimal() {
    assertThat(ManifestNaming.V1.fileName(0)).isEqualTo("0.manifest");
    assertThat(ManifestNaming.V1.path(42)).isEqualTo("_versions/42.manifest");
  }

  @Test
  void parsesBothSchemesAndRejectsOthers() {
    assertThat(ManifestNaming.parse("18446744073709551573.manifest")).isEqualTo(42);
    assertThat(ManifestNaming.parse("42.manifest")).isEqualTo(42);
    assertThat(ManifestNaming.detect("42.manifest")).isEqualTo(ManifestNaming.V1);
    assertThat(ManifestNaming.detect("18446744073709551573.manifest")).isEqualTo(ManifestNaming.V2);
    assertThat(ManifestNaming.parse("d42.manifest")).isEqualTo(-1);
    assertThat(ManifestNaming.parse("42.manifest-cee4fbbb")).isEqualTo(-1);
    assertThat(ManifestNaming.parse(".tmp_7.manifest_9c10")).isEqualTo(-1);
    assertThat(ManifestNaming.parse("latest_version_hint.json")).isEqualTo(-1);
    assertThat(ManifestNaming.parse(".manifest")).isEqualTo(-1);
    for (long v : new long[] {0, 1, 2, 9, 10, 99_999, 1L << 40}) {
      assertThat(ManifestNaming.parse(ManifestNaming.V2.fileName(v))).isEqualTo(v);
      assertThat(ManifestNaming.parse(ManifestNaming.V1.fileName(v))).isEqualTo(v);
    }
  }

  @Test
  void versionHintRoundTripsAndIgnoresGarbage() {
    assertThat(VersionHint.decode(VersionHint.encode(17))).isEqualTo(17);
    assertThat(VersionHint.decode("{\"version\": 3, \"other\": [1, {\"a\": null}]}".getBytes())).isEqualTo(3);
    assertThat(VersionHint.decode("{\"version\":".getBytes())).isEqualTo(-1);
    assertThat(VersionHint.decode("[]".getBytes())).isEqualTo(-1);
    assertThat(VersionHint.decode("{\"version\":-4}".getBytes())).isEqualTo(-1);
    assertThat(VersionHint.decode("[".repeat(10_000).getBytes())).isEqualTo(-1);
  }
}
