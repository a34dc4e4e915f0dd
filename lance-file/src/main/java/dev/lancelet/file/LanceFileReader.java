package dev.lancelet.file;

import dev.lancelet.file.blob.BlobHandle;
import dev.lancelet.file.blob.BlobKind;
import dev.lancelet.file.blob.BlobStore;
import dev.lancelet.file.container.FileMetadata;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.file.schema.LanceSchemaConverter;
import dev.lancelet.file.structural.StructuralDecoder;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads one Lance file (format 2.0 to 2.3). Opening reads the footer and metadata (one tail read
 * in the common case) and validates them; data is read on demand by {@link #scan} and {@link
 * #take}. A reader is safe for concurrent use by several threads; every Arrow buffer it returns
 * comes from the allocator given at open and belongs to the caller.
 *
 * <p>Per-column decoding is pluggable by version ({@link FileDecoder}): 2.1, 2.2 and 2.3 use the
 * structural decoder; a 2.0 decoder registers itself with {@link #registerDecoder}.
 */
public final class LanceFileReader implements AutoCloseable {
  private static final Map<LanceFileVersion, FileDecoder.Factory> DECODERS = Collections.synchronizedMap(new EnumMap<>(LanceFileVersion.class));

  static {
    DECODERS.put(LanceFileVersion.V2_0, dev.lancelet.file.v20.V20FileDecoder.FACTORY);
    DECODERS.put(LanceFileVersion.V2_1, StructuralDecoder.FACTORY);
    DECODERS.put(LanceFileVersion.V2_2, StructuralDecoder.FACTORY);
    DECODERS.put(LanceFileVersion.V2_3, StructuralDecoder.FACTORY);
  }

  private final ReadableObject object;
  private final BufferAllocator allocator;
  private final FileMetadata metadata;
  private final List<LanceField> fields;
  private final Schema schema;
  private final FileDecoder decoder;
  /** {@link #decoder} at bulk priority, made on first use. */
  private volatile FileDecoder bulkDecoder;

  private LanceFileReader(ReadableObject object, BufferAllocator allocator) throws IOException {
    this.object = object;
    this.allocator = allocator;
    this.metadata = FileMetadata.read(object);
    try {
      // Validated once here: ids, parent links, logical types, child counts.
      this.fields = LanceSchemaConverter.tree(metadata.descriptor().getSchema().getFieldsList());
    } catch (LanceFormatException e) {
      throw new LanceFormatException(object.location() + ": invalid schema: " + e.getMessage(), e);
    }
    Schema stored = LanceSchemaConverter.arrowSchema(fields, metadata.descriptor().getSchema().getMetadataMap());
    this.schema = decodedForm(stored);
    FileDecoder.Factory f = DECODERS.get(metadata.version());
    if (f == null) {
      throw LanceFormatException.at(object.location(), "reading Lance file version %s is not supported yet", metadata.version());
    }
    this.decoder = f.open(new FileDecoder.Context(object, metadata, fields));
  }

  /** Field metadata key that keeps the Lance logical type of a dictionary column read as values. */
  public static final String DICTIONARY_TYPE_KEY = "lancelet:dictionary";

  /**
   * The schema as the reader produces batches. Dictionary-typed columns ({@code dict:<value>:<index>:
   * <ordered>}) are read as their value type: Lance keeps one dictionary per page, and a {@link
   * VectorSchemaRoot} cannot carry dictionaries, so batches hold the values and the schema says so.
   * The original logical type is kept in the field metadata under {@link #DICTIONARY_TYPE_KEY}.
   */
  private static Schema decodedForm(Schema s) {
    List<Field> out = new ArrayList<>();
    for (Field f : s.getFields()) {
      out.add(decodedForm(f));
    }
    return new Schema(out, s.getCustomMetadata());
  }

  private static Field decodedForm(Field f) {
    List<Field> kids = new ArrayList<>();
    for (Field c : f.getChildren()) {
      kids.add(decodedForm(c));
    }
    org.apache.arrow.vector.types.pojo.DictionaryEncoding enc = f.getDictionary();
    if (enc == null) {
      return new Field(f.getName(), f.getFieldType(), kids);
    }
    Map<String, String> md = new java.util.LinkedHashMap<>(f.getMetadata() == null ? Map.of() : f.getMetadata());
    md.put(DICTIONARY_TYPE_KEY, "dict:" + f.getType() + ":" + enc.getIndexType() + ":" + enc.isOrdered());
    return new Field(f.getName(), new org.apache.arrow.vector.types.pojo.FieldType(f.isNullable(), f.getType(), null, md), kids);
  }

  /** Registers the decoder used for files of {@code version} (the 2.0 reader plugs in here). */
  public static void registerDecoder(LanceFileVersion version, FileDecoder.Factory factory) {
    DECODERS.put(Objects.requireNonNull(version), Objects.requireNonNull(factory));
  }

  /** Opens {@code path} in {@code store}. */
  public static LanceFileReader open(ObjectStore store, String path, BufferAllocator allocator)
      throws IOException {
    return open(store.open(path), allocator);
  }

  /** Opens an already open object; the reader closes it when closed. */
  public static LanceFileReader open(ReadableObject object, BufferAllocator allocator)
      throws IOException {
    boolean ok = false;
    try {
      LanceFileReader r = new LanceFileReader(object, allocator);
      ok = true;
      return r;
    } finally {
      if (!ok) {
        object.close();
      }
    }
  }

  /** The file's location, as used in messages. */
  public String location() {
    return object.location();
  }

  /** The format version in the footer (a 0.3 footer reads as 2.0). */
  public LanceFileVersion version() {
    return metadata.version();
  }

  /** The file's Arrow schema, with its schema-level metadata. */
  public Schema schema() {
    return schema;
  }

  public long numRows() {
    return metadata.descriptor().getLength();
  }

  /** Schema-level key/value metadata. */
  public Map<String, String> metadata() {
    return schema.getCustomMetadata() == null ? Map.of() : schema.getCustomMetadata();
  }

  /** The physical layout: columns, pages, encodings and sizes. */
  public FileInfo info() throws IOException {
    List<FileInfo.BufferInfo> gbs = new ArrayList<>();
    for (int i = 0; i < metadata.numGlobalBuffers(); i++) {
      gbs.add(new FileInfo.BufferInfo(metadata.globalBufferOffset(i), metadata.globalBufferSize(i)));
    }
    return new FileInfo(location(), version(), metadata.fileSize(), numRows(), metadata.metadataBytes(), gbs, decoder.columns());
  }

  private List<Integer> fieldIndexes(List<String> columns) throws IOException {
    List<Integer> out = new ArrayList<>();
    if (columns == null) {
      for (int i = 0; i < fields.size(); i++) {
        out.add(i);
      }
      return out;
    }
    for (String c : columns) {
      int found = -1;
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).name().equals(c)) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        throw new IllegalArgumentException("No column '" + c + "' in " + location() + "; columns are " + schema.getFields().stream().map(Field::getName).toList());
      }
      out.add(found);
    }
    return out;
  }

  private Schema projected(List<Integer> idx) {
    List<Field> fs = new ArrayList<>();
    for (int i : idx) {
      fs.add(schema.getFields().get(i));
    }
    return new Schema(fs, schema.getCustomMetadata());
  }

  /**
   * Streams the chosen columns and rows as Arrow batches. The returned reader refills one {@link
   * VectorSchemaRoot} per {@code loadNextBatch()}; a caller that keeps a batch must copy or
   * transfer it. Close the returned reader.
   *
   * <p>On a machine with more than one core, format 2.1+ scans decode one batch ahead on a shared
   * daemon helper thread (so at most two batches are in memory), and large takes decode their
   * columns in parallel; {@code -Dlancelet.decodeHelpers=0} keeps all decoding on the caller's
   * thread.
   */
  public ArrowReader scan(ScanOptions options) throws IOException {
    List<Integer> idx = fieldIndexes(options.columns());
    long start = Math.min(options.rowStart(), numRows());
    long end = options.rowEnd() < 0 ? numRows() : Math.min(options.rowEnd(), numRows());
    Schema s = projected(idx);
    FileDecoder.Cursor cursor = decoder(options.priority()).scan(idx, start, Math.max(start, end));
    int batch = options.batchSize();
    return new ArrowReader(allocator) {
      long pos = start;

      @Override
      public boolean loadNextBatch() throws IOException {
        if (pos >= end) {
          return false;
        }
        int n = (int) Math.min(batch, end - pos);
        VectorSchemaRoot root = getVectorSchemaRoot();
        List<FieldVector> fresh = new ArrayList<>();
        try {
          for (Field f : s.getFields()) {
            fresh.add(f.createVector(allocator));
          }
          cursor.next(n, fresh);
          for (int i = 0; i < fresh.size(); i++) {
            FieldVector target = root.getVector(i);
            target.clear();
            fresh.get(i).makeTransferPair(target).transfer();
          }
          root.setRowCount(n);
        } finally {
          for (FieldVector v : fresh) {
            v.close();
          }
        }
        pos += n;
        return true;
      }

      @Override
      public long bytesRead() {
        return 0;
      }

      @Override
      protected void closeReadSource() {
        cursor.close();
      }

      @Override
      protected Schema readSchema() {
        return s;
      }
    };
  }

  /** The decoder reading at {@code priority} (made once per priority, sharing the caches). */
  private FileDecoder decoder(IoPriority priority) {
    if (priority == IoPriority.INTERACTIVE) {
      return decoder;
    }
    FileDecoder d = bulkDecoder;
    if (d == null) {
      d = decoder.withPriority(IoPriority.BULK);
      bulkDecoder = d;
    }
    return d;
  }

  /**
   * Reads the given rows (any order, duplicates allowed) of the given top-level columns (all when
   * null), in the order asked, at {@link IoPriority#INTERACTIVE} priority. The caller closes the
   * result.
   */
  public VectorSchemaRoot take(long[] rows, List<String> columns) throws IOException {
    return take(rows, columns, IoPriority.INTERACTIVE);
  }

  /**
   * {@link #take(long[], List)} with the reads scheduled at {@code priority} by a remote store,
   * e.g. {@link IoPriority#BULK} for the rows a filtered scan gathers.
   */
  public VectorSchemaRoot take(long[] rows, List<String> columns, IoPriority priority) throws IOException {
    java.util.Objects.requireNonNull(priority, "priority");
    List<Integer> idx = fieldIndexes(columns);
    for (long r : rows) {
      if (r < 0 || r >= numRows()) {
        throw new IndexOutOfBoundsException("Row " + r + " is outside [0, " + numRows() + ") of " + location());
      }
    }
    Schema s = projected(idx);
    List<FieldVector> vecs = new ArrayList<>();
    boolean ok = false;
    try {
      for (Field f : s.getFields()) {
        vecs.add(f.createVector(allocator));
      }
      decoder(priority).take(rows, idx, vecs);
      VectorSchemaRoot root = new VectorSchemaRoot(s.getFields(), vecs, rows.length);
      ok = true;
      return root;
    } finally {
      if (!ok) {
        for (FieldVector v : vecs) {
          v.close();
        }
      }
    }
  }

  // ------------------------------------------------------------------ blobs

  /** Field metadata key of legacy blob columns (2.0/2.1) and of blob v2 descriptor structs. */
  public static final String BLOB_META_KEY = "lance-encoding:blob";

  /**
   * Handles on the values of a blob column at the given rows (any order, duplicates allowed), one
   * per asked row, null for a null value. Works for legacy blob columns (large_binary with {@value
   * #BLOB_META_KEY}, payloads in this file) and for blob v2 values stored inline or externally;
   * blob v2 values in sidecar files need {@link #takeBlobs(long[], String, BlobStore)}. Only the
   * descriptors are read here; each handle reads its bytes when streamed. Handles on this file's
   * bytes stop working when the reader is closed.
   *
   * @throws IllegalArgumentException if the column is not a blob column
   * @throws LanceFormatException if a descriptor points outside the file
   */
  public List<BlobHandle> takeBlobs(long[] rows, String column) throws IOException {
    return takeBlobs(rows, column, null);
  }

  /**
   * Like {@link #takeBlobs(long[], String)}, resolving blob v2 sidecar values through {@code
   * sidecars} (rooted at the dataset's {@code data/} folder; this file's name without {@code
   * .lance} is the sidecar folder). Missing sidecars and ranges past their end are {@link
   * LanceFormatException}s naming the sidecar.
   */
  public List<BlobHandle> takeBlobs(long[] rows, String column, BlobStore sidecars) throws IOException {
    int fi = fieldIndexes(List.of(column)).get(0);
    LanceField f = fields.get(fi);
    for (long r : rows) {
      if (r < 0 || r >= numRows()) {
        throw new IndexOutOfBoundsException("Row " + r + " is outside [0, " + numRows() + ") of " + location());
      }
    }
    List<BlobHandle> out = new ArrayList<>(rows.length);
    long fileSize = metadata.fileSize();
    if (isLegacyBlob(f)) {
      long[] d = decoder.legacyBlobDescriptors(rows, fi);
      for (int i = 0; i < rows.length; i++) {
        long pos = d[2 * i];
        long size = d[2 * i + 1];
        if (size == 0) {
          out.add(pos == 0 ? BlobHandle.empty() : null);
          continue;
        }
        if (pos < 0 || size < 0 || pos > fileSize || size > fileSize - pos) {
          throw LanceFormatException.at(location(), "blob column %s row %d points at [%s, +%s) outside the %d-byte file", column, rows[i],
              Long.toUnsignedString(pos), Long.toUnsignedString(size), fileSize);
        }
        out.add(BlobHandle.of(object, pos, size));
      }
      return out;
    }
    if (!isBlobV2(f)) {
      throw new IllegalArgumentException("Column '" + column + "' of " + location() + " is not a blob column (" + f.arrow() + ")");
    }
    String stem = dataFileStem();
    try (VectorSchemaRoot root = take(rows, List.of(column))) {
      StructVector sv = (StructVector) root.getVector(0);
      UInt1Vector kind = (UInt1Vector) sv.getChildByOrdinal(0);
      UInt8Vector position = (UInt8Vector) sv.getChildByOrdinal(1);
      UInt8Vector size = (UInt8Vector) sv.getChildByOrdinal(2);
      UInt4Vector blobId = (UInt4Vector) sv.getChildByOrdinal(3);
      VarCharVector uri = (VarCharVector) sv.getChildByOrdinal(4);
      for (int i = 0; i < rows.length; i++) {
        if (sv.isNull(i)) {
          out.add(null);
          continue;
        }
        BlobKind k = BlobKind.of(kind.get(i) & 0xFF);
        long pos = position.get(i);
        long len = size.get(i);
        long id = blobId.get(i) & 0xFFFFFFFFL;
        if (k == null) {
          throw LanceFormatException.at(location(), "blob column %s row %d has unknown blob kind %d", column, rows[i], kind.get(i) & 0xFF);
        }
        switch (k) {
          case INLINE -> {
            if (len == 0) {
              out.add(BlobHandle.empty());
            } else if (pos < 0 || len < 0 || pos > fileSize || len > fileSize - pos) {
              throw LanceFormatException.at(location(), "blob column %s row %d points at [%s, +%s) outside the %d-byte file", column, rows[i],
                  Long.toUnsignedString(pos), Long.toUnsignedString(len), fileSize);
            } else {
              out.add(BlobHandle.of(object, pos, len));
            }
          }
          case PACKED, DEDICATED -> {
            if (sidecars == null) {
              throw new IllegalStateException("Row " + rows[i] + " of blob column " + column + " of " + location() + " lives in sidecar file "
                  + BlobStore.sidecarPath(stem, id) + "; pass a BlobStore rooted at the dataset's data/ folder");
            }
            out.add(sidecars.sidecar(stem, id, pos, len, k == BlobKind.DEDICATED));
          }
          case EXTERNAL -> out.add(BlobStore.external(new String(uri.get(i), java.nio.charset.StandardCharsets.UTF_8), pos, len));
          default -> throw new IllegalStateException("Unhandled blob kind " + k);
        }
      }
    }
    return out;
  }

  /**
   * The values of a blob column at the given rows as plain {@code large_binary} (null for nulls),
   * each read whole through its {@link BlobHandle}; the caller closes the vector. Meant for
   * modest row counts: the values are held in memory, at most 2 GiB in all.
   */
  public LargeVarBinaryVector takeBlobValues(long[] rows, String column, BlobStore sidecars) throws IOException {
    List<BlobHandle> hs = takeBlobs(rows, column, sidecars);
    long total = 0;
    for (BlobHandle h : hs) {
      total += h == null ? 0 : h.size();
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IOException("Blob values of " + total + " bytes at " + rows.length + " rows of " + location() + " do not fit one vector; take fewer rows or stream the handles");
    }
    LargeVarBinaryVector v = new LargeVarBinaryVector(column, allocator);
    boolean ok = false;
    try {
      v.allocateNew(Math.max(1, total), rows.length);
      for (int i = 0; i < hs.size(); i++) {
        BlobHandle h = hs.get(i);
        if (h == null) {
          v.setNull(i);
        } else {
          v.setSafe(i, h.readAllBytes());
        }
      }
      v.setValueCount(rows.length);
      ok = true;
      return v;
    } finally {
      if (!ok) {
        v.close();
      }
    }
  }

  /** This file's name without folders and without {@code .lance}: the sidecar folder of its blob v2 values. */
  public String dataFileStem() {
    String loc = location();
    int slash = Math.max(loc.lastIndexOf('/'), loc.lastIndexOf('\\'));
    String name = loc.substring(slash + 1);
    return name.endsWith(".lance") ? name.substring(0, name.length() - ".lance".length()) : name;
  }

  private static boolean isLegacyBlob(LanceField f) {
    return f.isLeaf() && f.metadata().containsKey(BLOB_META_KEY)
        && (f.arrow().getType() instanceof ArrowType.LargeBinary || f.arrow().getType() instanceof ArrowType.Binary);
  }

  private static boolean isBlobV2(LanceField f) {
    return f.isStruct() && "true".equals(f.metadata().get(BLOB_META_KEY)) && "true".equals(f.metadata().get("lance-encoding:packed"))
        && f.children().size() == 5 && f.children().get(0).name().equals("kind");
  }

  @Override
  public void close() throws IOException {
    object.close();
  }

  static Set<LanceFileVersion> registeredVersions() {
    return DECODERS.keySet();
  }
}
