package dev.lancelet.table;

import dev.lancelet.file.blob.BlobHandle;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.Committer;
import dev.lancelet.table.commit.DeleteOperation;
import dev.lancelet.table.commit.FragmentDeletions;
import dev.lancelet.table.commit.Operation;
import dev.lancelet.table.commit.UpdateOperation;
import dev.lancelet.table.expr.Expression;
import dev.lancelet.table.format.DeletionVector;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.roaringbitmap.RoaringBitmap;

/** Delete and update of one dataset version, each committed as one new version. */
final class Dml {
  /** Rebase rounds after lost commit races. */
  static final int COMMIT_RETRIES = WriteOptions.DEFAULT_COMMIT_RETRIES;

  private Dml() {}

  /** Row offsets to delete, by fragment id, gathered from row addresses. */
  static final class Marks {
    final Map<Long, RoaringBitmap> byFragment = new HashMap<>();

    void add(long address) {
      byFragment.computeIfAbsent(address >>> 32, k -> new RoaringBitmap()).add((int) (address & 0xFFFF_FFFFL));
    }

    boolean contains(long address) {
      RoaringBitmap b = byFragment.get(address >>> 32);
      return b != null && b.contains((int) (address & 0xFFFF_FFFFL));
    }

    void addAll(UInt8Vector addresses, int n) {
      for (int i = 0; i < n; i++) {
        add(addresses.get(i));
      }
    }

    /** The marks keyed by the fragments of {@code m}. */
    Map<Fragment, DeletionVector> resolve(Manifest m) {
      Map<Fragment, DeletionVector> out = new LinkedHashMap<>();
      for (Fragment f : m.fragments()) {
        RoaringBitmap b = byFragment.get(f.id());
        if (b != null && !b.isEmpty()) {
          out.put(f, DeletionVector.of(b));
        }
      }
      return out;
    }
  }

