package dev.lancelet.table;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.format.proto.FileProtos;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.Committer;
import dev.lancelet.table.commit.MergeOperation;
import dev.lancelet.table.commit.Operation;
import dev.lancelet.table.commit.ProjectOperation;
import dev.lancelet.table.expr.Expression;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.DeletionVector;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Schema changes: columns added without touching existing data files (one new file per fragment
 * holding only the new columns, committed as a {@code Merge}), and metadata-only changes (drop,
 * rename, nullability, committed as a {@code Project}).
 *
 * <p>New-column files cover every physical row of their fragment, deleted ones included, as
 * Lance's do: values are computed for the live rows and deleted positions get nulls.
 */
final class SchemaEvolution {
  static final int BATCH = 8192;

  private SchemaEvolution() {}

  // ------------------------------------------------------------------ add: all-null

  /**
   * The schema of {@code m} plus {@code added}, whose field ids continue after the largest id in
   * the schema or in any data file: files may still hold columns dropped from the schema, and a
   * reused id would make readers take those columns for the new ones.
   */
  static TableSchema withAdded(Manifest m, Schema added) {
    int max = maxIdInUse(m);
    for (Field f : added.getFields()) {
      if (m.schema().topLevel(f.getName()) != null) {
        throw new IllegalArgumentException("Column '" + f.getName() + "' already exists");
      }
    }
    if (added.getFields().isEmpty()) {
      throw new IllegalArgumentException("No columns to add");
    }
    List<FileProtos.Field> all = new ArrayList<>(m.schema().fields());
    all.addAll(TableSchema.fromArrow(new Schema(added.getFields()), max + 1).fields());
    try {
      return TableSchema.of(all, m.schema().metadata());
    } catch (dev.lancelet.file.LanceFormatException e) {
      throw new IllegalArgumentException("Invalid schema after adding " + added + ": " + e.getMessage(), e);
    }
  }

  /** The largest field id in the schema or in any data file of {@code m}. */
  private static int maxIdInUse(Manifest m) {
    int max = m.schema().maxFieldId();
    for (Fragment f : m.fragments()) {
      for (DataFile df : f.files()) {
        for (int id : df.fields()) {
          max = Math.max(max, id);
        }
      }
    }
    return max;
  }

  /** Adds nullable columns whose values are all null: only the schema changes. */
  static ManifestFile addNullColumns(Dataset ds, Schema columns) throws IOException {
    for (Field f : columns.getFields()) {
      checkAllNullable(f, f.getName());
    }
    Manifest m = ds.manifest();
    TableSchema schema = withAdded(m, columns);
    return commit(ds, new MergeOperation(m, schema, m.fragments()));
  }

  private static void checkAllNullable(Field f, String path) {
    if (!f.isNullable()) {
      throw new IllegalArgumentException("Column '" + path + "' is added without data, so it must be nullable");
    }
    for (Field c : f.getChildren()) {
      checkAllNullable(c, path + "." + c.getName());
    }
  }

  // ------------------------------------------------------------------ add: computed

  /** Adds columns computed by SQL expressions over existing columns (name to expression, in order). */
  static ManifestFile addSqlColumns(Dataset ds, Map<String, String> expressions) throws IOException {
    if (expressions.isEmpty()) {
      throw new IllegalArgumentException("No columns to add");
    }
    Schema arrow = ds.schema();
    Map<String, Expression> parsed = new LinkedHashMap<>();
    Set<String> read = new HashSet<>();
    List<Field> out = new ArrayList<>();
    for (Map.Entry<String, String> e : expressions.entrySet()) {
      Expression x = Expression.parse(e.getValue(), arrow);
      parsed.put(e.getKey(), x);
      read.addAll(x.columns());
      out.add(new Field(e.getKey(), new FieldType(x.nullable(), x.resultType(), null), null));
    }
    List<String> readCols = new ArrayList<>();
    for (String n : ds.manifest().schema().names()) {
      if (read.contains(n)) {
        readCols.add(n);
      }
    }
    Schema outSchema = new Schema(out);
    NewColumnsFunction fn = (batch, allocator) -> {
      List<FieldVector> vs = new ArrayList<>();
      try {
        for (Map.Entry<String, Expression> e : parsed.entrySet()) {
          vs.add(e.getValue().evaluate(batch, allocator, e.getKey()));
        }
        VectorSchemaRoot r = new VectorSchemaRoot(outSchema.getFields(), vs, batch.getRowCount());
        vs = null;
        return r;
      } finally {
        Batches.closeAll(vs);
      }
    };
    return addComputedColumns(ds, outSchema, readCols, fn);
  }

