package dev.lancelet.table;

import dev.lancelet.file.blob.BlobHandle;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.table.commit.ManifestStore;
import dev.lancelet.table.format.DeletionVector;
import dev.lancelet.table.format.FeatureFlags;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Json;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.Transaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.roaringbitmap.RoaringBitmap;

/**
 * One version of a Lance dataset, opened for reading: its schema, fragments and rows. A dataset is
 * a folder holding {@code data/*.lance} files, one manifest per version under {@code _versions/},
 * transactions, deletion files, indices and tags; see {@code docs/table.md}.
 *
 * <p>Opening reads one manifest. Scans ({@link #newScan()}) and takes read data files on demand
 * and keep them open for later reads, up to {@link OpenOptions#fileCacheSize()} files. A {@code
 * Dataset} is safe for concurrent use; the version it shows never changes ({@link #checkout} opens
 * another). Close it to release the open data files, the store and, if the dataset created it,
 * the allocator; datasets made by {@code checkout} share all three and release them with the last
 * close.
 */
public final class Dataset implements AutoCloseable {
  /** Store, allocator and their shared ownership across checkouts. */
  private static final class Resources {
    final ObjectStore store;
    final boolean ownsStore;
    final BufferAllocator allocator;
    final boolean ownsAllocator;
    final DataFileCache files;
    final AtomicInteger refs = new AtomicInteger(1);

    Resources(ObjectStore store, boolean ownsStore, BufferAllocator allocator, boolean ownsAllocator, int fileCacheSize) {
      this.store = store;
      this.ownsStore = ownsStore;
      this.allocator = allocator;
      this.ownsAllocator = ownsAllocator;
      this.files = new DataFileCache(store, allocator, fileCacheSize);
    }

    void release() throws IOException {
      if (refs.decrementAndGet() == 0) {
        try {
          files.close();
        } finally {
          try {
            if (ownsStore) {
              store.close();
            }
          } finally {
            if (ownsAllocator) {
              allocator.close();
            }
          }
        }
      }
    }
  }

  private final Resources res;
  private final ManifestStore manifests;
  private final ManifestFile current;
  private volatile boolean closed;
  private volatile long[] liveCounts; // per fragment, loaded on first need

  private Dataset(Resources res, ManifestFile current) {
    this.res = res;
    this.manifests = new ManifestStore(res.store);
    this.current = current;
  }

  // ------------------------------------------------------------------ open

  /** Opens the latest version of the dataset at {@code uri} (a path, {@code file://} or {@code memory://}). */
  public static Dataset open(String uri) throws IOException {
    return open(uri, OpenOptions.defaults());
  }

