package dev.lancelet.bench.file;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.lance.Dataset;
import org.lance.WriteParams;

/**
 * The operations the benchmarks time, one static method per engine and operation, so the JMH
 * methods stay one-liners and the smoke test can call the same code. Every read returns the number
 * of rows it produced; callers check it.
 */
public final class Engines {
  static final WriteOptions LANCELET_WRITE_OPTIONS =
      WriteOptions.builder().version(LanceFileVersion.V2_1).build();

  /** The Parquet schema of the benchmark table: vectors as fixed_len_byte_array(4 * 128). */
  static final MessageType PARQUET_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message bench { required int64 id; required double x; required binary s (STRING); "
              + "required fixed_len_byte_array("
              + (4 * BenchData.DIM)
              + ") v; }");

  private Engines() {}

  // ---- writes ----

  static void writeLancelet(ObjectStore store, String name, Schema schema, List<VectorSchemaRoot> batches, BufferAllocator allocator)
      throws IOException {
    try (LanceFileWriter w = LanceFileWriter.create(store, name, schema, allocator, LANCELET_WRITE_OPTIONS)) {
      for (VectorSchemaRoot b : batches) {
        w.write(b);
      }
    }
  }

  static void writeLanceCore(Path file, List<VectorSchemaRoot> batches, BufferAllocator allocator) throws Exception {
    try (org.lance.file.LanceFileWriter w =
        org.lance.file.LanceFileWriter.open(
            file.toString(), allocator, null, Optional.of(BenchData.LANCE_FILE_VERSION), Map.of())) {
      for (VectorSchemaRoot b : batches) {
        w.write(b);
      }
    }
  }

  /** Streams the generated table into a Lancelet file without holding it all in memory. */
  static void writeLancelet(ObjectStore store, String name, BenchData.Generator g, BufferAllocator allocator) throws IOException {
    try (LanceFileWriter w = LanceFileWriter.create(store, name, g.schema(), allocator, LANCELET_WRITE_OPTIONS)) {
      while (g.hasNext()) {
        try (VectorSchemaRoot b = g.next(allocator, BenchData.WRITE_BATCH_ROWS)) {
          w.write(b);
        }
      }
    }
  }

  static void writeLanceCore(Path file, BenchData.Generator g, BufferAllocator allocator) throws Exception {
    try (org.lance.file.LanceFileWriter w =
        org.lance.file.LanceFileWriter.open(
            file.toString(), allocator, null, Optional.of(BenchData.LANCE_FILE_VERSION), Map.of())) {
      while (g.hasNext()) {
        try (VectorSchemaRoot b = g.next(allocator, BenchData.WRITE_BATCH_ROWS)) {
          w.write(b);
        }
      }
    }
  }

  /** A one-fragment, one-file Lance dataset holding the generated table. */
  static void writeLanceCoreDataset(Path dir, BenchData.Generator g, long rows, BufferAllocator allocator) {
    writeLanceCoreFragments(dir, g, (int) Math.max(rows, 1), allocator);
  }

  /** A Lance dataset (format 2.1) of the generated rows, cut into fragments of {@code maxRowsPerFile} rows. */
  public static void writeLanceCoreFragments(Path dir, BenchData.Generator g, int maxRowsPerFile, BufferAllocator allocator) {
    WriteParams params =
        new WriteParams.Builder()
            .withMaxRowsPerFile(maxRowsPerFile)
            .withDataStorageVersion(BenchData.LANCE_FILE_VERSION)
            .build();
    try (GeneratorReader reader = new GeneratorReader(allocator, g);
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      Data.exportArrayStream(allocator, reader, stream);
      Dataset.create(allocator, stream, dir.toString(), params).close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the table with parquet-java's default settings (uncompressed, 128 MiB row groups, 1 MiB pages, page indexes on). */
  static void writeParquet(Path file, BenchData.Generator g, BufferAllocator allocator) throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(PARQUET_SCHEMA);
    ByteBuffer vec = ByteBuffer.allocate(4 * BenchData.DIM).order(ByteOrder.LITTLE_ENDIAN);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(PARQUET_SCHEMA)
            .build()) {
      while (g.hasNext()) {
        try (VectorSchemaRoot b = g.next(allocator, BenchData.WRITE_BATCH_ROWS)) {
          BigIntVector id = (BigIntVector) b.getVector("id");
          Float8Vector x = (Float8Vector) b.getVector("x");
          VarCharVector s = (VarCharVector) b.getVector("s");
          Float4Vector v = (Float4Vector) ((FixedSizeListVector) b.getVector("v")).getDataVector();
          for (int i = 0; i < b.getRowCount(); i++) {
            vec.clear();
            for (int k = 0; k < BenchData.DIM; k++) {
              vec.putFloat(v.get(i * BenchData.DIM + k));
            }
            w.write(
                groups
                    .newGroup()
                    .append("id", id.get(i))
                    .append("x", x.get(i))
                    .append("s", Binary.fromConstantByteArray(s.get(i)))
                    .append("v", Binary.fromConstantByteArray(vec.array().clone())));
          }
        }
      }
    }
  }

  // ---- reads ----

