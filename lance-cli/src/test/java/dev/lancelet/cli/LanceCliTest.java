package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command parsing, exit codes and error messages; none of these need the reader or writer. */
class LanceCliTest {
  @TempDir Path tmp;

  @Test
  void versionPrintsLanceletAndFormats() {
    CliRun r = CliRun.of("--version");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("lance (Lancelet) ").contains("Lance file format versions: ").contains("2.1");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void helpListsCommands() {
    CliRun r = CliRun.of("help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: lance").contains("file").contains("demo").contains("--verbose");
    CliRun sub = CliRun.of("help", "file");
    assertThat(sub.out()).contains("inspect").contains("export").contains("import");
    CliRun leaf = CliRun.of("file", "export", "--help");
    assertThat(leaf.exit()).isZero();
    assertThat(leaf.out()).contains("--columns").contains("--rows").contains("--batch-size");
  }

  @Test
  void missingCommandIsAUsageError() {
    CliRun r = CliRun.of();
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(r.err()).isEqualTo("lance: Missing command: choose one of import, export, take, show, versions, delete, ..., file, demo (see 'lance --help')" + System.lineSeparator());
    assertThat(CliRun.of("file").exit()).isEqualTo(LanceCli.EXIT_USAGE);
  }

  @Test
  void unknownOptionIsAUsageErrorOnOneLine() {
    CliRun r = CliRun.of("file", "inspect", "--bogus", "x.lance");
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(r.err()).startsWith("lance: Unknown option: '--bogus'").contains("lance file inspect --help");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void unknownCommandAndMissingParameterAreUsageErrors() {
    assertThat(CliRun.of("file", "frobnicate").exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(CliRun.of("frobnicate").exit()).isEqualTo(LanceCli.EXIT_USAGE);
    CliRun r = CliRun.of("file", "export", "only-one-arg.lance");
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(r.err()).startsWith("lance: Missing required parameter");
  }

  @Test
  void missingFileNamesTheFile() {
    Path missing = tmp.resolve("nope.lance");
    CliRun r = CliRun.of("file", "inspect", missing.toString());
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(r.err()).isEqualTo("lance: " + missing + ": No such file" + System.lineSeparator());
    assertThat(CliRun.of("file", "export", missing.toString(), tmp.resolve("o.arrow").toString()).err())
        .contains(missing + ": No such file");
  }

  @Test
  void notALanceFileNamesTheFile() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.txt"), "these are not the bytes you are looking for\n".repeat(3));
    CliRun r = CliRun.of("file", "inspect", text.toString());
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(r.err()).isEqualTo("lance: " + text + ": Not a Lance file (does not end with the \"LANC\" magic)" + System.lineSeparator());

    Path tiny = Files.writeString(tmp.resolve("tiny.lance"), "LANC");
    CliRun t = CliRun.of("file", "inspect", tiny.toString());
    assertThat(t.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(t.err()).contains(tiny + ": Not a Lance file (4 bytes");
  }

  @Test
  void corruptLanceFileIsOneLineNamingTheFile() throws IOException {
    byte[] bytes = new byte[200];
    System.arraycopy("LANC".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, 196, 4);
    Path bad = Files.write(tmp.resolve("bad.lance"), bytes);
    CliRun r = CliRun.of("file", "inspect", bad.toString());
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(r.err()).startsWith("lance: " + bad).doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void verbosePrintsTheStackTrace() {
    Path missing = tmp.resolve("nope.lance");
    CliRun quiet = CliRun.of("file", "inspect", missing.toString());
    assertThat(quiet.err()).doesNotContain("\tat ");
    CliRun loud = CliRun.of("--verbose", "file", "inspect", missing.toString());
    assertThat(loud.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(loud.err()).startsWith("lance: " + missing + ": No such file").contains("\tat dev.lancelet.cli.");
    // --verbose is accepted after the subcommand too
    assertThat(CliRun.of("file", "inspect", missing.toString(), "--verbose").err()).contains("\tat ");
  }

  @Test
  void exportChecksItsArguments() throws IOException {
    Path in = tmp.resolve("in.lance");
    CliRun ext = CliRun.of("file", "export", in.toString(), tmp.resolve("out.csv").toString());
    assertThat(ext.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(ext.err()).contains("OUT must end in .arrow (IPC file) or .arrows (IPC stream)");

    CliRun rows = CliRun.of("file", "export", in.toString(), tmp.resolve("o.arrow").toString(), "--rows", "1,x");
    assertThat(rows.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(rows.err()).contains("--rows: not a row number or range: 'x'");

    CliRun batch = CliRun.of("file", "export", in.toString(), tmp.resolve("o.arrow").toString(), "--batch-size", "0");
    assertThat(batch.exit()).isEqualTo(LanceCli.EXIT_USAGE);

    Path existing = Files.writeString(tmp.resolve("exists.arrow"), "x");
    CliRun exists = CliRun.of("file", "export", in.toString(), existing.toString());
    assertThat(exists.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(exists.err()).isEqualTo("lance: " + existing + ": File exists (use --force to replace it)" + System.lineSeparator());
  }

  @Test
  void importChecksItsArguments() throws IOException {
    Path missing = tmp.resolve("missing.arrow");
    CliRun r = CliRun.of("file", "import", missing.toString(), tmp.resolve("o.lance").toString());
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(r.err()).isEqualTo("lance: " + missing + ": No such file" + System.lineSeparator());

    Path garbage = Files.writeString(tmp.resolve("garbage.arrow"), "definitely not arrow, just some text here");
    CliRun g = CliRun.of("file", "import", garbage.toString(), tmp.resolve("o.lance").toString());
    assertThat(g.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(g.err()).startsWith("lance: " + garbage + ": Not an Arrow IPC file or stream");
    assertThat(g.err().lines()).hasSize(1);

    CliRun v = CliRun.of("file", "import", garbage.toString(), tmp.resolve("o.lance").toString(), "--format-version", "9.9");
    assertThat(v.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(v.err()).contains("--format-version: Unknown Lance file format version '9.9' (known: 2.0, 2.1");
  }

  @Test
  void demoChecksItsArguments() {
    CliRun r = CliRun.of("demo", "--rows", "2");
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(r.err()).contains("--rows must be between 5 and");
    assertThat(CliRun.of("demo", "--rows", "many").exit()).isEqualTo(LanceCli.EXIT_USAGE);
  }
}
