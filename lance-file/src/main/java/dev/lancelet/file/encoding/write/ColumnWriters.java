package dev.lancelet.file.encoding.write;

import dev.lancelet.file.container.ContainerWriter;
import dev.lancelet.format.LanceFileVersion;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Drives the leaf columns of a file: shreds each batch, row block by row block, and flushes a
 * column's page as soon as its buffered bytes pass the page limit.
 *
 * <h2>Pipelined encoding</h2>
 *
 * With more than one processor a flushed page is encoded on a {@link ForkJoinPool#commonPool()
 * common-pool} thread while the caller goes on shredding; the caller writes encoded pages to the
 * container strictly in flush order, so the file's bytes are the same as with encoding inline.
 * At most {@value #MAX_PENDING} pages are in flight; the caller waits for the oldest beyond that.
 * Memory is bounded by about two pages (plus one row block) per column plus the pages in flight.
 */
public final class ColumnWriters {
  static final int MAX_BLOCK_ROWS = 1024;
  /** Pages encoded (or being encoded) but not yet written. */
  static final int MAX_PENDING = 2;

  /** A flushed page: its column, the detached page, and its encoding (done or under way). */
  private record Pending(LeafColumn column, LeafColumn page, CompletableFuture<PageEncoder.EncodedPage> encoded) {}

  private final List<Field> topFields;
  /** Per top-level field, its legacy blob writer (2.1 {@code lance-encoding:blob} columns), else null. */
  private final LegacyBlobs[] blobs;
  /** The same, per leaf. */
  private final LegacyBlobs[] leafBlob;
  /** Per top-level field, its blob v2 writer (2.2+ {@code lance.blob.v2} columns), else null. */
  private final BlobV2Writer[] blobsV2;
  /** The same, per leaf. */
  private final BlobV2Writer[] leafBlobV2;
  private final BlobV2Writer.Sidecars sidecars;
  private final List<LeafColumn> leaves;
  private final int[] leafStart; // first leaf index of each top-level field
  private final PageEncoder encoder;
  private final ContainerWriter container;
  private final long maxPageBytes;
  private final LanceFileVersion version;
  private final boolean pipelined = Runtime.getRuntime().availableProcessors() > 1;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  public ColumnWriters(List<Field> topFields, LanceFileVersion version, ContainerWriter container, long maxPageBytes) {
    this(topFields, version, container, maxPageBytes, null, null, 1L << 30);
  }

  /**
   * Column writers whose blob v2 columns put their sidecars next to data file {@code path} in
   * {@code store} (both may be null when the schema has no blob v2 field), rolling pack files at
   * {@code blobPackFileSize} bytes.
   */
  public ColumnWriters(List<Field> topFields, LanceFileVersion version, ContainerWriter container, long maxPageBytes,
      dev.lancelet.io.ObjectStore store, String path, long blobPackFileSize) {
    this.topFields = topFields;
    this.blobs = new LegacyBlobs[topFields.size()];
    this.blobsV2 = new BlobV2Writer[topFields.size()];
    this.sidecars = store == null ? null : new BlobV2Writer.Sidecars(store, path);
    List<Field> shredded = new java.util.ArrayList<>(topFields);
    for (int i = 0; i < topFields.size(); i++) {
      LegacyBlobs.checkNested(topFields.get(i), version, true);
      BlobV2Writer.checkNested(topFields.get(i), true);
      if (BlobV2Writer.isBlobV2(topFields.get(i))) {
        if (sidecars == null) {
          throw new IllegalStateException("Blob v2 field " + topFields.get(i).getName() + " needs a store for its sidecar files");
        }
        blobsV2[i] = new BlobV2Writer(topFields.get(i), version, sidecars, blobPackFileSize);
        shredded.set(i, blobsV2[i].descriptorField());
      } else if (LegacyBlobs.isBlob(topFields.get(i))) {
        blobs[i] = new LegacyBlobs(topFields.get(i), version);
        shredded.set(i, blobs[i].descriptorField());
      }
    }
    this.leaves = LeafColumn.forSchema(shredded);
    this.leafStart = new int[topFields.size() + 1];
    int k = 0;
    for (int i = 0; i < topFields.size(); i++) {
      leafStart[i] = k;
      k += LeafColumn.forSchema(List.of(shredded.get(i))).size();
    }
    leafStart[topFields.size()] = k;
    this.leafBlob = new LegacyBlobs[k];
    this.leafBlobV2 = new BlobV2Writer[k];
    for (int i = 0; i < topFields.size(); i++) {
      if (blobs[i] != null) {
        leafBlob[leafStart[i]] = blobs[i];
      }
      if (blobsV2[i] != null) {
        leafBlobV2[leafStart[i]] = blobsV2[i];
        leaves.get(leafStart[i]).blobDescriptors = true;
      }
    }
    this.encoder = new PageEncoder(version);
    this.container = container;
    this.maxPageBytes = maxPageBytes;
    this.version = version;
  }

  /**
   * The fields with every dictionary-encoded field given its value type: a field whose type is
   * its encoding's index type (Arrow Java's in-memory convention) takes the type of its
   * dictionary vector from {@code dictionaries}; a field that already names its value type is
   * kept.
   *
   * @throws IllegalArgumentException when a dictionary is needed and missing
   */
  public static List<Field> resolveDictionaries(List<Field> fields, org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries) {
    List<Field> out = new java.util.ArrayList<>();
    for (Field f : fields) {
      List<Field> children = resolveDictionaries(f.getChildren(), dictionaries);
      org.apache.arrow.vector.types.pojo.FieldType ft = f.getFieldType();
      org.apache.arrow.vector.types.pojo.DictionaryEncoding enc = f.getDictionary();
      if (enc != null && f.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.Int) {
        org.apache.arrow.vector.dictionary.Dictionary d = dictionaries == null ? null : dictionaries.lookup(enc.getId());
        if (d == null) {
          throw new IllegalArgumentException("Field " + f.getName() + " is dictionary-encoded (id " + enc.getId()
              + ") with index type " + f.getType() + "; pass a DictionaryProvider holding that dictionary so its"
              + " value type is known");
        }
        ft = new org.apache.arrow.vector.types.pojo.FieldType(ft.isNullable(), d.getVector().getField().getType(), enc, ft.getMetadata());
      }
      out.add(new Field(f.getName(), ft, children.isEmpty() ? null : children));
    }
    return out;
  }

  /** Number of Lance columns (leaves). */
  public static int numColumns(List<Field> topFields) {
    List<Field> shredded = new java.util.ArrayList<>(topFields);
    for (int i = 0; i < shredded.size(); i++) {
      if (BlobV2Writer.isBlobV2(shredded.get(i))) {
        // One column of descriptors.
        shredded.set(i, new Field(shredded.get(i).getName(), org.apache.arrow.vector.types.pojo.FieldType.nullable(
            org.apache.arrow.vector.types.pojo.ArrowType.Binary.INSTANCE), null));
      }
    }
    return LeafColumn.forSchema(shredded).size();
  }

  /**
   * Shreds rows of {@code batch}; {@code firstRow} is the file row number of its row 0. {@code
   * dictionaries} resolves dictionary-encoded fields (may be null when there are none).
   */
  public void write(VectorSchemaRoot batch, long firstRow, org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries)
      throws IOException {
    write(batch, firstRow, dictionaries, java.util.Map.of());
  }

  /**
   * As {@link #write(VectorSchemaRoot, long, org.apache.arrow.vector.dictionary.DictionaryProvider)},
   * with blob v2 values of the named columns taken from handles where a row sets neither data nor uri.
   */
  public void write(VectorSchemaRoot batch, long firstRow, org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries,
      java.util.Map<String, List<dev.lancelet.file.blob.BlobHandle>> blobSources) throws IOException {
    int rows = batch.getRowCount();
    for (int f = 0; f < topFields.size(); f++) {
      FieldVector v = batch.getVector(f);
      if (blobsV2[f] != null) {
        // Payloads go to the file or to sidecars now; the column shreds their descriptors.
        try (FieldVector desc = blobsV2[f].descriptors(v, container, blobSources.get(topFields.get(f).getName()))) {
          writeLeaf(leaves.get(leafStart[f]), desc, rows, firstRow, dictionaries);
        }
        continue;
      }
      if (blobs[f] != null) {
        // Payloads go out of line now; the column shreds their (position, size) descriptors.
        try (FieldVector desc = blobs[f].descriptors(v, container)) {
          writeLeaf(leaves.get(leafStart[f]), desc, rows, firstRow, dictionaries);
        }
        continue;
      }
      for (int li = leafStart[f]; li < leafStart[f + 1]; li++) {
        writeLeaf(leaves.get(li), v, rows, firstRow, dictionaries);
      }
    }
  }

  private void writeLeaf(LeafColumn c, FieldVector v, int rows, long firstRow, org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries)
      throws IOException {
    c.bind(v, dictionaries);
    c.reserve(rows, maxPageBytes);
    int r = 0;
    int block = 64;
    while (r < rows) {
      int n = Math.min(block, rows - r);
      if (c.pageRows == 0) {
        c.pageFirstRow = firstRow + r;
      }
      int done = c.shred(r, r + n);
      boolean dictionaryFull = done < r + n;
      r = done;
      long buffered = c.bufferedBytes();
      if (dictionaryFull || buffered > maxPageBytes) {
        flush(c, false, false);
        block = 64;
      } else {
        long perRow = Math.max(1, buffered / Math.max(1, c.pageRows));
        block = (int) Math.max(1, Math.min(MAX_BLOCK_ROWS, (maxPageBytes - buffered) / perRow + 1));
      }
    }
  }

  /**
   * Hands the column's page to the encoder; {@code last} when the file is being finished, {@code
   * inline} to encode on the caller's thread (which has nothing else to do meanwhile).
   */
  private void flush(LeafColumn c, boolean last, boolean inline) throws IOException {
    if (c.pageRows == 0) {
      return;
    }
    LeafColumn page = c.detachPage(last);
    CompletableFuture<PageEncoder.EncodedPage> encoded;
    if (pipelined && !inline) {
      encoded = CompletableFuture.supplyAsync(() -> new PageEncoder(version).encode(page));
    } else {
      encoded = CompletableFuture.completedFuture(encoder.encode(page));
    }
    pending.add(new Pending(c, page, encoded));
    while (pending.size() > MAX_PENDING || (!pending.isEmpty() && pending.peek().encoded().isDone())) {
      writeOldest();
    }
  }

  /** Waits for the oldest flushed page's encoding and writes it to the container. */
  private void writeOldest() throws IOException {
    Pending p = pending.poll();
    PageEncoder.EncodedPage e;
    try {
      e = p.encoded().join();
    } catch (CompletionException ex) {
      Throwable cause = ex.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw ex;
    }
    LeafColumn page = p.page();
    LegacyBlobs blob = leafBlob[page.index];
    BlobV2Writer blobV2 = leafBlobV2[page.index];
    var layout = blob != null ? blob.wrap(e.layout(), page) : blobV2 != null ? blobV2.wrap(e.layout()) : e.layout();
    container.writePage(page.index, e.buffers(), layout, page.pageFirstRow, page.pageRows);
    p.column().recycle(page);
  }

  /**
   * Flushes every column's partial page and writes every page still pending. The last of those
   * pages is encoded on the caller's thread, which would otherwise only wait: a one-column file
   * then hands nothing to another thread at all.
   */
  public void finish() throws IOException {
    int lastWithRows = -1;
    for (int i = 0; i < leaves.size(); i++) {
      if (leaves.get(i).pageRows > 0) {
        lastWithRows = i;
      }
    }
    for (int i = 0; i < leaves.size(); i++) {
      flush(leaves.get(i), true, i == lastWithRows);
    }
    while (!pending.isEmpty()) {
      writeOldest();
    }
    for (LeafColumn c : leaves) {
      c.releaseBuffers();
    }
    for (BlobV2Writer b : blobsV2) {
      if (b != null) {
        b.finish();
      }
    }
  }

  /** Paths (in the writer's store) of the blob v2 sidecar files written so far. */
  public List<String> blobSidecars() {
    return sidecars == null ? List.of() : sidecars.written();
  }

  /** Discards open sidecars and deletes the ones already written (the data file is being dropped). */
  public void abortSidecars() {
    for (BlobV2Writer b : blobsV2) {
      if (b != null) {
        b.abort();
      }
    }
    if (sidecars != null) {
      sidecars.deleteAll();
    }
  }
}
