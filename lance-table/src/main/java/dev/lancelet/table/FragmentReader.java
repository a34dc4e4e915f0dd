package dev.lancelet.table;

import com.google.protobuf.ByteString;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.blob.BlobHandle;
import dev.lancelet.file.blob.BlobStore;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.DeletionFile;
import dev.lancelet.table.format.DeletionVector;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.RowIdSequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads the rows of one fragment for a projection of top-level dataset fields: finds which data
 * file holds each field (by field id), reads those files in lockstep, reads fields held by no file
 * as nulls, drops deleted rows and adds the {@code _rowid} / {@code _rowaddr} columns. Not
 * thread-safe; one per fragment and consumer.
 */
final class FragmentReader implements AutoCloseable {
  static final String ROW_ID = "_rowid";
  static final String ROW_ADDR = "_rowaddr";
  static final Field ROW_ID_FIELD = new Field(ROW_ID, FieldType.nullable(new ArrowType.Int(64, false)), null);
  static final Field ROW_ADDR_FIELD = new Field(ROW_ADDR, FieldType.nullable(new ArrowType.Int(64, false)), null);

  /** Arrow extension name of blob v2 fields in the manifest schema. */
  static final String BLOB_V2_EXTENSION = "lance.blob.v2";

  /**
   * The Arrow field scans and takes return for dataset field {@code f}: {@code f} itself, except
   * for a blob v2 field ({@value #BLOB_V2_EXTENSION}), which reads as its descriptor struct
   * {@code kind u8, position u64, size u64, blob_id u32, blob_uri utf8} (as lance-core's scans do;
   * the values come from {@link Dataset#takeBlobs}).
   */
  static Field readField(Field f) {
    if (f == null || !BLOB_V2_EXTENSION.equals(f.getMetadata().get("ARROW:extension:name"))) {
      return f;
    }
    List<Field> children = List.of(
        new Field("kind", FieldType.notNullable(new ArrowType.Int(8, false)), null),
        new Field("position", FieldType.notNullable(new ArrowType.Int(64, false)), null),
        new Field("size", FieldType.notNullable(new ArrowType.Int(64, false)), null),
        new Field("blob_id", FieldType.notNullable(new ArrowType.Int(32, false)), null),
        new Field("blob_uri", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null));
    return new Field(f.getName(), new FieldType(f.isNullable(), ArrowType.Struct.INSTANCE, null, null), children);
  }

