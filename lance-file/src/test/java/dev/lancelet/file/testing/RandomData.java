package dev.lancelet.file.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Seeded, reproducible random Arrow data for any schema.
 *
 * <pre>{@code
 * try (RandomData.Batches data = RandomData.builder(seed)
 *     .shape(Shape.RUNS).nulls(Nulls.RANDOM_10).rows(10_000).batches(3)
 *     .build(schema, allocator)) {
 *   ReferenceLance.writeFile(path, data, "2.1");
 * }
 * }</pre>
 *
 * <p>Reproducibility: each column draws from its own stream, seeded from (seed, batch index,
 * field path), so the values of one column do not change when columns are added or removed. The
 * same builder settings and seed always give the same bytes.
 *
 * <p>Shapes apply to leaf values; a shape that means nothing for a type (e.g. {@link
 * Shape#LONG_STRINGS} for an int) falls back to {@link Shape#RANDOM}. Null patterns apply to every
 * nullable field at every nesting level (lists, structs, list items, struct children, fixed-size
 * list items), each level drawing its own nulls; non-nullable fields never get nulls. Lists mix
 * null lists (from the null pattern) with empty lists (from {@link Builder#listLengths}).
 *
 * <p>Dictionary-encoded fields get a utf8 dictionary of {@link Builder#dictionarySize} values,
 * shared by all batches and available from {@link Batches#dictionaries()}.
 */
public final class RandomData {

  /** Value shapes. */
  public enum Shape {
    /** Uniform over the full domain of the type (random bit patterns for floats, incl. NaN). */
    RANDOM,
    /** Integers in [0, 1000), floats in [0, 1), strings from a 100-word vocabulary. */
    SMALL_RANGE,
    /** Non-decreasing values. */
    SORTED,
    /** 8 distinct values. */
    LOW_CARDINALITY,
    /** One value for the whole column. */
    CONSTANT,
    /** Runs of 1..200 equal values. */
    RUNS,
    /** Slowly varying values (a quantized random walk); floats repeat often. */
    SMOOTH,
    /** Strings/binaries of 1..8 bytes. */
    SHORT_STRINGS,
    /** Strings/binaries of 300..2000 bytes. */
    LONG_STRINGS,
    /** Binaries/strings of 1 MiB .. 1.25 MiB. Keep row counts small. */
    HUGE_BINARY,
    /** Gaussian values (floats: N(0,1); ints: N(0,1000) rounded). */
    GAUSSIAN
  }

  /** Null patterns. */
  public enum Nulls {
    /** No nulls. */
    NONE,
    /** Each value null with probability 0.1. */
    RANDOM_10,
    /** Each value null with probability 0.95. */
    MOSTLY_NULL_95,
    /** Every value null. */
    ALL_NULL,
    /** Alternating runs of 1..100 valid and 1..100 null values. */
    RUNS
  }

  private RandomData() {}

  /** A builder with the given seed; defaults are RANDOM shape, no nulls, 1000 rows, 1 batch. */
  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  /** Builder of random data. Not thread-safe; reusable. */
  public static final class Builder {
    private final long seed;
    private Shape shape = Shape.RANDOM;
    private Nulls nulls = Nulls.NONE;
    private final Map<String, Shape> shapeByPath = new HashMap<>();
    private final Map<String, Nulls> nullsByPath = new HashMap<>();
    private int rows = 1000;
    private int batches = 1;
    private int minList = 0;
    private int maxList = 5;
    private int dictionarySize = 50;

    private Builder(long seed) {
      this.seed = seed;
    }

    /** Shape of every leaf not overridden with {@link #shape(String, Shape)}. */
    public Builder shape(Shape s) {
      this.shape = Objects.requireNonNull(s);
      return this;
    }

    /**
     * Shape for one field and everything below it; {@code path} is dot-separated field names
     * from the top ("s.c.d"), list items included ("l.item").
     */
    public Builder shape(String path, Shape s) {
      shapeByPath.put(path, Objects.requireNonNull(s));
      return this;
    }

    /** Null pattern for every nullable field not overridden with {@link #nulls(String, Nulls)}. */
    public Builder nulls(Nulls n) {
      this.nulls = Objects.requireNonNull(n);
      return this;
    }

    /** Null pattern for exactly one field (not its children); path as in {@link #shape(String, Shape)}. */
    public Builder nulls(String path, Nulls n) {
      nullsByPath.put(path, Objects.requireNonNull(n));
      return this;
    }

    /** Rows per batch. */
    public Builder rows(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("Rows must be >= 0, got " + n);
      }
      this.rows = n;
      return this;
    }

    /** Number of batches (each of {@link #rows(int)} rows). */
    public Builder batches(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Batches must be >= 1, got " + n);
      }
      this.batches = n;
      return this;
    }

    /** Variable-size list lengths, uniform in [min, max]. Default [0, 5]. */
    public Builder listLengths(int min, int max) {
      if (min < 0 || max < min) {
        throw new IllegalArgumentException("Bad list length range [" + min + ", " + max + "]");
      }
      this.minList = min;
      this.maxList = max;
      return this;
    }

    /** Number of distinct values in generated dictionaries. Default 50. */
    public Builder dictionarySize(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("Dictionary size must be >= 1, got " + n);
      }
      this.dictionarySize = n;
      return this;
    }

    /** A string naming the seed and settings, for assertion contexts. */
    public String describe() {
      return "seed=" + seed + " shape=" + shape + (shapeByPath.isEmpty() ? "" : shapeByPath)
          + " nulls=" + nulls + (nullsByPath.isEmpty() ? "" : nullsByPath)
          + " rows=" + rows + " batches=" + batches + " lists=[" + minList + "," + maxList + "]";
    }

    /** Generates {@link #batches(int)} batches for {@code schema}, allocated from {@code allocator}. */
    public Batches build(Schema schema, BufferAllocator allocator) {
      List<VectorSchemaRoot> roots = new ArrayList<>(batches);
      DictionaryProvider.MapDictionaryProvider dicts = new DictionaryProvider.MapDictionaryProvider();
      boolean ok = false;
      try {
        makeDictionaries(schema.getFields(), "", allocator, dicts);
        for (int b = 0; b < batches; b++) {
          VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
          roots.add(root);
          for (FieldVector v : root.getFieldVectors()) {
            Gen g = new Gen(this, b, dicts);
            g.fill(v, v.getField(), v.getField().getName(), rows, shape);
          }
          root.setRowCount(rows);
        }
        ok = true;
        return new Batches(schema, roots, dicts, describe());
      } finally {
        if (!ok) {
          roots.forEach(VectorSchemaRoot::close);
          closeDictionaries(dicts);
        }
      }
    }

    private void makeDictionaries(
        List<Field> fields, String prefix, BufferAllocator allocator, DictionaryProvider.MapDictionaryProvider dicts) {
      for (Field f : fields) {
        String path = prefix.isEmpty() ? f.getName() : prefix + "." + f.getName();
        DictionaryEncoding enc = f.getDictionary();
        if (enc != null && dicts.lookup(enc.getId()) == null) {
          VarCharVector values = new VarCharVector(
              new Field("dictionary_" + enc.getId(), FieldType.notNullable(ArrowType.Utf8.INSTANCE), null), allocator);
          SplittableRandom r = new SplittableRandom(mix(seed, -1, path));
          values.allocateNew(dictionarySize);
          for (int i = 0; i < dictionarySize; i++) {
            values.setSafe(i, ("w" + i + "_" + randomAscii(r, 1 + r.nextInt(12))).getBytes(StandardCharsets.UTF_8));
          }
          values.setValueCount(dictionarySize);
          dicts.put(new Dictionary(values, enc));
        }
        makeDictionaries(f.getChildren(), path, allocator, dicts);
      }
    }
  }

  /**
   * Generated batches plus the dictionaries their dictionary-encoded fields refer to. Closing it
   * closes every root and dictionary.
   */
  public static final class Batches implements AutoCloseable {
    private final Schema schema;
    private final List<VectorSchemaRoot> roots;
    private final DictionaryProvider.MapDictionaryProvider dictionaries;
    private final String description;

    Batches(Schema schema, List<VectorSchemaRoot> roots, DictionaryProvider.MapDictionaryProvider dicts, String description) {
      this.schema = schema;
      this.roots = List.copyOf(roots);
      this.dictionaries = dicts;
      this.description = description;
    }

    public Schema schema() {
      return schema;
    }

    /** All batches, in order. */
    public List<VectorSchemaRoot> roots() {
      return roots;
    }

    /** The only batch; fails if there are several. */
    public VectorSchemaRoot root() {
      if (roots.size() != 1) {
        throw new IllegalStateException("Expected one batch, have " + roots.size());
      }
      return roots.get(0);
    }

    /** Dictionaries of dictionary-encoded fields (empty provider if there are none). */
    public DictionaryProvider.MapDictionaryProvider dictionaries() {
      return dictionaries;
    }

    /** Total rows over all batches. */
    public long totalRows() {
      return roots.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
    }

    /** Seed and settings, for assertion contexts. */
    public String describe() {
      return description;
    }

    @Override
    public void close() {
      roots.forEach(VectorSchemaRoot::close);
      closeDictionaries(dictionaries);
    }

    @Override
    public String toString() {
      return description;
    }
  }

  static void closeDictionaries(DictionaryProvider.MapDictionaryProvider dicts) {
    for (long id : dicts.getDictionaryIds()) {
      dicts.lookup(id).getVector().close();
    }
  }

  // ------------------------------------------------------------------------------------------

  private static long mix(long seed, int batch, String path) {
    long h = seed * 0x9E3779B97F4A7C15L + batch * 0xC2B2AE3D27D4EB4FL + path.hashCode() * 0x165667B19E3779F9L;
    h ^= (h >>> 31);
    return h;
  }

  private static final String WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String[] NON_ASCII = {"é", "ß", "日本", "Ω", "😀", "ñ"};

  private static String randomAscii(SplittableRandom r, int len) {
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(WORD_CHARS.charAt(r.nextInt(WORD_CHARS.length())));
    }
    return sb.toString();
  }

  /** Generation state for one column of one batch. */
  private static final class Gen {
    private final Builder b;
    private final int batch;
    private final DictionaryProvider dicts;

    Gen(Builder b, int batch, DictionaryProvider dicts) {
      this.b = b;
      this.batch = batch;
      this.dicts = dicts;
    }

    private SplittableRandom rnd(String path, String purpose) {
      return new SplittableRandom(mix(b.seed, batch, path + "#" + purpose));
    }

    /** Null mask for a field at {@code path}; null if the field has no nulls. */
    private boolean[] nullMask(Field f, String path, int n) {
      if (!f.isNullable()) {
        return null;
      }
      Nulls pattern = b.nullsByPath.getOrDefault(path, b.nulls);
      SplittableRandom r = rnd(path, "nulls");
      boolean[] m = new boolean[n];
      switch (pattern) {
        case NONE -> {
          return null;
        }
        case RANDOM_10 -> {
          for (int i = 0; i < n; i++) m[i] = r.nextDouble() < 0.10;
        }
        case MOSTLY_NULL_95 -> {
          for (int i = 0; i < n; i++) m[i] = r.nextDouble() < 0.95;
        }
        case ALL_NULL -> java.util.Arrays.fill(m, true);
        case RUNS -> {
          int i = 0;
          boolean isNull = r.nextBoolean();
          while (i < n) {
            int len = 1 + r.nextInt(100);
            for (int k = 0; k < len && i < n; k++) m[i++] = isNull;
            isNull = !isNull;
          }
        }
      }
      return m;
    }

    void fill(FieldVector v, Field f, String path, int n, Shape inherited) {
      Shape shape = b.shapeByPath.getOrDefault(path, inherited);
      boolean[] nulls = nullMask(f, path, n);
      if (f.getDictionary() != null) {
        fillDictionaryIndices(v, f, path, n, shape, nulls);
      } else if (v instanceof StructVector sv) {
        fillStruct(sv, path, n, shape, nulls);
      } else if (v instanceof ListVector lv) {
        fillList(lv, path, n, shape, nulls);
      } else if (v instanceof LargeListVector lv) {
        fillLargeList(lv, path, n, shape, nulls);
      } else if (v instanceof FixedSizeListVector fv) {
        fillFixedSizeList(fv, path, n, shape, nulls);
      } else if (v instanceof BitVector bv) {
        fillBool(bv, path, n, shape, nulls);
      } else if (v instanceof DecimalVector dv) {
        fillDecimal(dv, path, n, shape, nulls, dv.getPrecision(), dv.getScale());
      } else if (v instanceof Decimal256Vector dv) {
        fillDecimal(dv, path, n, shape, nulls, dv.getPrecision(), dv.getScale());
      } else if (v instanceof FixedSizeBinaryVector fv) {
        fillFixedBinary(fv, path, n, shape, nulls);
      } else if (v instanceof BaseFixedWidthVector fw) {
        fillFixedWidth(fw, f.getType(), path, n, shape, nulls);
      } else if (v instanceof BaseVariableWidthVector || v instanceof BaseLargeVariableWidthVector) {
        fillVariable(v, f.getType(), path, n, shape, nulls);
      } else {
        throw new UnsupportedOperationException("RandomData cannot generate " + f + " (" + v.getClass().getSimpleName() + ")");
      }
      v.setValueCount(n);
    }

    private void fillStruct(StructVector sv, String path, int n, Shape shape, boolean[] nulls) {
      sv.setInitialCapacity(Math.max(n, 1));
      sv.allocateNew();
      for (FieldVector child : sv.getChildrenFromFields()) {
        fill(child, child.getField(), path + "." + child.getField().getName(), n, shape);
      }
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          sv.setNull(i);
        } else {
          sv.setIndexDefined(i);
        }
      }
    }

    private int[] listLengths(String path, int n, boolean[] nulls) {
      SplittableRandom r = rnd(path, "lengths");
      int[] lens = new int[n];
      for (int i = 0; i < n; i++) {
        lens[i] = (nulls != null && nulls[i]) ? 0 : b.minList + r.nextInt(b.maxList - b.minList + 1);
      }
      return lens;
    }

    private void fillList(ListVector lv, String path, int n, Shape shape, boolean[] nulls) {
      int[] lens = listLengths(path, n, nulls);
      int total = 0;
      for (int len : lens) total = Math.addExact(total, len);
      lv.setInitialCapacity(Math.max(n, 1));
      lv.allocateNew();
      FieldVector child = lv.getDataVector();
      fill(child, child.getField(), path + "." + child.getField().getName(), total, shape);
      ArrowBuf offsets = lv.getOffsetBuffer();
      ArrowBuf validity = lv.getValidityBuffer();
      int off = 0;
      offsets.setInt(0, 0);
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          BitVectorHelper.unsetBit(validity, i);
        } else {
          BitVectorHelper.setBit(validity, i);
          off += lens[i];
        }
        offsets.setInt((long) (i + 1) * ListVector.OFFSET_WIDTH, off);
      }
      lv.setLastSet(n - 1);
    }

    private void fillLargeList(LargeListVector lv, String path, int n, Shape shape, boolean[] nulls) {
      int[] lens = listLengths(path, n, nulls);
      int total = 0;
      for (int len : lens) total = Math.addExact(total, len);
      lv.setInitialCapacity(Math.max(n, 1));
      lv.allocateNew();
      FieldVector child = lv.getDataVector();
      fill(child, child.getField(), path + "." + child.getField().getName(), total, shape);
      ArrowBuf offsets = lv.getOffsetBuffer();
      ArrowBuf validity = lv.getValidityBuffer();
      long off = 0;
      offsets.setLong(0, 0);
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          BitVectorHelper.unsetBit(validity, i);
        } else {
          BitVectorHelper.setBit(validity, i);
          off += lens[i];
        }
        offsets.setLong((long) (i + 1) * LargeListVector.OFFSET_WIDTH, off);
      }
      lv.setLastSet(n - 1);
    }

    private void fillFixedSizeList(FixedSizeListVector fv, String path, int n, Shape shape, boolean[] nulls) {
      int size = fv.getListSize();
      fv.setInitialCapacity(Math.max(n, 1));
      fv.allocateNew();
      FieldVector child = fv.getDataVector();
      fill(child, child.getField(), path + "." + child.getField().getName(), Math.multiplyExact(n, size), shape);
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          fv.setNull(i);
        } else {
          fv.setNotNull(i);
        }
      }
    }

    private void fillDictionaryIndices(FieldVector v, Field f, String path, int n, Shape shape, boolean[] nulls) {
      Dictionary d = dicts.lookup(f.getDictionary().getId());
      int size = d.getVector().getValueCount();
      long[] idx = longs(path, n, shape, 0, size - 1);
      BaseFixedWidthVector fw = (BaseFixedWidthVector) v;
      fw.allocateNew(n);
      writeFixed(fw, idx, nulls, n);
    }

    private void fillBool(BitVector bv, String path, int n, Shape shape, boolean[] nulls) {
      long[] vals = longs(path, n, shape, 0, 1);
      bv.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          bv.setNull(i);
        } else {
          bv.set(i, (int) (vals[i] & 1));
        }
      }
    }

    private void fillDecimal(BaseFixedWidthVector dv, String path, int n, Shape shape, boolean[] nulls, int precision, int scale) {
      SplittableRandom r = rnd(path, "values");
      BigInteger limit = BigInteger.TEN.pow(precision);
      dv.allocateNew(n);
      long[] small = longs(path, n, shape, -1_000_000_000L, 1_000_000_000L);
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          dv.setNull(i);
          continue;
        }
        BigInteger unscaled;
        if (shape == Shape.RANDOM) {
          unscaled = new BigInteger(limit.bitLength() + 8, new java.util.Random(r.nextLong())).mod(limit);
          if (r.nextBoolean()) unscaled = unscaled.negate();
        } else {
          unscaled = BigInteger.valueOf(small[i]);
        }
        BigDecimal value = new BigDecimal(unscaled, scale);
        if (dv instanceof DecimalVector d) {
          d.setSafe(i, value);
        } else {
          ((Decimal256Vector) dv).setSafe(i, value);
        }
      }
    }

    private void fillFixedBinary(FixedSizeBinaryVector fv, String path, int n, Shape shape, boolean[] nulls) {
      int w = fv.getByteWidth();
      long[] keys = longs(path, n, shape == Shape.RANDOM ? Shape.RANDOM : shape, Long.MIN_VALUE, Long.MAX_VALUE);
      fv.allocateNew(n);
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          fv.setNull(i);
          continue;
        }
        SplittableRandom r = new SplittableRandom(keys[i]);
        byte[] bytes = new byte[w];
        for (int k = 0; k < w; k++) bytes[k] = (byte) r.nextInt(256);
        fv.setSafe(i, bytes);
      }
    }

    private void fillFixedWidth(BaseFixedWidthVector fw, ArrowType type, String path, int n, Shape shape, boolean[] nulls) {
      fw.allocateNew(n);
      long[] raw;
      if (type instanceof ArrowType.FloatingPoint fp) {
        raw = floatBits(fp, path, n, shape);
      } else if (type instanceof ArrowType.Int it) {
        long min = it.getIsSigned() ? -(1L << (it.getBitWidth() - 1)) : 0;
        long max = it.getIsSigned() ? (1L << (it.getBitWidth() - 1)) - 1 : (it.getBitWidth() == 64 ? -1L : (1L << it.getBitWidth()) - 1);
        if (it.getBitWidth() == 64) {
          min = it.getIsSigned() ? Long.MIN_VALUE : 0;
          max = it.getIsSigned() ? Long.MAX_VALUE : -1L;
        }
        raw = longs(path, n, shape, min, max);
      } else if (type instanceof ArrowType.Date d) {
        raw = longs(path, n, shape, -36_500, 36_500);
        if (d.getUnit() == org.apache.arrow.vector.types.DateUnit.MILLISECOND) {
          for (int i = 0; i < n; i++) raw[i] *= 86_400_000L;
        }
      } else if (type instanceof ArrowType.Time t) {
        long perDay = switch (t.getUnit()) {
          case SECOND -> 86_400L;
          case MILLISECOND -> 86_400_000L;
          case MICROSECOND -> 86_400_000_000L;
          case NANOSECOND -> 86_400_000_000_000L;
        };
        raw = longs(path, n, shape, 0, perDay - 1);
      } else if (type instanceof ArrowType.Timestamp || type instanceof ArrowType.Duration) {
        raw = longs(path, n, shape, Long.MIN_VALUE, Long.MAX_VALUE);
      } else {
        throw new UnsupportedOperationException("RandomData cannot generate type " + type);
      }
      writeFixed(fw, raw, nulls, n);
    }

    private static void writeFixed(BaseFixedWidthVector fw, long[] raw, boolean[] nulls, int n) {
      int width = fw.getTypeWidth();
      ArrowBuf data = fw.getDataBuffer();
      ArrowBuf validity = fw.getValidityBuffer();
      for (int i = 0; i < n; i++) {
        if (nulls != null && nulls[i]) {
          BitVectorHelper.unsetBit(validity, i);
          continue;
        }
        BitVectorHelper.setBit(validity, i);
        long off = (long) i * width;
        switch (width) {
          case 1 -> data.setByte(off, (byte) raw[i]);
          case 2 -> data.setShort(off, (short) raw[i]);
          case 4 -> data.setInt(off, (int) raw[i]);
          case 8 -> data.setLong(off, raw[i]);
          default -> throw new IllegalStateException("Width " + width);
        }
      }
    }

    private long[] floatBits(ArrowType.FloatingPoint fp, String path, int n, Shape shape) {
      SplittableRandom r = rnd(path, "values");
      double[] d = new double[n];
      int bits = switch (fp.getPrecision()) {
        case HALF -> 16;
        case SINGLE -> 32;
        case DOUBLE -> 64;
      };
      long[] out = new long[n];
      if (shape == Shape.RANDOM) {
        for (int i = 0; i < n; i++) {
          out[i] = bits == 64 ? r.nextLong() : r.nextLong() & ((1L << bits) - 1);
        }
        return out;
      }
      switch (shape) {
        case SMALL_RANGE -> {
          for (int i = 0; i < n; i++) d[i] = r.nextDouble();
        }
        case SORTED -> {
          double x = r.nextDouble() * 100;
          for (int i = 0; i < n; i++) {
            x += r.nextDouble();
            d[i] = x;
          }
        }
        case LOW_CARDINALITY -> {
          double[] pool = new double[8];
          for (int k = 0; k < 8; k++) pool[k] = Math.round(r.nextGaussian() * 1e4) / 100.0;
          for (int i = 0; i < n; i++) d[i] = pool[r.nextInt(8)];
        }
        case CONSTANT -> java.util.Arrays.fill(d, 42.5);
        case RUNS -> {
          int i = 0;
          while (i < n) {
            double v = Math.round(r.nextGaussian() * 1e4) / 100.0;
            int len = 1 + r.nextInt(200);
            for (int k = 0; k < len && i < n; k++) d[i++] = v;
          }
        }
        case SMOOTH -> {
          double x = 20;
          for (int i = 0; i < n; i++) {
            if (r.nextInt(8) == 0) x += r.nextBoolean() ? 0.25 : -0.25;
            d[i] = x;
          }
        }
        default -> {
          for (int i = 0; i < n; i++) d[i] = r.nextGaussian();
        }
      }
      for (int i = 0; i < n; i++) {
        out[i] = switch (bits) {
          case 16 -> Float.floatToFloat16((float) d[i]) & 0xFFFFL;
          case 32 -> Float.floatToRawIntBits((float) d[i]) & 0xFFFFFFFFL;
          default -> Double.doubleToRawLongBits(d[i]);
        };
      }
      return out;
    }

    /** Integer values in [min, max] (unsigned compare if min == 0 and max == -1). */
    private long[] longs(String path, int n, Shape shape, long min, long max) {
      SplittableRandom r = rnd(path, "values");
      long[] out = new long[n];
      boolean full = (min == Long.MIN_VALUE && max == Long.MAX_VALUE) || (min == 0 && max == -1);
      long span = full ? 0 : max - min + 1; // > 0 for every range we use except full 64-bit
      java.util.function.LongSupplier uniform = () -> full ? r.nextLong() : min + Math.floorMod(r.nextLong(), span);
      java.util.function.LongUnaryOperator clamp = x -> {
        if (full) return x;
        if (x < min) return min;
        if (x > max) return max;
        return x;
      };
      switch (shape) {
        case RANDOM, SHORT_STRINGS, LONG_STRINGS, HUGE_BINARY -> {
          for (int i = 0; i < n; i++) out[i] = uniform.getAsLong();
        }
        case SMALL_RANGE -> {
          for (int i = 0; i < n; i++) out[i] = clamp.applyAsLong(Math.max(min, 0) + r.nextInt(1000));
        }
        case SORTED -> {
          long x = full ? r.nextInt(1_000_000) : min;
          for (int i = 0; i < n; i++) {
            x = clamp.applyAsLong(x + r.nextInt(3));
            out[i] = x;
          }
        }
        case LOW_CARDINALITY -> {
          long[] pool = new long[8];
          for (int k = 0; k < 8; k++) pool[k] = uniform.getAsLong();
          for (int i = 0; i < n; i++) out[i] = pool[r.nextInt(8)];
        }
        case CONSTANT -> {
          long c = uniform.getAsLong();
          java.util.Arrays.fill(out, c);
        }
        case RUNS -> {
          int i = 0;
          while (i < n) {
            long v = uniform.getAsLong();
            int len = 1 + r.nextInt(200);
            for (int k = 0; k < len && i < n; k++) out[i++] = v;
          }
        }
        case SMOOTH -> {
          long x = full ? 0 : min + span / 2;
          for (int i = 0; i < n; i++) {
            if (r.nextInt(4) == 0) x = clamp.applyAsLong(x + (r.nextBoolean() ? 1 : -1));
            out[i] = x;
          }
        }
        case GAUSSIAN -> {
          long center = full ? 0 : min + span / 2;
          for (int i = 0; i < n; i++) out[i] = clamp.applyAsLong(center + Math.round(r.nextGaussian() * 1000));
        }
      }
      return out;
    }

    private static final String[] VOCAB = new String[100];

    static {
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < VOCAB.length; i++) VOCAB[i] = randomAscii(r, 3 + r.nextInt(8));
    }

    private void fillVariable(FieldVector v, ArrowType type, String path, int n, Shape shape, boolean[] nulls) {
      boolean text = type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8;
      SplittableRandom r = rnd(path, "values");
      byte[][] vals = new byte[n][];
      switch (shape) {
        case SMALL_RANGE -> {
          for (int i = 0; i < n; i++) vals[i] = utf8(VOCAB[r.nextInt(VOCAB.length)]);
        }
        case SORTED -> {
          String[] s = new String[n];
          for (int i = 0; i < n; i++) s[i] = randomAscii(r, 1 + r.nextInt(20));
          java.util.Arrays.sort(s);
          for (int i = 0; i < n; i++) vals[i] = utf8(s[i]);
        }
        case LOW_CARDINALITY -> {
          byte[][] pool = new byte[8][];
          for (int k = 0; k < 8; k++) pool[k] = utf8("category_" + randomAscii(r, 1 + r.nextInt(10)));
          for (int i = 0; i < n; i++) vals[i] = pool[r.nextInt(8)];
        }
        case CONSTANT -> {
          byte[] c = utf8("constant-value-" + randomAscii(r, 6));
          java.util.Arrays.fill(vals, c);
        }
        case RUNS -> {
          int i = 0;
          while (i < n) {
            byte[] v0 = randomBytes(r, text, 1 + r.nextInt(30));
            int len = 1 + r.nextInt(200);
            for (int k = 0; k < len && i < n; k++) vals[i++] = v0;
          }
        }
        case SHORT_STRINGS -> {
          for (int i = 0; i < n; i++) vals[i] = randomBytes(r, text, 1 + r.nextInt(8));
        }
        case LONG_STRINGS -> {
          for (int i = 0; i < n; i++) vals[i] = randomBytes(r, text, 300 + r.nextInt(1701));
        }
        case HUGE_BINARY -> {
          for (int i = 0; i < n; i++) {
            if (nulls != null && nulls[i]) continue;
            vals[i] = randomBytes(r, text, (1 << 20) + r.nextInt(1 << 18));
          }
        }
        default -> {
          for (int i = 0; i < n; i++) vals[i] = randomBytes(r, text, r.nextInt(41));
        }
      }
      long total = 0;
      for (int i = 0; i < n; i++) {
        if (vals[i] != null && (nulls == null || !nulls[i])) total += vals[i].length;
      }
      if (v instanceof BaseVariableWidthVector vw) {
        vw.allocateNew(Math.max(total, 1), n);
        for (int i = 0; i < n; i++) {
          if (nulls != null && nulls[i]) vw.setNull(i);
          else vw.setSafe(i, vals[i]);
        }
      } else {
        BaseLargeVariableWidthVector vw = (BaseLargeVariableWidthVector) v;
        vw.allocateNew(Math.max(total, 1), n);
        for (int i = 0; i < n; i++) {
          if (nulls != null && nulls[i]) vw.setNull(i);
          else vw.setSafe(i, vals[i]);
        }
      }
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Random bytes, or random valid UTF-8 of about {@code len} bytes with some non-ASCII. */
    private static byte[] randomBytes(SplittableRandom r, boolean text, int len) {
      if (!text) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) r.nextInt(256);
        return b;
      }
      StringBuilder sb = new StringBuilder(len);
      int bytes = 0;
      while (bytes < len) {
        if (r.nextInt(16) == 0 && len - bytes >= 4) {
          String s = NON_ASCII[r.nextInt(NON_ASCII.length)];
          int sl = s.getBytes(StandardCharsets.UTF_8).length;
          if (bytes + sl <= len) {
            sb.append(s);
            bytes += sl;
            continue;
          }
        }
        sb.append(WORD_CHARS.charAt(r.nextInt(WORD_CHARS.length())));
        bytes++;
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