  /** Opens the dataset at {@code uri} with options. */
  public static Dataset open(String uri, OpenOptions options) throws IOException {
    ObjectStore store = ObjectStores.forFolder(uri, options.storageOptions());
    try {
      return open(store, true, options);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Opens the dataset rooted at {@code store}; the store stays the caller's. */
  public static Dataset open(ObjectStore store, OpenOptions options) throws IOException {
    return open(store, false, options);
  }

  private static Dataset open(ObjectStore store, boolean ownsStore, OpenOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    ManifestStore ms = new ManifestStore(store);
    ManifestFile mf;
    if (options.tag() != null) {
      mf = ms.read(tagVersion(store, options.tag()));
    } else if (options.version() > 0) {
      mf = ms.read(options.version());
    } else {
      mf = ms.readLatestValid(); // a torn newest manifest is skipped with a warning
    }
    if (mf.manifest().hasBasePaths()) {
      // Files may live under other base paths: read them through a store that resolves them.
      store = new BasePathStore(store, ownsStore, mf.manifest().basePaths(), options.storageOptions());
      ownsStore = true;
    }
    check(mf, store);
    BufferAllocator a = options.allocator();
    boolean owns = a == null;
    if (owns) {
      a = new RootAllocator();
    }
    return new Dataset(new Resources(store, ownsStore, a, owns, options.fileCacheSize()), mf);
  }

  private static void check(ManifestFile mf, ObjectStore store) throws IOException {
    Manifest m = mf.manifest();
    FeatureFlags.checkReadable(m.readerFeatureFlags(), "Dataset " + store.uri() + " version " + m.version());
    if (m.hasBasePaths()) {
      if (!(store instanceof BasePathStore bs)) {
        throw new UnsupportedFeatureException("Dataset " + store.uri() + " version " + m.version()
            + " keeps files under external base paths, which a dataset opened at a version without them cannot"
            + " resolve; open that version with Dataset.open");
      }
      bs.addBases(m.basePaths());
    }
  }

  /** Refuses changes of datasets with external base paths (read only in Lancelet). */
  void checkWritable(String what) throws UnsupportedFeatureException {
    if (manifest().hasBasePaths()) {
      throw new UnsupportedFeatureException(what + " " + uri() + " version " + version() + ": the dataset keeps files"
          + " under external base paths (a shallow clone or multi-base dataset), which Lancelet reads but does not"
          + " write yet");
    }
  }

  /** The version a tag points at. */
  static long tagVersion(ObjectStore store, String tag) throws IOException {
    if (tag.isEmpty() || tag.contains("/") || tag.contains("\\") || tag.startsWith(".")) {
      throw new IllegalArgumentException("Invalid tag name '" + tag + "'");
    }
    String path = "_refs/tags/" + tag + ".json";
    byte[] bytes;
    try {
      bytes = store.readAll(path);
    } catch (ObjectNotFoundException e) {
      throw new VersionNotFoundException("Tag '" + tag + "' does not exist in " + store.uri());
    }
    try {
      Object v = Json.parse(new String(bytes, StandardCharsets.UTF_8));
      if (v instanceof Map<?, ?> m && m.get("version") instanceof Long n && n > 0) {
        return n;
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptManifestException(store.uri() + "/" + path, e.getMessage(), e);
    }
    throw new CorruptManifestException(store.uri() + "/" + path, "tag file has no positive \"version\"");
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("Dataset " + uri() + " is closed");
    }
  }

  // ------------------------------------------------------------------ metadata

  /** The dataset's root URI. */
  public String uri() {
    return res.store.uri();
  }

  /** The store holding the dataset. */
  public ObjectStore store() {
    return res.store;
  }

  /** Open data files shared by this dataset's reads (and its checkouts'). */
  DataFileCache files() {
    return res.files;
  }

  /** The allocator batches come from. */
  public BufferAllocator allocator() {
    return res.allocator;
  }

  /** The version this dataset shows. */
  public long version() {
    return current.manifest().version();
  }

  /** The manifest of this version. */
  public Manifest manifest() {
    return current.manifest();
  }

  /** The manifest file of this version (manifest, index section, embedded transaction). */
  public ManifestFile manifestFile() {
    return current;
  }

  /** The newest version in the store now. */
  public long latestVersion() throws IOException {
    checkOpen();
    return manifests.latest();
  }

  /** Every version in the store, ascending, with commit time and operation. */
  public List<VersionInfo> versions() throws IOException {
    checkOpen();
    List<VersionInfo> out = new ArrayList<>();
    for (long v : manifests.list().keySet()) {
      ManifestFile mf = manifests.read(v);
      Transaction t = mf.transaction();
      String op = "Unknown";
      if (t == null && !mf.manifest().transactionFile().isEmpty()) {
        try {
          t = Transaction.decode(res.store.readAll("_transactions/" + mf.manifest().transactionFile()),
              uri() + "/_transactions/" + mf.manifest().transactionFile());
        } catch (ObjectNotFoundException e) {
          t = null;
        }
      }
      if (t != null) {
        op = t.operationName();
      }
      out.add(new VersionInfo(v, mf.manifest().timestamp(), op));
    }
    return out;
  }

  /** The Arrow schema of this version (dictionary fields as their value type). */
  public Schema schema() {
    return current.manifest().schema().arrowSchema();
  }

  /** The fragments of this version. */
  public List<Fragment> fragments() {
    return current.manifest().fragments();
  }

  /** Rows visible in this version (deleted rows excluded). */
  public long countRows() throws IOException {
    long n = 0;
    for (long c : liveCounts()) {
      n += c;
    }
    return n;
  }

  /**
   * Rows visible in this version for which the SQL predicate is true. Reads only the predicate's
   * columns.
   *
   * @throws dev.lancelet.table.expr.ExpressionException for a bad predicate
   */
  public long countRows(String filter) throws IOException {
    checkOpen();
    long n = 0;
    try (ArrowReader r = newScan().columns(List.of()).filter(filter).open()) {
      while (r.loadNextBatch()) {
        n += r.getVectorSchemaRoot().getRowCount();
      }
    }
    return n;
  }

  private long[] liveCounts() throws IOException {
    long[] c = liveCounts;
    if (c == null) {
      List<Fragment> fs = fragments();
      c = new long[fs.size()];
      for (int i = 0; i < c.length; i++) {
        long live = fs.get(i).liveRowsIfKnown();
        if (live < 0) {
          live = fs.get(i).physicalRows() - FragmentReader.loadDeletions(res.store, fs.get(i)).size();
        }
        c[i] = live;
      }
      liveCounts = c;
    }
    return c;
  }

  /** Opens another version of the same dataset, sharing store and allocator. */
  public Dataset checkout(long version) throws IOException {
    checkOpen();
    ManifestFile mf = manifests.read(version);
    check(mf, res.store);
    res.refs.incrementAndGet();
    return new Dataset(res, mf);
  }

  /** Opens the version a tag points at. */
  public Dataset checkoutTag(String tag) throws IOException {
    return checkout(tagVersion(res.store, tag));
  }

  /** Opens the newest version. */
  public Dataset checkoutLatest() throws IOException {
    return checkout(latestVersion());
  }

  // ------------------------------------------------------------------ reading

  /** Starts describing a scan of this version. */
  public ScanBuilder newScan() {
    checkOpen();
    return new ScanBuilder(this);
  }

  private List<LanceField> fieldsFor(List<String> columns) {
    var schema = current.manifest().schema();
    List<LanceField> out = new ArrayList<>();
    for (String c : columns == null ? schema.names() : columns) {
      LanceField f = schema.topLevel(c);
      if (f == null) {
        throw new IllegalArgumentException("No column '" + c + "' in " + uri() + "; columns are " + schema.names());
      }
      out.add(f);
    }
    return out;
  }

  /**
   * Reads rows by position among the visible rows of this version (after deletions, fragments in
   * order), in the order given; duplicates allowed. Only the pages holding the rows are read.
   *
   * @param columns top-level columns (null for all)
   * @return a root the caller closes
   * @throws IndexOutOfBoundsException for a position outside {@code [0, countRows())}
   */
  public VectorSchemaRoot take(long[] rowOffsets, List<String> columns) throws IOException {
    checkOpen();
    return takeAddresses(addressesOf(rowOffsets), columns, false);
  }

  /** The row addresses of the given positions among the visible rows. */
  private long[] addressesOf(long[] rowOffsets) throws IOException {
    long[] counts = liveCounts();
    long[] starts = new long[counts.length + 1];
    for (int i = 0; i < counts.length; i++) {
      starts[i + 1] = starts[i] + counts[i];
    }
    List<Fragment> fs = fragments();
    Map<Integer, DeletionVector> dvs = new HashMap<>();
    long[] addresses = new long[rowOffsets.length];
    for (int i = 0; i < rowOffsets.length; i++) {
      long r = rowOffsets[i];
      if (r < 0 || r >= starts[counts.length]) {
        throw new IndexOutOfBoundsException("Row " + r + " is outside [0, " + starts[counts.length] + ") of " + uri()
            + " version " + version());
      }
      int k = java.util.Arrays.binarySearch(starts, r);
      k = k >= 0 ? k : -k - 2;
      while (counts[k] == 0 || starts[k + 1] <= r) {
        k++;
      }
      long within = r - starts[k];
      Fragment f = fs.get(k);
      long physical = within;
      if (f.deletionFile() != null) {
        DeletionVector dv = dvs.get(k);
        if (dv == null) {
          dv = FragmentReader.loadDeletions(res.store, f);
          dvs.put(k, dv);
        }
        physical = nthLive(dv.toBitmap(), within);
      }
      addresses[i] = (f.id() << 32) | physical;
    }
    return addresses;
  }

  /** The physical offset of the {@code n}-th (from 0) row not in {@code deleted}. */
  private static long nthLive(RoaringBitmap deleted, long n) {
    long lo = n;
    long hi = n + deleted.getLongCardinality();
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      long live = mid + 1 - deleted.rankLong((int) mid);
      if (live > n) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * Reads rows by address ({@code fragment id << 32 | row offset}), in the order given; duplicates
   * allowed.
   *
   * @throws IllegalArgumentException for an address of a missing fragment, past its end, or of a
   *     deleted row
   */
  public VectorSchemaRoot takeByAddress(long[] rowAddresses, List<String> columns) throws IOException {
    checkOpen();
    return takeAddresses(rowAddresses, columns, true);
  }

  /**
   * Handles on the values of a blob column at positions among the visible rows (as {@link
   * #take}), one per position, null for a null value. Works for legacy blob columns (file versions
   * 2.0/2.1, {@code lance-encoding:blob}) and blob v2 columns ({@code lance.blob.v2}: inline,
   * packed and dedicated sidecars under {@code data/}, external URIs). Only descriptors are read
   * here; each handle reads its bytes in ranged requests of at most 64 KiB when streamed, and
   * stays usable after this dataset is closed as long as the store is open.
   *
   * @throws IllegalArgumentException if {@code column} is missing or not a blob column
   * @throws IndexOutOfBoundsException for a position outside {@code [0, countRows())}
   */
  public List<BlobHandle> takeBlobs(long[] rowOffsets, String column) throws IOException {
    checkOpen();
    blobField(column);
    return takeBlobAddresses(addressesOf(rowOffsets), column, false);
  }

  /**
   * Like {@link #takeBlobs(long[], String)} by row address ({@code fragment id << 32 | row
   * offset}).
   *
   * @throws IllegalArgumentException if {@code column} is not a blob column, or for an address of
   *     a missing fragment, past its end, or of a deleted row
   */
  public List<BlobHandle> takeBlobsByAddress(long[] rowAddresses, String column) throws IOException {
    checkOpen();
    blobField(column);
    return takeBlobAddresses(rowAddresses, column, true);
  }

  /** The top-level blob field {@code column} (legacy or v2), or an IllegalArgumentException. */
  private LanceField blobField(String column) {
    LanceField f = fieldsFor(List.of(column)).get(0);
    Map<String, String> m = f.metadata();
    boolean v2 = "lance.blob.v2".equals(m.get("ARROW:extension:name"));
    boolean legacy = m.containsKey(dev.lancelet.file.LanceFileReader.BLOB_META_KEY) && f.isLeaf();
    if (!v2 && !legacy) {
      throw new IllegalArgumentException("Column '" + column + "' of " + uri() + " is not a blob column (" + f.arrow() + ")");
    }
    return f;
  }

  /**
   * The positions in {@code addresses} grouped by the fragment they address, fragments in order of
   * first appearance; throws when an address names no row of this version.
   */
  private Map<Fragment, List<Integer>> groupByFragment(long[] addresses) {
    Map<Long, Fragment> byId = new HashMap<>();
    for (Fragment f : fragments()) {
      byId.put(f.id(), f);
    }
    Map<Fragment, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < addresses.length; i++) {
      long fid = addresses[i] >>> 32;
      Fragment f = byId.get(fid);
      long off = addresses[i] & 0xFFFF_FFFFL;
      if (f == null || off >= f.physicalRows()) {
        throw new IllegalArgumentException("Row address " + addresses[i] + " (fragment " + fid + ", row " + off
            + ") does not exist in " + uri() + " version " + version());
      }
      groups.computeIfAbsent(f, k -> new ArrayList<>()).add(i);
    }
    return groups;
  }

  private List<BlobHandle> takeBlobAddresses(long[] addresses, String column, boolean check)
      throws IOException {
    List<LanceField> fields = fieldsFor(List.of(column));
    Map<Fragment, List<Integer>> groups = groupByFragment(addresses);
    BlobHandle[] out = new BlobHandle[addresses.length];
    for (Map.Entry<Fragment, List<Integer>> g : groups.entrySet()) {
      Fragment f = g.getKey();
      List<Integer> idx = g.getValue();
      long[] offs = new long[idx.size()];
      for (int j = 0; j < offs.length; j++) {
        offs[j] = addresses[idx.get(j)] & 0xFFFF_FFFFL;
      }
      try (FragmentReader r = new FragmentReader(res.store, res.allocator, current.manifest(), f, fields, false, false, res.files)) {
        if (check) {
          refuseDeleted(r, f, offs);
        }
        List<BlobHandle> hs = r.takeBlobs(offs);
        for (int j = 0; j < offs.length; j++) {
          out[idx.get(j)] = hs.get(j);
        }
      }
    }
    return java.util.Arrays.asList(out);
  }

  private VectorSchemaRoot takeAddresses(long[] addresses, List<String> columns, boolean check) throws IOException {
    List<LanceField> fields = fieldsFor(columns);
    // Group by fragment, remembering where each row goes.
    Map<Fragment, List<Integer>> groups = groupByFragment(addresses);
    List<Field> outFields = new ArrayList<>();
    for (LanceField f : fields) {
      outFields.add(FragmentReader.readField(current.manifest().schema().arrowField(f.name())));
    }
    // Read each fragment's rows, then copy into the output in the order asked (variable-width
    // vectors must be filled in order).
    int[] partOf = new int[addresses.length];
    int[] rowIn = new int[addresses.length];
    List<Fragment> partFragments = new ArrayList<>();
    List<long[]> partOffsets = new ArrayList<>();
    for (Map.Entry<Fragment, List<Integer>> g : groups.entrySet()) {
      List<Integer> idx = g.getValue();
      long[] offs = new long[idx.size()];
      for (int j = 0; j < offs.length; j++) {
        offs[j] = addresses[idx.get(j)] & 0xFFFF_FFFFL;
        partOf[idx.get(j)] = partFragments.size();
        rowIn[idx.get(j)] = j;
      }
      partFragments.add(g.getKey());
      partOffsets.add(offs);
    }
    VectorSchemaRoot[] taken = new VectorSchemaRoot[partFragments.size()];
    List<VectorSchemaRoot> parts = java.util.Arrays.asList(taken);
    List<FieldVector> out = new ArrayList<>();
    try {
      takeParts(partFragments, partOffsets, fields, check, taken);
      for (int c = 0; c < outFields.size(); c++) {
        List<FieldVector> sources = new ArrayList<>();
        for (VectorSchemaRoot p : parts) {
          sources.add(p.getVector(c));
        }
        out.add(Batches.gather(outFields.get(c), sources, partOf, rowIn, addresses.length, res.allocator));
      }
      VectorSchemaRoot root = new VectorSchemaRoot(outFields, out, addresses.length);
      out = null;
      return root;
    } finally {
      Batches.closeAll(out);
      Batches.closeAll(parts);
    }
  }

  /** Threads that read the fragments of one take in parallel (daemon; idle ones end after a minute). */
  private static final java.util.concurrent.ExecutorService TAKE_POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lancelet-take");
    t.setDaemon(true);
    return t;
  });

