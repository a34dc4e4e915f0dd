package dev.lancelet.file.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.MemoryObjectStore;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriterBadInputTest {
  BufferAllocator alloc;
  MemoryObjectStore store;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
    store = new MemoryObjectStore("writer-bad-input");
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  @Test
  void schemaMismatchIsRejected() throws Exception {
    Schema s = new Schema(List.of(WriterInteropTest.f("a", WriterInteropTest.I32, false)));
    Schema other = new Schema(List.of(WriterInteropTest.f("b", WriterInteropTest.I32, false)));
    try (LanceFileWriter w = LanceFileWriter.create(store, "x.lance", s, alloc, WriteOptions.defaults());
        VectorSchemaRoot root = VectorSchemaRoot.create(other, alloc)) {
      root.allocateNew();
      ((IntVector) root.getVector(0)).setSafe(0, 1);
      root.setRowCount(1);
      assertThatThrownBy(() -> w.write(root))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not match");
      w.abort();
    }
    assertThat(store.exists("x.lance")).isFalse();
  }

  @Test
  void unsupportedTypeNamesTheType() {
    Schema s = new Schema(List.of(WriterInteropTest.f("iv", new ArrowType.Interval(org.apache.arrow.vector.types.IntervalUnit.DAY_TIME), true)));
    assertThatThrownBy(() -> LanceFileWriter.create(store, "y.lance", s, alloc, WriteOptions.defaults()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Interval")
        .hasMessageContaining("iv");
  }

  @Test
  void unsupportedVersionIsRejected() {
    Schema s = new Schema(List.of(WriterInteropTest.f("a", WriterInteropTest.I32, false)));
    assertThatThrownBy(() -> LanceFileWriter.create(store, "z.lance", s, alloc,
            WriteOptions.builder().version(LanceFileVersion.V2_3).build()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("2.2");
  }

  @Test
  void emptyFileAndMetadata() throws Exception {
    Schema s = new Schema(List.of(WriterInteropTest.f("a", WriterInteropTest.I32, true)));
    try (LanceFileWriter w = LanceFileWriter.create(store, "e.lance", s, alloc, WriteOptions.defaults())) {
      w.addMetadata(Map.of("k", "v"));
      assertThat(w.rowsWritten()).isZero();
    }
    byte[] bytes = store.readAll("e.lance");
    assertThat(new String(bytes, bytes.length - 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("LANC");
  }
}
