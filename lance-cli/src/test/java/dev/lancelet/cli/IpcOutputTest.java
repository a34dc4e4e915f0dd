package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export side's IPC writing and dictionary decoding, exercised without a Lance file. */
class IpcOutputTest {
  @TempDir Path tmp;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close(); // fails the test if anything leaked
  }

  @Test
  void copiesBatchesAndDecodesDictionaries() throws Exception {
    Path in = ArrowFixtures.writeIpc(tmp.resolve("in.arrow"), false, 3, 500, allocator);
    for (String name : new String[] {"copy.arrow", "copy.arrows"}) {
      Path out = tmp.resolve(name);
      try (ArrowFileReader reader = new ArrowFileReader(FileChannel.open(in, StandardOpenOption.READ), allocator)) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        try (IpcOutput output = IpcOutput.create(out, IpcOutput.formatOf(name), root.getSchema(), reader, allocator)) {
          while (reader.loadNextBatch()) {
            output.write(root);
          }
          output.commit();
        }
      }
      assertThat(ArrowFixtures.schemaOf(out, allocator).getFields()).extracting(Field::getDictionary).containsOnlyNulls();
      assertThat(ArrowFixtures.readRows(out, allocator)).isEqualTo(ArrowFixtures.expectedRows(1500, allocator));
    }
    assertThat(tmp.toFile().list()).containsExactlyInAnyOrder("in.arrow", "copy.arrow", "copy.arrows");
  }

  @Test
  void uncommittedOutputLeavesNothingBehind() throws Exception {
    IpcOutput output = IpcOutput.create(tmp.resolve("x.arrow"), IpcOutput.Format.FILE, ArrowFixtures.schema(false), null, allocator);
    output.close(); // abandoned without commit()
    assertThat(tmp.toFile().list()).isEmpty();
  }

  @Test
  void formatFollowsTheExtension() {
    assertThat(IpcOutput.formatOf("a.arrow")).isEqualTo(IpcOutput.Format.FILE);
    assertThat(IpcOutput.formatOf("A.ARROWS")).isEqualTo(IpcOutput.Format.STREAM);
    assertThat(IpcOutput.formatOf("a.feather")).isNull();
  }
}
