package dev.lancelet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.cli.formats.DataFormat;
import dev.lancelet.cli.formats.Formats;
import dev.lancelet.cli.formats.ReaderOptions;
import dev.lancelet.cli.formats.WriterOptions;
import dev.lancelet.cli.formats.BatchWriter;
import dev.lancelet.file.testing.ArrowAssert;
import dev.lancelet.file.testing.RandomData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lance file import} from CSV, JSON lines and Parquet, with the progress line. */
class ImportFormatsTest {
  @TempDir Path tmp;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private List<VectorSchemaRoot> readAll(Path file, DataFormat f, ReaderOptions options) throws Exception {
    List<VectorSchemaRoot> out = new ArrayList<>();
    try (ArrowReader r = Formats.openReader(file, f, options, allocator)) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot copy = VectorSchemaRoot.create(r.getVectorSchemaRoot().getSchema(), allocator);
        try (ArrowRecordBatch rb = new VectorUnloader(r.getVectorSchemaRoot()).getRecordBatch()) {
          new VectorLoader(copy).load(rb);
        }
        out.add(copy);
      }
    }
    return out;
  }

  @Test
  void importsEachFormatThenExportsTheSameRows() throws Exception {
    Schema schema = new Schema(List.of(
        new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
        new Field("score", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));
    for (DataFormat f : List.of(DataFormat.CSV, DataFormat.JSONL, DataFormat.PARQUET)) {
      Path in = tmp.resolve("in" + f.extensions().get(0));
      try (RandomData.Batches data = RandomData.builder(4).shape(RandomData.Shape.SMALL_RANGE)
          .nulls(RandomData.Nulls.RANDOM_10).rows(2500).batches(2).build(schema, allocator);
          BatchWriter w = Formats.openWriter(in, f, schema, WriterOptions.DEFAULTS, allocator)) {
        for (VectorSchemaRoot b : data.roots()) {
          w.write(b);
        }
      }
      Path lance = tmp.resolve("out-" + f.id() + ".lance");
      CliRun r = CliRun.of("file", "import", in.toString(), lance.toString(), "--batch-size", "1000", "--progress");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.err()).as(f.toString()).contains("\rimporting ").contains("imported 5,000 rows in 5 batches");
      Path back = tmp.resolve("back-" + f.id() + ".arrow");
      CliRun e = CliRun.of("file", "export", lance.toString(), back.toString(), "-q");
      assertThat(e.exit()).as(e.toString()).isZero();
      List<VectorSchemaRoot> expected = readAll(in, f, ReaderOptions.DEFAULTS);
      List<VectorSchemaRoot> actual = readAll(back, DataFormat.ARROW_FILE, ReaderOptions.DEFAULTS);
      try {
        ArrowAssert.assertBatchesEqual(expected, actual, f.toString());
      } finally {
        expected.forEach(VectorSchemaRoot::close);
        actual.forEach(VectorSchemaRoot::close);
      }
    }
  }

  @Test
  void reportsBadInputAndOptions() throws Exception {
    Path csv = Files.writeString(tmp.resolve("bad.csv"), "a,b\n1,2\n3\n");
    CliRun r = CliRun.of("file", "import", csv.toString(), tmp.resolve("o.lance").toString());
    assertThat(r.exit()).isEqualTo(LanceCli.EXIT_ERROR);
    assertThat(r.err()).isEqualTo("lance: " + csv + ": line 3: expected 2 fields but found 1" + System.lineSeparator());
    assertThat(tmp.resolve("o.lance")).doesNotExist();

    Path ok = Files.writeString(tmp.resolve("ok.txt"), "a\n1\n");
    CliRun f = CliRun.of("file", "import", ok.toString(), tmp.resolve("o.lance").toString(), "--format", "xml");
    assertThat(f.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(f.err()).contains("--format: Unknown data format 'xml' (known: arrow, arrows, csv, tsv, jsonl, parquet)");

    CliRun s = CliRun.of("file", "import", ok.toString(), tmp.resolve("o.lance").toString(), "--format", "csv",
        "--schema", "a:int999");
    assertThat(s.exit()).isEqualTo(LanceCli.EXIT_USAGE);
    assertThat(s.err()).contains("--schema: Unknown column type 'int999'");

    CliRun t = CliRun.of("file", "import", ok.toString(), tmp.resolve("o.lance").toString(), "--format", "csv",
        "--schema", "a:int8", "-q");
    assertThat(t.exit()).as(t.toString()).isZero();
    assertThat(t.err()).isEmpty();
  }
}
