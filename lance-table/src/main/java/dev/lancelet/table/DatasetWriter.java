package dev.lancelet.table;

import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.AppendOperation;
import dev.lancelet.table.commit.Committer;
import dev.lancelet.table.commit.ManifestStore;
import dev.lancelet.table.commit.Operation;
import dev.lancelet.table.commit.OverwriteOperation;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.FeatureFlags;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.TableSchema;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes a stream of batches as data files (one fragment per file) and commits them: the files
 * first, then the manifest. Anything that fails before the commit, or a commit that loses to a
 * non-commuting change, deletes the files it wrote; the previous version stays as it was.
 */
final class DatasetWriter {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private DatasetWriter() {}

  /**
   * A data file name as Lance makes them: a random UUID whose first 3 bytes are written as 24
   * binary digits and the remaining 13 as 26 hex digits, then {@code .lance}.
   */
  static String newDataFileName() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
    StringBuilder sb = new StringBuilder(56);
    for (int i = 0; i < 3; i++) {
      for (int bit = 7; bit >= 0; bit--) {
        sb.append(((b[i] >> bit) & 1) == 1 ? '1' : '0');
      }
    }
    for (int i = 3; i < 16; i++) {
      sb.append(HEX[(b[i] >> 4) & 0xf]).append(HEX[b[i] & 0xf]);
    }
    return sb.append(".lance").toString();
  }

  static Manifest write(ArrowReader data, ObjectStore store, WriteOptions options) throws IOException {
    Committer committer = new Committer(store, options.commitRetries());
    committer.requireSafeStore();
    long latest = committer.latestOrZero();
    if (options.mode() == WriteOptions.Mode.CREATE && latest > 0) {
      throw new LanceTableException("Cannot create a dataset at " + store.uri() + ": one exists (latest version "
          + latest + "); use mode APPEND or OVERWRITE");
    }
    Manifest base = latest > 0 ? new ManifestStore(store).read(latest).manifest() : null;
    if (base != null) {
      FeatureFlags.checkWritable(base.writerFeatureFlags(), "Dataset " + store.uri() + " version " + latest);
      if (base.hasBasePaths()) {
        throw new UnsupportedFeatureException("Dataset " + store.uri() + " uses external base paths; not supported yet");
      }
    }
    Schema input = data.getVectorSchemaRoot().getSchema();
    Schema logical = logicalSchema(input, data);
    boolean append = options.mode() == WriteOptions.Mode.APPEND && base != null;
    TableSchema schema;
    List<LanceField> order;
    LanceFileVersion version;
    if (append) {
      schema = base.schema();
      order = schema.match(logical);
      version = writableVersion(base.dataStorageVersion(), store.uri(), "Cannot append to " + store.uri());
    } else {
      schema = TableSchema.fromArrow(logical);
      order = schema.topLevel();
      version = options.fileVersion();
    }
    List<Integer> fieldIds = new ArrayList<>();
    for (LanceField f : order) {
      collectIds(f, version == LanceFileVersion.V2_0, fieldIds);
    }
    List<Integer> columns = new ArrayList<>();
    for (int i = 0; i < fieldIds.size(); i++) {
      columns.add(i);
    }
    List<String> written = new ArrayList<>();
    boolean committing = false;
    try {
      List<Fragment> fragments = writeFiles(data, input, store, options, version, fieldIds, columns, written);
      String versionName = version.major() + "." + version.minor();
      Operation op = append ? new AppendOperation(fragments)
          : new OverwriteOperation(schema, fragments, versionName, options.stableRowIds() || (base != null
              && options.mode() == WriteOptions.Mode.OVERWRITE && base.stableRowIds()), base == null);
      committing = true;
      return committer.commit(op, latest).manifest();
    } catch (CommitConflictException e) {
      deleteQuietly(store, written);
      throw e;
    } catch (IOException | RuntimeException e) {
      // Before the commit the files are certainly unused. A failure inside the commit may leave
      // its outcome unknown; then the files are kept (an orphan is harmless, a missing file is not).
      if (!committing) {
        deleteQuietly(store, written);
      }
      throw e;
    }
  }

  /**
   * Writes {@code data} (columns of the dataset, any order, by name) as new fragments of an
   * existing dataset without committing them: the files take the dataset's data storage version
   * and field ids. Paths written are added to {@code written}, also when this fails.
   */
  static List<Fragment> writeFragments(ArrowReader data, ObjectStore store, Manifest base, List<String> written)
      throws IOException {
    Schema input = data.getVectorSchemaRoot().getSchema();
    List<LanceField> order = base.schema().match(logicalSchema(input, data));
    LanceFileVersion version = writableVersion(base.dataStorageVersion(), store.uri(), "Cannot write to " + store.uri());
    List<Integer> fieldIds = new ArrayList<>();
    for (LanceField f : order) {
      collectIds(f, version == LanceFileVersion.V2_0, fieldIds);
    }
    List<Integer> columns = new ArrayList<>();
    for (int i = 0; i < fieldIds.size(); i++) {
      columns.add(i);
    }
    return writeFiles(data, input, store, WriteOptions.builder().build(), version, fieldIds, columns, written);
  }

  private static void deleteQuietly(ObjectStore store, List<String> paths) {
    for (String p : paths) {
      try {
        store.delete(p);
      } catch (IOException e) {
        // orphans are harmless
      }
    }
  }

  static void collectIds(LanceField f, boolean all, List<Integer> out) {
    if (FragmentReader.BLOB_V2_EXTENSION.equals(f.metadata().get("ARROW:extension:name"))) {
      // A blob v2 field is one column of descriptors; its data file lists only the field itself.
      out.add(f.id());
      return;
    }
    if (all || f.isLeaf()) {
      out.add(f.id());
    }
    for (LanceField c : f.children()) {
      collectIds(c, all, out);
    }
  }

  private static List<Fragment> writeFiles(ArrowReader data, Schema input, ObjectStore store, WriteOptions options,
      LanceFileVersion version, List<Integer> fieldIds, List<Integer> columns, List<String> written) throws IOException {
    try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator()) {
      return writeFiles(data, input, store, options, version, fieldIds, columns, written, allocator);
    }
  }

  private static List<Fragment> writeFiles(ArrowReader data, Schema input, ObjectStore store, WriteOptions options,
      LanceFileVersion version, List<Integer> fieldIds, List<Integer> columns, List<String> written,
      org.apache.arrow.memory.BufferAllocator allocator) throws IOException {
    List<Fragment> out = new ArrayList<>();
    dev.lancelet.file.WriteOptions fileOptions = dev.lancelet.file.WriteOptions.builder().version(version).build();
    LanceFileWriter w = null;
    String name = null;
    long rows = 0;
    long bytes = 0;
    try {
      while (data.loadNextBatch()) {
        VectorSchemaRoot root = data.getVectorSchemaRoot();
        // Rewritten rows (update) copy their blob v2 values from handles.
        java.util.Map<String, List<dev.lancelet.file.blob.BlobHandle>> blobs =
            data instanceof MappedReader m ? m.blobSources() : java.util.Map.of();
        int n = root.getRowCount();
        long batchBytes = 0;
        for (FieldVector v : root.getFieldVectors()) {
          batchBytes += v.getBufferSize();
        }
        int off = 0;
        while (off < n) {
          if (w == null) {
            name = newDataFileName();
            written.add("data/" + name);
            w = LanceFileWriter.create(store, "data/" + name, input, allocator, fileOptions, data);
            rows = 0;
            bytes = 0;
          }
          int take = (int) Math.min(n - off, options.maxRowsPerFile() - rows);
          if (off == 0 && take == n) {
            write(w, root, data, blobs);
          } else {
            try (VectorSchemaRoot s = Batches.split(root, input.getFields(), off, take)) {
              java.util.Map<String, List<dev.lancelet.file.blob.BlobHandle>> part = new java.util.LinkedHashMap<>();
              for (var e : blobs.entrySet()) {
                part.put(e.getKey(), e.getValue().subList(off, off + take));
              }
              write(w, s, data, part);
            }
          }
          rows += take;
          bytes += n == 0 ? 0 : batchBytes * take / n;
          off += take;
          if (rows >= options.maxRowsPerFile() || bytes >= options.maxBytesPerFile()) {
            out.add(finish(w, store, name, rows, version, fieldIds, columns, written));
            w = null;
          }
        }
      }
      if (w != null) {
        if (rows > 0) {
          out.add(finish(w, store, name, rows, version, fieldIds, columns, written));
        } else {
          w.abort();
          written.remove("data/" + name);
        }
        w = null;
      }
      return out;
    } finally {
      if (w != null) {
        w.abort();
      }
    }
  }

  /** Writes a batch; blob v2 rows named in {@code blobs} stream from their handles. */
  private static void write(LanceFileWriter w, VectorSchemaRoot batch, DictionaryProvider dictionaries,
      java.util.Map<String, List<dev.lancelet.file.blob.BlobHandle>> blobs) throws IOException {
    if (blobs.isEmpty()) {
      w.write(batch, dictionaries);
    } else {
      // The writer was created with these dictionaries, which the blob-sourced write uses.
      w.write(batch, blobs);
    }
  }

  /**
   * The file version a manifest's data storage version {@code v} names, when Lancelet writes it;
   * otherwise an {@link UnsupportedFeatureException} whose message starts with {@code cannot}.
   */
  static LanceFileVersion writableVersion(String v, String uri, String cannot) throws UnsupportedFeatureException {
    LanceFileVersion version;
    try {
      version = LanceFileVersion.parse(v.isEmpty() ? "legacy" : v);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedFeatureException("Dataset " + uri + " records data storage version '" + v + "'");
    }
    if (version != LanceFileVersion.V2_0 && version != LanceFileVersion.V2_1 && version != LanceFileVersion.V2_2) {
      throw new UnsupportedFeatureException(cannot + ": its data storage version " + v
          + " is not one Lancelet writes (2.0, 2.1, 2.2)");
    }
    return version;
  }

  /** Closes {@code w} and describes its file as a one-file fragment; its blob sidecars join {@code written}. */
  static Fragment finish(LanceFileWriter w, ObjectStore store, String name, long rows, LanceFileVersion version,
      List<Integer> fieldIds, List<Integer> columns, List<String> written) throws IOException {
    w.close();
    // Blob v2 sidecars are this file's too: they go if the write or its commit fails.
    written.addAll(w.blobSidecars());
    long size = store.size("data/" + name);
    DataFile df = new DataFile(name, fieldIds, columns, version.major(), version.minor(), size, null);
    return Fragment.of(0, List.of(df), rows);
  }

  /**
   * The input schema with dictionary-encoded fields given their value type (Arrow Java gives them
   * the index type), so the table schema can name them {@code dict:<value>:<index>:false}.
   */
  static Schema logicalSchema(Schema s, DictionaryProvider dictionaries) {
    List<Field> out = new ArrayList<>();
    for (Field f : s.getFields()) {
      out.add(logical(f, dictionaries));
    }
    return new Schema(out, s.getCustomMetadata());
  }

  private static Field logical(Field f, DictionaryProvider dictionaries) {
    List<Field> kids = new ArrayList<>();
    for (Field c : f.getChildren()) {
      kids.add(logical(c, dictionaries));
    }
    if (f.getDictionary() == null) {
      return new Field(f.getName(), f.getFieldType(), kids);
    }
    Dictionary d = dictionaries == null ? null : dictionaries.lookup(f.getDictionary().getId());
    if (d == null) {
      // Already the value type (as in Arrow IPC schemas).
      return new Field(f.getName(), f.getFieldType(), kids);
    }
    return new Field(f.getName(), new FieldType(f.isNullable(), d.getVector().getField().getType(), f.getDictionary(),
        f.getMetadata()), kids);
  }
}