  /** Adds columns computed per batch by {@code fn} from the columns {@code read}. */
  static ManifestFile addComputedColumns(Dataset ds, Schema columns, List<String> read, NewColumnsFunction fn)
      throws IOException {
    Manifest m = ds.manifest();
    TableSchema schema = withAdded(m, columns);
    List<LanceField> readFields = new ArrayList<>();
    for (String c : read) {
      LanceField f = m.schema().topLevel(c);
      if (f == null) {
        throw new IllegalArgumentException("No column '" + c + "' in " + ds.uri() + "; columns are " + m.schema().names());
      }
      readFields.add(f);
    }
    NewFiles nf = new NewFiles(ds, schema, columns);
    try {
      List<Fragment> fragments = new ArrayList<>();
      for (Fragment f : m.fragments()) {
        fragments.add(nf.computeFragment(f, readFields, fn));
      }
      return nf.commit(fragments);
    } catch (IOException | RuntimeException e) {
      nf.failed(e);
      throw e;
    }
  }

  /**
   * Adds the columns of {@code stream}, whose rows line up with the live rows of the dataset
   * (fragments in order, deleted rows skipped).
   */
  static ManifestFile addStreamColumns(Dataset ds, ArrowReader stream) throws IOException {
    Schema columns = stream.getVectorSchemaRoot().getSchema();
    Manifest m = ds.manifest();
    TableSchema schema = withAdded(m, DatasetWriter.logicalSchema(columns, stream));
    NewFiles nf = new NewFiles(ds, schema, columns);
    try {
      StreamCursor cursor = new StreamCursor(stream);
      List<Fragment> fragments = new ArrayList<>();
      long before = 0;
      for (Fragment f : m.fragments()) {
        fragments.add(nf.streamFragment(f, cursor, before));
        before += f.physicalRows();
      }
      if (cursor.available() > 0) {
        throw new IllegalArgumentException("The new columns' stream has more rows than the " + ds.countRows()
            + " rows of " + ds.uri() + " version " + ds.version());
      }
      return nf.commit(fragments);
    } catch (IOException | RuntimeException e) {
      nf.failed(e);
      throw e;
    }
  }

  /** Reads a stream batch by batch, remembering how far into the current batch it is. */
  private static final class StreamCursor {
    private final ArrowReader stream;
    private int offset;
    private long consumed;
    private boolean loaded;

    StreamCursor(ArrowReader stream) {
      this.stream = stream;
    }

    /** Rows left in the current batch, loading the next when it is used up; 0 at the end. */
    int available() throws IOException {
      while (!loaded || offset >= stream.getVectorSchemaRoot().getRowCount()) {
        if (!stream.loadNextBatch()) {
          return 0;
        }
        loaded = true;
        offset = 0;
      }
      return stream.getVectorSchemaRoot().getRowCount() - offset;
    }

    VectorSchemaRoot root() throws IOException {
      return stream.getVectorSchemaRoot();
    }
  }

  /** The new files of one add-columns change. */
  private static final class NewFiles {
    final Dataset ds;
    final ObjectStore store;
    final BufferAllocator allocator;
    final TableSchema schema;
    final Schema out;
    final LanceFileVersion version;
    final List<Integer> fieldIds = new ArrayList<>();
    final List<Integer> columnIndices = new ArrayList<>();
    final List<String> written = new ArrayList<>();
    /** New files are made durable in the background while the next is written; awaited before the commit. */
    final BackgroundPublish publish;
    boolean committing;

