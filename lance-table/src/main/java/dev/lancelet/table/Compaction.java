package dev.lancelet.table;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.Committer;
import dev.lancelet.table.commit.ReserveFragmentsOperation;
import dev.lancelet.table.commit.RewriteOperation;
import dev.lancelet.table.format.DeletionVector;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.RowIdSequence;
import dev.lancelet.table.format.RowVersions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.roaringbitmap.RoaringBitmap;

/**
 * Compaction, as Lance plans it: runs of consecutive fragments that are small (fewer physical rows
 * than the target) or carry many deletions are rewritten into fragments of the target size
 * without the deleted rows. A lone fragment is rewritten only to drop its deletions. The commit is
 * two versions, as with Lance 7: {@code ReserveFragments} (ids for the new fragments), then {@code
 * Rewrite}.
 *
 * <p>Runs are split where the set of indices covering the fragments changes (see {@link
 * RewriteOperation} for what happens to the indices). With stable row ids the new fragments carry
 * the row ids and row versions of their rows; dictionary-typed columns are re-encoded ({@link
 * DictionaryRewriter}); blob v2 values are copied (streamed) into the new files and their sidecars
 * ({@link BlobRewrite}).
 */
final class Compaction {
  private Compaction() {}

  /** A group of fragments to rewrite together. */
  private record Task(List<Fragment> fragments, long liveRows, long deletedRows) {}

  static CompactionReport compact(Dataset ds, CompactionOptions o) throws IOException {
    Manifest m = ds.manifest();
    List<RoaringBitmap> coverage = indexCoverage(ds);
    List<Task> tasks = plan(ds, o, coverage);
    if (tasks.isEmpty()) {
      return new CompactionReport(0, 0, 0, 0, 0, 0, ds.version());
    }
    long total = 0;
    int fragsTotal = 0;
    for (Task t : tasks) {
      total += t.liveRows();
      fragsTotal += t.fragments().size();
    }
    LanceFileVersion version = SchemaEvolution.writableVersion(ds);
    ObjectStore store = ds.store();
    List<String> written = new ArrayList<>();
    List<List<Fragment>> outputs = new ArrayList<>();
    List<Integer> fieldIds = new ArrayList<>();
    for (LanceField f : m.schema().topLevel()) {
      DatasetWriter.collectIds(f, version == LanceFileVersion.V2_0, fieldIds);
    }
    List<Integer> columns = new ArrayList<>();
    for (int i = 0; i < fieldIds.size(); i++) {
      columns.add(i);
    }
    Schema arrow = m.schema().arrowSchema();
    DictionaryRewriter dicts = DictionaryRewriter.of(m.schema(), arrow, ds.allocator(), "Compacting " + ds.uri());
    boolean blobs = BlobRewrite.hasBlobV2(m);
    dev.lancelet.file.WriteOptions fileOptions = dev.lancelet.file.WriteOptions.builder().version(version).build();
    boolean committing = false;
    try (dicts) {
      long done = 0;
      int fragsDone = 0;
      for (Task t : tasks) {
        List<Fragment> out = new ArrayList<>();
        Carried carried = m.stableRowIds() ? new Carried() : null;
        LanceFileWriter w = null;
        String name = null;
        long rows = 0;
        try {
          for (Fragment f : t.fragments()) {
            if (carried != null) {
              carried.startFragment(store, f);
            }
            try (FragmentReader r = new FragmentReader(store, ds.allocator(), m, f, m.schema().topLevel(), false, false);
                FragmentReader.Pass p = r.pass(0, f.physicalRows(), o.batchSize())) {
              VectorSchemaRoot b;
              while ((b = p.next()) != null) {
                try (BlobRewrite.Batch batch = blobs ? blobBatch(b, p.lastOffsets(), r, arrow, ds)
                    : new BlobRewrite.Batch(b, java.util.Map.of())) {
                  int n = batch.root().getRowCount();
                  int off = 0;
                  while (off < n) {
                    if (w == null) {
                      name = DatasetWriter.newDataFileName();
                      written.add("data/" + name);
                      w = dicts == null
                          ? LanceFileWriter.create(store, "data/" + name, arrow, ds.allocator(), fileOptions)
                          : LanceFileWriter.create(store, "data/" + name, dicts.writerSchema(), ds.allocator(),
                              fileOptions, dicts.dictionaries());
                      if (dicts != null) {
                        dicts.newFile();
                      }
                      rows = 0;
                    }
                    int take = (int) Math.min(n - off, o.targetRowsPerFragment() - rows);
                    if (dicts != null) {
                      // A file's narrow dictionary columns keep within their index type.
                      take = dicts.fit(batch.root(), off, take);
                      if (take == 0) {
                        out.add(carry(DatasetWriter.finish(w, store, name, rows, version, fieldIds, columns, written), carried));
                        w = null;
                        continue;
                      }
                    }
                    if (off == 0 && take == n) {
                      write(w, batch, dicts);
                    } else {
                      // A copy the slice can consume, leaving the batch as it was.
                      VectorSchemaRoot whole = Batches.split(batch.root(), batch.root().getSchema().getFields(), 0,
                          batch.root().getRowCount());
                      try (BlobRewrite.Batch s = new BlobRewrite.Batch(whole, batch.sources())
                          .slice(off, take, ds.allocator())) {
                        write(w, s, dicts);
                      }
                    }
                    if (carried != null) {
                      carried.take(take);
                    }
                    off += take;
                    rows += take;
                    done += take;
                    if (rows >= o.targetRowsPerFragment()) {
                      out.add(carry(DatasetWriter.finish(w, store, name, rows, version, fieldIds, columns, written), carried));
                      w = null;
                    }
                  }
                }
                o.progress().accept(new CompactionOptions.Progress(done, total, fragsDone, fragsTotal));
              }
            }
            fragsDone++;
          }
          if (w != null) {
            if (rows > 0) {
              out.add(carry(DatasetWriter.finish(w, store, name, rows, version, fieldIds, columns, written), carried));
            } else {
              w.abort();
              written.remove("data/" + name);
            }
            w = null;
          }
        } finally {
          if (w != null) {
            w.abort();
          }
        }
        outputs.add(out);
      }
      o.progress().accept(new CompactionOptions.Progress(done, total, fragsDone, fragsTotal));
      int added = 0;
      for (List<Fragment> out : outputs) {
        added += out.size();
      }
      committing = true;
      Committer committer = new Committer(store, WriteOptions.DEFAULT_COMMIT_RETRIES);
      List<RewriteOperation.Group> groups = new ArrayList<>();
      long nextId = 0;
      long readVersion = ds.version();
      if (added > 0) {
        ManifestFile reserved = committer.commit(new ReserveFragmentsOperation(added), ds.version());
        nextId = reserved.manifest().maxFragmentId() - added + 1;
        readVersion = reserved.manifest().version();
      }
      int removed = 0;
      int filesRemoved = 0;
      long deleted = 0;
      for (int i = 0; i < tasks.size(); i++) {
        List<Fragment> news = new ArrayList<>();
        for (Fragment f : outputs.get(i)) {
          news.add(f.withId(nextId++));
        }
        groups.add(new RewriteOperation.Group(tasks.get(i).fragments(), news));
        removed += tasks.get(i).fragments().size();
        deleted += tasks.get(i).deletedRows();
        for (Fragment f : tasks.get(i).fragments()) {
          filesRemoved += f.files().size();
        }
      }
      ManifestFile done2 = committer.commit(new RewriteOperation(groups), readVersion);
      return new CompactionReport(removed, added, filesRemoved, added, total, deleted, done2.manifest().version());
    } catch (IOException | RuntimeException e) {
      if (!committing || e instanceof CommitConflictException) {
        for (String p : written) {
          try {
            store.delete(p);
          } catch (IOException ignored) {
            // orphans are harmless
          }
        }
      }
      throw e;
    }
  }

