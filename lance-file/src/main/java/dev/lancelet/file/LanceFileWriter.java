package dev.lancelet.file;

import dev.lancelet.file.container.ContainerWriter;
import dev.lancelet.file.encoding.write.ColumnWriters;
import dev.lancelet.file.schema.LanceSchemaConverter;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one Lance file from a stream of Arrow batches. Memory stays bounded: each column's
 * values are buffered only until a page fills, then encoded and written. The file becomes visible
 * under its name when {@link #close()} returns; {@link #abort()} discards it. Not thread-safe.
 */
public final class LanceFileWriter implements AutoCloseable {

  private final String path;
  private final Schema schema;
  private final Schema logical; // dictionary fields carry their value type
  private final DictionaryProvider defaultDictionaries;
  private final ObjectWriter out;
  private final ContainerWriter container;
  private final ColumnWriters columns;
  private final dev.lancelet.file.v20.V20FileEncoder v20;
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private long rows;
  private boolean closed;

  private LanceFileWriter(ObjectStore store, String path, Schema schema, Schema logical, DictionaryProvider dictionaries,
      ObjectWriter out, WriteOptions options) {
    this.path = path;
    this.schema = schema;
    this.logical = logical;
    this.defaultDictionaries = dictionaries;
    this.out = out;
    if (schema.getCustomMetadata() != null) {
      metadata.putAll(schema.getCustomMetadata());
    }
    boolean v20 = options.version() == LanceFileVersion.V2_0;
    int numColumns = v20 ? dev.lancelet.file.v20.V20FileEncoder.numColumns(schema.getFields()) : ColumnWriters.numColumns(logical.getFields());
    this.container = new ContainerWriter(out, options.version(), numColumns);
    this.columns = v20 ? null : new ColumnWriters(logical.getFields(), options.version(), container, options.maxPageBytes(),
        store, path, options.blobPackFileSize());
    this.v20 = v20 ? new dev.lancelet.file.v20.V20FileEncoder(schema.getFields(), container, options.maxPageBytes()) : null;
  }

  /** Starts a file at {@code path} in {@code store} for batches of {@code schema}. */
  public static LanceFileWriter create(
      ObjectStore store, String path, Schema schema, BufferAllocator allocator, WriteOptions options)
      throws IOException {
    return create(store, path, schema, allocator, options, null);
  }

  /**
   * Starts a file for batches of {@code schema} that may have dictionary-encoded fields.
   *
   * <p>In Arrow Java a dictionary-encoded field's type is the index type (what {@code
   * DictionaryEncoder.encode} and {@code VectorSchemaRoot.create} produce); the value type is the
   * type of the dictionary vector. {@code dictionaries} supplies that vector for each such field,
   * so the value type (utf8, large_utf8, binary or large_binary) can go into the file's schema.
   * A field may instead carry the value type itself, as Arrow IPC schemas do. The same provider
   * is used by {@link #write(VectorSchemaRoot)}; {@link #write(VectorSchemaRoot,
   * DictionaryProvider)} can pass other dictionaries per batch.
   */
  public static LanceFileWriter create(
      ObjectStore store, String path, Schema schema, BufferAllocator allocator, WriteOptions options,
      DictionaryProvider dictionaries) throws IOException {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(options, "options");
    LanceFileVersion v = options.version();
    if (v != LanceFileVersion.V2_0 && v != LanceFileVersion.V2_1 && v != LanceFileVersion.V2_2) {
      throw new UnsupportedOperationException(
          "Lancelet writes Lance file versions 2.0, 2.1 and 2.2 only for now, not " + v);
    }
    if (v == LanceFileVersion.V2_0 || v == LanceFileVersion.V2_1) {
      for (var f : schema.getFields()) {
        if (f.getMetadata() != null && LanceSchemaConverter.BLOB_V2_EXTENSION.equals(f.getMetadata().get(LanceSchemaConverter.EXTENSION_NAME_KEY))) {
          throw new UnsupportedOperationException("Blob v2 field " + f.getName() + " (" + LanceSchemaConverter.BLOB_V2_EXTENSION
              + ") needs file version 2.2 or later, not " + v + "; use lance-encoding:blob on a large_binary field for " + v);
        }
      }
    }
    // Validate the schema (unsupported types fail here) before creating anything.
    Schema logical;
    if (v == LanceFileVersion.V2_0) {
      dev.lancelet.file.v20.V20FileEncoder.numColumns(schema.getFields());
      logical = new Schema(dev.lancelet.file.v20.V20FileEncoder.resolveDictionaries(schema.getFields(), dictionaries),
          schema.getCustomMetadata());
    } else {
      logical = new Schema(ColumnWriters.resolveDictionaries(schema.getFields(), dictionaries),
          schema.getCustomMetadata());
      ColumnWriters.numColumns(logical.getFields());
    }
    LanceSchemaConverter.toLance(logical);
    ObjectWriter w = store.create(path);
    boolean ok = false;
    try {
      LanceFileWriter writer = new LanceFileWriter(store, path, schema, logical, dictionaries, w, options);
      ok = true;
      return writer;
    } finally {
      if (!ok) {
        w.abort();
      }
    }
  }

  /**
   * Appends a batch; its schema must equal the writer's. The batch is not retained. Use {@link
   * #write(VectorSchemaRoot, DictionaryProvider)} when the schema has dictionary-encoded fields.
   */
  public void write(VectorSchemaRoot batch) throws IOException {
    write(batch, defaultDictionaries);
  }

  /**
   * Appends a batch whose dictionary-encoded fields (Arrow {@code DictionaryEncoding} on a utf8,
   * large_utf8, binary or large_binary field; the batch's vectors hold the integer indices) are
   * resolved through {@code dictionaries}. The dictionaries are looked up anew for every batch,
   * so they may differ from batch to batch. They are not retained.
   *
   * <p>As in Lance, such a field is stored as a mini-block page of indices with a layout-level
   * dictionary holding the page's batch dictionaries one after another, and its schema logical
   * type is {@code dict:<value>:<index>:false}. Readers get the values back.
   * In 2.0 output the field is stored as 2.0 {@code Dictionary} pages of the indices over the
   * page's dictionary values, nulls pointing at a null value.
   */
  public void write(VectorSchemaRoot batch, DictionaryProvider dictionaries) throws IOException {
    checkOpen();
    if (!batch.getSchema().getFields().equals(schema.getFields())) {
      throw new IllegalArgumentException(
          "Batch schema does not match the writer's schema for " + path + ": expected "
              + schema.getFields() + ", got " + batch.getSchema().getFields());
    }
    if (batch.getRowCount() == 0) {
      return;
    }
    if (v20 != null) {
      v20.write(batch, rows, dictionaries);
    } else {
      columns.write(batch, rows, dictionaries);
    }
    rows += batch.getRowCount();
  }

  /**
   * Appends a batch whose blob v2 values may come from elsewhere (copying blobs between files or
   * datasets): for each blob v2 column named in {@code blobSources}, a row whose struct is valid
   * but sets neither {@code data} nor {@code uri} takes its bytes from the handle at the same
   * index of the list (which must have one entry per batch row; entries of other rows are
   * ignored). The bytes are streamed from the handle into the data file or a sidecar in reads of
   * at most {@value dev.lancelet.file.blob.BlobHandle#STREAM_READ_BYTES} bytes, and placed by
   * size like any other value. Handles must stay readable until this returns.
   *
   * @throws IllegalArgumentException if a list's length differs from the batch's row count or a
   *     named column is not a blob v2 column of the writer's schema
   */
  public void write(VectorSchemaRoot batch, java.util.Map<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> blobSources)
      throws IOException {
    write(batch, defaultDictionaries, blobSources);
  }

  /**
   * {@link #write(VectorSchemaRoot, Map)} for a batch that also has dictionary-encoded fields,
   * resolved through {@code dictionaries} as in {@link #write(VectorSchemaRoot,
   * DictionaryProvider)}.
   */
  public void write(VectorSchemaRoot batch, DictionaryProvider dictionaries,
      java.util.Map<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> blobSources) throws IOException {
    checkOpen();
    Objects.requireNonNull(blobSources, "blobSources");
    if (blobSources.isEmpty()) {
      write(batch, dictionaries);
      return;
    }
    for (Map.Entry<String, java.util.List<dev.lancelet.file.blob.BlobHandle>> e : blobSources.entrySet()) {
      var f = logical.getFields().stream().filter(x -> x.getName().equals(e.getKey())).findFirst().orElse(null);
      if (f == null || f.getMetadata() == null
          || !LanceSchemaConverter.BLOB_V2_EXTENSION.equals(f.getMetadata().get(LanceSchemaConverter.EXTENSION_NAME_KEY))) {
        throw new IllegalArgumentException("Blob sources given for '" + e.getKey() + "', which is not a blob v2 column of " + path);
      }
      if (e.getValue().size() != batch.getRowCount()) {
        throw new IllegalArgumentException("Blob sources for '" + e.getKey() + "' has " + e.getValue().size()
            + " entries for a batch of " + batch.getRowCount() + " rows");
      }
    }
    if (!batch.getSchema().getFields().equals(schema.getFields())) {
      throw new IllegalArgumentException(
          "Batch schema does not match the writer's schema for " + path + ": expected "
              + schema.getFields() + ", got " + batch.getSchema().getFields());
    }
    if (batch.getRowCount() == 0) {
      return;
    }
    columns.write(batch, rows, dictionaries, blobSources);
    rows += batch.getRowCount();
  }

  /** Adds schema-level metadata written into the file's schema. */
  public void addMetadata(Map<String, String> metadata) {
    checkOpen();
    this.metadata.putAll(metadata);
  }

  /** Rows written so far. */
  public long rowsWritten() {
    return rows;
  }

  /** Flushes remaining pages, writes metadata and footer, and publishes the file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean ok = false;
    try {
      if (v20 != null) {
        v20.finish();
      } else {
        columns.finish();
      }
      container.finish(LanceSchemaConverter.toLanceFile(logical), metadata, rows);
      out.close();
      ok = true;
    } finally {
      if (!ok) {
        out.abort();
        if (columns != null) {
          columns.abortSidecars();
        }
      }
    }
  }

  /** Discards the file and any blob sidecar files written for it. */
  public void abort() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    out.abort();
    if (columns != null) {
      columns.abortSidecars();
    }
  }

  /**
   * Paths, in the writer's store, of the blob v2 sidecar files written for this file so far: for
   * data file {@code dir/<stem>.lance}, {@code dir/<stem>/<id>.blob} (see {@link
   * dev.lancelet.file.blob.BlobStore#sidecarPath}). Pack files become visible when the file is
   * closed; {@link #abort()} deletes them all.
   */
  public java.util.List<String> blobSidecars() {
    return columns == null ? java.util.List.of() : columns.blobSidecars();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("LanceFileWriter for " + path + " is closed");
    }
  }
}