    NewFiles(Dataset ds, TableSchema schema, Schema out) throws IOException {
      this.ds = ds;
      this.store = ds.store();
      this.publish = new BackgroundPublish(store);
      this.allocator = ds.allocator();
      this.schema = schema;
      this.out = out;
      this.version = writableVersion(ds);
      for (Field f : out.getFields()) {
        collectIds(schema.topLevel(f.getName()), version == LanceFileVersion.V2_0, fieldIds);
      }
      for (int i = 0; i < fieldIds.size(); i++) {
        columnIndices.add(i);
      }
    }

    private LanceFileWriter start(String name) throws IOException {
      written.add("data/" + name);
      return LanceFileWriter.create(publish.store(), "data/" + name, out, allocator,
          dev.lancelet.file.WriteOptions.builder().version(version).build());
    }

    private Fragment finish(Fragment f, LanceFileWriter w, String name) throws IOException {
      w.close(); // its bytes are all written; the file (and any blob sidecar) is published in the background
      written.addAll(w.blobSidecars());
      DataFile df = new DataFile(name, fieldIds, columnIndices, version.major(), version.minor(),
          publish.size("data/" + name), null);
      List<DataFile> files = new ArrayList<>(f.files());
      files.add(df);
      return f.withFiles(files);
    }

    Fragment computeFragment(Fragment f, List<LanceField> readFields, NewColumnsFunction fn) throws IOException {
      String name = DatasetWriter.newDataFileName();
      LanceFileWriter w = start(name);
      boolean ok = false;
      try (FragmentReader r = new FragmentReader(store, allocator, ds.manifest(), f, readFields, false, false)) {
        DeletionVector dv = r.deletions();
        long rows = f.physicalRows();
        if (readFields.isEmpty()) {
          for (long pos = 0; pos < rows; pos += BATCH) {
            int n = (int) Math.min(BATCH, rows - pos);
            int live = n - countDeleted(dv, pos, n);
            try (VectorSchemaRoot empty = new VectorSchemaRoot(List.of(), List.of(), live)) {
              writeComputed(w, f, fn, empty, dv, pos, n);
            }
          }
        } else {
          try (FragmentReader.Pass p = r.pass(0, rows, BATCH)) {
            long pos = 0;
            VectorSchemaRoot live;
            while ((live = p.next()) != null) {
              try (VectorSchemaRoot l = live) {
                int n = (int) Math.min(BATCH, rows - pos);
                writeComputed(w, f, fn, l, dv, pos, n);
                pos += n;
              }
            }
          }
        }
        Fragment g = finish(f, w, name);
        ok = true;
        return g;
      } finally {
        if (!ok) {
          w.abort();
        }
      }
    }

    private void writeComputed(LanceFileWriter w, Fragment f, NewColumnsFunction fn, VectorSchemaRoot live,
        DeletionVector dv, long pos, int n) throws IOException {
      if (live.getRowCount() == 0) {
        writeExpanded(w, null, dv, pos, n);
        return;
      }
      try (VectorSchemaRoot computed = fn.apply(live, allocator)) {
        if (computed == null || computed.getRowCount() != live.getRowCount()) {
          throw new IllegalStateException("The new-column function returned " + (computed == null ? "null"
              : computed.getRowCount() + " rows") + " for a batch of " + live.getRowCount() + " rows (fragment "
              + f.id() + " of " + ds.uri() + ")");
        }
        checkShape(computed.getSchema());
        writeExpanded(w, computed, dv, pos, n);
      }
    }

    private void checkShape(Schema got) {
      if (got.getFields().size() != out.getFields().size()) {
        throw new IllegalStateException("New columns " + got + " do not match the declared " + out);
      }
      for (int i = 0; i < got.getFields().size(); i++) {
        Field a = got.getFields().get(i);
        Field b = out.getFields().get(i);
        if (!a.getName().equals(b.getName()) || !a.getType().equals(b.getType())) {
          throw new IllegalStateException("New column " + i + " is " + a + " but was declared as " + b);
        }
      }
    }

