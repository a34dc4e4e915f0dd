package dev.lancelet.table.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.WriteParams;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

/**
 * Drives the reference engine ({@code org.lance:lance-core:7.0.0}) at the dataset level for
 * interop tests: create/append datasets from in-memory batches, and scan a version into
 * caller-owned roots (copied out of lance-core's allocator, dictionaries decoded).
 */
public final class ReferenceDatasets {
  private ReferenceDatasets() {}

  /** Schema of {@link #idNameBatch}. */
  public static final Schema ID_NAME = new Schema(List.of(
      new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
      new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

  /** A batch of {@code id = start .. start+n-1}, {@code name = "n<id>"} (null every 7th row). */
  public static VectorSchemaRoot idNameBatch(long start, int n, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ID_NAME, allocator);
    BigIntVector id = (BigIntVector) root.getVector(0);
    VarCharVector name = (VarCharVector) root.getVector(1);
    id.allocateNew(n);
    name.allocateNew(n);
    for (int i = 0; i < n; i++) {
      long v = start + i;
      id.set(i, v);
      if (v % 7 == 3) {
        name.setNull(i);
      } else {
        name.setSafe(i, ("n" + v).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    id.setValueCount(n);
    name.setValueCount(n);
    root.setRowCount(n);
    return root;
  }

  /** Write parameters for lance-core. */
  public record Params(WriteParams.WriteMode mode, Integer maxRowsPerFile, String storageVersion, boolean stableRowIds) {
    public static Params create() {
      return new Params(WriteParams.WriteMode.CREATE, null, null, false);
    }

    public Params mode(WriteParams.WriteMode m) {
      return new Params(m, maxRowsPerFile, storageVersion, stableRowIds);
    }

    public Params maxRowsPerFile(int n) {
      return new Params(mode, n, storageVersion, stableRowIds);
    }

    public Params storageVersion(String v) {
      return new Params(mode, maxRowsPerFile, v, stableRowIds);
    }

    public Params stableRowIds(boolean b) {
      return new Params(mode, maxRowsPerFile, storageVersion, b);
    }
  }

  /** Writes batches with lance-core (create, append or overwrite). */
  public static void write(String uri, Schema schema, List<VectorSchemaRoot> batches, Params p) throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<VectorSchemaRoot> copies = new ArrayList<>();
      try {
        for (VectorSchemaRoot b : batches) {
          copies.add(copy(b, allocator));
        }
        try (ArrowReader reader = new RootsReader(allocator, schema, copies)) {
          var builder = Dataset.write().allocator(allocator).reader(reader).uri(uri).mode(p.mode());
          if (p.maxRowsPerFile() != null) {
            builder.maxRowsPerFile(p.maxRowsPerFile());
          }
          if (p.storageVersion() != null) {
            builder.dataStorageVersion(p.storageVersion());
          }
          if (p.stableRowIds()) {
            builder.enableStableRowIds(true);
          }
          try (Dataset ds = builder.execute()) {
            ds.version();
          }
        }
      } finally {
        copies.forEach(VectorSchemaRoot::close);
      }
    }
  }

  /** Opens the latest version with lance-core; the caller closes it (and the allocator after). */
  public static Dataset open(String uri, BufferAllocator allocator) {
    return Dataset.open(uri, allocator);
  }

  /**
   * Scans a version with lance-core into caller-owned roots.
   *
   * @param columns null for all
   */
  public static List<VectorSchemaRoot> scan(String uri, long version, List<String> columns, boolean rowId,
      boolean rowAddr, BufferAllocator allocator) throws Exception {
    List<VectorSchemaRoot> out = new ArrayList<>();
    try (BufferAllocator ref = new RootAllocator();
        Dataset ds = Dataset.open(ref, uri, new org.lance.ReadOptions.Builder().setVersion(version).build())) {
      ScanOptions.Builder so = new ScanOptions.Builder().withRowId(rowId).withRowAddress(rowAddr).batchSize(4096);
      if (columns != null) {
        so.columns(columns);
      }
      try (LanceScanner scanner = ds.newScan(so.build()); ArrowReader r = scanner.scanBatches()) {
        while (r.loadNextBatch()) {
          out.add(materialize(r.getVectorSchemaRoot(), r, allocator));
        }
      }
    }
    return out;
  }

  /** A deep copy of {@code root} in {@code allocator}, with dictionary columns decoded. */
  public static VectorSchemaRoot materialize(VectorSchemaRoot root,
      org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries, BufferAllocator allocator) {
    List<FieldVector> decoded = new ArrayList<>();
    try {
      boolean any = false;
      List<FieldVector> vs = new ArrayList<>();
      for (FieldVector v : root.getFieldVectors()) {
        org.apache.arrow.vector.types.pojo.DictionaryEncoding enc = v.getField().getDictionary();
        if (enc != null && dictionaries != null) {
          FieldVector d = (FieldVector) org.apache.arrow.vector.dictionary.DictionaryEncoder.decode(v, dictionaries.lookup(enc.getId()));
          decoded.add(d);
          vs.add(d);
          any = true;
        } else {
          vs.add(v);
        }
      }
      if (!any) {
        return copy(root, allocator);
      }
      List<Field> fs = new ArrayList<>();
      for (int i = 0; i < vs.size(); i++) {
        Field orig = root.getSchema().getFields().get(i);
        Field now = vs.get(i).getField();
        fs.add(new Field(orig.getName(), new FieldType(orig.isNullable(), now.getType(), null, orig.getMetadata()),
            now.getChildren()));
      }
      VectorSchemaRoot view = new VectorSchemaRoot(fs, vs, root.getRowCount());
      return copy(view, allocator);
    } finally {
      decoded.forEach(FieldVector::close);
    }
  }

  /**
   * A deep copy of a root into fresh (aligned) buffers of {@code allocator}, in any allocator tree:
   * values are appended with Arrow's {@code VectorAppender}, which handles every type we use
   * (row-by-row copies fail for lists of fixed-size lists; IPC round trips give unaligned buffers
   * that lance-core's importer rejects).
   */
  public static VectorSchemaRoot copy(VectorSchemaRoot root, BufferAllocator allocator) {
    List<FieldVector> vs = new ArrayList<>();
    try {
      for (FieldVector v : root.getFieldVectors()) {
        vs.add(copyVector(v, root.getRowCount(), allocator));
      }
      VectorSchemaRoot r = new VectorSchemaRoot(root.getSchema().getFields(), vs, root.getRowCount());
      vs = null;
      return r;
    } finally {
      if (vs != null) {
        vs.forEach(FieldVector::close);
      }
    }
  }

  /** Row copies where Arrow supports them, the appender otherwise (e.g. lists of fixed-size lists). */
  private static FieldVector copyVector(FieldVector v, int n, BufferAllocator allocator) {
    FieldVector out = v.getField().createVector(allocator);
    try {
      out.allocateNew();
      for (int i = 0; i < n; i++) {
        out.copyFromSafe(i, i, v);
      }
      out.setValueCount(n);
      return out;
    } catch (UnsupportedOperationException e) {
      out.close();
    }
    out = v.getField().createVector(allocator);
    out.allocateNew();
    if (n > 0) {
      v.accept(new org.apache.arrow.vector.util.VectorAppender(out), null);
    }
    out.setValueCount(n);
    return out;
  }

  private static boolean hasLargeList(Field f) {
    if (f.getType() instanceof ArrowType.LargeList) {
      return true;
    }
    for (Field c : f.getChildren()) {
      if (hasLargeList(c)) {
        return true;
      }
    }
    return false;
  }
}
