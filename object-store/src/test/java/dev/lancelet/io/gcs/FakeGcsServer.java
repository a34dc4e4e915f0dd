package dev.lancelet.io.gcs;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A Google Cloud Storage JSON-API server for tests, on the JDK's HTTP server, bound to loopback on
 * a free port. It keeps buckets and objects in memory and implements what the official client
 * sends: object metadata, media downloads with {@code Range} (206, suffix ranges, 416), uploads
 * ({@code uploadType=media|multipart|resumable}, with resumable sessions answering 308 until the
 * last chunk), generation and metageneration preconditions, listing with prefix, delimiter and
 * pages, deletes, and JSON error bodies. Each object version gets a new, strictly increasing
 * generation; every mutation of one bucket happens under that bucket's lock, so preconditions are
 * atomic.
 *
 * <p>Fault hooks: {@link #failNextRequests} answers the next requests with an error without
 * acting on them, {@link #dropNextUploadResponse} applies the next object-creating upload and then
 * closes the connection without an answer, and {@link #ignorePreconditions} makes the server
 * accept and ignore every precondition (as some emulators do).
 */
public final class FakeGcsServer implements AutoCloseable {
  private static final Gson GSON = new Gson();
  private static final int CHUNK_GRANULARITY = 256 * 1024;

  /** One stored object version. */
  public record StoredObject(
      String bucket, String name, byte[] data, long generation, long metageneration, String contentType,
      Map<String, String> metadata, Instant created, Instant updated) {}

  private static final class Bucket {
    final String name;
    final TreeMap<String, StoredObject> objects = new TreeMap<>();

    Bucket(String name) {
      this.name = name;
    }
  }

  private record Preconditions(Long ifGenerationMatch, Long ifGenerationNotMatch, Long ifMetagenerationMatch, Long ifMetagenerationNotMatch) {}

  private static final class Session {
    final String bucket;
    final String name;
    final String contentType;
    final Map<String, String> metadata;
    final Preconditions pre;
    final String crc32c;
    final String md5;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    StoredObject result;
    boolean cancelled;

    Session(String bucket, String name, String contentType, Map<String, String> metadata, Preconditions pre, String crc32c, String md5) {
      this.bucket = bucket;
      this.name = name;
      this.contentType = contentType;
      this.metadata = metadata;
      this.pre = pre;
      this.crc32c = crc32c;
      this.md5 = md5;
    }
  }

  /** Raised inside a handler to answer with a JSON error. */
  private static final class ApiError extends Exception {
    final int code;
    final String reason;

    ApiError(int code, String reason, String message) {
      super(message);
      this.code = code;
      this.reason = reason;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);

  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private final AtomicBoolean dropNextUpload = new AtomicBoolean();
  private volatile boolean ignorePreconditions;

  private final AtomicInteger totalRequests = new AtomicInteger();
  private final AtomicInteger mediaRequests = new AtomicInteger();
  private final AtomicInteger metadataRequests = new AtomicInteger();
  private final AtomicInteger uploadRequests = new AtomicInteger();
  private final AtomicInteger resumableChunkRequests = new AtomicInteger();
  private final AtomicInteger deleteRequests = new AtomicInteger();
  private final AtomicInteger listRequests = new AtomicInteger();
  private final List<String> rangeHeaders = java.util.Collections.synchronizedList(new ArrayList<>());
  private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private volatile long mediaDelayMillis;
  private volatile String holdName;
  private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);
  /** Checksums of stored contents (by identity), so ranged reads of a large object do not rehash it. */
  private final Map<byte[], String[]> hashes = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
  private final AtomicInteger mediaInFlight = new AtomicInteger();
  private final AtomicInteger peakMediaInFlight = new AtomicInteger();
  private final List<String> mediaLog = java.util.Collections.synchronizedList(new ArrayList<>());

  private FakeGcsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on a free loopback port; {@link #close()} stops it. */
  public static FakeGcsServer start() throws IOException {
    // Without TCP_NODELAY every small answer waits for the client's delayed ACK (about 40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    ExecutorService ex = Executors.newFixedThreadPool(32, r -> {
      Thread t = new Thread(r, "fake-gcs");
      t.setDaemon(true);
      return t;
    });
    FakeGcsServer f = new FakeGcsServer(s, ex);
    s.createContext("/", f::handle);
    s.setExecutor(ex);
    s.start();
    return f;
  }

  /** Base URL, e.g. {@code http://127.0.0.1:4711}. */
  public String endpoint() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /** Creates an empty bucket (idempotent). */
  public void createBucket(String name) {
    buckets.computeIfAbsent(name, Bucket::new);
  }

  /** Stores an object directly (test setup without a round trip); returns its generation. */
  public long seed(String bucket, String name, byte[] data) {
    try {
      return commit(bucket, name, data, "application/octet-stream", Map.of(), new Preconditions(null, null, null, null), null, null)
          .generation();
    } catch (ApiError e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Answers the next {@code n} requests with {@code status} and a JSON error, doing nothing else. */
  public void failNextRequests(int n, int status) {
    failureStatus = status;
    failuresLeft.set(n);
  }

  /** Applies the next object-creating upload, then closes the connection without answering. */
  public void dropNextUploadResponse() {
    dropNextUpload.set(true);
  }

  /** When on, preconditions are accepted and ignored. */
  public void ignorePreconditions(boolean on) {
    ignorePreconditions = on;
  }

  public int totalRequests() {
    return totalRequests.get();
  }

  public int mediaRequests() {
    return mediaRequests.get();
  }

  public int metadataRequests() {
    return metadataRequests.get();
  }

  public int uploadRequests() {
    return uploadRequests.get();
  }

  public int resumableChunkRequests() {
    return resumableChunkRequests.get();
  }

  public int deleteRequests() {
    return deleteRequests.get();
  }

  public int listRequests() {
    return listRequests.get();
  }

  /** The {@code Range} headers of media requests, in arrival order. */
  public List<String> rangeHeaders() {
    synchronized (rangeHeaders) {
      return List.copyOf(rangeHeaders);
    }
  }

  /** Distinct {@code Authorization} headers seen on storage requests. */
  public Set<String> authorizations() {
    return Set.copyOf(authorizations);
  }

  /** Answers dropped by {@link #dropNextUploadResponse} so far. */
  public int droppedResponses() {
    return dropped.get();
  }

  /** Requests to the OAuth2 token endpoint {@code /token}. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** Holds every media (download) answer back for {@code millis} before sending it (0: none). */
  public void mediaDelay(long millis) {
    mediaDelayMillis = millis;
  }

  /** Holds every media request for the object {@code name} until {@link #releaseHeld()}. */
  public void holdMedia(String name) {
    held = new java.util.concurrent.CountDownLatch(1);
    holdName = name;
  }

  /** Lets held media requests, and later ones, through. */
  public void releaseHeld() {
    held.countDown();
    holdName = null;
  }

  /** The most media requests ever being served at once (from arrival until their answer starts). */
  public int peakConcurrentMedia() {
    return peakMediaInFlight.get();
  }

  /** Media requests as {@code "object range"}, in arrival order. */
  public List<String> mediaLog() {
    synchronized (mediaLog) {
      return List.copyOf(mediaLog);
    }
  }

  public void resetCounters() {
    peakMediaInFlight.set(0);
    mediaLog.clear();
    for (AtomicInteger c : List.of(totalRequests, mediaRequests, metadataRequests, uploadRequests, resumableChunkRequests, deleteRequests, listRequests)) {
      c.set(0);
    }
    rangeHeaders.clear();
  }

  /** The current version of an object, or null. */
  public StoredObject object(String bucket, String name) {
    Bucket b = buckets.get(bucket);
    if (b == null) {
      return null;
    }
    synchronized (b) {
      return b.objects.get(name);
    }
  }

  /** Names of all objects in a bucket. */
  public Set<String> objectNames(String bucket) {
    Bucket b = buckets.get(bucket);
    synchronized (b) {
      return new TreeSet<>(b.objects.keySet());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    totalRequests.incrementAndGet();
    try {
      byte[] body = readBody(ex);
      if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throw new ApiError(failureStatus, failureStatus == 429 ? "rateLimitExceeded" : "backendError", "Injected failure");
      }
      route(ex, body);
    } catch (ApiError e) {
      sendError(ex, e.code, e.reason, e.getMessage());
    } catch (DropConnection d) {
      ex.close();
    } catch (RuntimeException e) {
      sendError(ex, 500, "internalError", "Fake server bug: " + e);
    } finally {
      ex.close();
    }
  }

  /** Thrown to close the connection without an answer. */
  private static final class DropConnection extends RuntimeException {
    DropConnection() {
      super(null, null, false, false);
    }
  }

  private static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] raw = in.readAllBytes();
      String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
      if (enc != null && enc.equalsIgnoreCase("gzip")) {
        try (InputStream g = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
          return g.readAllBytes();
        }
      }
      return raw;
    }
  }

  private void route(HttpExchange ex, byte[] body) throws IOException, ApiError {
    String method = ex.getRequestMethod();
    URI uri = ex.getRequestURI();
    String rawPath = uri.getRawPath();
    Map<String, String> q = query(uri.getRawQuery());
    String path = rawPath;
    if (path.equals("/token") && method.equals("POST")) {
      // An OAuth2 token endpoint for service-account tests (the JWT grant is not verified).
      tokenRequests.incrementAndGet();
      String form = new String(body, StandardCharsets.UTF_8);
      if (!form.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer") || !form.contains("assertion=")) {
        throw new ApiError(400, "invalid_grant", "Expected a JWT bearer grant, got " + form);
      }
      JsonObject t = new JsonObject();
      t.addProperty("access_token", "fake-token-" + tokenRequests.get());
      t.addProperty("expires_in", 3600);
      t.addProperty("token_type", "Bearer");
      sendJson(ex, 200, t);
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      authorizations.add(auth);
    }
    if (path.startsWith("/download/")) {
      path = path.substring("/download".length());
    }
    if (path.startsWith("/upload/storage/v1/b/") && path.endsWith("/o")) {
      String bucket = decode(path.substring("/upload/storage/v1/b/".length(), path.length() - 2));
      if (q.containsKey("upload_id")) {
        if (method.equals("PUT") || method.equals("POST")) {
          resumableChunk(ex, q.get("upload_id"), body);
          return;
        }
        if (method.equals("DELETE")) {
          Session s = sessions.get(q.get("upload_id"));
          if (s != null) {
            s.cancelled = true;
          }
          sendJson(ex, 499, new JsonObject());
          return;
        }
      }
      if (method.equals("POST")) {
        upload(ex, bucket, q, body);
        return;
      }
    } else if (path.startsWith("/storage/v1/b/")) {
      String rest = path.substring("/storage/v1/b/".length());
      int o = rest.indexOf("/o");
      if (o < 0) {
        String bucket = decode(rest);
        if (method.equals("GET") && buckets.containsKey(bucket)) {
          JsonObject j = new JsonObject();
          j.addProperty("kind", "storage#bucket");
          j.addProperty("name", bucket);
          j.addProperty("id", bucket);
          sendJson(ex, 200, j);
          return;
        }
        throw new ApiError(404, "notFound", "The specified bucket does not exist.");
      }
      String bucket = decode(rest.substring(0, o));
      String after = rest.substring(o + 2);
      if (after.isEmpty()) {
        if (method.equals("GET")) {
          list(ex, bucket, q);
          return;
        }
        if (method.equals("POST")) {
          throw new ApiError(400, "invalid", "Uploads go to /upload/storage/v1/b/{bucket}/o");
        }
      } else if (after.startsWith("/")) {
        String name = decode(after.substring(1));
        switch (method) {
          case "GET" -> {
            if ("media".equals(q.get("alt"))) {
              media(ex, bucket, name, q);
            } else {
              metadata(ex, bucket, name, q);
            }
            return;
          }
          case "DELETE" -> {
            delete(ex, bucket, name, q);
            return;
          }
          default -> {}
        }
      }
    } else if (path.startsWith("/batch/")) {
      throw new ApiError(501, "notImplemented", "Batch requests are not implemented by this test server");
    }
    throw new ApiError(400, "invalid", "Unsupported request: " + method + " " + uri);
  }

  private Bucket bucket(String name) throws ApiError {
    Bucket b = buckets.get(name);
    if (b == null) {
      throw new ApiError(404, "notFound", "The specified bucket does not exist: " + name);
    }
    return b;
  }

  private static Preconditions preconditions(Map<String, String> q) throws ApiError {
    return new Preconditions(
        longParam(q, "ifGenerationMatch"), longParam(q, "ifGenerationNotMatch"),
        longParam(q, "ifMetagenerationMatch"), longParam(q, "ifMetagenerationNotMatch"));
  }

  private static Long longParam(Map<String, String> q, String key) throws ApiError {
    String v = q.get(key);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ApiError(400, "invalid", "Invalid value for " + key + ": " + v);
    }
  }

  /** Checks preconditions against the current version ({@code cur} may be null). */
  private void check(Preconditions p, StoredObject cur) throws ApiError {
    if (ignorePreconditions) {
      return;
    }
    long gen = cur == null ? 0 : cur.generation();
    if (p.ifGenerationMatch() != null && p.ifGenerationMatch() != gen) {
      throw new ApiError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
    if (p.ifGenerationNotMatch() != null && p.ifGenerationNotMatch() == gen) {
      throw new ApiError(cur == null ? 412 : 304, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
    if (p.ifMetagenerationMatch() != null && (cur == null || p.ifMetagenerationMatch() != cur.metageneration())) {
      throw new ApiError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
    if (p.ifMetagenerationNotMatch() != null && cur != null && p.ifMetagenerationNotMatch() == cur.metageneration()) {
      throw new ApiError(304, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
    }
  }

  /** The version a read addresses: the current one, or the one named by {@code generation}. */
  private StoredObject find(Bucket b, String name, Map<String, String> q) throws ApiError {
    StoredObject cur;
    synchronized (b) {
      cur = b.objects.get(name);
    }
    Long gen = longParam(q, "generation");
    if (cur == null || (gen != null && gen != cur.generation())) {
      throw new ApiError(404, "notFound", "No such object: " + b.name + "/" + name);
    }
    Preconditions p = preconditions(q);
    if (!ignorePreconditions) {
      if (p.ifGenerationNotMatch() != null && p.ifGenerationNotMatch() == cur.generation()) {
        throw new ApiError(304, "notModified", "Not modified");
      }
      check(new Preconditions(p.ifGenerationMatch(), null, p.ifMetagenerationMatch(), null), cur);
    }
    return cur;
  }

  private void metadata(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException, ApiError {
    metadataRequests.incrementAndGet();
    StoredObject o = find(bucket(bucket), name, q);
    sendJson(ex, 200, resource(o));
  }

  private void media(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException, ApiError {
    peakMediaInFlight.accumulateAndGet(mediaInFlight.incrementAndGet(), Math::max);
    try {
      mediaLog.add(name + " " + ex.getRequestHeaders().getFirst("Range"));
      long delay = mediaDelayMillis;
      java.util.concurrent.CountDownLatch gate = held;
      try {
        if (delay > 0) {
          Thread.sleep(delay);
        }
        if (name.equals(holdName)) {
          gate.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    } finally {
      // Counted until the answer starts: the client cannot have its answer (and send the next request) before.
      mediaInFlight.decrementAndGet();
    }
    serveMedia(ex, bucket, name, q);
  }

  private void serveMedia(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException, ApiError {
    mediaRequests.incrementAndGet();
    StoredObject o = find(bucket(bucket), name, q);
    byte[] data = o.data();
    long size = data.length;
    String range = ex.getRequestHeaders().getFirst("Range");
    rangeHeaders.add(String.valueOf(range));
    var h = ex.getResponseHeaders();
    h.set("Content-Type", o.contentType());
    h.set("x-goog-generation", Long.toString(o.generation()));
    h.set("x-goog-metageneration", Long.toString(o.metageneration()));
    h.set("x-goog-stored-content-length", Long.toString(size));
    h.set("x-goog-stored-content-encoding", "identity");
    String[] sums = hashes.computeIfAbsent(data, d -> new String[] {crc32c(d), md5(d)});
    h.add("x-goog-hash", "crc32c=" + sums[0]);
    h.add("x-goog-hash", "md5=" + sums[1]);
    h.set("ETag", etag(o));
    h.set("Accept-Ranges", "bytes");
    if (range == null) {
      send(ex, 200, data, 0, data.length);
      return;
    }
    if (!range.startsWith("bytes=") || range.contains(",")) {
      send(ex, 200, data, 0, data.length);
      return;
    }
    String spec = range.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      throw new ApiError(400, "invalid", "Malformed Range header: " + range);
    }
    long start;
    long end;
    try {
      if (dash == 0) {
        long suffix = Long.parseLong(spec.substring(1));
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(spec.substring(0, dash));
        String e = spec.substring(dash + 1);
        end = e.isEmpty() ? size - 1 : Math.min(Long.parseLong(e), size - 1);
      }
    } catch (NumberFormatException e) {
      throw new ApiError(400, "invalid", "Malformed Range header: " + range);
    }
    if (start >= size || end < start) {
      if (size == 0 && dash != 0 && start == 0) {
        send(ex, 200, data, 0, 0);
        return;
      }
      h.set("Content-Range", "bytes */" + size);
      throw new ApiError(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.");
    }
    h.set("Content-Range", "bytes " + start + "-" + end + "/" + size);
    send(ex, 206, data, (int) start, (int) (end - start + 1));
  }

  private void delete(HttpExchange ex, String bucket, String name, Map<String, String> q) throws IOException, ApiError {
    deleteRequests.incrementAndGet();
    Bucket b = bucket(bucket);
    Preconditions p = preconditions(q);
    Long gen = longParam(q, "generation");
    synchronized (b) {
      StoredObject cur = b.objects.get(name);
      if (cur == null || (gen != null && gen != cur.generation())) {
        throw new ApiError(404, "notFound", "No such object: " + bucket + "/" + name);
      }
      check(p, cur);
      b.objects.remove(name);
    }
    ex.sendResponseHeaders(204, -1);
  }

  private void list(HttpExchange ex, String bucket, Map<String, String> q) throws IOException, ApiError {
    listRequests.incrementAndGet();
    Bucket b = bucket(bucket);
    String prefix = q.getOrDefault("prefix", "");
    String delimiter = q.get("delimiter");
    String startOffset = q.get("startOffset");
    int max = 1000;
    if (q.containsKey("maxResults")) {
      max = longParam(q, "maxResults").intValue();
      if (max <= 0) {
        throw new ApiError(400, "invalid", "maxResults must be positive");
      }
      max = Math.min(max, 1000);
    }
    String token = q.get("pageToken");
    String after = token == null ? null : new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    List<StoredObject> items = new ArrayList<>();
    TreeSet<String> prefixes = new TreeSet<>();
    String next = null;
    synchronized (b) {
      NavigableMap<String, StoredObject> view = after == null ? b.objects.tailMap(prefix, true) : b.objects.tailMap(after, false);
      int count = 0;
      String lastPrefix = null;
      for (Map.Entry<String, StoredObject> e : view.entrySet()) {
        String name = e.getKey();
        if (!name.startsWith(prefix)) {
          if (name.compareTo(prefix) > 0) {
            break;
          }
          continue;
        }
        if (startOffset != null && name.compareTo(startOffset) < 0) {
          continue;
        }
        String cp = null;
        if (delimiter != null && !delimiter.isEmpty()) {
          int d = name.indexOf(delimiter, prefix.length());
          if (d >= 0) {
            cp = name.substring(0, d + delimiter.length());
          }
        }
        if (cp != null && cp.equals(lastPrefix)) {
          continue;
        }
        if (count == max) {
          next = Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey(items, lastPrefix).getBytes(StandardCharsets.UTF_8));
          break;
        }
        if (cp != null) {
          prefixes.add(cp);
          lastPrefix = cp;
        } else {
          items.add(e.getValue());
          lastPrefix = null;
        }
        count++;
      }
    }
    JsonObject j = new JsonObject();
    j.addProperty("kind", "storage#objects");
    JsonArray arr = new JsonArray();
    for (StoredObject o : items) {
      arr.add(resource(o));
    }
    if (!items.isEmpty()) {
      j.add("items", arr);
    }
    if (!prefixes.isEmpty()) {
      JsonArray pa = new JsonArray();
      prefixes.forEach(pa::add);
      j.add("prefixes", pa);
    }
    if (next != null) {
      j.addProperty("nextPageToken", next);
    }
    sendJson(ex, 200, j);
  }

  /** The key to resume after: past the whole common prefix when the page ended on one. */
  private static String lastKey(List<StoredObject> items, String lastPrefix) {
    if (lastPrefix != null) {
      return lastPrefix + Character.MAX_VALUE;
    }
    return items.get(items.size() - 1).name();
  }

  private void upload(HttpExchange ex, String bucket, Map<String, String> q, byte[] body) throws IOException, ApiError {
    uploadRequests.incrementAndGet();
    bucket(bucket);
    String type = q.get("uploadType");
    if (type == null) {
      throw new ApiError(400, "invalid", "uploadType is required");
    }
    Preconditions pre = preconditions(q);
    switch (type) {
      case "media" -> {
        String name = q.get("name");
        if (name == null || name.isEmpty()) {
          throw new ApiError(400, "required", "Required parameter: name");
        }
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        StoredObject o = commit(bucket, name, body, ct, Map.of(), pre, null, null);
        respondToUpload(ex, o);
      }
      case "multipart" -> {
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        if (ct == null || !ct.startsWith("multipart/related")) {
          throw new ApiError(400, "invalid", "A multipart upload needs Content-Type multipart/related, got " + ct);
        }
        String boundary = boundary(ct);
        List<Part> parts = parseMultipart(body, boundary);
        if (parts.size() != 2) {
          throw new ApiError(400, "invalid", "A multipart upload has exactly two parts, got " + parts.size());
        }
        JsonObject meta = parseJson(parts.get(0).body());
        String name = q.getOrDefault("name", string(meta, "name"));
        if (name == null || name.isEmpty()) {
          throw new ApiError(400, "required", "Required: object name");
        }
        String contentType = string(meta, "contentType");
        if (contentType == null) {
          contentType = parts.get(1).headers().getOrDefault("content-type", "application/octet-stream");
        }
        StoredObject o =
            commit(bucket, name, parts.get(1).body(), contentType, metadataMap(meta), pre, string(meta, "crc32c"), string(meta, "md5Hash"));
        respondToUpload(ex, o);
      }
      case "resumable" -> {
        JsonObject meta = body.length == 0 ? new JsonObject() : parseJson(body);
        String name = q.getOrDefault("name", string(meta, "name"));
        if (name == null || name.isEmpty()) {
          throw new ApiError(400, "required", "Required: object name");
        }
        String contentType = string(meta, "contentType");
        if (contentType == null) {
          contentType = ex.getRequestHeaders().getFirst("X-Upload-Content-Type");
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        sessions.put(
            id,
            new Session(bucket, name, contentType == null ? "application/octet-stream" : contentType, metadataMap(meta), pre,
                string(meta, "crc32c"), string(meta, "md5Hash")));
        ex.getResponseHeaders().set(
            "Location", endpoint() + "/upload/storage/v1/b/" + encode(bucket) + "/o?uploadType=resumable&upload_id=" + id);
        ex.getResponseHeaders().set("X-GUploader-UploadID", id);
        send(ex, 200, new byte[0], 0, 0);
      }
      default -> throw new ApiError(400, "invalid", "Unknown uploadType: " + type);
    }
  }

  private void respondToUpload(HttpExchange ex, StoredObject o) throws IOException {
    if (dropNextUpload.compareAndSet(true, false)) {
      dropped.incrementAndGet();
      throw new DropConnection();
    }
    sendJson(ex, 200, resource(o));
  }

  private void resumableChunk(HttpExchange ex, String id, byte[] body) throws IOException, ApiError {
    resumableChunkRequests.incrementAndGet();
    Session s = sessions.get(id);
    if (s == null || s.cancelled) {
      throw new ApiError(404, "notFound", "No such upload session: " + id);
    }
    String cr = ex.getRequestHeaders().getFirst("Content-Range");
    StoredObject done;
    synchronized (s) {
      if (s.result != null) {
        done = s.result;
      } else {
        long total = -1;
        long first = -1;
        long last = -1;
        if (cr != null) {
          if (!cr.startsWith("bytes ")) {
            throw new ApiError(400, "invalid", "Malformed Content-Range: " + cr);
          }
          String spec = cr.substring("bytes ".length()).trim();
          int slash = spec.indexOf('/');
          if (slash < 0) {
            throw new ApiError(400, "invalid", "Malformed Content-Range: " + cr);
          }
          String r = spec.substring(0, slash);
          String t = spec.substring(slash + 1);
          try {
            total = t.equals("*") ? -1 : Long.parseLong(t);
            if (!r.equals("*")) {
              int dash = r.indexOf('-');
              first = Long.parseLong(r.substring(0, dash));
              last = Long.parseLong(r.substring(dash + 1));
            }
          } catch (RuntimeException e) {
            throw new ApiError(400, "invalid", "Malformed Content-Range: " + cr);
          }
        } else {
          first = s.received.size();
          last = first + body.length - 1;
          total = first + body.length;
        }
        long have = s.received.size();
        if (first >= 0) {
          if (last - first + 1 != body.length) {
            throw new ApiError(400, "invalid", "Content-Range " + cr + " does not match the body length " + body.length);
          }
          if (first > have) {
            throw new ApiError(400, "invalid", "Chunk starts at " + first + " but only " + have + " bytes were received");
          }
          int skip = (int) (have - first);
          if (skip < body.length) {
            long newEnd = last + 1;
            boolean finalChunk = total >= 0 && newEnd == total;
            if (!finalChunk && newEnd % CHUNK_GRANULARITY != 0) {
              throw new ApiError(400, "invalid", "A non-final chunk must end on a multiple of 262144 bytes, ended at " + newEnd);
            }
            s.received.write(body, skip, body.length - skip);
          }
        }
        have = s.received.size();
        if (total >= 0 && total < have) {
          throw new ApiError(400, "invalid", "Declared size " + total + " is smaller than the " + have + " bytes received");
        }
        if (total >= 0 && have == total) {
          s.result = commit(s.bucket, s.name, s.received.toByteArray(), s.contentType, s.metadata, s.pre, s.crc32c, s.md5);
          done = s.result;
          if (dropNextUpload.compareAndSet(true, false)) {
            dropped.incrementAndGet();
            throw new DropConnection();
          }
        } else {
          if (have > 0) {
            ex.getResponseHeaders().set("Range", "bytes=0-" + (have - 1));
          }
          ex.getResponseHeaders().set("X-GUploader-UploadID", id);
          send(ex, 308, new byte[0], 0, 0);
          return;
        }
      }
    }
    sendJson(ex, 200, resource(done));
  }

  /** Creates a new version of an object, atomically checking preconditions and hashes. */
  private StoredObject commit(
      String bucket, String name, byte[] data, String contentType, Map<String, String> metadata, Preconditions pre,
      String crc32c, String md5) throws ApiError {
    if (crc32c != null && !crc32c.equals(crc32c(data))) {
      throw new ApiError(400, "invalid", "Provided CRC32C \"" + crc32c + "\" doesn't match calculated CRC32C \"" + crc32c(data) + "\".");
    }
    if (md5 != null && !md5.equals(md5(data))) {
      throw new ApiError(400, "invalid", "Provided MD5 hash \"" + md5 + "\" doesn't match calculated MD5 hash \"" + md5(data) + "\".");
    }
    Bucket b = bucket(bucket);
    synchronized (b) {
      StoredObject cur = b.objects.get(name);
      check(pre, cur);
      Instant now = Instant.now();
      StoredObject o = new StoredObject(
          bucket, name, data.clone(), generations.incrementAndGet(), 1,
          contentType == null ? "application/octet-stream" : contentType, Map.copyOf(metadata), now, now);
      b.objects.put(name, o);
      return o;
    }
  }

  private JsonObject resource(StoredObject o) {
    JsonObject j = new JsonObject();
    j.addProperty("kind", "storage#object");
    j.addProperty("id", o.bucket() + "/" + o.name() + "/" + o.generation());
    j.addProperty("selfLink", endpoint() + "/storage/v1/b/" + encode(o.bucket()) + "/o/" + encode(o.name()));
    j.addProperty("mediaLink", endpoint() + "/download/storage/v1/b/" + encode(o.bucket()) + "/o/" + encode(o.name())
        + "?generation=" + o.generation() + "&alt=media");
    j.addProperty("name", o.name());
    j.addProperty("bucket", o.bucket());
    j.addProperty("generation", Long.toString(o.generation()));
    j.addProperty("metageneration", Long.toString(o.metageneration()));
    j.addProperty("contentType", o.contentType());
    j.addProperty("storageClass", "STANDARD");
    j.addProperty("size", Long.toString(o.data().length));
    j.addProperty("md5Hash", md5(o.data()));
    j.addProperty("crc32c", crc32c(o.data()));
    j.addProperty("etag", etag(o));
    j.addProperty("timeCreated", o.created().toString());
    j.addProperty("updated", o.updated().toString());
    j.addProperty("timeStorageClassUpdated", o.created().toString());
    if (!o.metadata().isEmpty()) {
      JsonObject m = new JsonObject();
      o.metadata().forEach(m::addProperty);
      j.add("metadata", m);
    }
    return j;
  }

  private static String etag(StoredObject o) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(o.generation()).array());
  }

  static String crc32c(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
  }

  static String md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> metadataMap(JsonObject meta) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonElement m = meta.get("metadata");
    if (m != null && m.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
        if (!e.getValue().isJsonNull()) {
          out.put(e.getKey(), e.getValue().getAsString());
        }
      }
    }
    return out;
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private static JsonObject parseJson(byte[] body) throws ApiError {
    try {
      JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new ApiError(400, "parseError", "Expected a JSON object");
      }
      return e.getAsJsonObject();
    } catch (RuntimeException e) {
      throw new ApiError(400, "parseError", "Parse Error: " + e.getMessage());
    }
  }

  private record Part(Map<String, String> headers, byte[] body) {}

  private static String boundary(String contentType) throws ApiError {
    for (String p : contentType.split(";")) {
      String t = p.trim();
      if (t.startsWith("boundary=")) {
        String b = t.substring("boundary=".length());
        if (b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        return b;
      }
    }
    throw new ApiError(400, "invalid", "multipart/related without a boundary");
  }

  private static List<Part> parseMultipart(byte[] body, String boundary) throws ApiError {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<Part> parts = new ArrayList<>();
    int pos = indexOf(body, delim, 0);
    if (pos < 0) {
      throw new ApiError(400, "invalid", "Multipart body without its boundary");
    }
    while (true) {
      pos += delim.length;
      if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
        return parts;
      }
      pos = skipCrlf(body, pos);
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
      Map<String, String> headers = new LinkedHashMap<>();
      int bodyStart;
      if (headersEnd < 0) {
        throw new ApiError(400, "invalid", "Multipart part without a header end");
      }
      for (String line : new String(body, pos, headersEnd - pos, StandardCharsets.ISO_8859_1).split("\r\n")) {
        int c = line.indexOf(':');
        if (c > 0) {
          headers.put(line.substring(0, c).trim().toLowerCase(java.util.Locale.ROOT), line.substring(c + 1).trim());
        }
      }
      bodyStart = headersEnd + 4;
      byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      int end = indexOf(body, next, bodyStart);
      if (end < 0) {
        throw new ApiError(400, "invalid", "Multipart part without a closing boundary");
      }
      byte[] content = java.util.Arrays.copyOfRange(body, bodyStart, end);
      parts.add(new Part(headers, content));
      pos = end + 2;
    }
  }

  private static int skipCrlf(byte[] b, int pos) {
    if (pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n') {
      return pos + 2;
    }
    return pos;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = decode(eq < 0 ? kv : kv.substring(0, eq));
      String v = eq < 0 ? "" : decode(kv.substring(eq + 1));
      q.put(k, v);
    }
    return q;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void sendError(HttpExchange ex, int code, String reason, String message) throws IOException {
    JsonObject err = new JsonObject();
    err.addProperty("code", code);
    err.addProperty("message", message);
    JsonArray errors = new JsonArray();
    JsonObject e = new JsonObject();
    e.addProperty("domain", "global");
    e.addProperty("reason", reason);
    e.addProperty("message", message);
    errors.add(e);
    err.add("errors", errors);
    JsonObject root = new JsonObject();
    root.add("error", err);
    if (code == 304) {
      ex.sendResponseHeaders(304, -1);
      return;
    }
    sendJson(ex, code, root);
  }

  private static void sendJson(HttpExchange ex, int code, JsonObject body) throws IOException {
    byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    send(ex, code, bytes, 0, bytes.length);
  }

  private static void send(HttpExchange ex, int code, byte[] data, int off, int len) throws IOException {
    if ("HEAD".equals(ex.getRequestMethod())) {
      ex.sendResponseHeaders(code, -1);
      return;
    }
    ex.sendResponseHeaders(code, len == 0 ? -1 : len);
    if (len > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(data, off, len);
      }
    }
  }
}