    /**
     * Writes {@code n} rows from physical row {@code pos}: the live ones take the rows of {@code
     * values} in order (null: all null), deleted ones are null.
     */
    private void writeExpanded(LanceFileWriter w, VectorSchemaRoot values, DeletionVector dv, long pos, int n)
        throws IOException {
      int deleted = countDeleted(dv, pos, n);
      if (values != null && deleted == 0) {
        w.write(values);
        return;
      }
      int[] parts = new int[n];
      int[] rows = new int[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (values == null || dv.contains(pos + i)) {
          parts[i] = 1;
          rows[i] = 0;
        } else {
          parts[i] = 0;
          rows[i] = k++;
        }
      }
      List<FieldVector> vs = new ArrayList<>();
      try {
        for (int c = 0; c < out.getFields().size(); c++) {
          Field f = out.getFields().get(c);
          try (FieldVector none = Batches.nulls(f, 1, allocator)) {
            FieldVector src = values == null ? none : values.getVector(c);
            vs.add(Batches.gather(f, List.of(src, none), parts, rows, n, allocator));
          }
        }
        try (VectorSchemaRoot r = new VectorSchemaRoot(out.getFields(), vs, n)) {
          vs = null;
          w.write(r);
        }
      } finally {
        Batches.closeAll(vs);
      }
    }

    Fragment streamFragment(Fragment f, StreamCursor cursor, long rowsBefore) throws IOException {
      String name = DatasetWriter.newDataFileName();
      LanceFileWriter w = start(name);
      boolean ok = false;
      try {
        DeletionVector dv = FragmentReader.loadDeletions(store, f);
        long rows = f.physicalRows();
        long pos = 0;
        while (pos < rows) {
          // The next stretch of physical rows holding as many live rows as the stream batch has left.
          int avail = cursor.available();
          long end = pos;
          int live = 0;
          while (end < rows && end - pos < BATCH && (dv.contains(end) || live < avail)) {
            if (!dv.contains(end)) {
              live++;
            }
            end++;
          }
          if (live == 0 && avail == 0 && end < rows) {
            throw new IllegalArgumentException("The new columns' stream ended after " + cursor.consumed
                + " rows, but " + ds.uri() + " version " + ds.version() + " has " + ds.countRows()
                + " live rows (fragment " + f.id() + " needs more)");
          }
          int n = (int) (end - pos);
          if (live == 0) {
            writeExpanded(w, null, dv, pos, n);
          } else {
            VectorSchemaRoot src = cursor.root();
            try (VectorSchemaRoot chunk = sliceOf(src, cursor.offset, live)) {
              writeExpanded(w, chunk, dv, pos, n);
            }
            cursor.offset += live;
            cursor.consumed += live;
          }
          pos = end;
        }
        Fragment g = finish(f, w, name);
        ok = true;
        return g;
      } finally {
        if (!ok) {
          w.abort();
        }
      }
    }

    private VectorSchemaRoot sliceOf(VectorSchemaRoot src, int from, int n) {
      List<FieldVector> vs = new ArrayList<>();
      try {
        for (int c = 0; c < src.getFieldVectors().size(); c++) {
          FieldVector v = src.getVector(c);
          org.apache.arrow.vector.util.TransferPair tp = v.getTransferPair(allocator);
          tp.splitAndTransfer(from, n);
          vs.add((FieldVector) tp.getTo());
        }
        VectorSchemaRoot r = new VectorSchemaRoot(out.getFields(), vs, n);
        vs = null;
        return r;
      } finally {
        Batches.closeAll(vs);
      }
    }

    ManifestFile commit(List<Fragment> fragments) throws IOException {
      publish.await(); // every new file is in place and durable before a manifest names it
      committing = true;
      return SchemaEvolution.commit(ds, new MergeOperation(ds.manifest(), schema, fragments));
    }

    void failed(Exception e) {
      publish.awaitQuietly(); // no file is still being published when it is deleted
      if (!committing || e instanceof CommitConflictException) {
        for (String p : written) {
          try {
            store.delete(p);
          } catch (IOException ignored) {
            // an orphan is harmless
          }
        }
      }
    }
  }

  private static int countDeleted(DeletionVector dv, long pos, int n) {
    if (dv.isEmpty()) {
      return 0;
    }
    return (int) dv.toBitmap().rangeCardinality(pos, pos + n);
  }

