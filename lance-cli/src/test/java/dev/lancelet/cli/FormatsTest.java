package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.format.LanceFileVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class FormatsTest {
  @Test
  void versionsPrintAndParse() {
    assertThat(Formats.version(LanceFileVersion.V2_1)).isEqualTo("2.1");
    assertThat(Formats.parseVersion("2.0")).isEqualTo(LanceFileVersion.V2_0);
    assertThat(Formats.parseVersion(" 2.1 ")).isEqualTo(LanceFileVersion.V2_1);
    assertThat(Formats.parseVersion("stable")).isEqualTo(LanceFileVersion.V2_1);
    assertThatThrownBy(() -> Formats.parseVersion("0.1")).hasMessageStartingWith("The legacy (v1) Lance file format cannot be written");
    assertThatThrownBy(() -> Formats.parseVersion("3.0")).hasMessageStartingWith("Unknown Lance file format version '3.0'");
  }

  @Test
  void sizesAndCounts() {
    assertThat(Formats.bytes(0)).isEqualTo("0 B");
    assertThat(Formats.bytes(1023)).isEqualTo("1023 B");
    assertThat(Formats.bytes(1536)).isEqualTo("1.50 KiB");
    assertThat(Formats.bytes(55L << 20)).isEqualTo("55.0 MiB");
    assertThat(Formats.count(1234567)).isEqualTo("1,234,567");
  }

  @Test
  void schemaTreeShowsTypesAndNesting() {
    List<String> tree = Formats.schemaTree(DemoData.schema());
    assertThat(tree).containsExactly(
        "├── id: int64 not null",
        "├── category: utf8 not null",
        "├── caption: utf8 not null",
        "├── score: float64 not null",
        "├── embedding: fixed_size_list<float32, 128> not null",
        "└── tags: list<utf8>");
    assertThat(Formats.schemaTree(ArrowFixtures.schema(true))).contains("└── color: dictionary<int32>");
  }

  @Test
  void rowListsParseNumbersAndRanges() {
    CommandLine cl = LanceCli.commandLine();
    assertThat(RowList.parse(List.of("3", "1", "10-12", "1"), cl)).containsExactly(3, 1, 10, 11, 12, 1);
    assertThatThrownBy(() -> RowList.parse(List.of("-1"), cl)).isInstanceOf(ParameterException.class);
    assertThatThrownBy(() -> RowList.parse(List.of("5-2"), cl)).hasMessageContaining("'5-2'");
    assertThatThrownBy(() -> RowList.parse(List.of("0-999999999999"), cl)).hasMessageContaining("more than");
  }

  @Test
  void jsonIsWellFormed() {
    String json = new Json().beginObject()
        .field("a", "x\"y\n")
        .name("b").beginArray().value(1).value(2.5).nullValue().endArray()
        .name("c").beginObject().endObject()
        .field("d", true)
        .endObject().toString();
    assertThat(json).isEqualTo("{\n  \"a\": \"x\\\"y\\n\",\n  \"b\": [\n    1,\n    2.5,\n    null\n  ],\n  \"c\": {},\n  \"d\": true\n}");
  }

  @Test
  void tableAlignsAndTruncates() {
    List<String> lines = new TextTable("n", "text").right(0).maxWidth(1, 6).row(1, "short").row(100, "much too long").lines("");
    assertThat(lines).containsExactly("  n  text", "───  ──────", "  1  short", "100  much …");
  }
}