  static long scanLancelet(LanceFileReader reader, List<String> columns) throws IOException {
    try (ArrowReader r =
        reader.scan(ScanOptions.builder().columns(columns).batchSize(BenchData.READ_BATCH_ROWS).build())) {
      return drain(r);
    }
  }

  static long scanLanceCore(org.lance.file.LanceFileReader reader, List<String> columns) throws IOException {
    try (ArrowReader r = reader.readAll(columns, null, BenchData.READ_BATCH_ROWS)) {
      return drain(r);
    }
  }

  static long takeLancelet(LanceFileReader reader, long[] rows, List<String> columns) throws IOException {
    try (VectorSchemaRoot root = reader.take(rows, columns)) {
      return root.getRowCount();
    }
  }

  /**
   * The reference engine's file reader has no take: a Java user reads one single-row range per row
   * id, which is what this does.
   */
  static long takeLanceCoreFile(org.lance.file.LanceFileReader reader, List<org.lance.util.Range> ranges, List<String> columns)
      throws IOException {
    try (ArrowReader r = reader.readAll(columns, ranges, BenchData.READ_BATCH_ROWS)) {
      return drain(r);
    }
  }

  static long takeLanceCoreDataset(Dataset dataset, List<Long> rows, List<String> columns) throws IOException {
    try (ArrowReader r = dataset.take(rows, columns)) {
      return drain(r);
    }
  }

  /**
   * parquet-java's best random access. It has no take by row number, so this filters on {@code id},
   * which equals the row number and is sorted: row-group statistics and the page index (on by
   * default) prune to the pages whose id range holds a wanted row, and a record filter keeps the
   * wanted rows inside them. The predicate is {@link RowIdPredicate} (binary search) rather than
   * {@code FilterApi.in}, whose per-record check is linear in the set size. This is the best case
   * for Parquet: with an unsorted key the page index could not prune at all.
   */
  static long takeParquet(Path file, long[] sortedIds, List<String> columns) throws IOException {
    FilterCompat.Filter filter =
        FilterCompat.get(FilterApi.userDefined(FilterApi.longColumn("id"), new RowIdPredicate(sortedIds)));
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withRecordFilter(filter)
            .useStatsFilter(true)
            .useColumnIndexFilter(true)
            .useRecordFilter(true)
            .build();
    long count = 0;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
      MessageType schema = parquetProjection(columns);
      reader.setRequestedSchema(schema);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore pages;
      while ((pages = reader.readNextFilteredRowGroup()) != null) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema), filter);
        for (long i = 0, n = pages.getRowCount(); i < n; i++) {
          Group g = records.read();
          if (g != null && !records.shouldSkipCurrentRecord()) {
            count++;
          }
        }
        pages.close();
      }
    }
    return count;
  }

  /** The requested columns plus {@code id}, which the record filter needs. */
  static MessageType parquetProjection(List<String> columns) {
    if (columns.containsAll(BenchData.COLUMNS)) {
      return PARQUET_SCHEMA;
    }
    Set<String> want = new HashSet<>(columns);
    want.add("id");
    return new MessageType(
        "bench", PARQUET_SCHEMA.getFields().stream().filter(f -> want.contains(f.getName())).toList());
  }

  public static long drain(ArrowReader r) throws IOException {
    long rows = 0;
    while (r.loadNextBatch()) {
      rows += r.getVectorSchemaRoot().getRowCount();
    }
    return rows;
  }

  static List<org.lance.util.Range> singleRowRanges(long[] rows) {
    List<org.lance.util.Range> out = new ArrayList<>(rows.length);
    for (long r : rows) {
      out.add(org.lance.util.Range.of(Math.toIntExact(r), Math.toIntExact(r + 1)));
    }
    return out;
  }

  public static List<Long> boxed(long[] rows) {
    List<Long> out = new ArrayList<>(rows.length);
    for (long r : rows) {
      out.add(r);
    }
    return out;
  }

  // ---- files ----

  /** A fresh directory under {@code -Dlancelet.bench.dir} (default: java.io.tmpdir). */
  public static Path tempDir(String prefix) throws IOException {
    String base = System.getProperty("lancelet.bench.dir");
    Path parent = base == null ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(base);
    Files.createDirectories(parent);
    return Files.createTempDirectory(parent, prefix);
  }

  public static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  public static void deleteChildren(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        deleteRecursively(p);
      }
    }
  }

  /** Feeds generated batches to the reference engine's dataset writer over the C stream interface. */
  private static final class GeneratorReader extends ArrowReader {
    private final BenchData.Generator generator;

    GeneratorReader(BufferAllocator allocator, BenchData.Generator generator) {
      super(allocator);
      this.generator = generator;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      if (!generator.hasNext()) {
        return false;
      }
      VectorSchemaRoot root = getVectorSchemaRoot();
      try (VectorSchemaRoot b = generator.next(allocator, BenchData.WRITE_BATCH_ROWS)) {
        for (int i = 0; i < b.getFieldVectors().size(); i++) {
          b.getVector(i).makeTransferPair(root.getVector(i)).transfer();
        }
        root.setRowCount(b.getRowCount());
      }
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return generator.schema();
    }
  }
}