  private static void collectIds(LanceField f, boolean all, List<Integer> out) {
    if (FragmentReader.BLOB_V2_EXTENSION.equals(f.metadata().get("ARROW:extension:name"))) {
      out.add(f.id()); // a blob v2 field is one column of descriptors
      return;
    }
    if (all || f.isLeaf()) {
      out.add(f.id());
    }
    for (LanceField c : f.children()) {
      collectIds(c, all, out);
    }
  }

  static LanceFileVersion writableVersion(Dataset ds) throws UnsupportedFeatureException {
    return DatasetWriter.writableVersion(ds.manifest().dataStorageVersion(), ds.uri(),
        "Cannot write new data files into " + ds.uri());
  }

  // ------------------------------------------------------------------ type changes

  /**
   * Changes the types of top-level columns, as Lance's {@code alter_columns} with a data type
   * does: each cast column gets a new field id (after every id in use) at its old place in the
   * schema, keeps its name and nullability, loses its field metadata, and every fragment gets one
   * new data file holding the cast columns for all its physical rows (deleted ones null). The old
   * values stay in the old files, which older versions still read; a data file left without any
   * column of the new schema leaves the fragment. Committed as a {@code Merge}.
   */
  static ManifestFile castColumns(Dataset ds, Map<String, Field> casts) throws IOException {
    if (casts.isEmpty()) {
      throw new IllegalArgumentException("No columns to cast");
    }
    Manifest m = ds.manifest();
    TableSchema s = m.schema();
    Map<Integer, Field> targetById = new java.util.HashMap<>();
    for (Map.Entry<String, Field> e : casts.entrySet()) {
      String name = e.getKey();
      LanceField f = s.topLevel(name);
      if (f == null) {
        if (name.contains(".")) {
          resolve(s, name, ds); // an unknown path fails here with the column list
          throw new UnsupportedOperationException("Cannot cast '" + name + "' of " + ds.uri()
              + ": only top-level columns can change type");
        }
        throw new IllegalArgumentException("No column '" + name + "' in " + ds.uri() + "; columns are " + s.names());
      }
      checkCastable(f, ds);
      Field from = s.arrowField(name);
      Field to = new Field(name, new FieldType(f.nullable(), e.getValue().getType(), null), e.getValue().getChildren());
      if (sameType(from, to)) {
        throw new IllegalArgumentException("Column '" + name + "' of " + ds.uri() + " is already of type " + describe(from));
      }
      String why = ColumnCast.refusal(from, to);
      if (why != null) {
        throw new IllegalArgumentException("Cannot cast column '" + name + "' of " + ds.uri() + " from "
            + describe(from) + " to " + describe(to) + ": " + why);
      }
      targetById.put(f.id(), to);
    }
    checkNoIndex(ds, targetById.keySet());
    // The new schema: each cast column replaced, in place, by its new form under fresh ids.
    int next = maxIdInUse(m) + 1;
    List<FileProtos.Field> fields = new ArrayList<>();
    Set<Integer> replaced = new HashSet<>();
    List<LanceField> read = new ArrayList<>();
    List<Field> outFields = new ArrayList<>();
    for (LanceField top : s.topLevel()) {
      Field to = targetById.get(top.id());
      if (to == null) {
        continue;
      }
      replaced.addAll(TableSchema.idsPreOrder(top));
      read.add(top);
      outFields.add(to);
    }
    Map<Integer, List<FileProtos.Field>> newForms = new java.util.HashMap<>();
    for (LanceField top : read) {
      List<FileProtos.Field> form = TableSchema.fromArrow(new Schema(List.of(targetById.get(top.id()))), next).fields();
      for (FileProtos.Field g : form) {
        next = Math.max(next, g.getId() + 1);
      }
      newForms.put(top.id(), form);
    }
    for (FileProtos.Field g : s.fields()) {
      if (newForms.containsKey(g.getId())) {
        fields.addAll(newForms.get(g.getId()));
      } else if (!replaced.contains(g.getId())) {
        fields.add(g);
      }
    }
    TableSchema schema = schemaOf(fields, s);
    Schema out = new Schema(outFields);
    NewColumnsFunction fn = (batch, allocator) -> {
      List<FieldVector> vs = new ArrayList<>();
      try {
        for (int c = 0; c < outFields.size(); c++) {
          try {
            vs.add(ColumnCast.cast(batch.getVector(c), outFields.get(c), allocator));
          } catch (ColumnCast.CastFailure e) {
            throw new IllegalArgumentException("Cannot cast column '" + outFields.get(c).getName() + "' of "
                + ds.uri() + " to " + describe(outFields.get(c)) + ": " + e.getMessage(), e);
          }
        }
        VectorSchemaRoot r = new VectorSchemaRoot(outFields, vs, batch.getRowCount());
        vs = null;
        return r;
      } finally {
        Batches.closeAll(vs);
      }
    };
    NewFiles nf = new NewFiles(ds, schema, out);
    try {
      Set<Integer> ids = schema.ids();
      List<Fragment> fragments = new ArrayList<>();
      for (Fragment f : m.fragments()) {
        Fragment g = nf.computeFragment(f, read, fn);
        List<DataFile> kept = new ArrayList<>();
        for (DataFile df : g.files()) {
          boolean any = false;
          for (int id : df.fields()) {
            any |= ids.contains(id);
          }
          if (any) {
            kept.add(df);
          }
        }
        fragments.add(kept.size() == g.files().size() ? g : g.withFiles(kept));
      }
      return nf.commit(fragments);
    } catch (IOException | RuntimeException e) {
      nf.failed(e);
      throw e;
    }
  }

