package dev.lancelet.table;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which data file a path under {@code data/} belongs to, as cleanup judges blob v2 sidecars. */
class CleanupSidecarTest {
  @Test
  void sidecarsBelongToTheirDataFile() {
    assertThat(Cleanup.sidecarOwner("data/abc/10000000000000000000000000000000.blob")).isEqualTo("data/abc.lance");
    assertThat(Cleanup.sidecarOwner("data/abc.lance")).isNull();
    assertThat(Cleanup.sidecarOwner("data/abc/def/1.blob")).as("deeper than a sidecar").isNull();
    assertThat(Cleanup.sidecarOwner("data/x.blob")).as("not in a stem folder").isNull();
    assertThat(Cleanup.sidecarOwner("_indices/abc/1.blob")).isNull();
  }
}
