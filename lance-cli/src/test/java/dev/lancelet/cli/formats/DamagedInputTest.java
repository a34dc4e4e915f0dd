package dev.lancelet.cli.formats;

import static dev.lancelet.cli.formats.FormatTesting.closeAll;
import static dev.lancelet.cli.formats.FormatTesting.field;
import static dev.lancelet.cli.formats.FormatTesting.read;
import static dev.lancelet.cli.formats.FormatTesting.schema;
import static dev.lancelet.cli.formats.FormatTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.file.testing.RandomData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flips random bytes of valid files and truncates them: every read must either succeed or fail
 * with a {@link FormatException} naming the file; never another exception, an error or a hang.
 */
class DamagedInputTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(DataFormat.class)
  void damagedFilesGiveTypedErrors(DataFormat format) throws Exception {
    Schema schema = schema(field("id", new ArrowType.Int(64, true)), field("s", ArrowType.Utf8.INSTANCE),
        field("l", ArrowType.List.INSTANCE, field("item", new ArrowType.Int(32, true))));
    if (format == DataFormat.CSV || format == DataFormat.TSV) { // scalars only
      schema = schema(field("id", new ArrowType.Int(64, true)), field("s", ArrowType.Utf8.INSTANCE));
    }
    Path good = dir.resolve("good" + format.extensions().get(0));
    try (BufferAllocator allocator = new RootAllocator();
        RandomData.Batches data = RandomData.builder(1).nulls(RandomData.Nulls.RANDOM_10).rows(300).batches(2)
            .build(schema, allocator)) {
      write(good, format, data.roots(), WriterOptions.builder().parquetCompression("zstd").build(), allocator);
    }
    byte[] bytes = Files.readAllBytes(good);
    SplittableRandom r = new SplittableRandom(format.ordinal());
    int failures = 0;
    int rounds = Integer.getInteger("damagedRounds", 60);
    for (int round = 0; round < rounds; round++) {
      byte[] damaged;
      if (round % 6 == 0) {
        damaged = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length));
      } else {
        damaged = bytes.clone();
        int flips = 1 + r.nextInt(3);
        for (int k = 0; k < flips; k++) {
          damaged[r.nextInt(damaged.length)] ^= (byte) (1 + r.nextInt(255));
        }
      }
      Path file = dir.resolve("damaged" + round + format.extensions().get(0));
      Files.write(file, damaged);
      BufferAllocator allocator = new RootAllocator();
      FormatException seen = null;
      try {
        List<VectorSchemaRoot> back = read(file, format, ReaderOptions.DEFAULTS, allocator);
        closeAll(back);
      } catch (FormatException e) {
        failures++;
        seen = e;
        assertThat(e.getMessage()).as("round " + round).startsWith(file.toString() + ": ");
      }
      try {
        allocator.close();
      } catch (IllegalStateException leak) {
        if (seen != null) {
          leak.addSuppressed(seen); // the read failure that leaked
        }
        throw leak;
      }
    }
    if (format == DataFormat.PARQUET) {
      assertThat(failures).as("CRCs and footer checks catch damage").isGreaterThan(rounds * 2 / 3);
    }
  }
}