  static Dataset delete(Dataset ds, String predicate) throws IOException {
    java.util.Objects.requireNonNull(predicate, "predicate");
    Marks marks = new Marks();
    try (ArrowReader r = ds.newScan().columns(List.of()).filter(predicate).withRowAddress(true).open()) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot b = r.getVectorSchemaRoot();
        marks.addAll((UInt8Vector) b.getVector(FragmentReader.ROW_ADDR), b.getRowCount());
      }
    }
    FragmentDeletions d = FragmentDeletions.prepare(ds.store(), ds.version(), marks.resolve(ds.manifest()));
    return commit(ds, new DeleteOperation(d, predicate), d, List.of());
  }

  /** Attempts of an update whose commit conflicts (each on the newest version). */
  static final int UPDATE_ATTEMPTS = 5;

  static Dataset updateWithRetry(Dataset ds, Map<String, String> set, String where) throws IOException {
    try {
      return update(ds, set, where);
    } catch (CommitConflictException first) {
      CommitConflictException last = first;
      for (int attempt = 1; attempt < UPDATE_ATTEMPTS; attempt++) {
        try (Dataset latest = ds.checkoutLatest()) {
          return update(latest, set, where);
        } catch (CommitConflictException e) {
          last = e;
        }
      }
      throw last;
    }
  }

  static Dataset update(Dataset ds, Map<String, String> set, String where) throws IOException {
    Manifest base = ds.manifest();
    if (set == null || set.isEmpty()) {
      throw new IllegalArgumentException("Update of " + ds.uri() + " needs at least one column to set");
    }
    Schema schema = ds.schema();
    Map<String, Expression> exprs = new HashMap<>();
    for (Map.Entry<String, String> e : set.entrySet()) {
      LanceField f = base.schema().topLevel(e.getKey());
      if (f == null) {
        throw new IllegalArgumentException("Update of " + ds.uri() + ": no column '" + e.getKey() + "' to set (SET "
            + e.getKey() + " = " + e.getValue() + "); columns are " + base.schema().names());
      }
      Field af = base.schema().arrowField(f.name());
      if (BlobRewrite.isBlobV2(af)) {
        throw new UnsupportedOperationException("Update of " + ds.uri() + " is not supported: SET " + f.name()
            + " assigns a blob v2 column; write new blob values with mergeInsert instead");
      }
      exprs.put(f.name(), Expression.parse(e.getValue(), schema).castTo(af.getType()));
    }
    ScanBuilder sb = ds.newScan().withRowAddress(true);
    if (where != null && !where.isBlank()) {
      sb.filter(where);
    }
    Marks marks = new Marks();
    RowLineage lineage = RowLineage.forWrites(ds); // moved rows keep their stable row ids
    List<String> written = new ArrayList<>();
    BufferAllocator allocator = ds.allocator();
    List<Fragment> fresh;
    List<UpdateOperation.Lineage> lineages = null;
    try (ArrowReader scan = sb.open();
        MappedReader rows = new MappedReader(allocator, schema) {
          @Override
          VectorSchemaRoot next() throws IOException {
            if (!scan.loadNextBatch()) {
              return null;
            }
            VectorSchemaRoot in = scan.getVectorSchemaRoot();
            int n = in.getRowCount();
            UInt8Vector addresses = (UInt8Vector) in.getVector(FragmentReader.ROW_ADDR);
            marks.addAll(addresses, n);
            if (lineage != null) {
              for (int i = 0; i < n; i++) {
                lineage.moved(addresses.get(i));
              }
            }
            // Evaluate every SET expression before moving any column out of the scan's batch.
            Map<String, FieldVector> computed = new HashMap<>();
            List<FieldVector> out = new ArrayList<>();
            try {
              for (Map.Entry<String, Expression> e : exprs.entrySet()) {
                Field f = schema.findField(e.getKey());
                FieldVector v = e.getValue().evaluate(in, allocator, f.getName());
                computed.put(f.getName(), v);
                if (!f.isNullable() && v.getNullCount() > 0) {
                  throw new IllegalArgumentException("Update of " + ds.uri() + ": SET " + f.getName() + " = "
                      + set.get(f.getName()) + " gives NULL for a row but the column is not nullable");
                }
              }
              Map<String, List<BlobHandle>> blobs = new java.util.LinkedHashMap<>();
              for (Field f : schema.getFields()) {
                FieldVector v = computed.remove(f.getName());
                if (v == null && BlobRewrite.isBlobV2(f)) {
                  // Copied from where the blobs are now, streamed by the writer.
                  List<BlobHandle> hs = new ArrayList<>(n);
                  out.add(BlobRewrite.inputColumn((StructVector) in.getVector(f.getName()), f, rs -> {
                    long[] a = new long[rs.length];
                    for (int j = 0; j < rs.length; j++) {
                      a[j] = addresses.get(rs[j]);
                    }
                    return ds.takeBlobsByAddress(a, f.getName());
                  }, hs, allocator, "Update of " + ds.uri()));
                  blobs.put(f.getName(), hs);
                } else if (v == null) {
                  out.add(Batches.move(in.getVector(f.getName()), f, allocator));
                } else {
                  try (v) {
                    out.add(Batches.move(v, f, allocator));
                  }
                }
              }
              VectorSchemaRoot r = new VectorSchemaRoot(schema.getFields(), out, n);
              out = null;
              setBlobSources(blobs);
              return r;
            } finally {
              Batches.closeAll(out);
              Batches.closeAll(new ArrayList<>(computed.values()));
            }
          }
        }) {
      fresh = DatasetWriter.writeFragments(rows, ds.store(), base, written);
      if (lineage != null) {
        lineages = lineage.split(fresh);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(ds.store(), written);
      throw e;
    }
    FragmentDeletions d;
    try {
      d = FragmentDeletions.prepare(ds.store(), ds.version(), marks.resolve(base));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(ds.store(), written);
      throw e;
    }
    return commit(ds, new UpdateOperation(d, fresh, lineages), d, written);
  }

  /**
   * Commits {@code op} on top of the version {@code ds} shows and opens the new version. Files
   * written for it are deleted when the commit is refused.
   */
  static Dataset commit(Dataset ds, Operation op, FragmentDeletions d, List<String> dataFiles) throws IOException {
    ManifestFile mf;
    try {
      mf = new Committer(ds.store(), COMMIT_RETRIES).commit(op, ds.version());
    } catch (CommitConflictException | UnsupportedOperationException e) {
      d.deleteWritten();
      deleteQuietly(ds.store(), dataFiles);
      throw e;
    }
    return ds.checkout(mf.manifest().version());
  }

  static void deleteQuietly(ObjectStore store, List<String> paths) {
    for (String p : paths) {
      try {
        store.delete(p);
      } catch (IOException e) {
        // an orphan is harmless
      }
    }
  }
}
