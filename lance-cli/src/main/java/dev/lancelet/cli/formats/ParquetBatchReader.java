package dev.lancelet.cli.formats;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Streams a Parquet file as Arrow batches through parquet-java's record assembly, one row group
 * at a time (parquet-java holds the pages of the current row group). Pages are decompressed by
 * {@link ParquetCodecs} (pure Java). See {@link ParquetSchemas} for the type mapping.
 */
final class ParquetBatchReader extends RowBatchReader {
  private final ParquetFileReader reader;
  private final MessageColumnIO columnIO;
  private final Materializer materializer;
  private RecordReader<Object[]> records;
  private long rowsLeftInGroup;
  private int rowGroup = -1;
  private long row;
  private long bytesRead;

  private ParquetBatchReader(BufferAllocator allocator, String file, Schema schema, int batchSize,
      ParquetFileReader reader, MessageType parquetSchema) {
    super(allocator, file, schema, batchSize);
    this.reader = reader;
    this.columnIO = new ColumnIOFactory().getColumnIO(parquetSchema);
    this.materializer = new Materializer(parquetSchema, schema);
  }

  static ParquetBatchReader open(Path path, String file, ReaderOptions options, BufferAllocator allocator)
      throws IOException {
    ParquetReadOptions readOptions = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(ParquetCodecs.INSTANCE)
        .usePageChecksumVerification(true) // pages written with a CRC are checked: corruption fails loudly
        .build();
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(new LocalInputFile(path), readOptions);
    } catch (IOException | RuntimeException e) {
      throw new FormatException(file, -1, "not a valid Parquet file (" + message(e) + ")", e);
    }
    boolean ok = false;
    try {
      checkChunks(reader, file, java.nio.file.Files.size(path));
      MessageType parquetSchema = reader.getFileMetaData().getSchema();
      Schema schema;
      try {
        schema = ArrowSchemaHint.apply(ParquetSchemas.toArrow(parquetSchema),
            reader.getFileMetaData().getKeyValueMetaData().get(ArrowSchemaHint.KEY));
      } catch (ParquetSchemas.Unsupported e) {
        throw new FormatException(file, -1, e.getMessage(), e);
      }
      ParquetBatchReader r = new ParquetBatchReader(allocator, file, schema, options.batchSize(), reader, parquetSchema);
      ok = true;
      return r;
    } finally {
      if (!ok) {
        reader.close();
      }
    }
  }

  /**
   * Every column chunk must lie inside the file: parquet-java allocates a chunk's buffer from the
   * footer's size before reading it, so a lying size would otherwise be an out-of-memory error.
   */
  private static void checkChunks(ParquetFileReader reader, String file, long fileSize) throws FormatException {
    int g = 0;
    for (org.apache.parquet.hadoop.metadata.BlockMetaData block : reader.getRowGroups()) {
      if (block.getRowCount() < 0) {
        throw new FormatException(file, -1, "not a valid Parquet file (row group " + g + " has "
            + block.getRowCount() + " rows)");
      }
      for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : block.getColumns()) {
        long start = c.getStartingPos();
        long size = c.getTotalSize();
        if (start < 4 || size < 0 || size > Integer.MAX_VALUE || start + size > fileSize) {
          throw new FormatException(file, -1, "not a valid Parquet file (row group " + g + ", column " + c.getPath()
              + ": bytes [" + start + ", " + (start + size) + ") outside the file of " + fileSize + " bytes)");
        }
      }
      g++;
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  @Override
  protected Object[] nextRow() throws IOException {
    try {
      while (rowsLeftInGroup == 0) {
        rowGroup++;
        PageReadStore pages = reader.readNextRowGroup();
        if (pages == null) {
          rowGroup--;
          return null;
        }
        rowsLeftInGroup = pages.getRowCount();
        records = columnIO.getRecordReader(pages, materializer);
        bytesRead += reader.getRowGroups().get(rowGroup).getCompressedSize();
      }
      Object[] r = records.read();
      rowsLeftInGroup--;
      row++;
      if (r == null) {
        throw new IOException("record assembly returned no record");
      }
      return r;
    } catch (IOException | RuntimeException e) {
      if (e instanceof FormatException f) {
        throw f;
      }
      throw new FormatException(file, -1, "row group " + rowGroup + ", row " + row + ": corrupt or unreadable data ("
          + message(e) + ")", e);
    }
  }

  @Override
  protected long rowLine() {
    return -1;
  }

  @Override
  protected String rowPosition() {
    return "row " + (row - 1);
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  protected void closeReadSource() throws IOException {
    reader.close();
  }

  // ---------------------------------------------------------------- record assembly

  /** Where a converter puts a finished value. */
  private interface Sink {
    void put(Object v);
  }

  private static final class Materializer extends RecordMaterializer<Object[]> {
    private Object[] current;
    private final StructConverter root;

    Materializer(MessageType parquet, Schema arrow) {
      root = new StructConverter(parquet, arrow.getFields(), v -> current = (Object[]) v);
    }

    @Override
    public Object[] getCurrentRecord() {
      return current;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  /** The converter of a Parquet field mapped to {@code arrow} by {@link ParquetSchemas#toArrow}. */
  private static Converter converter(Type t, Field arrow, Sink sink) {
    if (t.isRepetition(Type.Repetition.REPEATED)) {
      // a bare repeated field: each occurrence is one element of the list the parent collects
      return valueConverter(t, arrow.getChildren().get(0), sink);
    }
    return valueConverter(t, arrow, sink);
  }

  private static Converter valueConverter(Type t, Field arrow, Sink sink) {
    if (t.isPrimitive()) {
      return new ValueConverter(t.asPrimitiveType(), arrow.getType(), sink);
    }
    GroupType g = t.asGroupType();
    ArrowType at = arrow.getType();
    if (at instanceof ArrowType.Map) {
      return new MapConverter(g, arrow, sink);
    }
    if (at instanceof ArrowType.List || at instanceof ArrowType.LargeList || at instanceof ArrowType.FixedSizeList) {
      return new ListConverter(g, arrow, sink);
    }
    return new StructConverter(g, arrow.getChildren(), sink);
  }

  private static final class StructConverter extends GroupConverter {
    private final Converter[] children;
    private final boolean[] repeated;
    private final Sink sink;
    private Object[] values;

    StructConverter(GroupType g, List<Field> arrow, Sink sink) {
      this.sink = sink;
      children = new Converter[g.getFieldCount()];
      repeated = new boolean[children.length];
      for (int k = 0; k < children.length; k++) {
        final int slot = k;
        Type t = g.getType(k);
        repeated[k] = t.isRepetition(Type.Repetition.REPEATED);
        Sink s = repeated[k] ? v -> addTo(slot, v) : v -> values[slot] = v;
        children[k] = converter(t, arrow.get(k), s);
      }
    }

    @SuppressWarnings("unchecked")
    private void addTo(int slot, Object v) {
      ((List<Object>) values[slot]).add(v);
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {
      values = new Object[children.length];
      for (int k = 0; k < repeated.length; k++) {
        if (repeated[k]) {
          values[k] = new ArrayList<>();
        }
      }
    }

    @Override
    public void end() {
      sink.put(values);
    }
  }

  /** A LIST group: collects its elements. */
  private static final class ListConverter extends GroupConverter {
    private final Converter repeated;
    private final Sink sink;
    private List<Object> list;

    ListConverter(GroupType g, Field arrow, Sink sink) {
      this.sink = sink;
      Field item = arrow.getChildren().get(0);
      Type rep = g.getType(0);
      if (ParquetSchemas.isThreeLevel(g)) {
        Type element = rep.asGroupType().getType(0);
        repeated = new ElementWrapper(element, item, v -> list.add(v));
      } else {
        repeated = valueConverter(rep, item, v -> list.add(v));
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return repeated;
    }

    @Override
    public void start() {
      list = new ArrayList<>();
    }

    @Override
    public void end() {
      sink.put(list);
    }
  }

  /** The repeated middle group of a three-level list: one element per occurrence, null if absent. */
  private static final class ElementWrapper extends GroupConverter {
    private final Converter element;
    private final Sink sink;
    private Object value;

    ElementWrapper(Type element, Field item, Sink sink) {
      this.sink = sink;
      this.element = valueConverter(element, item, v -> value = v);
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return element;
    }

    @Override
    public void start() {
      value = null;
    }

    @Override
    public void end() {
      sink.put(value);
    }
  }

  /** A MAP group: a list of {key, value} entries. */
  private static final class MapConverter extends GroupConverter {
    private final GroupConverter entry;
    private final Sink sink;
    private List<Object> list;

    MapConverter(GroupType g, Field arrow, Sink sink) {
      this.sink = sink;
      Field entries = arrow.getChildren().get(0);
      entry = new StructConverter(g.getType(0).asGroupType(), entries.getChildren(), v -> list.add(v));
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return entry;
    }

    @Override
    public void start() {
      list = new ArrayList<>();
    }

    @Override
    public void end() {
      sink.put(list);
    }
  }

  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  /** A primitive value in the canonical representation of its Arrow type (see {@link Values}). */
  private static final class ValueConverter extends PrimitiveConverter {
    private final ArrowType arrow;
    private final PrimitiveType parquet;
    private final Sink sink;
    private final int scale;

    ValueConverter(PrimitiveType parquet, ArrowType arrow, Sink sink) {
      this.parquet = parquet;
      this.arrow = arrow;
      this.sink = sink;
      this.scale = arrow instanceof ArrowType.Decimal d ? d.getScale() : 0;
    }

    @Override
    public void addBoolean(boolean value) {
      sink.put(value);
    }

    @Override
    public void addFloat(float value) {
      sink.put(value);
    }

    @Override
    public void addDouble(double value) {
      sink.put(value);
    }

    @Override
    public void addInt(int value) {
      switch (arrow) {
        case ArrowType.Decimal d -> sink.put(BigDecimal.valueOf(value, scale));
        case ArrowType.Date d -> sink.put(value);
        case ArrowType.Time tm -> sink.put(value);
        case ArrowType.Int i when !i.getIsSigned() && i.getBitWidth() == 32 -> sink.put(Integer.toUnsignedLong(value));
        default -> sink.put((long) value);
      }
    }

    @Override
    public void addLong(long value) {
      if (arrow instanceof ArrowType.Decimal) {
        sink.put(BigDecimal.valueOf(value, scale));
      } else {
        sink.put(value);
      }
    }

    @Override
    public void addBinary(Binary value) {
      switch (arrow) {
        case ArrowType.Decimal d -> sink.put(new BigDecimal(new BigInteger(value.getBytes()), scale));
        case ArrowType.FloatingPoint fp -> {
          ByteBuffer b = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
          sink.put(Float.float16ToFloat(b.getShort(b.position())));
        }
        case ArrowType.Timestamp ts -> { // INT96
          ByteBuffer b = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
          if (b.remaining() != 12) {
            throw new IllegalArgumentException("INT96 value of " + b.remaining() + " bytes");
          }
          long nanosOfDay = b.getLong(b.position());
          long julianDay = Integer.toUnsignedLong(b.getInt(b.position() + 8));
          sink.put(Math.addExact(Math.multiplyExact(julianDay - JULIAN_EPOCH_DAY, 86_400_000_000_000L), nanosOfDay));
        }
        default -> sink.put(value.getBytes());
      }
    }

    @Override
    public String toString() {
      return parquet + " -> " + arrow + (parquet.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation a ? " " + a : "");
    }
  }
}