  /**
   * A blob v2 descriptor column as lance-core's scans return it: a null value reads as an empty
   * inline descriptor (all zeros, empty uri). Returns a new vector and closes {@code v}.
   */
  static FieldVector descriptorsWithoutNulls(FieldVector v, Field as, BufferAllocator allocator) {
    if (!(v instanceof org.apache.arrow.vector.complex.StructVector in)) {
      return v;
    }
    int n = in.getValueCount();
    var out = (org.apache.arrow.vector.complex.StructVector) as.createVector(allocator);
    try (in) {
      out.allocateNew();
      var kind = (org.apache.arrow.vector.UInt1Vector) in.getChildByOrdinal(0);
      var pos = (UInt8Vector) in.getChildByOrdinal(1);
      var size = (UInt8Vector) in.getChildByOrdinal(2);
      var id = (org.apache.arrow.vector.UInt4Vector) in.getChildByOrdinal(3);
      var uri = (org.apache.arrow.vector.VarCharVector) in.getChildByOrdinal(4);
      var okind = (org.apache.arrow.vector.UInt1Vector) out.getChildByOrdinal(0);
      var opos = (UInt8Vector) out.getChildByOrdinal(1);
      var osize = (UInt8Vector) out.getChildByOrdinal(2);
      var oid = (org.apache.arrow.vector.UInt4Vector) out.getChildByOrdinal(3);
      var ouri = (org.apache.arrow.vector.VarCharVector) out.getChildByOrdinal(4);
      byte[] none = new byte[0];
      for (int i = 0; i < n; i++) {
        out.setIndexDefined(i);
        boolean isNull = in.isNull(i);
        okind.setSafe(i, isNull ? 0 : kind.get(i));
        opos.setSafe(i, isNull ? 0 : pos.get(i));
        osize.setSafe(i, isNull ? 0 : size.get(i));
        oid.setSafe(i, isNull ? 0 : id.get(i));
        ouri.setSafe(i, isNull ? none : uri.get(i));
      }
      out.setValueCount(n);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private final ObjectStore store;
  private final BufferAllocator allocator;
  private final Manifest manifest;
  private final Fragment fragment;
  private final List<LanceField> fields;
  private final List<Field> arrowFields;
  /** Per projected field: whether it is a blob v2 field (read as descriptors). */
  private final boolean[] blobV2;
  private final boolean rowId;
  private final boolean rowAddr;
  private final Schema schema;
  /** Per projected field: index into fragment files, or -1 for all-null. */
  private final int[] fileOf;
  /** Per projected field: the field's name inside its file. */
  private final String[] nameInFile;
  private final Map<Integer, LanceFileReader> readers = new HashMap<>();
  /** Shared open files, or null to open and close files here. */
  private final DataFileCache cache;
  private final List<DataFileCache.Lease> leases = new ArrayList<>();
  private DeletionVector deletions;
  private RowIdSequence rowIds;

  FragmentReader(ObjectStore store, BufferAllocator allocator, Manifest manifest, Fragment fragment,
      List<LanceField> fields, boolean rowId, boolean rowAddr) throws IOException {
    this(store, allocator, manifest, fragment, fields, rowId, rowAddr, null);
  }

  /** As above, borrowing open data files from {@code cache} (null: opening them here). */
  FragmentReader(ObjectStore store, BufferAllocator allocator, Manifest manifest, Fragment fragment,
      List<LanceField> fields, boolean rowId, boolean rowAddr, DataFileCache cache) throws IOException {
    this.cache = cache;
    this.store = store;
    this.allocator = allocator;
    this.manifest = manifest;
    this.fragment = fragment;
    this.fields = fields;
    this.rowId = rowId;
    this.rowAddr = rowAddr;
    this.arrowFields = new ArrayList<>();
    this.blobV2 = new boolean[fields.size()];
    for (LanceField f : fields) {
      Field mf = manifest.schema().arrowField(f.name());
      blobV2[arrowFields.size()] = readField(mf) != mf;
      arrowFields.add(readField(mf));
    }
    List<Field> all = new ArrayList<>(arrowFields);
    if (rowId) {
      all.add(ROW_ID_FIELD);
    }
    if (rowAddr) {
      all.add(ROW_ADDR_FIELD);
    }
    this.schema = new Schema(all);
    this.fileOf = new int[fields.size()];
    this.nameInFile = new String[fields.size()];
    boolean ok = false;
    try {
      for (int i = 0; i < fields.size(); i++) {
        fileOf[i] = -1;
        List<DataFile> files = fragment.files();
        for (int k = 0; k < files.size() && fileOf[i] < 0; k++) {
          if (holds(files.get(k), fields.get(i))) {
            fileOf[i] = k;
            nameInFile[i] = nameInFile(k, fields.get(i));
          }
        }
      }
      ok = true;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  Schema schema() {
    return schema;
  }

  /** Whether no data file of the fragment holds any of the projected fields (all read as null). */
  boolean allMissing() {
    for (int k : fileOf) {
      if (k >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a data file stores (part of) a field: 2.1+ files list only fields with a column of
   * their own (leaves), 2.0 files list every field, so a struct shows up through its children.
   */
  private static boolean holds(DataFile df, LanceField f) {
    for (int id : dev.lancelet.table.format.TableSchema.idsPreOrder(f)) {
      if (df.fields().contains(id)) {
        return true;
      }
    }
    return false;
  }

  Fragment fragment() {
    return fragment;
  }

  private String where() {
    return store.uri() + " fragment " + fragment.id();
  }

  private LanceFileReader reader(int k) throws IOException {
    LanceFileReader r = readers.get(k);
    if (r != null) {
      return r;
    }
    DataFile df = fragment.files().get(k);
    if (df.isLegacy()) {
      throw new UnsupportedFeatureException(where() + ": data file " + df.path()
          + " is a legacy (format 0.1/0.2) file, which Lancelet does not read");
    }
    String path = BasePathStore.dataFilePath(store, df);
    if (cache != null) {
      DataFileCache.Lease lease = cache.acquire(path);
      leases.add(lease);
      r = lease.reader();
    } else {
      // Every answer is checked for its length: a store answering short gives an EOFException naming the file.
      r = LanceFileReader.open(ReadableObject.checkingLengths(store.open(path)), allocator);
    }
    readers.put(k, r);
    if (r.numRows() != fragment.physicalRows()) {
      throw new CorruptManifestException(store.uri() + "/" + df.datasetPath(), "has " + r.numRows()
          + " rows but fragment " + fragment.id() + " says " + fragment.physicalRows());
    }
    return r;
  }

  /**
   * The top-level name, inside data file {@code k}, of dataset field {@code f}. The data file's
   * field id list lines up with the file's fields in pre-order: every field for 2.0 files, only
   * fields with a column of their own (leaves) for 2.1+. When neither count fits (a file whose
   * stored schema differs from the manifest's, e.g. blob descriptors) the dataset name is used.
   */
  private String nameInFile(int k, LanceField f) throws IOException {
    DataFile df = fragment.files().get(k);
    Schema fs = reader(k).schema();
    List<Integer> ids = dev.lancelet.table.format.TableSchema.idsPreOrder(f);
    for (boolean leavesOnly : new boolean[] {false, true}) {
      int total = 0;
      for (Field a : fs.getFields()) {
        total += count(a, leavesOnly);
      }
      if (total != df.fields().size()) {
        continue;
      }
      int pos = 0;
      for (Field a : fs.getFields()) {
        int n = count(a, leavesOnly);
        for (int j = pos; j < pos + n; j++) {
          if (ids.contains(df.fields().get(j))) {
            return a.getName();
          }
        }
        pos += n;
      }
    }
    for (Field a : fs.getFields()) {
      if (a.getName().equals(f.name())) {
        return a.getName();
      }
    }
    throw new CorruptManifestException(store.uri() + "/" + df.datasetPath(), "field '" + f.name() + "' (id " + f.id()
        + ") is listed in the manifest but not found in the file");
  }

  /** Fields in pre-order under {@code a} (itself included), or only those with their own column. */
  private static int count(Field a, boolean leavesOnly) {
    ArrowType t = a.getType();
    if (t instanceof ArrowType.Struct || t instanceof ArrowType.List || t instanceof ArrowType.LargeList) {
      int n = leavesOnly ? 0 : 1;
      for (Field c : a.getChildren()) {
        n += count(c, leavesOnly);
      }
      return n;
    }
    return 1;
  }

  /** The fragment's deleted rows (empty when none); read once. */
  DeletionVector deletions() throws IOException {
    if (deletions == null) {
      deletions = loadDeletions(store, fragment);
    }
    return deletions;
  }

  static DeletionVector loadDeletions(ObjectStore store, Fragment fragment) throws IOException {
    DeletionFile d = fragment.deletionFile();
    if (d == null) {
      return DeletionVector.empty();
    }
    String path = BasePathStore.deletionFilePath(store, d, fragment.id());
    return DeletionVector.decode(store.readAll(path), d.type(), store.uri() + "/" + path, fragment.physicalRows());
  }

  /** The fragment's row ids when the dataset has stable row ids, else null. */
  RowIdSequence rowIds() throws IOException {
    if (rowIds == null && manifest.stableRowIds()) {
      rowIds = loadRowIds(store, fragment);
    }
    return rowIds;
  }

  static RowIdSequence loadRowIds(ObjectStore store, Fragment fragment) throws IOException {
    TableProtos.DataFragment p = fragment.toProto();
    String where = store.uri() + " fragment " + fragment.id();
    ByteString bytes;
    switch (p.getRowIdSequenceCase()) {
      case INLINE_ROW_IDS -> bytes = p.getInlineRowIds();
      case EXTERNAL_ROW_IDS -> {
        TableProtos.ExternalFile ef = p.getExternalRowIds();
        if (ef.getSize() > Integer.MAX_VALUE) {
          throw new CorruptManifestException(where, "external row ids of " + ef.getSize() + " bytes");
        }
        try (var o = store.open(ef.getPath())) {
          java.nio.ByteBuffer b = o.read(ef.getOffset(), (int) ef.getSize());
          bytes = ByteString.copyFrom(b);
        }
        where = store.uri() + "/" + ef.getPath();
      }
      default -> throw new CorruptManifestException(where, "the dataset has stable row ids but this fragment has none");
    }
    RowIdSequence s = RowIdSequence.decode(bytes, where);
    if (s.length() != fragment.physicalRows()) {
      throw new CorruptManifestException(where, "row-id sequence has " + s.length() + " ids for "
          + fragment.physicalRows() + " rows");
    }
    return s;
  }

  /** Fills the row id / address columns for the given physical offsets. */
  private void addRowColumns(List<FieldVector> out, long[] offsets, int n) throws IOException {
    long hi = fragment.id() << 32;
    if (rowId) {
      UInt8Vector v = new UInt8Vector(ROW_ID_FIELD, allocator);
      out.add(v);
      v.allocateNew(n);
      RowIdSequence seq = rowIds();
      for (int i = 0; i < n; i++) {
        v.set(i, seq != null ? seq.get(offsets[i]) : hi | offsets[i]);
      }
      v.setValueCount(n);
    }
    if (rowAddr) {
      UInt8Vector v = new UInt8Vector(ROW_ADDR_FIELD, allocator);
      out.add(v);
      v.allocateNew(n);
      for (int i = 0; i < n; i++) {
        v.set(i, hi | offsets[i]);
      }
      v.setValueCount(n);
    }
  }

  // ------------------------------------------------------------------ streaming

  /** A pass over the fragment's physical rows {@code [start, end)} in batches. */
  final class Pass implements AutoCloseable {
    private final List<ArrowReader> scans = new ArrayList<>();
    private final Map<Integer, Integer> scanOfFile = new HashMap<>();
    private final long end;
    private long pos;

    Pass(long start, long end, int batchSize) throws IOException {
      this.pos = start;
      this.end = end;
      boolean ok = false;
      try {
        Map<Integer, List<String>> columnsOfFile = new HashMap<>();
        for (int i = 0; i < fileOf.length; i++) {
          if (fileOf[i] >= 0) {
            columnsOfFile.computeIfAbsent(fileOf[i], k -> new ArrayList<>()).add(nameInFile[i]);
          }
        }
        for (Map.Entry<Integer, List<String>> e : columnsOfFile.entrySet()) {
          scanOfFile.put(e.getKey(), scans.size());
          scans.add(reader(e.getKey()).scan(ScanOptions.builder().columns(e.getValue()).rowRange(start, end)
              .batchSize(batchSize).build()));
        }
        ok = true;
      } finally {
        if (!ok) {
          close();
        }
      }
      this.batchSize = batchSize;
    }

    private final int batchSize;
    private long[] lastOffsets = new long[0];

    /** The physical offsets of the rows of the batch {@link #next()} returned last. */
    long[] lastOffsets() {
      return lastOffsets;
    }

    /** The next batch with deleted rows removed (may be empty), or null at the end. */
    VectorSchemaRoot next() throws IOException {
      if (pos >= end) {
        return null;
      }
      int n = (int) Math.min(batchSize, end - pos);
      for (ArrowReader s : scans) {
        if (!s.loadNextBatch() || s.getVectorSchemaRoot().getRowCount() != n) {
          throw new CorruptManifestException(where(), "data files of the fragment disagree on row counts at row " + pos);
        }
      }
      List<FieldVector> out = new ArrayList<>();
      VectorSchemaRoot root;
      try {
        for (int i = 0; i < fileOf.length; i++) {
          if (fileOf[i] < 0) {
            out.add(Batches.nulls(arrowFields.get(i), n, allocator));
          } else {
            VectorSchemaRoot src = scans.get(scanOfFile.get(fileOf[i])).getVectorSchemaRoot();
            out.add(blobOrMove(src.getVector(nameInFile[i]), i));
          }
        }
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
          offsets[i] = pos + i;
        }
        addRowColumns(out, offsets, n);
        root = new VectorSchemaRoot(schema.getFields(), out, n);
        out = null;
      } finally {
        Batches.closeAll(out);
      }
      DeletionVector dv = deletions();
      long[] kept = new long[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (!dv.contains(pos + i)) {
          kept[k++] = pos + i;
        }
      }
      if (k < n) {
        BitSet keep = new BitSet(n);
        for (int i = 0; i < k; i++) {
          keep.set((int) (kept[i] - pos));
        }
        root = Batches.select(root, keep, allocator);
      }
      lastOffsets = k == n ? kept : java.util.Arrays.copyOf(kept, k);
      pos += n;
      return root;
    }

    @Override
    public void close() {
      Batches.closeAll(scans);
    }
  }

  /** Starts a pass over physical rows {@code [start, end)}. */
  Pass pass(long start, long end, int batchSize) throws IOException {
    return new Pass(start, end, batchSize);
  }

  // ------------------------------------------------------------------ take

  /** The rows at the given physical offsets (any order, duplicates allowed), deleted or not. */
  VectorSchemaRoot take(long[] offsets) throws IOException {
    return take(offsets, IoPriority.INTERACTIVE);
  }

  /** {@link #take(long[])} with the reads at {@code priority} (bulk for a scan's gather). */
  VectorSchemaRoot take(long[] offsets, IoPriority priority) throws IOException {
    int n = offsets.length;
    Map<Integer, List<String>> columnsOfFile = new HashMap<>();
    for (int i = 0; i < fileOf.length; i++) {
      if (fileOf[i] >= 0) {
        columnsOfFile.computeIfAbsent(fileOf[i], k -> new ArrayList<>()).add(nameInFile[i]);
      }
    }
    Map<Integer, VectorSchemaRoot> taken = new HashMap<>();
    List<FieldVector> out = new ArrayList<>();
    try {
      for (Map.Entry<Integer, List<String>> e : columnsOfFile.entrySet()) {
        taken.put(e.getKey(), reader(e.getKey()).take(offsets, e.getValue(), priority));
      }
      for (int i = 0; i < fileOf.length; i++) {
        if (fileOf[i] < 0) {
          out.add(Batches.nulls(arrowFields.get(i), n, allocator));
        } else {
          out.add(blobOrMove(taken.get(fileOf[i]).getVector(nameInFile[i]), i));
        }
      }
      addRowColumns(out, offsets, n);
      VectorSchemaRoot r = new VectorSchemaRoot(schema.getFields(), out, n);
      out = null;
      return r;
    } finally {
      Batches.closeAll(out);
      Batches.closeAll(new ArrayList<>(taken.values()));
    }
  }

  // ------------------------------------------------------------------ blobs

  /** Moves a file column into projected field {@code i}; blob v2 descriptors get their nulls filled. */
  private FieldVector blobOrMove(FieldVector src, int i) {
    FieldVector v = Batches.move(src, arrowFields.get(i), allocator);
    return blobV2[i] ? descriptorsWithoutNulls(v, arrowFields.get(i), allocator) : v;
  }

  /**
   * Handles on the blob values of the single projected field at the given physical offsets (null
   * for nulls; all null when no data file holds the field). Handles on bytes inside the data file
   * open the file per stream, so they outlive this reader; sidecars resolve under {@code data/}.
   */
  List<BlobHandle> takeBlobs(long[] offsets) throws IOException {
    if (fields.size() != 1) {
      throw new IllegalStateException("takeBlobs needs exactly one projected field, got " + fields.size());
    }
    return takeBlobs(0, offsets);
  }

  /** {@link #takeBlobs(long[])} for projected field {@code field} (a blob field). */
  List<BlobHandle> takeBlobs(int field, long[] offsets) throws IOException {
    List<BlobHandle> out = new ArrayList<>(offsets.length);
    if (fileOf[field] < 0) {
      for (int i = 0; i < offsets.length; i++) {
        out.add(null);
      }
      return out;
    }
    DataFile df = fragment.files().get(fileOf[field]);
    if (df.baseId() != null) {
      throw new UnsupportedFeatureException(where() + ": blob values of data file " + df.path()
          + " under base path " + df.baseId() + " are not supported yet");
    }
    LanceFileReader r = reader(fileOf[field]);
    String path = df.datasetPath();
    BlobStore sidecars = BlobStore.of(new PrefixedStore(store, "data/"));
    for (BlobHandle h : r.takeBlobs(offsets, nameInFile[field], sidecars)) {
      if (h != null && h.size() > 0 && h.location().equals(r.location())) {
        h = BlobHandle.lazy(h.location(), () -> store.open(path), h.offset(), h.size());
      }
      out.add(h);
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    if (cache == null) {
      Batches.closeAll(new ArrayList<>(readers.values()));
    }
    readers.clear();
    Batches.closeAll(leases);
    leases.clear();
  }
}
