package dev.lancelet.cli.formats;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes Parquet through parquet-java's {@link ParquetWriter} (which buffers one row group in
 * memory), with pages compressed by {@link ParquetCodecs}. Lists, large lists and fixed-size lists
 * become three-level LIST groups, structs groups, maps MAP groups; see {@link ParquetSchemas}.
 */
final class ParquetBatchWriter extends AbstractBatchWriter {
  private static final long DAY_MILLIS = 86_400_000L;

  private final ParquetWriter<Integer> writer;
  private final RowWriteSupport support;

  private ParquetBatchWriter(Path path, String file, Schema schema, ParquetWriter<Integer> writer,
      RowWriteSupport support) throws FormatException {
    super(path, file, schema);
    this.writer = writer;
    this.support = support;
  }

  static ParquetBatchWriter open(Path path, String file, Schema schema, WriterOptions options) throws IOException {
    MessageType parquet;
    try {
      parquet = ParquetSchemas.toParquet(schema);
    } catch (ParquetSchemas.Unsupported e) {
      throw new FormatException(file, -1, e.getMessage(), e);
    }
    RowWriteSupport support = new RowWriteSupport(parquet, schema);
    ParquetWriter<Integer> writer = new Builder(new LocalOutputFile(path), support)
        .withConf(new PlainParquetConfiguration())
        .withCodecFactory(ParquetCodecs.INSTANCE)
        .withCompressionCodec(ParquetCodecs.codecName(options.parquetCompression()))
        .withRowGroupSize(options.parquetRowGroupBytes())
        .withWriteMode(options.overwrite() ? ParquetFileWriter.Mode.OVERWRITE : ParquetFileWriter.Mode.CREATE)
        .build();
    return new ParquetBatchWriter(path, file, schema, writer, support);
  }

  @Override
  protected void writeBatch(VectorSchemaRoot batch) throws IOException {
    support.vectors = batch.getFieldVectors();
    int n = batch.getRowCount();
    for (int i = 0; i < n; i++) {
      try {
        writer.write(i);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new FormatException(file, -1, "row " + (rows + i) + ": " + e.getMessage(), e);
      }
    }
    support.vectors = null;
  }

  @Override
  protected void finish() throws IOException {
    writer.close();
  }