  /** A new fragment with the row ids and row versions carried for its rows (stable row ids). */
  private static Fragment carry(Fragment f, Carried c) {
    if (c == null) {
      return f;
    }
    if (c.n != f.physicalRows()) {
      throw new IllegalStateException("Carried " + c.n + " row ids into a fragment of " + f.physicalRows() + " rows");
    }
    Fragment g = f.withInlineRowIds(RowIdSequence.encode(c.ids, c.n))
        .withInlineRowVersions(RowVersions.encode(c.created, c.n), RowVersions.encode(c.updated, c.n));
    c.n = 0;
    return g;
  }

  /**
   * The row ids, created-at and last-updated-at versions of the live rows written into the current
   * new fragment, taken in order from the source fragment being read.
   */
  private static final class Carried {
    long[] ids = new long[1024];
    long[] created = new long[1024];
    long[] updated = new long[1024];
    int n;
    private RowIdSequence srcIds;
    private RowVersions srcCreated;
    private RowVersions srcUpdated;
    private DeletionVector srcDeleted;
    private long cursor; // next physical row of the source fragment to consider

    void startFragment(ObjectStore store, Fragment f) throws IOException {
      srcIds = FragmentReader.loadRowIds(store, f);
      srcCreated = RowLineage.createdAt(store, f);
      srcUpdated = RowLineage.lastUpdatedAt(store, f);
      srcDeleted = FragmentReader.loadDeletions(store, f);
      cursor = 0;
    }

    /** The next {@code k} live rows of the source go to the current new fragment. */
    void take(int k) {
      if (n + k > ids.length) {
        int cap = Math.max(n + k, ids.length + (ids.length >> 1));
        ids = Arrays.copyOf(ids, cap);
        created = Arrays.copyOf(created, cap);
        updated = Arrays.copyOf(updated, cap);
      }
      for (int i = 0; i < k; i++) {
        while (srcDeleted.contains(cursor)) {
          cursor++;
        }
        ids[n] = srcIds.get(cursor);
        created[n] = srcCreated.get(cursor);
        updated[n] = srcUpdated.get(cursor);
        n++;
        cursor++;
      }
    }
  }

