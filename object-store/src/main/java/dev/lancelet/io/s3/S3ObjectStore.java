package dev.lancelet.io.s3;

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
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} over an S3 bucket and key prefix ({@code s3://bucket/prefix}), on the AWS
 * SDK v2 asynchronous client with the pure-Java Netty HTTP client.
 *
 * <ul>
 *   <li>{@link #open} fetches the last {@value #OPEN_PREFETCH_BYTES} bytes with one suffix-range
 *       GET, which also tells the size and ETag; so opening a file and reading its footer with
 *       {@link ReadableObject#readTail} costs one request. Later reads are ranged GETs pinned to
 *       that ETag ({@code If-Match}), so a replaced object fails loudly instead of mixing versions.
 *   <li>{@link ReadableObject#readRanges} merges ranges closer than {@value #COALESCE_GAP_BYTES}
 *       bytes (and only while the over-read stays under 2x, see {@link
 *       ByteRange#TINY_GAP_BYTES}) and fetches the merged ranges in parallel.
 *   <li>Every GET goes through the store's {@link IoScheduler}, which bounds the requests and
 *       response bytes in flight ({@link S3Options#ioLimits()}) and serves {@link
 *       IoPriority#INTERACTIVE} reads before {@link IoPriority#BULK} ones; an object's reads are
 *       interactive unless made through {@link ReadableObject#withPriority}.
 *   <li>{@link #create} buffers up to {@link S3Options#multipartThreshold()} bytes and then
 *       switches to a multipart upload with up to {@value #MAX_INFLIGHT_PARTS} parts in flight; a
 *       failed or aborted write aborts the upload.
 *   <li>{@link #putIfAbsent} sends {@code If-None-Match: *}. A 412 after a retried attempt is
 *       settled by reading the object back (see the method).
 *   <li>Requests are retried by the SDK's standard strategy (throttling, 5xx, connection errors)
 *       with exponential backoff and full jitter, at most {@link S3Options#maxRetries()} times.
 * </ul>
 *
 * <p>Errors: a missing object is {@link ObjectNotFoundException}, a refusal {@link
 * AccessDeniedException}, anything else S3 says {@link S3RequestException}; each names the {@code
 * s3://} location. The store owns its HTTP client: close it.
 */
public final class S3ObjectStore implements ObjectStore, ConditionalPut {
  /** Bytes fetched from the end of an object when it is opened. */
  public static final int OPEN_PREFETCH_BYTES = 64 << 10;
  /** Ranges closer than this are fetched with one request. */
  public static final int COALESCE_GAP_BYTES = 64 << 10;
  /** Never merge ranges into one request larger than this. */
  static final long MAX_MERGED_BYTES = 64L << 20;
  /** DeleteObjects takes at most this many keys. */
  static final int DELETE_BATCH = 1000;
  /** Parts uploading at once per writer. */
  public static final int MAX_INFLIGHT_PARTS = 4;
  /** S3's limit on the parts of one upload. */
  static final int MAX_PARTS = 10_000;
  /** Own retries of a conditional PUT answered 409 (a concurrent conditional write in progress). */
  static final int CONFLICT_RETRIES = 5;

  private final S3Uri root;
  private final S3Options options;
  private final SdkAsyncHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final S3AsyncClient client;
  private final IoScheduler scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();

  private S3ObjectStore(S3Uri root, S3Options options, List<ExecutionInterceptor> interceptors) {
    this.root = root;
    this.options = options;
    this.scheduler = new IoScheduler(options.ioLimits());
    this.credentials = credentialsFor(options);
    this.http =
        NettyNioAsyncHttpClient.builder()
            .maxConcurrency(options.maxConnections())
            .maxPendingConnectionAcquires(100_000)
            .connectionTimeout(options.connectTimeout())
            .connectionAcquisitionTimeout(Duration.ofMinutes(5))
            .readTimeout(options.requestTimeout())
            .writeTimeout(options.requestTimeout())
            .build();
    RetryStrategy retry =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(options.maxRetries() + 1)
            .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(20)))
            .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(20)))
            .circuitBreakerEnabled(false)
            .build();
    S3AsyncClientBuilder b =
        S3AsyncClient.builder()
            .httpClient(http)
            .region(regionFor(options))
            .credentialsProvider(credentials)
            .forcePathStyle(options.pathStyle())
            // Checksums only where S3 demands them: S3-compatible servers differ in what they accept.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                c -> {
                  c.retryStrategy(retry);
                  interceptors.forEach(c::addExecutionInterceptor);
                });
    if (options.endpoint() != null) {
      b.endpointOverride(options.endpoint());
    } else if (options.region() == null) {
      b.crossRegionAccessEnabled(true);
    }
    try {
      this.client = b.build();
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  /**
   * Opens the store at {@code uri} ({@code s3://bucket/prefix}) with options as Lance's storage
   * options spell them (see {@link S3Options}), falling back to the environment.
   *
   * @throws IllegalArgumentException for a malformed URI or an unknown or malformed option
   */
  public static S3ObjectStore connect(String uri, Map<String, String> options) {
    return builder(uri).options(S3Options.fromMap(options)).build();
  }

  /** A builder for the store at {@code uri} ({@code s3://bucket/prefix}). */
  public static Builder builder(String uri) {
    return new Builder(S3Uri.parse(uri));
  }

  /** Builder of {@link S3ObjectStore}. */
  public static final class Builder {
    private final S3Uri root;
    private S3Options options = S3Options.defaults();
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();

    private Builder(S3Uri root) {
      this.root = root;
    }

    /** Connection and behaviour options (default: {@link S3Options#defaults()}). */
    public Builder options(S3Options options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Adds an SDK interceptor that sees every request, e.g. for metrics or tracing. */
    public Builder addExecutionInterceptor(ExecutionInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Builds the store, with its own HTTP client. */
    public S3ObjectStore build() {
      return new S3ObjectStore(root, options, List.copyOf(interceptors));
    }
  }

  private static AwsCredentialsProvider credentialsFor(S3Options o) {
    if (o.skipSignature()) {
      return AnonymousCredentialsProvider.create();
    }
    if (o.accessKeyId() != null) {
      return StaticCredentialsProvider.create(
          o.sessionToken() != null
              ? AwsSessionCredentials.create(o.accessKeyId(), o.secretAccessKey(), o.sessionToken())
              : AwsBasicCredentials.create(o.accessKeyId(), o.secretAccessKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static Region regionFor(S3Options o) {
    if (o.region() != null) {
      return Region.of(o.region());
    }
    if (o.endpoint() == null) {
      try {
        return DefaultAwsRegionProviderChain.builder().build().getRegion();
      } catch (SdkClientException e) {
        // Nothing configured anywhere: AWS's global default, with cross-region access enabled.
      }
    }
    return Region.US_EAST_1;
  }

  /** The bucket and prefix this store is rooted at. */
  public S3Uri root() {
    return root;
  }

  /** The options in force. */
  public S3Options options() {
    return options;
  }

  /** The scheduler every GET of this store goes through (for its limits and counters). */
  public IoScheduler ioScheduler() {
    return scheduler;
  }

  @Override
  public String uri() {
    return root.toString();
  }

  private String key(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("An object path must not be empty (store " + uri() + ")");
    }
    if (path.startsWith("/")) {
      throw new IllegalArgumentException("Object paths are relative to the store root, got '" + path + "' in " + uri());
    }
    checkOpen();
    return root.key(path);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("S3 store is closed: " + uri());
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public ReadableObject open(String path) throws IOException {
    String key = key(path);
    String loc = root.location(path);
    GetObjectRequest req =
        GetObjectRequest.builder().bucket(root.bucket()).key(key).range("bytes=-" + OPEN_PREFETCH_BYTES).build();
    BoundedBytesTransformer.Result r;
    try {
      r =
          await(
              scheduler.submit(
                  IoPriority.INTERACTIVE,
                  OPEN_PREFETCH_BYTES,
                  () -> client.getObject(req, new BoundedBytesTransformer(OPEN_PREFETCH_BYTES, loc))),
              "GET",
              loc);
    } catch (S3RequestException e) {
      if (e.statusCode() != 416) {
        throw e;
      }
      // A suffix range of an empty object is unsatisfiable: learn the size with a HEAD instead.
      HeadObjectResponse head = head(key, loc);
      long size = head.contentLength();
      if (size != 0) {
        throw new IOException("S3 refused a suffix range of a non-empty object (" + size + " bytes): " + loc, e);
      }
      return new S3ReadableObject(key, loc, 0, head.eTag(), new byte[0], IoPriority.INTERACTIVE);
    }
    long size = totalSize(r.response().contentRange(), r.body().length, loc);
    return new S3ReadableObject(key, loc, size, r.response().eTag(), r.body(), IoPriority.INTERACTIVE);
  }

  /** The total from a {@code Content-Range: bytes a-b/total} header; a full answer has none. */
  static long totalSize(String contentRange, int bodyLength, String loc) throws IOException {
    if (contentRange == null) {
      return bodyLength;
    }
    int slash = contentRange.lastIndexOf('/');
    try {
      if (slash < 0) {
        throw new NumberFormatException();
      }
      long total = Long.parseLong(contentRange.substring(slash + 1).trim());
      if (total < bodyLength) {
        throw new NumberFormatException();
      }
      return total;
    } catch (NumberFormatException e) {
      throw new IOException("S3 answered a malformed Content-Range '" + contentRange + "' for " + loc);
    }
  }

  private HeadObjectResponse head(String key, String loc) throws IOException {
    return await(client.headObject(h -> h.bucket(root.bucket()).key(key)), "HEAD", loc);
  }

  @Override
  public long size(String path) throws IOException {
    return head(key(path), root.location(path)).contentLength();
  }

  @Override
  public boolean exists(String path) throws IOException {
    try {
      head(key(path), root.location(path));
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  /**
   * A ranged GET through the scheduler. The future is the scheduler's, so cancelling it withdraws
   * a queued request or aborts the running one; the length is checked by {@link #checked}.
   */
  private CompletableFuture<BoundedBytesTransformer.Result> fetch(
      String key, String loc, String eTag, long offset, int length, IoPriority priority) {
    GetObjectRequest.Builder req =
        GetObjectRequest.builder().bucket(root.bucket()).key(key).range("bytes=" + offset + "-" + (offset + length - 1));
    if (eTag != null) {
      req.ifMatch(eTag);
    }
    GetObjectRequest built = req.build();
    return scheduler.submit(priority, length, () -> client.getObject(built, new BoundedBytesTransformer(length, loc)));
  }

  private static byte[] checked(BoundedBytesTransformer.Result r, long offset, int length, String loc) throws IOException {
    if (r.body().length != length) {
      throw new IOException("S3 answered " + r.body().length + " bytes for a range of " + length + " at " + offset + ": " + loc);
    }
    return r.body();
  }

  /** An open S3 object: size and ETag fixed at open, the tail cached; reads at one priority. */
  private final class S3ReadableObject implements ReadableObject {
    private final String key;
    private final String loc;
    private final long size;
    private final String eTag;
    private final byte[] tail;
    private final long tailStart;
    private final IoPriority priority;

    S3ReadableObject(String key, String loc, long size, String eTag, byte[] tail, IoPriority priority) {
      this.key = key;
      this.loc = loc;
      this.size = size;
      this.eTag = eTag;
      this.tail = tail;
      this.tailStart = size - tail.length;
      this.priority = priority;
    }

    @Override
    public ReadableObject withPriority(IoPriority p) {
      Objects.requireNonNull(p, "priority");
      return p == priority ? this : new S3ReadableObject(key, loc, size, eTag, tail, p);
    }

    @Override
    public String location() {
      return loc;
    }

    @Override
    public long size() {
      return size;
    }

    private ByteBuffer fromTail(long offset, int length) {
      int from = (int) (offset - tailStart);
      return ByteBuffer.wrap(Arrays.copyOfRange(tail, from, from + length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
      ReadableObject.checkRange(loc, size, offset, length);
      if (length == 0) {
        return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
      }
      if (offset >= tailStart) {
        return fromTail(offset, length);
      }
      byte[] b = awaitRead(fetch(key, loc, eTag, offset, length, priority), offset, length);
      return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] awaitRead(CompletableFuture<BoundedBytesTransformer.Result> f, long offset, int length) throws IOException {
      try {
        return checked(await(f, "GET", loc), offset, length, loc);
      } catch (S3RequestException e) {
        if (e.statusCode() == 412) {
          throw new IOException("S3 object was replaced after it was opened (ETag " + eTag + " no longer matches): " + loc, e);
        }
        throw e;
      }
    }

    @Override
    public ByteBuffer readTail(int length) throws IOException {
      if (length < 0) {
        throw new IllegalArgumentException("Tail length must be >= 0, got " + length + " for " + loc);
      }
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
        ReadableObject.checkRange(loc, size, r.offset(), r.length());
      }
      RangePlan plan = RangePlan.of(ranges, COALESCE_GAP_BYTES, MAX_MERGED_BYTES);
      record Group(RangePlan.Group span, byte[] local, CompletableFuture<BoundedBytesTransformer.Result> remote) {}
      List<Group> groups = new ArrayList<>();
      try {
        // Requests beyond the store's limits wait in its scheduler (as descriptions, not buffers).
        for (RangePlan.Group span : plan.groups()) {
          long groupStart = span.start();
          int len = span.length();
          if (len == 0) {
            groups.add(new Group(span, new byte[0], null));
          } else if (groupStart >= tailStart) {
            int from = (int) (groupStart - tailStart);
            groups.add(new Group(span, Arrays.copyOfRange(tail, from, from + len), null));
          } else {
            groups.add(new Group(span, null, fetch(key, loc, eTag, groupStart, len, priority)));
          }
        }
        for (Group g : groups) {
          byte[] merged = g.local != null ? g.local : awaitRead(g.remote, g.span.start(), g.span.length());
          ByteBuffer whole = ByteBuffer.wrap(merged);
          for (int k = g.span.from(); k < g.span.to(); k++) {
            int i = plan.rangeAt(k);
            ByteRange r = ranges.get(i);
            int pos = (int) (r.offset() - g.span.start());
            out.set(i, whole.slice(pos, (int) r.length()).order(ByteOrder.LITTLE_ENDIAN));
          }
        }
      } catch (IOException | RuntimeException e) {
        for (Group g : groups) {
          if (g.remote != null) {
            g.remote.cancel(true);
          }
        }
        throw e;
      }
      return out;
    }

    @Override
    public int coalesceGapBytes() {
      return COALESCE_GAP_BYTES;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "S3Object[" + loc + ", " + size + " bytes]";
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(String path, byte[] data) throws IOException {
    if (data.length > options.multipartThreshold()) {
      try (ObjectWriter w = create(path)) {
        w.write(data, 0, data.length);
      }
      return;
    }
    String key = key(path);
    String loc = root.location(path);
    await(
        client.putObject(
            p -> p.bucket(root.bucket()).key(key).contentLength((long) data.length),
            AsyncRequestBody.fromBytes(data)),
        "PUT",
        loc);
  }

  /**
   * Writes {@code data} only if nothing exists at {@code path}, with {@code If-None-Match: *}.
   *
   * <p>When the answer to an attempt is lost (a dropped connection, a timeout) the SDK retries, and
   * the retry may find our own first attempt in place and answer 412. So a 412 that follows an
   * earlier attempt, or a request that failed without any answer, is settled by reading the object
   * back: the same bytes mean our write landed (callers write unique content, e.g. a manifest with
   * a transaction id), other bytes mean another writer won, and no object means nothing was
   * written. A 412 on the first attempt is a plain loss of the race. A 409 (S3 saw a concurrent
   * conditional write in flight) is retried with backoff.
   *
   * @throws ObjectAlreadyExistsException if another object holds the name
   * @throws IOException if the outcome could not be established
   */
  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    String key = key(path);
    String loc = root.location(path);
    boolean earlierAttempts = false;
    for (int conflict = 0; ; conflict++) {
      try {
        await(
            client.putObject(
                p -> p.bucket(root.bucket()).key(key).contentLength((long) data.length).ifNoneMatch("*"),
                AsyncRequestBody.fromBytes(data)),
            "PUT (if absent)",
            loc);
        return;
      } catch (S3RequestException e) {
        int attempts = attempts(e);
        if (e.statusCode() == 412) {
          if (earlierAttempts || attempts > 1) {
            settle(key, loc, data, e);
            return;
          }
          ObjectAlreadyExistsException lost = new ObjectAlreadyExistsException(loc);
          lost.initCause(e);
          throw lost;
        }
        if (e.statusCode() == 409 && conflict < CONFLICT_RETRIES) {
          earlierAttempts = true;
          sleepBackoff(conflict, loc);
          continue;
        }
        if (e.statusCode() >= 500 || e.statusCode() == 409 || e.statusCode() == 429) {
          // Retries exhausted on an answer that does not say whether the write happened.
          settle(key, loc, data, e);
          return;
        }
        throw e;
      } catch (ObjectNotFoundException | AccessDeniedException e) {
        throw e;
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        // No answer at all (connection lost, timeouts): find out from the store itself.
        settle(key, loc, data, e);
        return;
      }
    }
  }

  private static int attempts(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SdkException s && s.numAttempts() != null) {
        return s.numAttempts();
      }
    }
    return 1;
  }

  private static void sleepBackoff(int attempt, String loc) throws InterruptedIOException {
    long cap = Math.min(5_000, 100L << Math.min(attempt, 10));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while retrying a conditional PUT of " + loc);
    }
  }

  /** Decides an ambiguous conditional PUT by comparing what is stored with what we sent. */
  private void settle(String key, String loc, byte[] data, IOException cause) throws IOException {
    byte[] stored;
    try {
      stored = readKey(key, loc, data.length);
    } catch (ObjectNotFoundException missing) {
      throw new IOException("Conditional PUT of " + loc + " failed and nothing was written", cause);
    } catch (IOException readFailure) {
      IOException unknown =
          new IOException(
              "Conditional PUT of " + loc + " has an unknown outcome: the request failed and reading the object back failed too",
              cause);
      unknown.addSuppressed(readFailure);
      throw unknown;
    }
    if (stored != null && Arrays.equals(stored, data)) {
      return;
    }
    ObjectAlreadyExistsException taken = new ObjectAlreadyExistsException(loc);
    taken.initCause(cause);
    throw taken;
  }

  /** The object's bytes if it has exactly {@code expected} bytes, else null (it differs anyway). */
  private byte[] readKey(String key, String loc, int expected) throws IOException {
    GetObjectRequest req = GetObjectRequest.builder().bucket(root.bucket()).key(key).build();
    try {
      return await(
              scheduler.submit(
                  IoPriority.INTERACTIVE, expected, () -> client.getObject(req, new BoundedBytesTransformer(expected, loc))),
              "GET",
              loc)
          .body();
    } catch (ObjectNotFoundException e) {
      throw e;
    } catch (IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BoundedBytesTransformer.TooLargeException) {
          return null; // larger than what we wrote: not ours
        }
      }
      throw e;
    }
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    return new S3Writer(this, key(path), root.location(path));
  }

  S3AsyncClient client() {
    return client;
  }

  String bucket() {
    return root.bucket();
  }

  // ---------------------------------------------------------------- listing and deletes

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    checkOpen();
    String fullPrefix = root.prefix() + prefix;
    String loc = "s3://" + root.bucket() + "/" + fullPrefix;
    List<ObjectInfo> out = new ArrayList<>();
    String token = null;
    do {
      final String t = token;
      ListObjectsV2Response page =
          await(
              client.listObjectsV2(l -> l.bucket(root.bucket()).prefix(fullPrefix).continuationToken(t)),
              "LIST",
              loc);
      for (S3Object o : page.contents()) {
        String k = o.key();
        if (!k.startsWith(root.prefix()) || k.endsWith("/")) {
          continue; // folder markers made by consoles are not objects
        }
        long modified = o.lastModified() == null ? 0 : o.lastModified().toEpochMilli();
        out.add(new ObjectInfo(k.substring(root.prefix().length()), o.size() == null ? 0 : o.size(), modified));
      }
      String next = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      if (Boolean.TRUE.equals(page.isTruncated()) && (next == null || next.equals(token))) {
        throw new IOException("S3 listing of " + loc + " is truncated but gave no new continuation token");
      }
      token = next;
    } while (token != null);
    out.sort(Comparator.comparing(ObjectInfo::path));
    return out;
  }

  @Override
  public void delete(String path) throws IOException {
    String key = key(path);
    String loc = root.location(path);
    try {
      await(client.deleteObject(d -> d.bucket(root.bucket()).key(key)), "DELETE", loc);
    } catch (ObjectNotFoundException e) {
      // already gone
    }
  }

  /**
   * Deletes many objects with DeleteObjects, {@value #DELETE_BATCH} keys per request. Missing
   * objects are not an error.
   *
   * @throws IOException listing the objects S3 could not delete
   */
  public void deleteAll(Collection<String> paths) throws IOException {
    List<String> keys = new ArrayList<>(paths.size());
    for (String p : paths) {
      keys.add(key(p));
    }
    List<String> failures = new ArrayList<>();
    int failed = 0;
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String k : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
        batch.add(ObjectIdentifier.builder().key(k).build());
      }
      Delete delete = Delete.builder().objects(batch).quiet(true).build();
      DeleteObjectsResponse resp =
          await(client.deleteObjects(d -> d.bucket(root.bucket()).delete(delete)), "DELETE (bulk)", uri());
      for (S3Error err : resp.errors()) {
        if ("NoSuchKey".equals(err.code())) {
          continue;
        }
        failed++;
        if (failures.size() < 10) {
          failures.add("s3://" + root.bucket() + "/" + err.key() + " (" + err.code() + ": " + err.message() + ")");
        }
      }
    }
    if (failed > 0) {
      throw new IOException(
          "Could not delete " + failed + " of " + keys.size() + " objects in " + uri() + ": " + String.join(", ", failures)
              + (failed > failures.size() ? ", ..." : ""));
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        client.close();
      } finally {
        http.close();
        if (credentials instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception ignored) {
            // nothing to recover
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + uri() + ", " + options + "]";
  }

  // ---------------------------------------------------------------- plumbing

  /** Waits for an SDK call, turning its failure into the typed exception for {@code loc}. */
  <T> T await(CompletableFuture<T> f, String op, String loc) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(op + " of " + loc + " was interrupted");
    } catch (ExecutionException e) {
      throw mapError(e.getCause(), op, loc);
    } catch (CancellationException e) {
      throw new InterruptedIOException(op + " of " + loc + " was cancelled");
    }
  }

  /** The typed exception for a failed call. */
  static IOException mapError(Throwable t, String op, String loc) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof AwsServiceException s) {
      int status = s.statusCode();
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      String msg = s.awsErrorDetails() == null ? s.getMessage() : s.awsErrorDetails().errorMessage();
      if (status == 404 && !"NoSuchBucket".equals(code) && !"NoSuchUpload".equals(code)) {
        ObjectNotFoundException nf = new ObjectNotFoundException(loc);
        nf.initCause(s);
        return nf;
      }
      if (status == 403) {
        AccessDeniedException denied =
            new AccessDeniedException(
                loc, null, op + " refused by S3" + (code == null ? "" : " (" + code + ")") + ": " + msg + " (request id " + s.requestId() + ")");
        denied.initCause(s);
        return denied;
      }
      return new S3RequestException(
          op + " of " + loc + " failed: HTTP " + status + (code == null ? "" : " " + code) + (msg == null ? "" : ": " + msg)
              + " (request id " + s.requestId() + ", attempts " + s.numAttempts() + ")",
          status,
          code,
          s);
    }
    if (c instanceof IOException io) {
      return io;
    }
    if (c instanceof SdkException s) {
      return new IOException(op + " of " + loc + " failed: " + s.getMessage(), s);
    }
    if (c instanceof CancellationException) {
      return new InterruptedIOException(op + " of " + loc + " was cancelled");
    }
    return new IOException(op + " of " + loc + " failed: " + c, c);
  }
}