  @Override
  protected void release() {
    try {
      writer.close();
    } catch (IOException | RuntimeException ignored) {
      // aborting: the file is deleted next
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
    private final WriteSupport<Integer> support;

    Builder(OutputFile out, WriteSupport<Integer> support) {
      super(out);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }

  /** Writes row {@code i} of the current batch's vectors. */
  private static final class RowWriteSupport extends WriteSupport<Integer> {
    private final MessageType parquet;
    private final List<Field> fields;
    private final Map<String, String> metadata;
    private RecordConsumer out;
    List<FieldVector> vectors;

    RowWriteSupport(MessageType parquet, Schema schema) {
      this.parquet = parquet;
      this.fields = schema.getFields();
      this.metadata = Map.of(ArrowSchemaHint.KEY, ArrowSchemaHint.encode(schema));
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration conf) {
      return new WriteContext(parquet, metadata);
    }

    @Override
    public WriteContext init(ParquetConfiguration conf) {
      return new WriteContext(parquet, metadata);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Integer row) {
      out.startMessage();
      for (int c = 0; c < fields.size(); c++) {
        Object v = Values.get(vectors.get(c), row);
        if (v != null) {
          Field f = fields.get(c);
          out.startField(f.getName(), c);
          value(f, v);
          out.endField(f.getName(), c);
        }
      }
      out.endMessage();
    }

    private void value(Field f, Object v) {
      ArrowType t = f.getType();
      switch (t) {
        case ArrowType.Int i -> {
          if (i.getBitWidth() == 64) {
            out.addLong((Long) v);
          } else {
            out.addInteger((int) (long) (Long) v);
          }
        }
        case ArrowType.FloatingPoint fp -> {
          switch (fp.getPrecision()) {
            case HALF -> {
              short h = Float.floatToFloat16((Float) v);
              out.addBinary(Binary.fromConstantByteArray(new byte[] {(byte) h, (byte) (h >> 8)}));
            }
            case SINGLE -> out.addFloat((Float) v);
            case DOUBLE -> out.addDouble((Double) v);
          }
        }
        case ArrowType.Bool b -> out.addBoolean((Boolean) v);
        case ArrowType.Utf8 u -> out.addBinary(Binary.fromString((String) v));
        case ArrowType.LargeUtf8 u -> out.addBinary(Binary.fromString((String) v));
        case ArrowType.Binary b -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
        case ArrowType.LargeBinary b -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
        case ArrowType.FixedSizeBinary b -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
        case ArrowType.Decimal d -> {
          BigInteger unscaled = ((BigDecimal) v).unscaledValue();
          if (d.getPrecision() <= 9) {
            out.addInteger(unscaled.intValueExact());
          } else if (d.getPrecision() <= 18) {
            out.addLong(unscaled.longValueExact());
          } else {
            out.addBinary(Binary.fromConstantByteArray(twosComplement(unscaled, ParquetSchemas.decimalBytes(d.getPrecision()))));
          }
        }
        case ArrowType.Date d -> {
          if (d.getUnit() == DateUnit.DAY) {
            out.addInteger((Integer) v);
          } else {
            long ms = (Long) v;
            if (ms % DAY_MILLIS != 0) {
              throw new IllegalArgumentException("column '" + f.getName() + "': date64 value " + ms
                  + " is not a whole day; Parquet DATE holds days");
            }
            out.addInteger(Math.toIntExact(ms / DAY_MILLIS));
          }
        }
        case ArrowType.Time tm -> {
          switch (tm.getUnit()) {
            case SECOND -> out.addInteger(Math.multiplyExact((Integer) v, 1000));
            case MILLISECOND -> out.addInteger((Integer) v);
            default -> out.addLong((Long) v);
          }
        }
        case ArrowType.Timestamp ts -> out.addLong(ts.getUnit() == TimeUnit.SECOND
            ? Math.multiplyExact((Long) v, 1000L) : (Long) v);
        case ArrowType.List l -> list(f, (List<?>) v);
        case ArrowType.LargeList l -> list(f, (List<?>) v);
        case ArrowType.FixedSizeList l -> list(f, (List<?>) v);
        case ArrowType.Map m -> {
          List<?> entries = (List<?>) v;
          Field entry = f.getChildren().get(0);
          Field key = entry.getChildren().get(0);
          Field value = entry.getChildren().get(1);
          out.startGroup();
          if (!entries.isEmpty()) {
            out.startField("key_value", 0);
            for (Object e : entries) {
              Object[] kv = (Object[]) e;
              out.startGroup();
              if (kv[0] == null) {
                throw new IllegalArgumentException("column '" + f.getName() + "': null map key");
              }
              out.startField("key", 0);
              value(key, kv[0]);
              out.endField("key", 0);
              if (kv[1] != null) {
                out.startField("value", 1);
                value(value, kv[1]);
                out.endField("value", 1);
              }
              out.endGroup();
            }
            out.endField("key_value", 0);
          }
          out.endGroup();
        }
        case ArrowType.Struct s -> {
          Object[] a = (Object[]) v;
          List<Field> children = f.getChildren();
          out.startGroup();
          for (int c = 0; c < a.length; c++) {
            if (a[c] != null) {
              Field child = children.get(c);
              out.startField(child.getName(), c);
              value(child, a[c]);
              out.endField(child.getName(), c);
            }
          }
          out.endGroup();
        }
        default -> throw new IllegalArgumentException("column '" + f.getName() + "': unsupported type " + t);
      }
    }

    private void list(Field f, List<?> list) {
      Field item = f.getChildren().get(0);
      out.startGroup();
      if (!list.isEmpty()) {
        out.startField("list", 0);
        for (Object e : list) {
          out.startGroup();
          if (e != null) {
            out.startField("element", 0);
            value(item, e);
            out.endField("element", 0);
          }
          out.endGroup();
        }
        out.endField("list", 0);
      }
      out.endGroup();
    }
  }

  /** Big-endian two's complement of {@code v} in exactly {@code n} bytes. */
  static byte[] twosComplement(BigInteger v, int n) {
    byte[] raw = v.toByteArray();
    if (raw.length > n) {
      throw new IllegalArgumentException("decimal " + v + " does not fit " + n + " bytes");
    }
    byte[] out = new byte[n];
    byte pad = (byte) (v.signum() < 0 ? 0xFF : 0);
    int lead = n - raw.length;
    for (int k = 0; k < lead; k++) {
      out[k] = pad;
    }
    System.arraycopy(raw, 0, out, lead, raw.length);
    return out;
  }
}
