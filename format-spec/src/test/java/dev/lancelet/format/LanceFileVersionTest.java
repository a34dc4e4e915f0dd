package dev.lancelet.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LanceFileVersionTest {

  @Test
  void footerNumbersDifferFromNamesForOldVersions() {
    assertThat(LanceFileVersion.V0_1.footerMajor()).isZero();
    assertThat(LanceFileVersion.V0_1.footerMinor()).isEqualTo(2);
    assertThat(LanceFileVersion.V2_0.major()).isEqualTo(2);
    assertThat(LanceFileVersion.V2_0.minor()).isZero();
    assertThat(LanceFileVersion.V2_0.footerMajor()).isZero();
    assertThat(LanceFileVersion.V2_0.footerMinor()).isEqualTo(3);
    for (LanceFileVersion v :
        new LanceFileVersion[] {LanceFileVersion.V2_1, LanceFileVersion.V2_2, LanceFileVersion.V2_3}) {
      assertThat(v.footerMajor()).isEqualTo(v.major());
      assertThat(v.footerMinor()).isEqualTo(v.minor());
    }
  }

  @Test
  void fromFooterRoundTripsEveryVersion() {
    for (LanceFileVersion v : LanceFileVersion.values()) {
      assertThat(LanceFileVersion.fromFooter(v.footerMajor(), v.footerMinor())).isSameAs(v);
      assertThat(LanceFileVersion.fromFooter(v.major(), v.minor())).isSameAs(v);
    }
    assertThat(LanceFileVersion.fromFooter(0, 0)).isSameAs(LanceFileVersion.V0_1);
    assertThat(LanceFileVersion.fromFooter(2, 0)).isSameAs(LanceFileVersion.V2_0);
  }

  @Test
  void fromFooterRejectsUnknownPairs() {
    assertThatThrownBy(() -> LanceFileVersion.fromFooter(2, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2.4");
    assertThatThrownBy(() -> LanceFileVersion.fromFooter(0, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LanceFileVersion.fromFooter(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LanceFileVersion.fromFooter(3, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parseAcceptsNumbersAndAliases() {
    assertThat(LanceFileVersion.parse("2.0")).isSameAs(LanceFileVersion.V2_0);
    assertThat(LanceFileVersion.parse("2.1")).isSameAs(LanceFileVersion.V2_1);
    assertThat(LanceFileVersion.parse("2.2")).isSameAs(LanceFileVersion.V2_2);
    assertThat(LanceFileVersion.parse("2.3")).isSameAs(LanceFileVersion.V2_3);
    assertThat(LanceFileVersion.parse("stable")).isSameAs(LanceFileVersion.V2_1);
    assertThat(LanceFileVersion.parse(" NEXT ")).isSameAs(LanceFileVersion.V2_3);
    assertThat(LanceFileVersion.parse("legacy")).isSameAs(LanceFileVersion.V0_1);
    assertThat(LanceFileVersion.parse("0.1")).isSameAs(LanceFileVersion.V0_1);
    assertThat(LanceFileVersion.STABLE).isSameAs(LanceFileVersion.V2_1);
    assertThat(LanceFileVersion.NEXT).isSameAs(LanceFileVersion.V2_3);
  }

  @Test
  void parseRejectsGarbage() {
    assertThatThrownBy(() -> LanceFileVersion.parse("2.9")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LanceFileVersion.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LanceFileVersion.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringParsesBack() {
    assertThat(LanceFileVersion.V2_1).hasToString("2.1");
    assertThat(LanceFileVersion.V0_1).hasToString("0.1");
    for (LanceFileVersion v : LanceFileVersion.values()) {
      assertThat(LanceFileVersion.parse(v.toString())).isSameAs(v);
    }
  }

  @Test
  void ordering() {
    assertThat(LanceFileVersion.V2_2.atLeast(LanceFileVersion.V2_1)).isTrue();
    assertThat(LanceFileVersion.V2_0.atLeast(LanceFileVersion.V2_1)).isFalse();
    assertThat(LanceFileVersion.V0_1.isLegacy()).isTrue();
    assertThat(LanceFileVersion.V2_0.isLegacy()).isFalse();
  }

  @Test
  void constants() {
    assertThat(LanceFormatConstants.MAGIC).containsExactly('L', 'A', 'N', 'C');
    assertThat(LanceFormatConstants.magic()).isEqualTo(LanceFormatConstants.MAGIC).isNotSameAs(LanceFormatConstants.MAGIC);
    assertThat(LanceFormatConstants.isMagic(new byte[] {0, 'L', 'A', 'N', 'C'}, 1)).isTrue();
    assertThat(LanceFormatConstants.isMagic(new byte[] {'L', 'A', 'N'}, 0)).isFalse();
    assertThat(LanceFormatConstants.FOOTER_SIZE).isEqualTo(40);
    assertThat(LanceFormatConstants.PAGE_ALIGNMENT).isEqualTo(64);
    assertThat(LanceFormatConstants.PADDING_BYTE).isEqualTo((byte) 0x48);
  }
}
