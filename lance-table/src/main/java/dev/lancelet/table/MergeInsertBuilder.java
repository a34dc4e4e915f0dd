package dev.lancelet.table;

import dev.lancelet.file.schema.LanceField;
import dev.lancelet.table.commit.FragmentDeletions;
import dev.lancelet.table.commit.UpdateOperation;
import dev.lancelet.table.format.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * Merges a stream of source rows into a dataset by key columns ("upsert"), committed as one new
 * version, with Lance's clauses. When a source row's key matches a target row, the target row can
 * be replaced ({@link #whenMatchedUpdateAll()}), replaced only where a condition over both rows
 * holds ({@link #whenMatchedUpdateAll(String)}), deleted ({@link #whenMatchedDelete()}), or the
 * merge fails ({@link #whenMatchedFail()}); by default it is kept. Source rows matching none can be
 * inserted ({@link #whenNotMatchedInsertAll()}); by default they are dropped. Target rows matched
 * by no source row can be deleted, all of them ({@link #whenNotMatchedBySourceDelete()}) or those
 * where a condition holds ({@link #whenNotMatchedBySourceDelete(String)}). Replaced rows are
 * deleted from their fragments through deletion files and written, with the inserted rows, into
 * new fragments; the commit is Lance's {@code Update} transaction.
 *
 * <p>Stable row ids: an updated row keeps the row id (and created-at version) of the target row
 * it replaces (of the first one, in scan order, when several share its key or satisfy the
 * condition); inserted rows get new row ids. This takes 8 more bytes per written row.
 *
 * <p>When the commit conflicts with a concurrent change of the same fragments, the merge runs
 * again from the start on the newest version, as Lance does, up to {@link #conflictRetries} more
 * times (default 10) within {@link #retryTimeout} (default 30 s). To replay the source, the first
 * run copies it to a temporary Arrow IPC file (deleted at the end); {@code conflictRetries(0)}
 * skips the copy and fails with {@link CommitConflictException} instead.
 *
 * <p>Keys: a row whose key has a NULL part matches nothing. Two source rows with the same key are
 * an error. When several live target rows share a key, a matching source row replaces them all
 * with one row.
 *
 * <p>Memory: the keys of every live target row (with their row addresses) and of every source row
 * are held in hash tables, roughly 100 bytes per row plus the key values; the other columns
 * stream through one batch at a time.
 */
public final class MergeInsertBuilder {
  /** What happens to a target row a source row matches. */
  private enum Matched { KEEP, UPDATE, UPDATE_IF, DELETE, FAIL }

  private final Dataset dataset;
  private final List<String> keys;
  private Matched matched = Matched.KEEP;
  private String matchedCondition;
  private boolean insert;
  private boolean deleteBySource;
  private String bySourceCondition;
  private int conflictRetries = 10;
  private java.time.Duration retryTimeout = java.time.Duration.ofSeconds(30);

  MergeInsertBuilder(Dataset dataset, List<String> keys) {
    this.dataset = dataset;
    Objects.requireNonNull(keys, "keys");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("Merge-insert into " + dataset.uri() + " needs at least one key column");
    }
    Manifest m = dataset.manifest();
    for (String k : keys) {
      LanceField f = m.schema().topLevel(k);
      if (f == null) {
        throw new IllegalArgumentException("Merge-insert key column '" + k + "' is not in " + dataset.uri()
            + "; columns are " + m.schema().names());
      }
      ArrowType t = m.schema().arrowField(k).getType();
      if (t instanceof ArrowType.Struct || t instanceof ArrowType.List || t instanceof ArrowType.LargeList
          || t instanceof ArrowType.FixedSizeList || t instanceof ArrowType.Map || t instanceof ArrowType.Union) {
        throw new IllegalArgumentException("Merge-insert key column '" + k + "' has nested type " + t
            + "; keys must be scalar columns");
      }
    }
    if (new HashSet<>(keys).size() != keys.size()) {
      throw new IllegalArgumentException("Merge-insert key columns repeat a column: " + keys);
    }
    this.keys = List.copyOf(keys);
  }

  /** Source rows matching a target row replace it (all columns). */
  public MergeInsertBuilder whenMatchedUpdateAll() {
    this.matched = Matched.UPDATE;
    this.matchedCondition = null;
    return this;
  }

  /**
   * Source rows matching a target row replace it where the SQL {@code condition} is true; other
   * matched target rows are kept (and the source row dropped). The condition refers to the rows'
   * columns as {@code source.col} and {@code target.col}, e.g. {@code "source.version >
   * target.version"}; NULL counts as false.
   */
  public MergeInsertBuilder whenMatchedUpdateAll(String condition) {
    Objects.requireNonNull(condition, "condition");
    this.matched = Matched.UPDATE_IF;
    this.matchedCondition = condition;
    return this;
  }

  /** Target rows a source row matches are deleted (the source row is not written). */
  public MergeInsertBuilder whenMatchedDelete() {
    this.matched = Matched.DELETE;
    this.matchedCondition = null;
    return this;
  }

  /**
   * A source row matching a target row fails the merge ({@link IllegalArgumentException} naming
   * the key; nothing is committed): for inserts that must never overwrite.
   */
  public MergeInsertBuilder whenMatchedFail() {
    this.matched = Matched.FAIL;
    this.matchedCondition = null;
    return this;
  }

  /**
   * Retries after a commit conflict (each a full re-run on the newest version); 0 disables the
   * re-run and the copy of the source it needs. Default 10, as Lance.
   */
  public MergeInsertBuilder conflictRetries(int retries) {
    if (retries < 0) {
      throw new IllegalArgumentException("conflictRetries must be >= 0, got " + retries);
    }
    this.conflictRetries = retries;
    return this;
  }

  /**
   * Time after which no further re-run starts (the first run always completes). Default 30 s, as
   * Lance.
   */
  public MergeInsertBuilder retryTimeout(java.time.Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("retryTimeout must not be negative: " + timeout);
    }
    this.retryTimeout = timeout;
    return this;
  }

  /** Source rows matching no target row are inserted. */
  public MergeInsertBuilder whenNotMatchedInsertAll() {
    this.insert = true;
    return this;
  }

  /** Target rows matched by no source row are deleted. */
  public MergeInsertBuilder whenNotMatchedBySourceDelete() {
    this.deleteBySource = true;
    this.bySourceCondition = null;
    return this;
  }

  /**
   * Target rows matched by no source row are deleted where the SQL {@code condition} over the
   * target's columns (plain names, e.g. {@code "month = 1"}) is true: replacing one region of the
   * data with the source.
   */
  public MergeInsertBuilder whenNotMatchedBySourceDelete(String condition) {
    Objects.requireNonNull(condition, "condition");
    this.deleteBySource = true;
    this.bySourceCondition = condition;
    return this;
  }

  /** What a merge-insert did. Closing it closes the new version's dataset. */
  public record Result(Dataset dataset, long rowsInserted, long rowsUpdated, long rowsDeleted) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      dataset.close();
    }
  }

  /**
   * Runs the merge with {@code source} (the dataset's columns, any order; read to the end, not
   * closed) and commits it on top of the dataset's version, re-running it on the newest version
   * after a commit conflict (see the class comment).
   *
   * @return the new version and row counts
   * @throws IllegalArgumentException when the source's columns differ from the dataset's, two
   *     source rows share a key, a condition is not a valid boolean expression, or a match is
   *     found under {@link #whenMatchedFail()}
   * @throws CommitConflictException when concurrent commits kept changing the same fragments
   *     through every re-run
   */
  public Result execute(ArrowReader source) throws IOException {
    Objects.requireNonNull(source, "source");
    if (matched == Matched.KEEP && !insert && !deleteBySource) {
      throw new IllegalStateException("Merge-insert into " + dataset.uri() + " has nothing to do: choose a"
          + " whenMatched clause (update, delete, fail), whenNotMatchedInsertAll and/or whenNotMatchedBySourceDelete");
    }
    for (Field f : source.getVectorSchemaRoot().getSchema().getFields()) {
      if (f.getDictionary() != null) {
        throw new UnsupportedOperationException("Merge-insert source column '" + f.getName()
            + "' is dictionary-encoded; decode it first (not supported yet)");
      }
    }
    if (conflictRetries == 0) {
      return attempt(dataset, source, null);
    }
    long deadline = System.nanoTime() + retryTimeout.toNanos();
    java.nio.file.Path spill = java.nio.file.Files.createTempFile("lancelet-merge-insert-", ".arrows");
    try {
      CommitConflictException last;
      try (java.io.OutputStream os = java.nio.file.Files.newOutputStream(spill);
          org.apache.arrow.vector.ipc.ArrowStreamWriter w = new org.apache.arrow.vector.ipc.ArrowStreamWriter(
              source.getVectorSchemaRoot(), null, java.nio.channels.Channels.newChannel(
                  new java.io.BufferedOutputStream(os, 1 << 16)))) {
        try {
          return attempt(dataset, source, w);
        } catch (CommitConflictException e) {
          last = e;
        }
      }
      int runs = 1;
      for (int retry = 0; retry < conflictRetries && System.nanoTime() - deadline < 0; retry++) {
        runs++;
        try (Dataset latest = dataset.checkoutLatest();
            java.io.InputStream is = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(spill), 1 << 16);
            org.apache.arrow.vector.ipc.ArrowStreamReader again =
                new org.apache.arrow.vector.ipc.ArrowStreamReader(is, dataset.allocator())) {
          return attempt(latest, again, null);
        } catch (CommitConflictException e) {
          last = e;
        }
      }
      throw new CommitConflictException("Merge-insert into " + dataset.uri() + " conflicted " + runs
          + " times (each run on the newest version; conflictRetries " + conflictRetries + ", retryTimeout "
          + retryTimeout + "); last: " + last.getMessage(), last);
    } finally {
      java.nio.file.Files.deleteIfExists(spill);
    }
  }

  /** One run of the merge on {@code ds}; {@code spill}, when given, receives every source batch. */
  private Result attempt(Dataset ds, ArrowReader source, org.apache.arrow.vector.ipc.ArrowStreamWriter spill)
      throws IOException {
    Manifest base = ds.manifest();
    ds.checkWritable("Merge-insert into");
    if (matched == Matched.UPDATE_IF && BlobRewrite.hasBlobV2(base)) {
      // The condition would compare source values with target descriptors.
      throw new UnsupportedOperationException("Merge-insert into " + ds.uri() + " with a whenMatchedUpdateAll"
          + " condition is not supported: the dataset has a blob v2 column");
    }
    Schema schema = ds.schema();
    for (String k : keys) {
      if (base.schema().topLevel(k) == null) {
        throw new IllegalArgumentException("Merge-insert key column '" + k + "' is not in " + ds.uri()
            + " version " + ds.version() + "; columns are " + base.schema().names());
      }
    }
    Schema in = DatasetWriter.logicalSchema(source.getVectorSchemaRoot().getSchema(), source);
    checkSource(in, schema);
    dev.lancelet.table.expr.Expression matchCond = null;
    Schema pairSchema = null;
    if (matched == Matched.UPDATE_IF) {
      List<Field> children = new ArrayList<>();
      for (Field f : schema.getFields()) {
        children.add(FragmentReader.readField(f));
      }
      pairSchema = new Schema(List.of(
          new Field("source", org.apache.arrow.vector.types.pojo.FieldType.notNullable(ArrowType.Struct.INSTANCE), children),
          new Field("target", org.apache.arrow.vector.types.pojo.FieldType.notNullable(ArrowType.Struct.INSTANCE), children)));
      matchCond = condition(matchedCondition, pairSchema, ds, "whenMatchedUpdateAll");
    }
    Dml.Marks eligible = null;
    if (deleteBySource && bySourceCondition != null) {
      condition(bySourceCondition, schema, ds, "whenNotMatchedBySourceDelete");
      eligible = new Dml.Marks();
      try (ArrowReader r = ds.newScan().columns(List.of()).filter(bySourceCondition).withRowAddress(true).open()) {
        while (r.loadNextBatch()) {
          VectorSchemaRoot b = r.getVectorSchemaRoot();
          eligible.addAll((UInt8Vector) b.getVector(FragmentReader.ROW_ADDR), b.getRowCount());
        }
      }
    }

    // 1. Keys of the live target rows -> row address (long) or addresses (long[]) when repeated.
    Map<Object, Object> target = new HashMap<>();
    Dml.Marks unmatchable = new Dml.Marks();
    try (ArrowReader r = ds.newScan().columns(keys).withRowAddress(true).open()) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot b = r.getVectorSchemaRoot();
        List<FieldVector> kv = keyVectors(b);
        UInt8Vector addr = (UInt8Vector) b.getVector(FragmentReader.ROW_ADDR);
        for (int i = 0; i < b.getRowCount(); i++) {
          Object k = key(kv, i);
          long a = addr.get(i);
          if (k != null) {
            target.merge(k, a, (old, x) -> append(old, a));
          } else if (deleteBySource && (eligible == null || eligible.contains(a))) {
            unmatchable.add(a); // a NULL key matches no source row
          }
        }
      }
    }

    // 2. Stream the source: note matches, keep the rows to write.
    Dml.Marks marks = new Dml.Marks();
    Set<Object> seen = new HashSet<>();
    long[] counts = new long[3]; // inserted, updated, deleted
    BufferAllocator allocator = ds.allocator();
    List<String> written = new ArrayList<>();
    List<dev.lancelet.table.format.Fragment> fresh;
    dev.lancelet.table.expr.Expression cond = matchCond;
    Schema pairs = pairSchema;
    // With stable row ids an updated row keeps its id (the first target row's when several share
    // the key); inserted rows get new ids on commit.
    RowLineage lineage = RowLineage.forWrites(ds);
    List<UpdateOperation.Lineage> lineages = null;
    try (MappedReader rows = new MappedReader(allocator, schema) {
      @Override
      VectorSchemaRoot next() throws IOException {
        if (!source.loadNextBatch()) {
          return null;
        }
        VectorSchemaRoot b = source.getVectorSchemaRoot();
        if (spill != null) {
          spill.writeBatch();
        }
        int n = b.getRowCount();
        List<FieldVector> kv = keyVectors(b);
        boolean[] keep = new boolean[n];
        long[] movedFrom = new long[n]; // for an updated row, the address of the target row it replaces
        boolean[] updated = new boolean[n];
        List<Integer> pairSrc = new ArrayList<>();
        List<Long> pairAddr = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Object k = key(kv, i);
          Object match = null;
          if (k != null) {
            if (!seen.add(k)) {
              throw new IllegalArgumentException("Merge-insert into " + ds.uri() + ": the source has more than one row"
                  + " with key " + keys + " = " + describe(k) + "; each target row may be matched by one source row only");
            }
            match = target.remove(k);
          }
          if (match == null) {
            if (insert) {
              keep[i] = true;
              counts[0]++;
            }
            continue;
          }
          long[] addrs = match instanceof Long a ? new long[] {a} : (long[]) match;
          switch (matched) {
            case KEEP -> { }
            case FAIL -> throw new IllegalArgumentException("Merge-insert into " + ds.uri() + ": source row with key "
                + keys + " = " + describe(k) + " matches a target row (whenMatchedFail)");
            case UPDATE, DELETE -> {
              for (long a : addrs) {
                marks.add(a);
              }
              if (matched == Matched.UPDATE) {
                keep[i] = true;
                updated[i] = true;
                movedFrom[i] = addrs[0];
                counts[1]++;
              } else {
                counts[2] += addrs.length;
              }
            }
            case UPDATE_IF -> {
              for (long a : addrs) {
                pairSrc.add(i);
                pairAddr.add(a);
              }
            }
          }
        }
        if (!pairSrc.isEmpty()) {
          boolean[] holds = evaluatePairs(ds, cond, pairs, b, pairSrc, pairAddr, allocator);
          for (int j = 0; j < holds.length; j++) {
            if (holds[j]) {
              marks.add(pairAddr.get(j));
              int i = pairSrc.get(j);
              if (!keep[i]) {
                keep[i] = true;
                updated[i] = true;
                movedFrom[i] = pairAddr.get(j);
                counts[1]++;
              }
            }
          }
        }
        int kept = 0;
        int[] rowsOut = new int[n];
        for (int i = 0; i < n; i++) {
          if (keep[i]) {
            rowsOut[kept++] = i;
            if (lineage != null) {
              if (updated[i]) {
                lineage.moved(movedFrom[i]);
              } else {
                lineage.inserted();
              }
            }
          }
        }
        List<FieldVector> out = new ArrayList<>();
        try {
          int[] parts = new int[kept];
          for (Field f : schema.getFields()) {
            FieldVector src = b.getVector(f.getName());
            // Gather in the source's own type (names and metadata of nested fields may differ
            // from the dataset's), then move the buffers under the dataset's field.
            try (FieldVector g = Batches.gather(src.getField(), List.of(src), parts, rowsOut, kept, allocator)) {
              out.add(Batches.move(g, f, allocator));
            }
          }
          VectorSchemaRoot r = new VectorSchemaRoot(schema.getFields(), out, kept);
          out = null;
          return r;
        } finally {
          Batches.closeAll(out);
        }
      }
    }) {
      fresh = DatasetWriter.writeFragments(rows, ds.store(), base, written);
      if (lineage != null) {
        lineages = lineage.split(fresh);
      }
    } catch (IOException | RuntimeException e) {
      Dml.deleteQuietly(ds.store(), written);
      throw e;
    }
    long deleted = counts[2];
    if (deleteBySource) {
      for (Object v : target.values()) {
        for (long a : v instanceof Long l ? new long[] {l} : (long[]) v) {
          if (eligible == null || eligible.contains(a)) {
            marks.add(a);
            deleted++;
          }
        }
      }
    }
    for (var e : unmatchable.byFragment.entrySet()) {
      for (int off : e.getValue()) {
        marks.add((e.getKey() << 32) | Integer.toUnsignedLong(off));
        deleted++;
      }
    }
    target.clear();
    seen.clear();
    FragmentDeletions d;
    try {
      d = FragmentDeletions.prepare(ds.store(), ds.version(), marks.resolve(base));
    } catch (IOException | RuntimeException e) {
      Dml.deleteQuietly(ds.store(), written);
      throw e;
    }
    Dataset next = Dml.commit(ds, new UpdateOperation(d, fresh, lineages), d, written);
    return new Result(next, counts[0], counts[1], deleted);
  }

  /** Parses a clause's condition, which must be boolean. */
  private static dev.lancelet.table.expr.Expression condition(String sql, Schema schema, Dataset ds, String clause) {
    dev.lancelet.table.expr.Expression x = dev.lancelet.table.expr.Expression.parse(sql, schema);
    if (!(x.resultType() instanceof ArrowType.Bool)) {
      throw new IllegalArgumentException("Merge-insert into " + ds.uri() + ": the " + clause + " condition '" + sql
          + "' is not a boolean expression (it gives " + x.resultType() + ")");
    }
    return x;
  }

  /**
   * Whether the matched-update condition holds for each (source row, target row) pair: the target
   * rows are read by address, both sides put in struct columns {@code source} and {@code target}.
   */
  private static boolean[] evaluatePairs(Dataset ds, dev.lancelet.table.expr.Expression cond, Schema pairSchema,
      VectorSchemaRoot b, List<Integer> pairSrc, List<Long> pairAddr, BufferAllocator allocator) throws IOException {
    int p = pairSrc.size();
    long[] addrs = new long[p];
    int[] srcRows = new int[p];
    for (int j = 0; j < p; j++) {
      addrs[j] = pairAddr.get(j);
      srcRows[j] = pairSrc.get(j);
    }
    List<FieldVector> structs = new ArrayList<>();
    try (VectorSchemaRoot t = ds.takeByAddress(addrs, null)) {
      Field sf = pairSchema.getFields().get(0);
      List<FieldVector> srcCols = new ArrayList<>();
      try {
        int[] parts = new int[p];
        for (Field f : sf.getChildren()) {
          FieldVector src = b.getVector(f.getName());
          try (FieldVector g = Batches.gather(src.getField(), List.of(src), parts, srcRows, p, allocator)) {
            srcCols.add(Batches.move(g, f, allocator));
          }
        }
        structs.add(struct(sf, srcCols, p, allocator));
      } finally {
        Batches.closeAll(srcCols);
      }
      structs.add(struct(pairSchema.getFields().get(1), t.getFieldVectors(), p, allocator));
      try (VectorSchemaRoot pairRoot = new VectorSchemaRoot(pairSchema.getFields(), structs, p);
          FieldVector v = cond.evaluate(pairRoot, allocator, "condition")) {
        structs = null;
        org.apache.arrow.vector.BitVector bits = (org.apache.arrow.vector.BitVector) v;
        boolean[] out = new boolean[p];
        for (int j = 0; j < p; j++) {
          out[j] = !bits.isNull(j) && bits.get(j) == 1;
        }
        return out;
      }
    } finally {
      Batches.closeAll(structs);
    }
  }

  /** A non-null struct vector of {@code n} rows whose children take over the buffers of {@code children}. */
  private static FieldVector struct(Field f, List<FieldVector> children, int n, BufferAllocator allocator) {
    org.apache.arrow.vector.complex.StructVector sv =
        (org.apache.arrow.vector.complex.StructVector) f.createVector(allocator);
    boolean ok = false;
    try {
      sv.setInitialCapacity(n);
      sv.allocateNew();
      for (int c = 0; c < children.size(); c++) {
        children.get(c).makeTransferPair(sv.getChildByOrdinal(c)).transfer();
      }
      for (int i = 0; i < n; i++) {
        sv.setIndexDefined(i);
      }
      sv.setValueCount(n);
      ok = true;
      return sv;
    } finally {
      if (!ok) {
        sv.close();
      }
    }
  }

  private void checkSource(Schema in, Schema schema) {
    if (in.getFields().size() != schema.getFields().size()) {
      throw new IllegalArgumentException("Merge-insert source has columns " + names(in) + " but " + dataset.uri()
          + " has " + names(schema));
    }
    for (Field f : schema.getFields()) {
      Field s;
      try {
        s = in.findField(f.getName());
      } catch (IllegalArgumentException e) {
        s = null;
      }
      if (s == null) {
        throw new IllegalArgumentException("Merge-insert source has no column '" + f.getName() + "'; source columns are "
            + names(in) + ", dataset columns " + names(schema));
      }
      if (!SchemaEvolution.sameType(s, f)) {
        throw new IllegalArgumentException("Merge-insert source column '" + f.getName() + "' is " + s.getType()
            + " but the dataset column is " + f.getType());
      }
    }
  }

  private static List<String> names(Schema s) {
    List<String> out = new ArrayList<>();
    for (Field f : s.getFields()) {
      out.add(f.getName());
    }
    return out;
  }

  private List<FieldVector> keyVectors(VectorSchemaRoot b) {
    List<FieldVector> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      out.add(b.getVector(k));
    }
    return out;
  }

  /** The key of row {@code i} as a value with content equality, or null when a part is NULL. */
  private static Object key(List<FieldVector> kv, int i) {
    if (kv.size() == 1) {
      return part(kv.get(0), i);
    }
    Object[] parts = new Object[kv.size()];
    for (int j = 0; j < parts.length; j++) {
      parts[j] = part(kv.get(j), i);
      if (parts[j] == null) {
        return null;
      }
    }
    return Arrays.asList(parts);
  }

  private static Object part(FieldVector v, int i) {
    if (v.isNull(i)) {
      return null;
    }
    Object o = v.getObject(i);
    if (o instanceof Text t) {
      return t.toString();
    }
    if (o instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    }
    return o;
  }

  private static String describe(Object k) {
    if (k instanceof ByteBuffer b) {
      return "binary(" + b.remaining() + " bytes)";
    }
    return String.valueOf(k);
  }

  private static Object append(Object old, long a) {
    if (old instanceof Long l) {
      return new long[] {l, a};
    }
    long[] o = (long[]) old;
    long[] n = Arrays.copyOf(o, o.length + 1);
    n[o.length] = a;
    return n;
  }
}
