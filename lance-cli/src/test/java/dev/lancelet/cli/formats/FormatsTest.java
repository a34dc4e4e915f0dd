package dev.lancelet.cli.formats;

import static dev.lancelet.cli.formats.FormatTesting.closeAll;
import static dev.lancelet.cli.formats.FormatTesting.field;
import static dev.lancelet.cli.formats.FormatTesting.read;
import static dev.lancelet.cli.formats.FormatTesting.schema;
import static dev.lancelet.cli.formats.FormatTesting.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.testing.RandomData;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatsTest {
  @TempDir Path dir;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  @Test
  void dispatchesByExtensionOrName() {
    assertThat(Formats.forPath("a/b.ARROW")).isEqualTo(DataFormat.ARROW_FILE);
    assertThat(Formats.forPath("x.feather")).isEqualTo(DataFormat.ARROW_FILE);
    assertThat(Formats.forPath("x.arrows")).isEqualTo(DataFormat.ARROW_STREAM);
    assertThat(Formats.forPath("x.csv")).isEqualTo(DataFormat.CSV);
    assertThat(Formats.forPath("x.tsv")).isEqualTo(DataFormat.TSV);
    assertThat(Formats.forPath("x.ndjson")).isEqualTo(DataFormat.JSONL);
    assertThat(Formats.forPath("/tmp/x.jsonl")).isEqualTo(DataFormat.JSONL);
    assertThat(Formats.forPath("x.parquet")).isEqualTo(DataFormat.PARQUET);
    assertThat(Formats.resolve("x.txt", "csv")).isEqualTo(DataFormat.CSV);
    assertThat(Formats.forName("ndjson")).isEqualTo(DataFormat.JSONL);
    assertThat(Formats.forName(".PQ")).isEqualTo(DataFormat.PARQUET);
    assertThatThrownBy(() -> Formats.forPath("data.xlsx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data.xlsx: unknown file extension '.xlsx'")
        .hasMessageContaining(".arrow/.feather/.ipc (Arrow IPC file)")
        .hasMessageContaining(".parquet/.pq (Parquet)")
        .hasMessageContaining("--format");
    assertThatThrownBy(() -> Formats.forPath("dir.d/noext")).hasMessageContaining("no file extension");
    assertThatThrownBy(() -> Formats.forName("orc"))
        .hasMessage("Unknown data format 'orc' (known: arrow, arrows, csv, tsv, jsonl, parquet)");
  }

  @Test
  void typeNamesParseAndPrint() {
    assertThat(TypeNames.parseColumns("a:int64, b : timestamp(ms, UTC),c:decimal(10,2) ,d:string"))
        .containsEntry("a", new ArrowType.Int(64, true))
        .containsEntry("b", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"))
        .containsEntry("c", new ArrowType.Decimal(10, 2, 128))
        .containsEntry("d", ArrowType.Utf8.INSTANCE);
    assertThat(TypeNames.parse("timestamp")).isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    for (String n : List.of("int8", "uint64", "float16", "bool", "large_utf8", "fixed_size_binary(3)",
        "decimal(5, 1)", "decimal256(50, 3)", "date64", "time32(s)", "time64(ns)", "timestamp(ns, UTC)", "duration(ms)")) {
      assertThat(TypeNames.name(TypeNames.parse(n))).isEqualTo(n);
    }
    assertThatThrownBy(() -> TypeNames.parse("int128")).hasMessageContaining("Unknown column type 'int128' (known: int8");
    assertThatThrownBy(() -> TypeNames.parse("time32(us)")).hasMessageContaining("time32 takes s or ms");
    assertThatThrownBy(() -> TypeNames.parseColumns("a")).hasMessageContaining("expected NAME:TYPE");
    assertThatThrownBy(() -> TypeNames.parseColumns("a:int8,a:int16")).hasMessageContaining("given twice");
  }

  @Test
  void readersBatchAndCountBytes() throws Exception {
    Schema schema = schema(field("i", new ArrowType.Int(64, true)), field("s", ArrowType.Utf8.INSTANCE));
    for (DataFormat f : DataFormat.values()) {
      Path file = dir.resolve("b" + f.extensions().get(0));
      try (RandomData.Batches data = RandomData.builder(1).rows(1000).build(schema, allocator)) {
        write(file, f, data.roots(), WriterOptions.DEFAULTS, allocator);
      }
      try (ArrowReader r = Formats.openReader(file, f, ReaderOptions.builder().batchSize(300).build(), allocator)) {
        long rows = 0;
        int batches = 0;
        while (r.loadNextBatch()) {
          rows += r.getVectorSchemaRoot().getRowCount();
          batches++;
        }
        assertThat(rows).as(f.toString()).isEqualTo(1000);
        if (f != DataFormat.ARROW_FILE && f != DataFormat.ARROW_STREAM) {
          assertThat(batches).as(f.toString()).isEqualTo(4);
        }
        if (f != DataFormat.ARROW_FILE) {
          assertThat(r.bytesRead()).as(f.toString()).isPositive().isLessThanOrEqualTo(Files.size(file));
        }
      }
    }
  }

  @Test
  void writersRefuseToOverwriteUnlessAsked_andAbortDeletes() throws Exception {
    Schema schema = schema(field("i", new ArrowType.Int(64, true)));
    Path file = dir.resolve("x.parquet");
    Files.writeString(file, "precious");
    assertThatThrownBy(() -> Formats.openWriter(file, DataFormat.PARQUET, schema, WriterOptions.DEFAULTS, allocator))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo("precious");
    for (DataFormat f : DataFormat.values()) {
      Path out = dir.resolve("abort" + f.extensions().get(0));
      BatchWriter w = Formats.openWriter(out, f, schema, WriterOptions.DEFAULTS, allocator);
      try (RandomData.Batches data = RandomData.builder(2).rows(10).build(schema, allocator)) {
        w.write(data.root());
      }
      w.abort();
      assertThat(out).as(f.toString()).doesNotExist();
    }
    try (BatchWriter w = Formats.openWriter(file, DataFormat.PARQUET, schema,
        WriterOptions.builder().overwrite(true).build(), allocator)) {
      assertThat(w.rowsWritten()).isZero();
    }
    List<VectorSchemaRoot> back = read(file, DataFormat.PARQUET, ReaderOptions.DEFAULTS, allocator);
    assertThat(back).isEmpty();
  }

  @Test
  void missingFilesAndCorruptIpcAreTypedErrors() throws Exception {
    assertThatThrownBy(() -> read(dir.resolve("nope.csv"), DataFormat.CSV, ReaderOptions.DEFAULTS, allocator))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> read(dir, DataFormat.CSV, ReaderOptions.DEFAULTS, allocator))
        .isInstanceOf(FormatException.class).hasMessageContaining("is a directory");
    Schema schema = schema(field("i", new ArrowType.Int(64, true)));
    Path ipc = dir.resolve("x.arrow");
    try (RandomData.Batches data = RandomData.builder(2).rows(100).batches(2).build(schema, allocator)) {
      write(ipc, DataFormat.ARROW_FILE, data.roots(), WriterOptions.DEFAULTS, allocator);
    }
    byte[] bytes = Files.readAllBytes(ipc);
    Path cut = dir.resolve("cut.arrow");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> closeAll(read(cut, DataFormat.ARROW_FILE, ReaderOptions.DEFAULTS, allocator)))
        .isInstanceOf(FormatException.class).hasMessageContaining("cut.arrow: not a valid Arrow IPC file or stream");
    Path garbage = dir.resolve("garbage.arrows");
    Files.writeString(garbage, "this is not arrow at all, not even close");
    assertThatThrownBy(() -> closeAll(read(garbage, DataFormat.ARROW_STREAM, ReaderOptions.DEFAULTS, allocator)))
        .isInstanceOf(FormatException.class).hasMessageContaining("garbage.arrows: not a valid Arrow IPC");
  }
}
