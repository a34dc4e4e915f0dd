package dev.lancelet.file.v20;

import static dev.lancelet.file.v20.V20Data.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.MemoryObjectStore;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Damaged 2.0 files: every single-byte change in the metadata and a sample in the data must give a
 * {@link LanceFormatException} naming the file, or a successful read, never another exception.
 */
class V20CorruptionTest {
  BufferAllocator alloc;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  private byte[] file() throws Exception {
    Schema schema = new Schema(List.of(f("i", I32, true), f("s", UTF8, true),
        f("l", ArrowType.List.INSTANCE, true, f("item", I64, true)),
        f("st", ArrowType.Struct.INSTANCE, false, f("b", BOOL, true)),
        f("v", new ArrowType.FixedSizeList(2), true, f("item", F32, true))));
    MemoryObjectStore store = MemoryObjectStore.named("mem");
    try (LanceFileWriter w = LanceFileWriter.create(store, "f.lance", schema, alloc, WriteOptions.builder().version(LanceFileVersion.V2_0).build());
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      Random rnd = new Random(21);
      for (FieldVector v : root.getFieldVectors()) {
        fill(v, 50, rnd, 0.2);
      }
      root.setRowCount(50);
      w.write(root);
    }
    try (var obj = store.open("f.lance")) {
      byte[] b = new byte[(int) obj.size()];
      obj.read(0, b.length).get(b);
      return b;
    }
  }

  @Test
  void byteFlipsGiveTypedErrors() throws Exception {
    byte[] good = file();
    Random rnd = new Random(22);
    int metaStart = good.length - 1200 > 0 ? good.length - 1200 : 0;
    int failures = 0;
    for (int pos = 0; pos < good.length; pos++) {
      if (pos < metaStart && rnd.nextInt(8) != 0) {
        continue; // sample the data region
      }
      byte[] bad = good.clone();
      bad[pos] ^= (byte) (1 << rnd.nextInt(8));
      MemoryObjectStore store = MemoryObjectStore.named("mem");
      store.put("bad.lance", bad);
      try (LanceFileReader r = LanceFileReader.open(store, "bad.lance", alloc);
          var ar = r.scan(dev.lancelet.file.ScanOptions.all())) {
        while (ar.loadNextBatch()) {
          // decoding must finish or throw a typed error
        }
        try (VectorSchemaRoot t = r.take(new long[] {49, 0, 7}, null)) {
          assertThat(t.getRowCount()).isEqualTo(3);
        }
      } catch (LanceFormatException e) {
        failures++;
        assertThat(e.getMessage()).as("byte %d", pos).contains("bad.lance");
      } catch (Throwable t) {
        throw new AssertionError("flipping byte " + pos + " of " + good.length + " gave " + t, t);
      }
    }
    assertThat(failures).isPositive();
  }
}