  /**
   * Most threads one take reads fragments on (the caller's included) on local disk and in memory:
   * the cores, at most 4; {@code -Dlancelet.takeThreads=1} keeps takes on the caller's thread.
   */
  private static final int TAKE_THREADS = Math.max(1,
      Integer.getInteger("lancelet.takeThreads", Math.min(4, Runtime.getRuntime().availableProcessors())));

  /**
   * The same for remote stores (anything but {@code file:} and {@code memory:} locations), where
   * a fragment's reads are mostly waiting on the network: 32 ({@code -Dlancelet.remoteTakeThreads});
   * the store's I/O scheduler still bounds the requests in flight.
   */
  private static final int REMOTE_TAKE_THREADS = Math.max(1, Integer.getInteger("lancelet.remoteTakeThreads", 32));

  private int takeThreads() {
    return onRemoteStore() ? REMOTE_TAKE_THREADS : TAKE_THREADS;
  }

  /** Whether the dataset lives on a remote store (not a {@code file:} or {@code memory:} location). */
  boolean onRemoteStore() {
    String u = res.store.uri();
    return !(u.startsWith("file:") || u.startsWith("memory:") || u.startsWith("/") || !u.contains("://"));
  }

  /**
   * Reads the rows {@code offsets.get(i)} of {@code fragments.get(i)} into {@code out[i]}, on up to
   * {@link #takeThreads()} threads when several fragments are involved (each thread takes every
   * k-th fragment). On failure every part read is closed and the first error is thrown.
   */
  private void takeParts(List<Fragment> fragments, List<long[]> offsets, List<LanceField> fields, boolean check,
      VectorSchemaRoot[] out) throws IOException {
    int threads = Math.min(takeThreads(), fragments.size());
    if (threads <= 1) {
      takeStripe(fragments, offsets, fields, check, out, 0, 1);
      return;
    }
    List<java.util.concurrent.Future<?>> helpers = new ArrayList<>();
    Throwable failure = null;
    try {
      for (int t = 1; t < threads; t++) {
        int first = t;
        helpers.add(TAKE_POOL.submit(() -> {
          takeStripe(fragments, offsets, fields, check, out, first, threads);
          return null;
        }));
      }
      takeStripe(fragments, offsets, fields, check, out, 0, threads);
    } catch (IOException | RuntimeException e) {
      failure = e;
    }
    boolean interrupted = false;
    for (java.util.concurrent.Future<?> h : helpers) {
      while (true) {
        try {
          h.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the helpers use this take's output array: wait for them anyway
        } catch (java.util.concurrent.ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          } else {
            failure.addSuppressed(e.getCause());
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      Batches.closeAll(java.util.Arrays.asList(out));
      java.util.Arrays.fill(out, null);
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure instanceof Error err) {
        throw err;
      }
      throw new IOException("Take from " + uri() + " failed", failure);
    }
  }

  /** Throws when one of {@code offsets} names a deleted row of fragment {@code f}. */
  private void refuseDeleted(FragmentReader r, Fragment f, long[] offsets) throws IOException {
    if (f.deletionFile() == null) {
      return;
    }
    DeletionVector dv = r.deletions();
    for (long o : offsets) {
      if (dv.contains(o)) {
        throw new IllegalArgumentException("Row address " + ((f.id() << 32) | o) + " names a deleted row of "
            + uri() + " version " + version());
      }
    }
  }

  /** Takes the parts {@code first, first + step, ...}. */
  private void takeStripe(List<Fragment> fragments, List<long[]> offsets, List<LanceField> fields, boolean check,
      VectorSchemaRoot[] out, int first, int step) throws IOException {
    for (int i = first; i < fragments.size(); i += step) {
      Fragment f = fragments.get(i);
      long[] offs = offsets.get(i);
      try (FragmentReader r = new FragmentReader(res.store, res.allocator, current.manifest(), f, fields, false, false, res.files)) {
        if (check) {
          refuseDeleted(r, f, offs);
        }
        out[i] = r.take(offs);
      }
    }
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes {@code data} as a new dataset or a new version of one at {@code uri}, per {@code
   * options} (create, append or overwrite), and returns the new version opened.
   */
  public static Dataset write(ArrowReader data, String uri, WriteOptions options) throws IOException {
    ObjectStore store = ObjectStores.forFolder(uri);
    boolean ok = false;
    try {
      DatasetWriter.write(data, store, options);
      Dataset d = open(store, true, OpenOptions.builder().allocator(options.allocator()).build());
      ok = true;
      return d;
    } finally {
      if (!ok) {
        store.close();
      }
    }
  }

  /** As {@link #write(ArrowReader, String, WriteOptions)}, into a store the caller keeps. */
  public static Dataset write(ArrowReader data, ObjectStore store, WriteOptions options) throws IOException {
    DatasetWriter.write(data, store, options);
    return open(store, false, OpenOptions.builder().allocator(options.allocator()).build());
  }

  // ------------------------------------------------------------------ changing rows

  /**
   * Deletes the rows of this version for which the SQL predicate is true and commits the result
   * as a new version, which is returned opened (close it too; this dataset keeps showing its
   * version). Rows are marked in deletion files; no data file is rewritten, and a fragment left
   * without rows leaves the manifest. A concurrent commit is rebased onto when it commutes (an
   * append, or a delete even of the same fragments: both deletions are kept).
   *
   * @throws dev.lancelet.table.expr.ExpressionException for a bad predicate
   * @throws CommitConflictException when a concurrent update or compaction changed the same fragments
   */
  public Dataset delete(String predicate) throws IOException {
    checkOpen();
    checkWritable("Delete from");
    return Dml.delete(this, predicate);
  }

  /**
   * Sets columns of the rows matching {@code where} (all rows when null or blank) and commits the
   * result as a new version, returned opened. Each value of {@code set} is a SQL expression over
   * the row's current values ({@code "price * 1.1"}, {@code "'n/a'"}), converted to the column's
   * type. Matching rows are deleted from their fragments and written with their new values into
   * new fragments, as Lance does. When a concurrent commit changed the same fragments, the update
   * runs again on the newest version (up to {@value Dml#UPDATE_ATTEMPTS} times in all), since its
   * rows must be chosen anew. With stable row ids, updated rows keep their row ids (and their
   * created-at versions) in the new fragments.
   *
   * @param set column name to SQL expression
   * @throws dev.lancelet.table.expr.ExpressionException for a bad expression or predicate, or a
   *     value that cannot be converted to the column's type
   * @throws IllegalArgumentException for an unknown column, or NULL set into a non-nullable one
   * @throws CommitConflictException when concurrent commits kept changing the same fragments
   */
  public Dataset update(Map<String, String> set, String where) throws IOException {
    checkOpen();
    checkWritable("Update of");
    return Dml.updateWithRetry(this, set, where);
  }

  /** Starts a merge-insert (upsert) keyed by {@code keyColumns}; see {@link MergeInsertBuilder}. */
  public MergeInsertBuilder mergeInsert(List<String> keyColumns) {
    checkOpen();
    return new MergeInsertBuilder(this, keyColumns);
  }

  // ------------------------------------------------------------------ evolution and maintenance

  /** This dataset's store and allocator, showing a version just committed. */
  private Dataset committed(ManifestFile mf) {
    res.refs.incrementAndGet();
    return new Dataset(res, mf);
  }

  /**
   * Adds nullable columns whose values are all null. Only the schema changes (no data is
   * written); readers see nulls until values are written.
   *
   * @return the new version (sharing store and allocator; close it too)
   * @throws IllegalArgumentException if a column exists or is not nullable
   */
  public Dataset addColumns(Schema nullColumns) throws IOException {
    checkOpen();
    checkWritable("Adding columns to");
    return committed(SchemaEvolution.addNullColumns(this, nullColumns));
  }

  /**
   * Adds columns computed by SQL expressions over existing columns, e.g. {@code Map.of("double_id",
   * "id * 2")} (see {@code docs/expressions.md}). Existing data files are not rewritten: each
   * fragment gets one new file holding just the new columns. Reads only the columns the
   * expressions use, one batch at a time.
   *
   * @param expressions new column name to expression, in the order the columns are added
   * @return the new version
   */
  public Dataset addColumns(Map<String, String> expressions) throws IOException {
    checkOpen();
    checkWritable("Adding columns to");
    return committed(SchemaEvolution.addSqlColumns(this, expressions));
  }

  /**
   * Adds columns computed by {@code fn} from the columns in {@code read}, one batch of live rows
   * at a time. Existing data files are not rewritten.
   *
   * @param columns the new columns (the schema {@code fn} returns)
   * @param read existing top-level columns {@code fn} needs (may be empty)
   * @return the new version
   */
  public Dataset addColumns(Schema columns, List<String> read, NewColumnsFunction fn) throws IOException {
    checkOpen();
    Objects.requireNonNull(fn, "fn");
    checkWritable("Adding columns to");
    return committed(SchemaEvolution.addComputedColumns(this, columns, read, fn));
  }

  /**
   * Adds the columns of {@code stream}, whose rows line up with this version's visible rows
   * (fragments in order, deleted rows skipped). Existing data files are not rewritten.
   *
   * @return the new version
   * @throws IllegalArgumentException when the stream has fewer or more rows than the dataset
   */
  public Dataset addColumns(ArrowReader stream) throws IOException {
    checkOpen();
    checkWritable("Adding columns to");
    return committed(SchemaEvolution.addStreamColumns(this, stream));
  }

  /**
   * Drops columns: top-level names or dotted paths into structs. Metadata only: the data stays in
   * the files (older versions still read it) until {@link #compact} and {@link
   * #cleanupOldVersions} remove it.
   *
   * @return the new version
   */
  public Dataset dropColumns(String... columns) throws IOException {
    checkOpen();
    checkWritable("Dropping columns of");
    return committed(SchemaEvolution.dropColumns(this, List.of(columns)));
  }

  /** Renames a column (a top-level name or a dotted path into a struct); metadata only. */
  public Dataset renameColumn(String column, String newName) throws IOException {
    checkOpen();
    checkWritable("Renaming a column of");
    return committed(SchemaEvolution.renameColumn(this, column, newName));
  }

  /**
   * Makes a non-nullable column nullable; metadata only. The reverse is refused, as in Lance.
   *
   * @throws IllegalArgumentException when asked to make a nullable column non-nullable
   */
  public Dataset setNullable(String column, boolean nullable) throws IOException {
    checkOpen();
    checkWritable("Changing a column of");
    return committed(SchemaEvolution.setNullable(this, column, nullable));
  }

  /**
   * Changes the type of a top-level column, as Lance's {@code alter_columns} with a data type;
   * see {@link #castColumns}. For list types, which need their item field, use {@code
   * castColumns}.
   *
   * @return the new version
   */
  public Dataset castColumn(String column, org.apache.arrow.vector.types.pojo.ArrowType type) throws IOException {
    Objects.requireNonNull(type, "type");
    return castColumns(Map.of(column, new Field(column, new org.apache.arrow.vector.types.pojo.FieldType(true, type, null),
        null)));
  }

  /**
   * Changes the types of top-level columns (column name to a field giving the new type and, for
   * lists, the item field; its name and nullability are ignored: the column keeps its own). The
   * casts Lance allows are supported: within integers, within floats, {@code utf8} and {@code
   * large_utf8}, {@code binary} and {@code large_binary}, decimals, a timestamp, date, time or
   * duration to another unit (or time zone), and lists of those. Each fragment gets one new data
   * file holding just the cast columns, which get new field ids; the old values stay readable in
   * older versions. Only the cast columns are read, one batch at a time.
   *
   * @return the new version
   * @throws IllegalArgumentException for an unknown column, a cast Lance does not allow, a column
   *     already of that type, an indexed column, or a value that does not fit the new type
   *     (integer overflow, decimal digits); nothing is committed then
   * @throws UnsupportedOperationException for nested paths, blob and dictionary columns
   */
  public Dataset castColumns(Map<String, Field> casts) throws IOException {
    checkOpen();
    checkWritable("Changing column types of");
    return committed(SchemaEvolution.castColumns(this, casts));
  }

  /**
   * Rewrites small fragments and fragments with many deleted rows into fragments of the target
   * size, without the deleted rows. Commits two versions (fragment id reservation, then the
   * rewrite) unless there is nothing to do. Fails with {@link CommitConflictException} when rows
   * of a rewritten fragment were deleted or updated meanwhile.
   *
   * <p>With stable row ids the rewritten rows keep their row ids and row versions. Fragments are
   * grouped only with fragments covered by the same indices; with stable row ids the indices'
   * fragment bitmaps follow the rows into the new fragments, otherwise they are left naming the old
   * fragments, so Lance reads the new fragments as not indexed. Dictionary-typed columns are
   * written dictionary-encoded again.
   *
   * @throws UnsupportedOperationException for nested dictionary columns, dictionary columns with
   *     non-string values, blob v2 columns, and indices without a fragment bitmap
   */
  public CompactionReport compact(CompactionOptions options) throws IOException {
    checkOpen();
    checkWritable("Compacting");
    return Compaction.compact(this, options);
  }

  /**
   * Deletes versions older than {@code olderThan} (but never the latest or a tagged one) and the
   * files only they use; see {@link #cleanupOldVersions(Instant, boolean)}.
   */
  public CleanupReport cleanupOldVersions(java.time.Duration olderThan) throws IOException {
    return cleanupOldVersions(java.time.Instant.now().minus(olderThan), false);
  }

  /**
   * Deletes versions committed before {@code before}, except the latest and tagged ones, then
   * every manifest, transaction, data, deletion and index file that no remaining version uses.
   * Files no version ever named (from failed or running writes) are deleted only when older than
   * {@code before} and, unless {@code deleteUnverified}, older than 7 days.
   */
  public CleanupReport cleanupOldVersions(java.time.Instant before, boolean deleteUnverified) throws IOException {
    checkOpen();
    return Cleanup.cleanup(this, before, deleteUnverified);
  }

  /** The dataset's tags. */
  public Tags tags() {
    checkOpen();
    return new Tags(res.store);
  }

  /**
   * Commits a new version whose content (schema, fragments, indices) is that of {@code version}.
   *
   * @return the new version
   */
  public Dataset restore(long version) throws IOException {
    checkOpen();
    checkWritable("Restoring");
    ManifestFile old = manifests.read(version);
    if (old.manifest().hasBasePaths()) {
      throw new UnsupportedFeatureException("Restoring " + uri() + " version " + version + ": it keeps files under"
          + " external base paths, which Lancelet reads but does not write yet");
    }
    check(old, res.store);
    return committed(new dev.lancelet.table.commit.Committer(res.store, WriteOptions.DEFAULT_COMMIT_RETRIES)
        .commit(new dev.lancelet.table.commit.RestoreOperation(old), version()));
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      res.release();
    }
  }

  @Override
  public String toString() {
    return "Dataset{" + uri() + ", version " + version() + ", " + fragments().size() + " fragments}";
  }
}
