package dev.lancelet.file.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The checked-in golden files parse, and still hold exactly the data their seed generates. */
class GoldenFilesTest {

  static final List<String> VERSIONS = GoldenFiles.VERSIONS;

  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  @ParameterizedTest(name = "golden {0} container")
  @FieldSource("VERSIONS")
  void containerParses(String version) throws Exception {
    Path file = GoldenFiles.path(version);
    assertThat(file).exists();
    LanceFileLayout layout = LanceFileLayout.read(file);
    assertThat(layout.footer().version()).isEqualTo("2.0".equals(version) ? "0.3" : version);
    assertThat(layout.misalignedBuffers()).isZero();
    assertThat(layout.columns()).hasSize(ReferenceCensusTest.expectedColumns(GoldenFiles.schema(), version));
    assertThat(Files.size(file)).isLessThan(64 * 1024);
  }

  @ParameterizedTest(name = "golden {0} content (lance-core)")
  @FieldSource("VERSIONS")
  void referenceReadsTheSeededData(String version) throws Exception {
    try (RandomData.Batches data = GoldenFiles.data(allocator)) {
      List<VectorSchemaRoot> expected =
          ReferenceQuirks.expectedReadBack(data.roots(), data.dictionaries(), version, allocator);
      List<VectorSchemaRoot> actual = ReferenceLance.readFile(GoldenFiles.path(version), null, allocator);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual, "golden " + version + " " + GoldenFiles.builder().describe());
      } finally {
        ReferenceLance.closeAll(actual);
        ReferenceLance.closeAll(expected);
      }
    }
  }
}