  private static void checkCastable(LanceField f, Dataset ds) {
    Map<String, String> meta = f.metadata();
    if (meta.containsKey(dev.lancelet.file.LanceFileReader.BLOB_META_KEY)
        || "lance.blob.v2".equals(meta.get("ARROW:extension:name"))) {
      throw new UnsupportedOperationException("Cannot cast column '" + f.name() + "' of " + ds.uri()
          + ": it is a blob column");
    }
    if (f.logicalType().startsWith("dict:")) {
      throw new UnsupportedOperationException("Cannot cast column '" + f.name() + "' of " + ds.uri()
          + ": it is dictionary-encoded, which Lancelet does not rewrite yet");
    }
    for (LanceField c : f.children()) {
      checkCastable(c, ds);
    }
  }

  /** Refuses casting indexed columns: the index would describe values the column no longer has. */
  private static void checkNoIndex(Dataset ds, Set<Integer> castIds) throws IOException {
    if (ds.manifestFile().indexSection() == null) {
      return;
    }
    for (var im : ds.manifestFile().indices().getIndicesList()) {
      for (int id : im.getFieldsList()) {
        LanceField f = ds.manifest().schema().contains(id) ? ds.manifest().schema().field(id) : null;
        while (f != null && f.parentId() >= 0) {
          f = ds.manifest().schema().field(f.parentId());
        }
        if (f != null && castIds.contains(f.id())) {
          throw new IllegalArgumentException("Cannot cast column '" + f.name() + "' of " + ds.uri() + ": index '"
              + im.getName() + "' covers it; drop the index first (a cast would invalidate it)");
        }
      }
    }
  }

