package dev.lancelet.table;

import com.google.protobuf.ByteString;
import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.ScanOptions;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.proto.TableProtos;
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

  private final ObjectStore store;
  private final BufferAllocator allocator;
  private final Manifest manifest;
  private final Fragment fragment;
  private final List<LanceField> fields;
  private final List<Field> arrowFields;
  private final boolean rowId;
  private final boolean rowAddr;
  private final Schema schema;
  /** Per projected field: index into fragment files, or -1 for all-null. */
  private final int[] fileOf;
  /** Per projected field: the field's name inside its file. */
  private final String[] nameInFile;
  private final Map<Integer, LanceFileReader> readers = new HashMap<>();
  private DeletionVector deletions;
  private RowIdSequence rowIds;

  FragmentReader(ObjectStore store, BufferAllocator allocator, Manifest manifest, Fragment fragment,
      List<LanceField> fields, boolean rowId, boolean rowAddr) throws IOException {
    this.store = store;
    this.allocator = allocator;
    this.manifest = manifest;
    this.fragment = fragment;
    this.fields = fields;
    this.rowId = rowId;
    this.rowAddr = rowAddr;
    this.arrowFields = new ArrayList<>();
    for (LanceField f : fields) {
      arrowFields.add(manifest.schema().arrowField(f.name()));
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
    if (df.baseId() != null) {
      throw new UnsupportedFeatureException(where() + ": data file " + df.path() + " lives under base path "
          + df.baseId() + "; external base paths are not supported yet");
    }
    // Every answer is checked for its length: a store answering short gives an EOFException naming the file.
    r = LanceFileReader.open(ReadableObject.checkingLengths(store.open(df.datasetPath())), allocator);
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
    if (d.baseId() != null) {
      throw new UnsupportedFeatureException("Deletion file of fragment " + fragment.id() + " lives under base path "
          + d.baseId() + "; external base paths are not supported yet");
    }
    String path = d.path(fragment.id());
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
            out.add(Batches.move(src.getVector(nameInFile[i]), arrowFields.get(i), allocator));
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
      if (!dv.isEmpty()) {
        BitSet keep = new BitSet(n);
        for (int i = 0; i < n; i++) {
          if (!dv.contains(pos + i)) {
            keep.set(i);
          }
        }
        root = Batches.select(root, keep, allocator);
      }
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
        taken.put(e.getKey(), reader(e.getKey()).take(offsets, e.getValue()));
      }
      for (int i = 0; i < fileOf.length; i++) {
        if (fileOf[i] < 0) {
          out.add(Batches.nulls(arrowFields.get(i), n, allocator));
        } else {
          out.add(Batches.move(taken.get(fileOf[i]).getVector(nameInFile[i]), arrowFields.get(i), allocator));
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

  @Override
  public void close() throws IOException {
    Batches.closeAll(new ArrayList<>(readers.values()));
    readers.clear();
  }
}
