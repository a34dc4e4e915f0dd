package dev.lancelet.table;

import dev.lancelet.file.blob.BlobHandle;
import dev.lancelet.file.blob.BlobKind;
import dev.lancelet.table.format.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Turns rows of blob v2 columns as scans read them (descriptor structs, a null value read as an
 * empty descriptor) back into the writer's input form {@code struct<data, uri>} plus one {@link
 * BlobHandle} per row, so that rewriting rows (compaction, update) copies the blobs through
 * {@link dev.lancelet.file.LanceFileWriter#write(VectorSchemaRoot, Map)}: payloads stream from
 * their current place (data file, sidecar) into the new file or its sidecars, never loaded whole.
 *
 * <p>Per row: a null value (its handle is null) stays null; an external value keeps its URI; any
 * other value is a valid struct with neither child set, whose bytes come from the handle.
 */
final class BlobRewrite {
  private BlobRewrite() {}

  /** Handles, by position in {@code rows}, on the blob values of the batch rows {@code rows}. */
  @FunctionalInterface
  interface HandleSource {
    List<BlobHandle> handles(int[] rows) throws IOException;
  }

  /** A rewritten batch: the input-form root and, per blob v2 column, one handle per row. */
  record Batch(VectorSchemaRoot root, Map<String, List<BlobHandle>> sources) implements AutoCloseable {
    /** Rows {@code [from, from + n)}: a new batch; this one is closed. */
    Batch slice(int from, int n, BufferAllocator allocator) {
      Map<String, List<BlobHandle>> s = new LinkedHashMap<>();
      for (Map.Entry<String, List<BlobHandle>> e : sources.entrySet()) {
        s.put(e.getKey(), e.getValue().subList(from, from + n));
      }
      return new Batch(Batches.slice(root, from, n, allocator), s);
    }

    @Override
    public void close() {
      root.close();
    }
  }

  /** Whether {@code f} (a manifest Arrow field) is a blob v2 field. */
  static boolean isBlobV2(Field f) {
    return f != null && f.getMetadata() != null
        && FragmentReader.BLOB_V2_EXTENSION.equals(f.getMetadata().get("ARROW:extension:name"));
  }

  /** Whether the dataset has a top-level blob v2 column. */
  static boolean hasBlobV2(Manifest m) {
    for (Field f : m.schema().arrowSchema().getFields()) {
      if (isBlobV2(f)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The input-form column of a blob v2 field for the descriptors {@code d} (as scans give them;
   * not closed), filling {@code handles} (one entry per row, null where the row needs none).
   *
   * @param field the manifest's blob v2 field ({@code struct<data, uri>})
   * @param source handles on the rows whose values are not external
   * @param what the operation and dataset, for messages
   * @throws UnsupportedOperationException for an external value that names a range of its object
   *     (the input form has no position or size)
   */
  static FieldVector inputColumn(StructVector d, Field field, HandleSource source, List<BlobHandle> handles,
      BufferAllocator allocator, String what) throws IOException {
    int n = d.getValueCount();
    UInt1Vector kind = (UInt1Vector) d.getChildByOrdinal(0);
    UInt8Vector position = (UInt8Vector) d.getChildByOrdinal(1);
    UInt8Vector size = (UInt8Vector) d.getChildByOrdinal(2);
    VarCharVector uri = (VarCharVector) d.getChildByOrdinal(4);
    int[] sourced = new int[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      boolean external = !d.isNull(i) && (kind.get(i) & 0xFF) == BlobKind.EXTERNAL.code();
      if (!external) {
        sourced[k++] = i;
      } else if (position.get(i) != 0 || size.get(i) != 0) {
        throw new UnsupportedOperationException(what + " is not supported: blob column '" + field.getName()
            + "' has an external value naming bytes [" + Long.toUnsignedString(position.get(i)) + ", +"
            + Long.toUnsignedString(size.get(i)) + ") of " + new String(uri.get(i), java.nio.charset.StandardCharsets.UTF_8)
            + ", and Lancelet writes external blob values only as whole objects");
      }
    }
    List<BlobHandle> hs = source.handles(Arrays.copyOf(sourced, k));
    if (hs.size() != k) {
      throw new IllegalStateException("Asked for " + k + " blob handles, got " + hs.size());
    }
    BlobHandle[] perRow = new BlobHandle[n];
    for (int j = 0; j < k; j++) {
      perRow[sourced[j]] = hs.get(j);
    }
    StructVector out = (StructVector) field.createVector(allocator);
    try {
      out.allocateNew();
      FieldVector data = (FieldVector) out.getChild("data");
      VarCharVector outUri = (VarCharVector) out.getChild("uri");
      int next = 0;
      for (int i = 0; i < n; i++) {
        boolean isSourced = next < k && sourced[next] == i;
        if (isSourced) {
          next++;
          if (perRow[i] == null) {
            out.setNull(i);
          } else {
            out.setIndexDefined(i);
          }
          handles.add(perRow[i]);
        } else {
          out.setIndexDefined(i);
          outUri.setSafe(i, uri.get(i));
          handles.add(null);
        }
      }
      data.setValueCount(n);
      outUri.setValueCount(n);
      out.setValueCount(n);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * A batch of {@code logical} (the manifest's Arrow schema, blob v2 fields in input form) from
   * {@code in}, whose first columns are read in the same order (blob v2 ones as descriptors).
   * Columns are moved out of {@code in} (which the caller still closes).
   *
   * @param sources per column index, handles for that blob v2 column's rows
   */
  static Batch rewrite(VectorSchemaRoot in, Schema logical, Map<Integer, HandleSource> sources,
      BufferAllocator allocator, String what) throws IOException {
    List<FieldVector> out = new ArrayList<>();
    Map<String, List<BlobHandle>> handles = new LinkedHashMap<>();
    try {
      for (int i = 0; i < logical.getFields().size(); i++) {
        Field f = logical.getFields().get(i);
        FieldVector v = in.getVector(i);
        if (isBlobV2(f)) {
          List<BlobHandle> hs = new ArrayList<>(in.getRowCount());
          out.add(inputColumn((StructVector) v, f, sources.get(i), hs, allocator, what));
          handles.put(f.getName(), hs);
        } else {
          out.add(Batches.move(v, f, allocator));
        }
      }
      VectorSchemaRoot r = new VectorSchemaRoot(logical.getFields(), out, in.getRowCount());
      out = null;
      return new Batch(r, handles);
    } finally {
      Batches.closeAll(out);
    }
  }
}