  /**
   * Per index (in the index section's order), the fragments its bitmap covers. Compaction groups
   * only fragments covered by the same indices, so that each index covers a group wholly or not
   * at all (with stable row ids the bitmaps are remapped to the new fragments).
   *
   * @throws UnsupportedOperationException for an index that records no fragment bitmap
   */
  private static List<RoaringBitmap> indexCoverage(Dataset ds) throws IOException {
    List<RoaringBitmap> out = new ArrayList<>();
    TableProtos.IndexSection section;
    try {
      if (ds.manifestFile().indexSection() == null) {
        return out;
      }
      section = ds.manifestFile().indices();
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException(ds.uri() + " version " + ds.version(), "bad index section", e);
    }
    for (TableProtos.IndexMetadata im : section.getIndicesList()) {
      if (im.getFragmentBitmap().isEmpty()) {
        throw new UnsupportedOperationException("Compacting " + ds.uri() + " is not supported: index '" + im.getName()
            + "' records no fragment bitmap, so the rows it covers after a rewrite are unknown");
      }
      RoaringBitmap b = new RoaringBitmap();
      try {
        b.deserialize(im.getFragmentBitmap().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN));
      } catch (IOException | RuntimeException e) {
        throw new CorruptManifestException(ds.uri() + " version " + ds.version(), "index '" + im.getName()
            + "' has a bad fragment bitmap: " + e.getMessage(), e);
      }
      out.add(b);
    }
    return out;
  }

  /** Whether the same indices cover fragments {@code a} and {@code b}. */
  private static boolean sameCoverage(List<RoaringBitmap> coverage, long a, long b) {
    for (RoaringBitmap bits : coverage) {
      if (bits.contains((int) a) != bits.contains((int) b)) {
        return false;
      }
    }
    return true;
  }

  private static void write(LanceFileWriter w, BlobRewrite.Batch batch, DictionaryRewriter dicts) throws IOException {
    if (dicts != null) {
      dicts.write(w, batch.root(), batch.sources());
    } else if (batch.sources().isEmpty()) {
      w.write(batch.root());
    } else {
      w.write(batch.root(), batch.sources());
    }
  }

  /**
   * Batch {@code b} (closed here), read from fragment reader {@code r}, with its blob v2 columns
   * in input form and handles on the blobs to copy from their current place; {@code offsets} are
   * the physical rows of the batch in the fragment.
   */
  private static BlobRewrite.Batch blobBatch(VectorSchemaRoot b, long[] offsets, FragmentReader r, Schema arrow,
      Dataset ds) throws IOException {
    try (b) {
      java.util.Map<Integer, BlobRewrite.HandleSource> sources = new java.util.HashMap<>();
      for (int i = 0; i < arrow.getFields().size(); i++) {
        if (BlobRewrite.isBlobV2(arrow.getFields().get(i))) {
          int field = i;
          sources.put(i, rows -> {
            long[] offs = new long[rows.length];
            for (int j = 0; j < rows.length; j++) {
              offs[j] = offsets[rows[j]];
            }
            return r.takeBlobs(field, offs);
          });
        }
      }
      return BlobRewrite.rewrite(b, arrow, sources, ds.allocator(), "Compacting " + ds.uri());
    }
  }

  /** Runs of consecutive candidates; each run's rows are written as fragments of the target size. */
  private static List<Task> plan(Dataset ds, CompactionOptions o, List<RoaringBitmap> coverage) throws IOException {
    List<Task> tasks = new ArrayList<>();
    List<Fragment> run = new ArrayList<>();
    long runLive = 0;
    long runDeleted = 0;
    for (Fragment f : ds.fragments()) {
      long live = f.liveRowsIfKnown();
      if (live < 0) {
        live = f.physicalRows() - FragmentReader.loadDeletions(ds.store(), f).size();
      }
      long deleted = f.physicalRows() - live;
      boolean small = f.physicalRows() < o.targetRowsPerFragment();
      boolean manyDeleted = o.materializeDeletions() && f.physicalRows() > 0
          && (double) deleted / f.physicalRows() > o.materializeDeletionsThreshold();
      if (!small && !manyDeleted) {
        addTask(tasks, run, runLive, runDeleted);
        run = new ArrayList<>();
        runLive = 0;
        runDeleted = 0;
        continue;
      }
      if (!run.isEmpty() && !sameCoverage(coverage, run.get(0).id(), f.id())) {
        addTask(tasks, run, runLive, runDeleted);
        run = new ArrayList<>();
        runLive = 0;
        runDeleted = 0;
      }
      run.add(f);
      runLive += live;
      runDeleted += deleted;
    }
    addTask(tasks, run, runLive, runDeleted);
    return tasks;
  }

  private static void addTask(List<Task> tasks, List<Fragment> run, long live, long deleted) {
    if (run.isEmpty() || (run.size() == 1 && deleted == 0)) {
      return; // nothing to gain from rewriting one fragment as it is
    }
    tasks.add(new Task(List.copyOf(run), live, deleted));
  }
}
