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
 * version. Source rows whose key matches a target row can replace it ({@link
 * #whenMatchedUpdateAll()}); source rows matching none can be inserted ({@link
 * #whenNotMatchedInsertAll()}); target rows matched by no source row can be deleted ({@link
 * #whenNotMatchedBySourceDelete()}). Replaced rows are deleted from their fragments through
 * deletion files and written, with the inserted rows, into new fragments; the commit is Lance's
 * {@code Update} transaction.
 *
 * <p>Keys: a row whose key has a NULL part matches nothing. Two source rows with the same key are
 * an error. When several live target rows share a key, a matching source row replaces them all
 * with one row.
 *
 * <p>Stable row ids: an updated row keeps the row id (and created-at version) of the target row
 * it replaces (of the first one, in scan order, when several share its key); inserted rows get new
 * row ids. This takes 8 more bytes per written row.
 *
 * <p>Memory: the keys of every live target row (with their row addresses) and of every source row
 * are held in hash tables, roughly 100 bytes per row plus the key values; the other columns
 * stream through one batch at a time.
 */
public final class MergeInsertBuilder {
  private final Dataset dataset;
  private final List<String> keys;
  private boolean update;
  private boolean insert;
  private boolean deleteBySource;

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
    this.update = true;
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
   * closed) and commits it on top of the dataset's version.
   *
   * @return the new version and row counts
   * @throws IllegalArgumentException when the source's columns differ from the dataset's, or two
   *     source rows share a key
   * @throws CommitConflictException when a concurrent commit changed the same fragments
   */
  public Result execute(ArrowReader source) throws IOException {
    Objects.requireNonNull(source, "source");
    if (!update && !insert && !deleteBySource) {
      throw new IllegalStateException("Merge-insert into " + dataset.uri()
          + " has nothing to do: choose whenMatchedUpdateAll, whenNotMatchedInsertAll and/or whenNotMatchedBySourceDelete");
    }
    Manifest base = dataset.manifest();
    Schema schema = dataset.schema();
    for (Field f : source.getVectorSchemaRoot().getSchema().getFields()) {
      if (f.getDictionary() != null) {
        throw new UnsupportedOperationException("Merge-insert source column '" + f.getName()
            + "' is dictionary-encoded; decode it first (not supported yet)");
      }
    }
    Schema in = DatasetWriter.logicalSchema(source.getVectorSchemaRoot().getSchema(), source);
    checkSource(in, schema);

    // 1. Keys of the live target rows -> row address (long) or addresses (long[]) when repeated.
    Map<Object, Object> target = new HashMap<>();
    Dml.Marks unmatchable = new Dml.Marks();
    try (ArrowReader r = dataset.newScan().columns(keys).withRowAddress(true).open()) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot b = r.getVectorSchemaRoot();
        List<FieldVector> kv = keyVectors(b);
        UInt8Vector addr = (UInt8Vector) b.getVector(FragmentReader.ROW_ADDR);
        for (int i = 0; i < b.getRowCount(); i++) {
          Object k = key(kv, i);
          long a = addr.get(i);
          if (k != null) {
            target.merge(k, a, (old, x) -> append(old, a));
          } else if (deleteBySource) {
            unmatchable.add(a); // a NULL key matches no source row
          }
        }
      }
    }

    // 2. Stream the source: note matches, keep the rows to write.
    Dml.Marks marks = new Dml.Marks();
    Set<Object> seen = new HashSet<>();
    long[] counts = new long[2]; // inserted, updated
    BufferAllocator allocator = dataset.allocator();
    List<String> written = new ArrayList<>();
    List<dev.lancelet.table.format.Fragment> fresh;
    // With stable row ids an updated row keeps its id (the first target row's when several share
    // the key); inserted rows get new ids on commit.
    RowLineage lineage = RowLineage.forWrites(dataset);
    List<UpdateOperation.Lineage> lineages = null;
    try (MappedReader rows = new MappedReader(allocator, schema) {
      @Override
      VectorSchemaRoot next() throws IOException {
        if (!source.loadNextBatch()) {
          return null;
        }
        VectorSchemaRoot b = source.getVectorSchemaRoot();
        int n = b.getRowCount();
        List<FieldVector> kv = keyVectors(b);
        int[] keep = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
          Object k = key(kv, i);
          Object match = null;
          if (k != null) {
            if (!seen.add(k)) {
              throw new IllegalArgumentException("Merge-insert into " + dataset.uri() + ": the source has more than one row"
                  + " with key " + keys + " = " + describe(k) + "; each target row may be matched by one source row only");
            }
            match = target.remove(k);
          }
          if (match != null) {
            if (update) {
              if (match instanceof Long a) {
                marks.add(a);
              } else {
                for (long a : (long[]) match) {
                  marks.add(a);
                }
              }
              keep[kept++] = i;
              counts[1]++;
              if (lineage != null) {
                lineage.moved(match instanceof Long a ? a : ((long[]) match)[0]);
              }
            }
          } else if (insert) {
            keep[kept++] = i;
            counts[0]++;
            if (lineage != null) {
              lineage.inserted();
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
            try (FieldVector g = Batches.gather(src.getField(), List.of(src), parts, keep, kept, allocator)) {
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
      fresh = DatasetWriter.writeFragments(rows, dataset.store(), base, written);
      if (lineage != null) {
        lineages = lineage.split(fresh);
      }
    } catch (IOException | RuntimeException e) {
      Dml.deleteQuietly(dataset.store(), written);
      throw e;
    }
    long deleted = 0;
    if (deleteBySource) {
      for (Object v : target.values()) {
        if (v instanceof Long a) {
          marks.add(a);
          deleted++;
        } else {
          for (long a : (long[]) v) {
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
      d = FragmentDeletions.prepare(dataset.store(), dataset.version(), marks.resolve(base));
    } catch (IOException | RuntimeException e) {
      Dml.deleteQuietly(dataset.store(), written);
      throw e;
    }
    Dataset next = Dml.commit(dataset, new UpdateOperation(d, fresh, lineages), d, written);
    return new Result(next, counts[0], counts[1], deleted);
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
      if (!sameType(s, f)) {
        throw new IllegalArgumentException("Merge-insert source column '" + f.getName() + "' is " + s.getType()
            + " but the dataset column is " + f.getType());
      }
    }
  }

  private static boolean sameType(Field a, Field b) {
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
