package dev.lancelet.bench.file;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The benchmark table: {@code id int64} (equal to the row number), {@code x float64}, {@code s utf8}
 * of 20 to 50 ASCII characters and {@code v fixed_size_list<float32, 128>}. Every column draws from
 * its own seeded stream, so a value depends only on its column and row, and any projection or
 * batching of the table holds the same values.
 */
public final class BenchData {
  public static final long SEED = 0x1A2C_E1E7_5EEDL;
  public static final int DIM = 128;
  public static final List<String> COLUMNS = List.of("id", "x", "s", "v");
  /** Rows per Arrow batch handed to the writers. */
  public static final int WRITE_BATCH_ROWS = 65_536;
  /** Rows per batch asked of the readers, the same for every engine. */
  public static final int READ_BATCH_ROWS = 8_192;
  /** The Lance file format version both Lance writers produce. */
  public static final String LANCE_FILE_VERSION = "2.1";

  private static final byte[] ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".getBytes(StandardCharsets.US_ASCII);

  private BenchData() {}

  public static Field field(String name) {
    return switch (name) {
      case "id" -> Field.notNullable("id", new ArrowType.Int(64, true));
      case "x" -> Field.notNullable("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
      case "s" -> Field.notNullable("s", ArrowType.Utf8.INSTANCE);
      case "v" ->
          new Field(
              "v",
              FieldType.notNullable(new ArrowType.FixedSizeList(DIM)),
              List.of(Field.notNullable("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));
      default -> throw new IllegalArgumentException("Unknown column '" + name + "', expected one of " + COLUMNS);
    };
  }

  /** Parses a benchmark's {@code columns} parameter: {@code all} or one column name. */
  static List<String> columns(String param) {
    if (param.equals("all")) {
      return COLUMNS;
    }
    field(param); // validates
    return List.of(param);
  }

  public static Schema schema(List<String> columns) {
    return new Schema(columns.stream().map(BenchData::field).toList());
  }

  /**
   * Generates the table's rows in order, batch by batch; each batch is freshly allocated (the
   * reference engine's JNI writer needs unsliced, aligned buffers) and belongs to the caller.
   */
  public static final class Generator {
    private final List<String> columns;
    private final Schema schema;
    private final SplittableRandom[] randoms;
    private final long rows;
    private long next;

    public Generator(List<String> columns, long rows) {
      this.columns = List.copyOf(columns);
      this.schema = BenchData.schema(columns);
      this.rows = rows;
      this.randoms = new SplittableRandom[columns.size()];
      for (int i = 0; i < randoms.length; i++) {
        randoms[i] = new SplittableRandom(SEED + 31L * COLUMNS.indexOf(columns.get(i)));
      }
    }

    public Schema schema() {
      return schema;
    }

    public boolean hasNext() {
      return next < rows;
    }

    public VectorSchemaRoot next(BufferAllocator allocator, int maxRows) {
      int n = (int) Math.min(maxRows, rows - next);
      VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
      try {
        for (int c = 0; c < columns.size(); c++) {
          fill(root.getVector(c), columns.get(c), randoms[c], next, n);
        }
        root.setRowCount(n);
      } catch (RuntimeException e) {
        root.close();
        throw e;
      }
      next += n;
      return root;
    }

    /** The whole table as batches of {@code batchRows}. */
    public List<VectorSchemaRoot> all(BufferAllocator allocator, int batchRows) {
      List<VectorSchemaRoot> out = new ArrayList<>();
      try {
        while (hasNext()) {
          out.add(next(allocator, batchRows));
        }
      } catch (RuntimeException e) {
        out.forEach(VectorSchemaRoot::close);
        throw e;
      }
      return out;
    }

    private static void fill(FieldVector vector, String column, SplittableRandom r, long first, int n) {
      switch (column) {
        case "id" -> {
          BigIntVector v = (BigIntVector) vector;
          v.allocateNew(n);
          for (int i = 0; i < n; i++) {
            v.set(i, first + i);
          }
        }
        case "x" -> {
          Float8Vector v = (Float8Vector) vector;
          v.allocateNew(n);
          for (int i = 0; i < n; i++) {
            v.set(i, r.nextDouble() * 1000.0 - 500.0);
          }
        }
        case "s" -> {
          VarCharVector v = (VarCharVector) vector;
          v.allocateNew(35L * n, n);
          byte[] buf = new byte[50];
          for (int i = 0; i < n; i++) {
            int len = 20 + r.nextInt(31);
            for (int k = 0; k < len; k++) {
              buf[k] = ALPHABET[r.nextInt(ALPHABET.length)];
            }
            v.setSafe(i, buf, 0, len);
          }
        }
        case "v" -> {
          FixedSizeListVector v = (FixedSizeListVector) vector;
          v.setInitialCapacity(n);
          v.allocateNew();
          Float4Vector items = (Float4Vector) v.getDataVector();
          for (int i = 0; i < n; i++) {
            v.setNotNull(i);
          }
          for (int i = 0; i < n * DIM; i++) {
            items.set(i, (float) r.nextGaussian());
          }
          items.setValueCount(n * DIM);
        }
        default -> throw new IllegalArgumentException("Unknown column '" + column + "'");
      }
      vector.setValueCount(n);
    }
  }

  /**
   * A pool of row-id sets for take benchmarks: {@code sets} sets of {@code size} distinct row ids
   * in {@code [0, rows)}, sorted ascending, drawn with a fixed seed. Each invocation takes the next
   * set, so consecutive takes do not hit the same rows.
   */
  public static long[][] rowIdPool(long rows, int size, int sets, long seed) {
    if (size > rows) {
      throw new IllegalArgumentException("Cannot draw " + size + " distinct rows from " + rows);
    }
    SplittableRandom r = new SplittableRandom(seed);
    long[][] pool = new long[sets][];
    for (int s = 0; s < sets; s++) {
      long[] ids;
      if (size * 2L > rows) { // dense: partial Fisher-Yates over all rows
        long[] all = java.util.stream.LongStream.range(0, rows).toArray();
        for (int i = 0; i < size; i++) {
          int j = i + r.nextInt((int) rows - i);
          long t = all[i];
          all[i] = all[j];
          all[j] = t;
        }
        ids = Arrays.copyOf(all, size);
      } else { // sparse: rejection sampling, expected < 2 draws per id
        java.util.HashSet<Long> seen = new java.util.HashSet<>(size * 2);
        ids = new long[size];
        for (int i = 0; i < size; ) {
          long id = r.nextLong(rows);
          if (seen.add(id)) {
            ids[i++] = id;
          }
        }
      }
      Arrays.sort(ids);
      pool[s] = ids;
    }
    return pool;
  }
}
