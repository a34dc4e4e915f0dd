package dev.lancelet.io.gcs;

import com.google.api.gax.paging.Page;
import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.Credentials;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.StorageRetryStrategy;
import dev.lancelet.io.ByteRange;
import dev.lancelet.io.RangePlan;
import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.IoScheduler;
import dev.lancelet.io.ObjectAlreadyExistsException;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Objects in a Google Cloud Storage bucket below a prefix, {@code gs://bucket/prefix}, through the
 * official {@code google-cloud-storage} client over the JSON API.
 *
 * <ul>
 *   <li>{@link #open} reads the object's metadata once (size and generation); every later read of
 *       that handle is pinned to that generation, so a concurrent overwrite can never mix two
 *       versions. A range, or a tail, is one ranged GET; {@code readRanges} merges ranges closer
 *       than 32 KiB and fetches the merged requests in parallel.
 *   <li>Every ranged GET goes through the store's {@link IoScheduler}, which bounds the requests
 *       and response bytes in flight ({@link GcsOptions#ioLimits()}) and serves {@link
 *       IoPriority#INTERACTIVE} reads before {@link IoPriority#BULK} ones; an object's reads are
 *       interactive unless made through {@link ReadableObject#withPriority}. A single read runs on
 *       the caller's thread once admitted, the parts of a {@code readRanges} on the store's read
 *       threads (one per admissible request).
 *   <li>{@link #put} is a single upload request; {@link #create} buffers up to the upload chunk
 *       size and switches to a resumable upload beyond it, so memory stays bounded. The object
 *       appears only when the writer closes.
 *   <li>{@link #putIfAbsent} uploads with the precondition {@code ifGenerationMatch=0}. A 412
 *       answer is settled by reading the object back: each attempt carries a random write id in
 *       the object's custom metadata, and only an object with our id and our bytes counts as our
 *       write (a retry whose first attempt did land but whose answer was lost). Anything else is an
 *       {@link ObjectAlreadyExistsException}.
 *   <li>Idempotent calls are retried with exponential backoff on 408, 429, 5xx and broken
 *       connections ({@link GcsOptions#maxRetries()}); conditional uploads are retried by this
 *       class, which is what lets it know when an answer is ambiguous.
 * </ul>
 *
 * <p>Whether a given endpoint really enforces preconditions (some emulators and proxies do not)
 * can be checked with {@link dev.lancelet.io.ConditionalPutProbe}.
 */
public final class GcsObjectStore implements ObjectStore, ConditionalPut {
  /** Custom metadata key holding the id of the conditional write that created an object. */
  public static final String WRITE_ID_KEY = "lancelet-write-id";

  private static final int COALESCE_GAP = 32 * 1024;
  private static final long MAX_MERGED_BYTES = 64L << 20;
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final String bucket;
  private final String prefix;
  private final GcsOptions options;
  private final Storage storage;
  private final Storage storageNoRetry;
  private final ExecutorService pool;
  private final ThreadPoolExecutor readers;
  private final IoScheduler scheduler;

  private GcsObjectStore(String bucket, String prefix, GcsOptions options) throws IOException {
    this.bucket = bucket;
    this.prefix = prefix;
    this.options = options;
    Credentials credentials = credentials(options);
    this.storage = client(options, credentials, options.maxRetries() + 1);
    this.storageNoRetry = client(options, credentials, 1);
    int id = POOL_IDS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "lancelet-gcs-" + id + "-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.pool = Executors.newFixedThreadPool(options.readParallelism(), tf);
    this.scheduler = new IoScheduler(options.ioLimits());
    // As many threads as the scheduler admits requests, so an admitted request never queues here.
    int n = options.ioLimits().maxRequests();
    this.readers = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), tf);
    this.readers.allowCoreThreadTimeOut(true);
  }

  /** The scheduler every ranged GET of this store goes through (for its limits and counters). */
  public IoScheduler ioScheduler() {
    return scheduler;
  }

  /**
   * Opens the store rooted at {@code uri} ({@code gs://bucket} or {@code gs://bucket/prefix}),
   * configured by Lance-style storage options (see {@link GcsOptions}).
   */
  public static GcsObjectStore open(String uri, Map<String, String> storageOptions) throws IOException {
    return open(uri, GcsOptions.fromMap(storageOptions));
  }

  /** Opens the store rooted at {@code uri} ({@code gs://bucket[/prefix]}). */
  public static GcsObjectStore open(String uri, GcsOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    if (!uri.startsWith("gs://")) {
      throw new IllegalArgumentException("A GCS location must start with gs://, got " + uri);
    }
    String rest = uri.substring("gs://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("A GCS location needs a bucket name: gs://BUCKET[/PREFIX], got " + uri);
    }
    if (prefix.startsWith("/") || prefix.contains("//")) {
      throw new IllegalArgumentException("A GCS prefix must not contain empty segments: " + uri);
    }
    return new GcsObjectStore(bucket, prefix, options);
  }

  private static Credentials credentials(GcsOptions o) throws IOException {
    if (o.anonymous()) {
      return NoCredentials.getInstance();
    }
    if (o.bearerToken().isPresent()) {
      return GoogleCredentials.create(new AccessToken(o.bearerToken().get(), null));
    }
    if (o.serviceAccountKey().isPresent()) {
      try (InputStream in = new ByteArrayInputStream(o.serviceAccountKey().get().getBytes(StandardCharsets.UTF_8))) {
        return ServiceAccountCredentials.fromStream(in);
      } catch (IOException e) {
        throw new IOException("Cannot read the GCS service account key given in google_service_account_key: " + e.getMessage(), e);
      }
    }
    if (o.serviceAccountPath().isPresent()) {
      return readCredentialsFile("google_service_account", o.serviceAccountPath().get(), true);
    }
    if (o.applicationCredentialsPath().isPresent()) {
      return readCredentialsFile("google_application_credentials", o.applicationCredentialsPath().get(), false);
    }
    try {
      return GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new IOException(
          "No GCS credentials: set google_service_account, google_service_account_key, google_application_credentials,"
              + " google_storage_token or google_skip_signature=true, or configure application default credentials ("
              + e.getMessage() + ")",
          e);
    }
  }

  private static Credentials readCredentialsFile(String key, String path, boolean serviceAccount) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      return serviceAccount ? ServiceAccountCredentials.fromStream(in) : GoogleCredentials.fromStream(in);
    } catch (IOException e) {
      throw new IOException("Cannot read GCS credentials file " + path + " (" + key + "): " + e.getMessage(), e);
    }
  }

  private static Storage client(GcsOptions o, Credentials credentials, int attempts) {
    HttpStorageOptions.Builder b = StorageOptions.http();
    o.endpoint().ifPresent(b::setHost);
    if (o.projectId().isPresent()) {
      b.setProjectId(o.projectId().get());
    } else if (o.anonymous()) {
      // Object calls need no project; without one the client would probe the environment for it.
      b.setProjectId("anonymous");
    }
    b.setCredentials(credentials);
    b.setTransportOptions(
        HttpTransportOptions.newBuilder()
            .setConnectTimeout(Math.toIntExact(o.connectTimeout().toMillis()))
            .setReadTimeout(Math.toIntExact(o.timeout().toMillis()))
            .build());
    b.setRetrySettings(
        RetrySettings.newBuilder()
            .setMaxAttempts(attempts)
            .setInitialRetryDelayDuration(o.initialBackoff())
            .setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofSeconds(8))
            .setTotalTimeoutDuration(o.retryTimeout())
            .setInitialRpcTimeoutDuration(o.timeout())
            .setRpcTimeoutMultiplier(1.0)
            .setMaxRpcTimeoutDuration(o.timeout())
            .build());
    // Every call this class makes through the retrying client is idempotent in effect: reads,
    // listings, deletes (a missing object is fine) and whole-object replacements.
    b.setStorageRetryStrategy(StorageRetryStrategy.getUniformStorageRetryStrategy());
    return b.build().getService();
  }

  /** The bucket name. */
  public String bucket() {
    return bucket;
  }

  /** The prefix below the bucket, without slashes at either end ("" for the bucket root). */
  public String prefix() {
    return prefix;
  }

  /** The settings this store was opened with. */
  public GcsOptions options() {
    return options;
  }

  @Override
  public String uri() {
    return prefix.isEmpty() ? "gs://" + bucket : "gs://" + bucket + "/" + prefix;
  }

  private String objectName(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/")) {
      throw new IllegalArgumentException("Object path must be relative and non-empty, got '" + path + "' in " + uri());
    }
    for (String seg : path.split("/", -1)) {
      if (seg.equals("..") || seg.equals(".")) {
        throw new IllegalArgumentException("Object path must not contain '.' or '..' segments: " + path + " in " + uri());
      }
    }
    return prefix.isEmpty() ? path : prefix + "/" + path;
  }

  private String location(String path) {
    return uri() + "/" + path;
  }

  /** Translates a client failure into an I/O exception naming the object. */
  private static IOException translate(String what, String location, RuntimeException e) {
    if (e instanceof StorageException se) {
      if (se.getCode() == 404) {
        ObjectNotFoundException nf = new ObjectNotFoundException(location);
        nf.initCause(se);
        return nf;
      }
      Throwable cause = se.getCause();
      if (cause instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
        InterruptedIOException ie = new InterruptedIOException(what + " interrupted: " + location);
        ie.initCause(se);
        return ie;
      }
      if (se.getCode() == 0) {
        return new IOException(what + " failed for " + location + ": no HTTP answer: " + se.getMessage(), se);
      }
      return new IOException(
          what + " failed for " + location + ": HTTP " + se.getCode() + " " + se.getReason() + ": " + se.getMessage(), se);
    }
    return new IOException(what + " failed for " + location + ": " + e, e);
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    Blob blob = metadata(path);
    return new GcsReadable(location(path), BlobId.of(bucket, objectName(path), blob.getGeneration()), blob.getSize(),
        IoPriority.INTERACTIVE);
  }

  @Override
  public long size(String path) throws IOException {
    return metadata(path).getSize();
  }

  /** The object's metadata (one GET of its resource); {@link ObjectNotFoundException} when absent. */
  private Blob metadata(String path) throws IOException {
    Blob blob;
    try {
      blob = storage.get(BlobId.of(bucket, objectName(path)));
    } catch (RuntimeException e) {
      throw translate("Reading metadata", location(path), e);
    }
    if (blob == null) {
      throw new ObjectNotFoundException(location(path));
    }
    return blob;
  }

  @Override
  public boolean exists(String path) throws IOException {
    String name = objectName(path);
    try {
      return storage.get(BlobId.of(bucket, name)) != null;
    } catch (RuntimeException e) {
      throw translate("Reading metadata", location(path), e);
    }
  }

  @Override
  public byte[] readAll(String path) throws IOException {
    String name = objectName(path);
    try {
      return storage.readAllBytes(BlobId.of(bucket, name));
    } catch (RuntimeException e) {
      throw translate("Reading", location(path), e);
    }
  }

  @Override
  public void put(String path, byte[] data) throws IOException {
    String name = objectName(path);
    try {
      storage.create(BlobInfo.newBuilder(BlobId.of(bucket, name)).build(), data);
    } catch (RuntimeException e) {
      throw translate("Writing", location(path), e);
    }
  }

  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    String name = objectName(path);
    String location = location(path);
    String writeId = UUID.randomUUID().toString();
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, name)).setMetadata(Map.of(WRITE_ID_KEY, writeId)).build();
    long deadline = System.nanoTime() + options.retryTimeout().toNanos();
    long backoffMillis = options.initialBackoff().toMillis();
    for (int attempt = 0; ; attempt++) {
      try {
        storageNoRetry.create(info, data, Storage.BlobTargetOption.doesNotExist());
        return;
      } catch (RuntimeException e) {
        int code = e instanceof StorageException se ? se.getCode() : 0;
        if (code == 412) {
          if (isOurWrite(name, writeId, data, location)) {
            return;
          }
          throw new ObjectAlreadyExistsException(location);
        }
        if (!isRetryable(e)) {
          throw translate("Conditional write", location, e);
        }
        if (attempt >= options.maxRetries() || System.nanoTime() + backoffMillis * 1_000_000 > deadline) {
          throw translate("Conditional write (gave up after " + (attempt + 1) + " attempts)", location, e);
        }
      }
      sleep(backoffMillis, location);
      backoffMillis = Math.min(backoffMillis * 2, 8_000);
    }
  }

  /**
   * Settles a 412: the name is taken, but perhaps by an earlier attempt of this very call whose
   * answer was lost. Only an object carrying our write id and our bytes is ours.
   */
  private boolean isOurWrite(String name, String writeId, byte[] data, String location) throws IOException {
    Blob blob;
    try {
      blob = storage.get(BlobId.of(bucket, name));
    } catch (RuntimeException e) {
      throw translate("Reading back a contended conditional write", location, e);
    }
    if (blob == null) {
      return false;
    }
    Map<String, String> meta = blob.getMetadata();
    if (meta == null || !writeId.equals(meta.get(WRITE_ID_KEY)) || blob.getSize() != data.length) {
      return false;
    }
    byte[] stored;
    try {
      stored = storage.readAllBytes(BlobId.of(bucket, name, blob.getGeneration()));
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw translate("Reading back a contended conditional write", location, e);
    }
    return Arrays.equals(stored, data);
  }

  private static boolean isRetryable(RuntimeException e) {
    if (!(e instanceof StorageException se)) {
      return false;
    }
    int code = se.getCode();
    if (code == 408 || code == 429 || (code >= 500 && code < 600)) {
      return true;
    }
    // Code 0: no HTTP answer at all (connection reset, timeout, closed without a response).
    return code == 0 && se.getCause() instanceof IOException && !(se.getCause() instanceof InterruptedIOException);
  }

  private static void sleep(long millis, String location) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while retrying a write of " + location);
    }
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    return new GcsWriter(path, BlobInfo.newBuilder(BlobId.of(bucket, objectName(path))).build());
  }

  @Override
  public List<ObjectInfo> list(String listPrefix) throws IOException {
    String root = prefix.isEmpty() ? "" : prefix + "/";
    String full = root + listPrefix;
    List<ObjectInfo> out = new ArrayList<>();
    try {
      Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(full), Storage.BlobListOption.pageSize(options.listPageSize()));
      for (Blob b : page.iterateAll()) {
        String name = b.getName();
        if (!name.startsWith(full)) {
          continue;
        }
        Long updated = b.getUpdateTime();
        out.add(new ObjectInfo(name.substring(root.length()), b.getSize(), updated == null ? 0 : updated));
      }
    } catch (RuntimeException e) {
      throw translate("Listing", uri() + "/" + listPrefix + "*", e);
    }
    out.sort(Comparator.comparing(ObjectInfo::path));
    return out;
  }

  @Override
  public void delete(String path) throws IOException {
    String name = objectName(path);
    try {
      storage.delete(BlobId.of(bucket, name));
    } catch (RuntimeException e) {
      if (e instanceof StorageException se && se.getCode() == 404) {
        return;
      }
      throw translate("Deleting", location(path), e);
    }
  }

  /**
   * Deletes many objects, issuing the deletes in parallel (up to {@link
   * GcsOptions#readParallelism()} at a time). Missing objects are not an error. Every delete is
   * attempted; the first failure is thrown afterwards with the others suppressed.
   */
  public void deleteAll(Collection<String> paths) throws IOException {
    List<Future<?>> futures = new ArrayList<>(paths.size());
    for (String p : paths) {
      objectName(p);
      futures.add(pool.submit(() -> {
        delete(p);
        return null;
      }));
    }
    IOException failure = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new InterruptedIOException("Interrupted while deleting from " + uri());
      } catch (ExecutionException e) {
        IOException io = e.getCause() instanceof IOException x ? x : new IOException("Delete failed in " + uri(), e.getCause());
        if (failure == null) {
          failure = io;
        } else {
          failure.addSuppressed(io);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() throws IOException {
    pool.shutdownNow();
    for (Runnable r : readers.shutdownNow()) {
      if (r instanceof ReadTask t) {
        t.completeExceptionally(new IOException("GCS store " + uri() + " was closed before the read of " + t.location + " started"));
      }
    }
    try {
      storage.close();
      storageNoRetry.close();
    } catch (Exception e) {
      throw new IOException("Closing the GCS client of " + uri() + " failed", e);
    }
  }

  @Override
  public String toString() {
    return "GcsObjectStore[" + uri() + "]";
  }

  /**
   * One part of a {@code readRanges} on a read thread. Cancelling it only stops it from starting:
   * once running it completes when its GET does, so the scheduler's permit is held exactly as long
   * as the request.
   */
  private static final class ReadTask extends CompletableFuture<ByteBuffer> implements Runnable {
    final String location;
    private final GcsReadable object;
    private final long offset;
    private final int length;
    private volatile boolean withdrawn;

    ReadTask(GcsReadable object, long offset, int length) {
      this.location = object.location;
      this.object = object;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public void run() {
      if (withdrawn) {
        completeExceptionally(new CancellationException("Read of " + location + " withdrawn"));
        return;
      }
      try {
        complete(object.fetch(offset, length));
      } catch (Throwable t) {
        completeExceptionally(t);
      }
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      withdrawn = true;
      return false;
    }
  }

  /** An open object, pinned to the generation seen by {@link #open}; reads at one priority. */
  private final class GcsReadable implements ReadableObject {
    private final String location;
    private final BlobId id;
    private final long size;
    private final IoPriority priority;

    GcsReadable(String location, BlobId id, long size, IoPriority priority) {
      this.location = location;
      this.id = id;
      this.size = size;
      this.priority = priority;
    }

    @Override
    public ReadableObject withPriority(IoPriority p) {
      Objects.requireNonNull(p, "priority");
      return p == priority ? this : new GcsReadable(location, id, size, p);
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
      ReadableObject.checkRange(location, size, offset, length);
      if (length == 0) {
        return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
      }
      return scheduler.call(priority, length, () -> fetch(offset, length));
    }

    /** One GET on this thread, unscheduled (the caller holds a permit). */
    ByteBuffer fetch(long offset, int length) throws IOException {
      ByteBuffer dst = ByteBuffer.allocate(length);
      fetchInto(offset, dst);
      return dst.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void readInto(long offset, ByteBuffer dst) throws IOException {
      int length = dst.remaining();
      ReadableObject.checkRange(location, size, offset, length);
      if (length == 0) {
        return;
      }
      scheduler.call(
          priority,
          length,
          () -> {
            fetchInto(offset, dst);
            return null;
          });
    }

    private void fetchInto(long offset, ByteBuffer dst) throws IOException {
      int length = dst.remaining();
      try (ReadChannel ch = storage.reader(id)) {
        ch.setChunkSize(0);
        ch.seek(offset);
        ch.limit(offset + length);
        int want = dst.position() + length;
        int idle = 0;
        while (dst.position() < want) {
          int n = ch.read(dst);
          idle = n == 0 ? idle + 1 : 0;
          if (idle > 1_000) {
            throw new IOException("Reading " + location + " made no progress after 1000 empty reads at offset " + offset);
          }
          if (n < 0) {
            throw new EOFException(
                "Object ended early: " + location + " (generation " + id.getGeneration() + "): wanted ["
                    + offset + ", " + (offset + length) + ") of " + size + " bytes, got "
                    + (length - (want - dst.position())));
          }
        }
      } catch (RuntimeException e) {
        throw readFailure(e);
      } catch (IOException e) {
        if (e.getCause() instanceof RuntimeException re && !(e instanceof EOFException)) {
          throw readFailure(re);
        }
        throw e;
      }
    }

    private IOException readFailure(RuntimeException e) {
      IOException io = translate("Reading", location, e);
      if (io instanceof ObjectNotFoundException) {
        ObjectNotFoundException nf =
            new ObjectNotFoundException(location + " (generation " + id.getGeneration() + " was replaced or deleted after open)");
        nf.initCause(e);
        return nf;
      }
      return io;
    }

    @Override
    public ByteBuffer readTail(int length) throws IOException {
      int n = (int) Math.min(length, size);
      return read(size - n, n);
    }

    @Override
    public List<ByteBuffer> readRanges(List<ByteRange> ranges) throws IOException {
      int n = ranges.size();
      List<ByteBuffer> out = ReadableObject.slots(n);
      if (n == 0) {
        return out;
      }
      for (ByteRange r : ranges) {
        ReadableObject.checkRange(location, size, r.offset(), r.length());
      }
      RangePlan plan = RangePlan.of(ranges, COALESCE_GAP, MAX_MERGED_BYTES);
      List<ByteRange> merged = new ArrayList<>();
      for (RangePlan.Group g : plan.groups()) {
        merged.add(new ByteRange(g.start(), g.end() - g.start()));
      }
      List<ByteBuffer> fetched = new ArrayList<>(merged.size());
      if (merged.size() == 1) {
        fetched.add(read(merged.get(0).offset(), Math.toIntExact(merged.get(0).length())));
      } else {
        // Parts beyond the store's limits wait in its scheduler (as descriptions, not buffers).
        List<CompletableFuture<ByteBuffer>> futures = new ArrayList<>(merged.size());
        for (ByteRange m : merged) {
          int len = Math.toIntExact(m.length());
          futures.add(
              len == 0
                  ? CompletableFuture.completedFuture(ByteBuffer.allocate(0))
                  : scheduler.submit(
                      priority,
                      len,
                      () -> {
                        ReadTask t = new ReadTask(this, m.offset(), len);
                        readers.execute(t);
                        return t;
                      }));
        }
        for (CompletableFuture<ByteBuffer> f : futures) {
          try {
            fetched.add(f.get());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(x -> x.cancel(true));
            throw new InterruptedIOException("Interrupted while reading " + location);
          } catch (ExecutionException e) {
            futures.forEach(x -> x.cancel(true));
            if (e.getCause() instanceof IOException io) {
              throw io;
            }
            throw new IOException("Reading " + location + " failed", e.getCause());
          } catch (CancellationException e) {
            futures.forEach(x -> x.cancel(true));
            throw new InterruptedIOException("Reading " + location + " was cancelled");
          }
        }
      }
      for (int g = 0; g < plan.groups().size(); g++) {
        ByteBuffer buf = fetched.get(g);
        RangePlan.Group group = plan.groups().get(g);
        for (int k = group.from(); k < group.to(); k++) {
          int i = plan.rangeAt(k);
          ByteRange r = ranges.get(i);
          out.set(i, buf.slice((int) (r.offset() - group.start()), (int) r.length()).order(ByteOrder.LITTLE_ENDIAN));
        }
      }
      return out;
    }

    @Override
    public int coalesceGapBytes() {
      return COALESCE_GAP;
    }

    @Override
    public void close() {}
  }

  /**
   * Buffers up to one upload chunk; a write that stays below it is one upload request at close,
   * a larger one becomes a resumable upload sending a chunk whenever the buffer fills.
   */
  private final class GcsWriter implements ObjectWriter {
    private final String path;
    private final BlobInfo info;
    private final int chunk = options.uploadChunkSize();
    private byte[] buf = new byte[Math.min(chunk, 64 * 1024)];
    private int buffered;
    private WriteChannel channel;
    private long position;
    private boolean done;

    GcsWriter(String path, BlobInfo info) {
      this.path = path;
      this.info = info;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, bytes.length);
      if (done) {
        throw new IllegalStateException("Cannot write: already closed or aborted: " + location(path));
      }
      if (channel == null && buffered + length <= chunk) {
        if (buffered + length > buf.length) {
          buf = Arrays.copyOf(buf, Math.min(chunk, Math.max(buf.length * 2, buffered + length)));
        }
        System.arraycopy(bytes, offset, buf, buffered, length);
        buffered += length;
        position += length;
        return;
      }
      try {
        if (channel == null) {
          channel = storage.writer(info);
          channel.setChunkSize(chunk);
          writeFully(ByteBuffer.wrap(buf, 0, buffered));
          buf = null;
          buffered = 0;
        }
        writeFully(ByteBuffer.wrap(bytes, offset, length));
        position += length;
      } catch (RuntimeException e) {
        done = true;
        throw translate("Resumable upload", location(path), e);
      } catch (IOException e) {
        done = true;
        throw uploadFailure(e);
      }
    }

    private IOException uploadFailure(IOException e) {
      if (e.getCause() instanceof RuntimeException re) {
        return translate("Resumable upload", location(path), re);
      }
      return new IOException("Resumable upload failed for " + location(path) + ": " + e.getMessage(), e);
    }

    private void writeFully(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        if (channel == null) {
          storage.create(info, Arrays.copyOf(buf, buffered));
          buf = null;
        } else {
          channel.close();
        }
      } catch (RuntimeException e) {
        throw translate("Writing", location(path), e);
      } catch (IOException e) {
        throw uploadFailure(e);
      }
    }

    @Override
    public void abort() {
      // An unfinished resumable session never becomes an object; GCS expires it after a week.
      done = true;
      buf = null;
      channel = null;
    }
  }
}