  /** Same Arrow type all the way down (names, nullability and metadata aside). */
  static boolean sameType(Field a, Field b) {
    if (!a.getType().equals(b.getType()) || a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < a.getChildren().size(); i++) {
      if (!sameType(a.getChildren().get(i), b.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static String describe(Field f) {
    ArrowType t = f.getType();
    if (f.getChildren().isEmpty()) {
      return t.toString();
    }
    StringBuilder b = new StringBuilder(t.toString()).append('<');
    for (int i = 0; i < f.getChildren().size(); i++) {
      b.append(i == 0 ? "" : ", ").append(describe(f.getChildren().get(i)));
    }
    return b.append('>').toString();
  }

  // ------------------------------------------------------------------ metadata only

  /** Drops columns (top-level names or dotted paths to struct children). */
  static ManifestFile dropColumns(Dataset ds, List<String> paths) throws IOException {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("No columns to drop");
    }
    TableSchema s = ds.manifest().schema();
    Set<Integer> drop = new HashSet<>();
    for (String p : paths) {
      drop.addAll(TableSchema.idsPreOrder(resolve(s, p, ds)));
    }
    // A struct whose children are all gone goes too.
    boolean changed = true;
    while (changed) {
      changed = false;
      for (FileProtos.Field f : s.fields()) {
        if (drop.contains(f.getId())) {
          continue;
        }
        LanceField lf = s.field(f.getId());
        if (lf.isStruct() && !lf.children().isEmpty()) {
          boolean all = true;
          for (LanceField c : lf.children()) {
            all &= drop.contains(c.id());
          }
          if (all) {
            drop.add(f.getId());
            changed = true;
          }
        }
      }
    }
    List<FileProtos.Field> kept = new ArrayList<>();
    boolean anyTop = false;
    for (FileProtos.Field f : s.fields()) {
      if (!drop.contains(f.getId())) {
        kept.add(f);
        anyTop |= f.getParentId() == -1;
      }
    }
    if (!anyTop) {
      throw new IllegalArgumentException("Cannot drop every column of " + ds.uri());
    }
    return commit(ds, new ProjectOperation(schemaOf(kept, s)));
  }

  /** Renames a column (a top-level name or a dotted path; the new name is the last part only). */
  static ManifestFile renameColumn(Dataset ds, String path, String newName) throws IOException {
    if (newName == null || newName.isEmpty() || newName.contains(".")) {
      throw new IllegalArgumentException("Invalid new column name '" + newName + "' (must be non-empty, without '.')");
    }
    TableSchema s = ds.manifest().schema();
    LanceField f = resolve(s, path, ds);
    for (FileProtos.Field g : s.fields()) {
      if (g.getParentId() == f.parentId() && g.getName().equals(newName) && g.getId() != f.id()) {
        throw new IllegalArgumentException("Cannot rename '" + path + "' to '" + newName + "': the name is taken");
      }
    }
    List<FileProtos.Field> out = new ArrayList<>();
    for (FileProtos.Field g : s.fields()) {
      out.add(g.getId() == f.id() ? g.toBuilder().setName(newName).build() : g);
    }
    return commit(ds, new ProjectOperation(schemaOf(out, s)));
  }

  /**
   * Changes a column's nullability. Making a non-nullable column nullable is always allowed;
   * the reverse is refused, as Lance refuses it (existing data is not checked).
   */
  static ManifestFile setNullable(Dataset ds, String path, boolean nullable) throws IOException {
    TableSchema s = ds.manifest().schema();
    LanceField f = resolve(s, path, ds);
    if (f.nullable() && !nullable) {
      throw new IllegalArgumentException("Column '" + path + "' of " + ds.uri()
          + " is nullable and cannot be made non-nullable (Lance does not allow it either)");
    }
    if (f.nullable() == nullable) {
      throw new IllegalArgumentException("Column '" + path + "' is already " + (nullable ? "nullable" : "non-nullable"));
    }
    List<FileProtos.Field> out = new ArrayList<>();
    for (FileProtos.Field g : s.fields()) {
      out.add(g.getId() == f.id() ? g.toBuilder().setNullable(nullable).build() : g);
    }
    return commit(ds, new ProjectOperation(schemaOf(out, s)));
  }

  private static TableSchema schemaOf(List<FileProtos.Field> fields, TableSchema like) throws CorruptManifestException {
    try {
      return TableSchema.of(fields, like.metadata());
    } catch (dev.lancelet.file.LanceFormatException e) {
      throw new IllegalArgumentException("Invalid schema after the change: " + e.getMessage(), e);
    }
  }

  /** The field at a dotted path ({@code a.b.c}, through struct children). */
  static LanceField resolve(TableSchema s, String path, Dataset ds) {
    String[] parts = path.split("\\.", -1);
    LanceField f = s.topLevel(parts[0]);
    for (int i = 1; f != null && i < parts.length; i++) {
      LanceField next = null;
      for (LanceField c : f.children()) {
        if (c.name().equals(parts[i])) {
          next = c;
        }
      }
      f = f.isStruct() ? next : null;
    }
    if (f == null) {
      throw new IllegalArgumentException("No column '" + path + "' in " + ds.uri() + "; columns are " + s.names());
    }
    return f;
  }

  static ManifestFile commit(Dataset ds, Operation op) throws IOException {
    return new Committer(ds.store(), WriteOptions.DEFAULT_COMMIT_RETRIES).commit(op, ds.version());
  }
}
