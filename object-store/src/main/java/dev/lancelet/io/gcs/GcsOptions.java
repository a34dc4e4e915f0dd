package dev.lancelet.io.gcs;

import dev.lancelet.io.IoScheduler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link GcsObjectStore}, built with {@link #builder()} or parsed from a Lance-style
 * storage-options map with {@link #fromMap(Map)}.
 *
 * <p>Keys understood by {@link #fromMap(Map)} (case-insensitive; aliases in parentheses):
 *
 * <ul>
 *   <li>{@code google_service_account} ({@code service_account}, {@code google_service_account_path},
 *       {@code service_account_path}): path of a service-account JSON key file
 *   <li>{@code google_service_account_key} ({@code service_account_key}): the JSON key itself
 *   <li>{@code google_application_credentials} ({@code application_credentials}): path of an
 *       application-default-credentials file
 *   <li>{@code google_storage_token}: an OAuth2 bearer token used as is
 *   <li>{@code google_skip_signature} ({@code skip_signature}, {@code anonymous}): {@code true}
 *       sends requests without credentials (public buckets, emulators, tests)
 *   <li>{@code google_project_id} ({@code project_id}): the project billed for requests
 *   <li>{@code google_storage_endpoint} ({@code endpoint}, {@code google_endpoint}): base URL of
 *       the JSON API, e.g. {@code http://127.0.0.1:4443} for an emulator
 *   <li>{@code allow_http}: must not be {@code false} when the endpoint is {@code http://}
 *   <li>{@code timeout}, {@code connect_timeout}: durations such as {@code 30s}, {@code 500ms},
 *       {@code 2m} or plain seconds
 *   <li>{@code client_max_retries} (default 10) and {@code client_retry_timeout} (seconds,
 *       default 180): retries with exponential backoff of calls that failed with 408, 429, 5xx or
 *       a broken connection
 *   <li>{@code google_upload_chunk_size} ({@code upload_chunk_size}): bytes per request of a
 *       resumable upload, a multiple of 256 KiB (default 16 MiB); a streaming write that stays
 *       below it is sent in one request
 *   <li>{@code max_inflight_requests} (default 64) and {@code max_inflight_bytes} (default 256 MiB;
 *       a byte count with an optional {@code KiB}, {@code MiB} or {@code GiB}): the limits of
 *       the store's read scheduler, across all readers (see {@link IoScheduler})
 * </ul>
 *
 * <p>Environment fallbacks (used only when no option sets the same thing): {@code
 * GOOGLE_SERVICE_ACCOUNT}, {@code GOOGLE_SERVICE_ACCOUNT_KEY}, {@code
 * GOOGLE_APPLICATION_CREDENTIALS}, {@code GOOGLE_STORAGE_TOKEN}, {@code GOOGLE_CLOUD_PROJECT} and
 * {@code STORAGE_EMULATOR_HOST} (an emulator's {@code host:port} or URL; it also implies no
 * credentials unless some are given). Without any credential setting the client's application
 * default credentials are used.
 */
public final class GcsOptions {
  /** Resumable upload chunks must be multiples of this (a GCS rule). */
  public static final int CHUNK_GRANULARITY = 256 * 1024;

  private static final Map<String, String> ALIASES = aliases();

  private final String serviceAccountPath;
  private final String serviceAccountKey;
  private final String applicationCredentialsPath;
  private final String bearerToken;
  private final boolean anonymous;
  private final String projectId;
  private final String endpoint;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final int maxRetries;
  private final Duration retryTimeout;
  private final Duration initialBackoff;
  private final int uploadChunkSize;
  private final int readParallelism;
  private final int listPageSize;
  private final IoScheduler.Limits ioLimits;

  private GcsOptions(Builder b) {
    this.serviceAccountPath = b.serviceAccountPath;
    this.serviceAccountKey = b.serviceAccountKey;
    this.applicationCredentialsPath = b.applicationCredentialsPath;
    this.bearerToken = b.bearerToken;
    this.anonymous = b.anonymous;
    this.projectId = b.projectId;
    this.endpoint = b.endpoint;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.maxRetries = b.maxRetries;
    this.retryTimeout = b.retryTimeout;
    this.initialBackoff = b.initialBackoff;
    this.uploadChunkSize = b.uploadChunkSize;
    this.readParallelism = b.readParallelism;
    this.listPageSize = b.listPageSize;
    this.ioLimits = new IoScheduler.Limits(b.maxInflightRequests, b.maxInflightBytes);
  }

  /** A builder with the defaults (application default credentials, real GCS endpoint). */
  public static Builder builder() {
    return new Builder();
  }

  /** Parses storage options, with the process environment as fallback. */
  public static GcsOptions fromMap(Map<String, String> options) {
    return fromMap(options, System.getenv());
  }

  /**
   * Parses storage options with {@code env} as the environment fallback.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a malformed value
   */
  public static GcsOptions fromMap(Map<String, String> options, Map<String, String> env) {
    Map<String, String> canon = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      String name = ALIASES.get(key);
      if (name == null) {
        throw new IllegalArgumentException(
            "Unknown GCS storage option '" + e.getKey() + "' (known: " + String.join(", ", ALIASES.keySet()) + ")");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("GCS storage option '" + e.getKey() + "' has no value");
      }
      String previous = canon.put(name, e.getValue());
      if (previous != null && !previous.equals(e.getValue())) {
        throw new IllegalArgumentException(
            "GCS storage option '" + name + "' is given twice (under aliases) with different values");
      }
    }
    Builder b = builder();
    boolean credentialGiven = false;
    if (canon.containsKey("google_service_account")) {
      b.serviceAccountPath(canon.get("google_service_account"));
      credentialGiven = true;
    }
    if (canon.containsKey("google_service_account_key")) {
      b.serviceAccountKey(canon.get("google_service_account_key"));
      credentialGiven = true;
    }
    if (canon.containsKey("google_application_credentials")) {
      b.applicationCredentialsPath(canon.get("google_application_credentials"));
      credentialGiven = true;
    }
    if (canon.containsKey("google_storage_token")) {
      b.bearerToken(canon.get("google_storage_token"));
      credentialGiven = true;
    }
    if (canon.containsKey("google_skip_signature")) {
      b.anonymous(parseBoolean("google_skip_signature", canon.get("google_skip_signature")));
      credentialGiven = true;
    }
    if (!credentialGiven) {
      if (env.get("GOOGLE_SERVICE_ACCOUNT") != null) {
        b.serviceAccountPath(env.get("GOOGLE_SERVICE_ACCOUNT"));
      } else if (env.get("GOOGLE_SERVICE_ACCOUNT_KEY") != null) {
        b.serviceAccountKey(env.get("GOOGLE_SERVICE_ACCOUNT_KEY"));
      } else if (env.get("GOOGLE_STORAGE_TOKEN") != null) {
        b.bearerToken(env.get("GOOGLE_STORAGE_TOKEN"));
      } else if (env.get("GOOGLE_APPLICATION_CREDENTIALS") != null) {
        b.applicationCredentialsPath(env.get("GOOGLE_APPLICATION_CREDENTIALS"));
      } else if (env.get("STORAGE_EMULATOR_HOST") != null && !canon.containsKey("google_storage_endpoint")) {
        b.anonymous(true);
      }
    }
    String project = canon.getOrDefault("google_project_id", env.get("GOOGLE_CLOUD_PROJECT"));
    if (project != null) {
      b.projectId(project);
    }
    String endpoint = canon.get("google_storage_endpoint");
    if (endpoint == null && env.get("STORAGE_EMULATOR_HOST") != null) {
      endpoint = env.get("STORAGE_EMULATOR_HOST");
      if (!endpoint.contains("://")) {
        endpoint = "http://" + endpoint;
      }
    }
    if (endpoint != null) {
      b.endpoint(endpoint);
    }
    if (canon.containsKey("allow_http")
        && !parseBoolean("allow_http", canon.get("allow_http"))
        && b.endpoint != null
        && b.endpoint.startsWith("http://")) {
      throw new IllegalArgumentException(
          "GCS endpoint " + b.endpoint + " is plain http but storage option allow_http is false");
    }
    if (canon.containsKey("timeout")) {
      b.timeout(parseDuration("timeout", canon.get("timeout")));
    }
    if (canon.containsKey("connect_timeout")) {
      b.connectTimeout(parseDuration("connect_timeout", canon.get("connect_timeout")));
    }
    if (canon.containsKey("client_max_retries")) {
      b.maxRetries(parseInt("client_max_retries", canon.get("client_max_retries")));
    }
    if (canon.containsKey("client_retry_timeout")) {
      b.retryTimeout(Duration.ofSeconds(parseInt("client_retry_timeout", canon.get("client_retry_timeout"))));
    }
    if (canon.containsKey("google_upload_chunk_size")) {
      b.uploadChunkSize(parseInt("google_upload_chunk_size", canon.get("google_upload_chunk_size")));
    }
    if (canon.containsKey("max_inflight_requests")) {
      b.maxInflightRequests(parseInt("max_inflight_requests", canon.get("max_inflight_requests")));
    }
    if (canon.containsKey("max_inflight_bytes")) {
      b.maxInflightBytes(parseSize("max_inflight_bytes", canon.get("max_inflight_bytes")));
    }
    return b.build();
  }

  private static Map<String, String> aliases() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : new String[] {"google_service_account", "service_account", "google_service_account_path", "service_account_path"}) {
      m.put(k, "google_service_account");
    }
    m.put("google_service_account_key", "google_service_account_key");
    m.put("service_account_key", "google_service_account_key");
    m.put("google_application_credentials", "google_application_credentials");
    m.put("application_credentials", "google_application_credentials");
    m.put("google_storage_token", "google_storage_token");
    m.put("google_skip_signature", "google_skip_signature");
    m.put("skip_signature", "google_skip_signature");
    m.put("anonymous", "google_skip_signature");
    m.put("google_project_id", "google_project_id");
    m.put("project_id", "google_project_id");
    m.put("google_storage_endpoint", "google_storage_endpoint");
    m.put("google_endpoint", "google_storage_endpoint");
    m.put("endpoint", "google_storage_endpoint");
    m.put("allow_http", "allow_http");
    m.put("timeout", "timeout");
    m.put("connect_timeout", "connect_timeout");
    m.put("client_max_retries", "client_max_retries");
    m.put("client_retry_timeout", "client_retry_timeout");
    m.put("google_upload_chunk_size", "google_upload_chunk_size");
    m.put("upload_chunk_size", "google_upload_chunk_size");
    m.put("max_inflight_requests", "max_inflight_requests");
    m.put("max_inflight_bytes", "max_inflight_bytes");
    return m;
  }

  private static boolean parseBoolean(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("GCS storage option '" + key + "' must be true or false, got '" + value + "'");
    };
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("GCS storage option '" + key + "' must be an integer, got '" + value + "'");
    }
  }

  static long parseSize(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int shift = 0;
    for (String[] unit : new String[][] {{"kib", "10"}, {"mib", "20"}, {"gib", "30"}, {"kb", "10"}, {"mb", "20"}, {"gb", "30"}, {"b", "0"}}) {
      if (v.endsWith(unit[0])) {
        shift = Integer.parseInt(unit[1]);
        v = v.substring(0, v.length() - unit[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, 1L << shift);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "GCS storage option '" + key + "' must be a byte count such as 268435456 or 256MiB, got '" + value + "'");
    }
  }

  static Duration parseDuration(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      } else if (v.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
      } else if (v.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()) * 60);
      } else {
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "GCS storage option '" + key + "' must be a duration such as 30s, 500ms or 2m, got '" + value + "'");
    }
  }

  /** Path of a service-account key file, if set. */
  public Optional<String> serviceAccountPath() {
    return Optional.ofNullable(serviceAccountPath);
  }

  /** A service-account key as JSON text, if set. */
  public Optional<String> serviceAccountKey() {
    return Optional.ofNullable(serviceAccountKey);
  }

  /** Path of an application-default-credentials file, if set. */
  public Optional<String> applicationCredentialsPath() {
    return Optional.ofNullable(applicationCredentialsPath);
  }

  /** A fixed OAuth2 bearer token, if set. */
  public Optional<String> bearerToken() {
    return Optional.ofNullable(bearerToken);
  }

  /** True when requests carry no credentials. */
  public boolean anonymous() {
    return anonymous;
  }

  /** The project id, if set. */
  public Optional<String> projectId() {
    return Optional.ofNullable(projectId);
  }

  /** The JSON API base URL, if not the default. */
  public Optional<String> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** Read timeout of one HTTP request. */
  public Duration timeout() {
    return timeout;
  }

  /** Connect timeout of one HTTP request. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Retries after the first attempt of a retryable call. */
  public int maxRetries() {
    return maxRetries;
  }

  /** Total time budget for the retries of one call. */
  public Duration retryTimeout() {
    return retryTimeout;
  }

  /** First backoff delay; doubles after every retry up to 8 seconds. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** Bytes per request of a resumable upload. */
  public int uploadChunkSize() {
    return uploadChunkSize;
  }

  /**
   * Threads of the pool that runs the deletes of {@link GcsObjectStore#deleteAll} in parallel.
   * Range reads are bounded by {@link #ioLimits()} instead.
   */
  public int readParallelism() {
    return readParallelism;
  }

  /** The limits of the store's read scheduler. */
  public IoScheduler.Limits ioLimits() {
    return ioLimits;
  }

  /** Objects asked for per listing request. */
  public int listPageSize() {
    return listPageSize;
  }

  @Override
  public String toString() {
    String auth =
        anonymous ? "anonymous"
            : serviceAccountPath != null ? "service account file " + serviceAccountPath
            : serviceAccountKey != null ? "service account key (inline)"
            : bearerToken != null ? "bearer token"
            : applicationCredentialsPath != null ? "credentials file " + applicationCredentialsPath
            : "application default credentials";
    return "GcsOptions[auth=" + auth
        + ", project=" + projectId
        + ", endpoint=" + (endpoint == null ? "default" : endpoint)
        + ", timeout=" + timeout
        + ", connectTimeout=" + connectTimeout
        + ", maxRetries=" + maxRetries
        + ", retryTimeout=" + retryTimeout
        + ", uploadChunkSize=" + uploadChunkSize
        + ", readParallelism=" + readParallelism
        + ", maxInflightRequests=" + ioLimits.maxRequests()
        + ", maxInflightBytes=" + ioLimits.maxBytes() + "]";
  }

  /** Builder of {@link GcsOptions}. */
  public static final class Builder {
    private String serviceAccountPath;
    private String serviceAccountKey;
    private String applicationCredentialsPath;
    private String bearerToken;
    private boolean anonymous;
    private String projectId;
    private String endpoint;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int maxRetries = 10;
    private Duration retryTimeout = Duration.ofSeconds(180);
    private Duration initialBackoff = Duration.ofMillis(100);
    private int uploadChunkSize = 16 << 20;
    private int readParallelism = 16;
    private int listPageSize = 1000;
    private int maxInflightRequests = IoScheduler.Limits.DEFAULT.maxRequests();
    private long maxInflightBytes = IoScheduler.Limits.DEFAULT.maxBytes();

    private Builder() {}

    /** Authenticates with the service-account key file at {@code path}. */
    public Builder serviceAccountPath(String path) {
      this.serviceAccountPath = Objects.requireNonNull(path);
      return this;
    }

    /** Authenticates with a service-account key given as JSON text. */
    public Builder serviceAccountKey(String json) {
      this.serviceAccountKey = Objects.requireNonNull(json);
      return this;
    }

    /** Authenticates with the credentials file at {@code path} (any type Google auth reads). */
    public Builder applicationCredentialsPath(String path) {
      this.applicationCredentialsPath = Objects.requireNonNull(path);
      return this;
    }

    /** Authenticates with a fixed OAuth2 bearer token. */
    public Builder bearerToken(String token) {
      this.bearerToken = Objects.requireNonNull(token);
      return this;
    }

    /** Sends requests without credentials. */
    public Builder anonymous(boolean anonymous) {
      this.anonymous = anonymous;
      return this;
    }

    /** The project id. */
    public Builder projectId(String projectId) {
      this.projectId = Objects.requireNonNull(projectId);
      return this;
    }

    /** Base URL of the JSON API ({@code http(s)://host[:port]}). */
    public Builder endpoint(String endpoint) {
      String e = Objects.requireNonNull(endpoint).trim();
      if (!e.startsWith("http://") && !e.startsWith("https://")) {
        throw new IllegalArgumentException("GCS endpoint must start with http:// or https://, got '" + endpoint + "'");
      }
      while (e.endsWith("/")) {
        e = e.substring(0, e.length() - 1);
      }
      this.endpoint = e;
      return this;
    }

    /** Read timeout of one HTTP request. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** Connect timeout of one HTTP request. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connect_timeout", timeout);
      return this;
    }

    /** Retries after the first attempt (0 disables retries). */
    public Builder maxRetries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("client_max_retries must be >= 0, got " + retries);
      }
      this.maxRetries = retries;
      return this;
    }

    /** Total time budget for the retries of one call. */
    public Builder retryTimeout(Duration timeout) {
      this.retryTimeout = positive("client_retry_timeout", timeout);
      return this;
    }

    /** First backoff delay. */
    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = positive("initial backoff", backoff);
      return this;
    }

    /** Bytes per request of a resumable upload; a positive multiple of 256 KiB. */
    public Builder uploadChunkSize(int bytes) {
      if (bytes <= 0 || bytes % CHUNK_GRANULARITY != 0) {
        throw new IllegalArgumentException(
            "GCS upload chunk size must be a positive multiple of 262144 (256 KiB), got " + bytes);
      }
      this.uploadChunkSize = bytes;
      return this;
    }

    /** Ranged GETs in flight at most, across the store (default 64). */
    public Builder maxInflightRequests(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("max_inflight_requests must be >= 1, got " + n);
      }
      this.maxInflightRequests = n;
      return this;
    }

    /** Response bytes of ranged GETs in flight at most, across the store (default 256 MiB). */
    public Builder maxInflightBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("max_inflight_bytes must be >= 1, got " + bytes);
      }
      this.maxInflightBytes = bytes;
      return this;
    }

    /** Threads running the deletes of {@code deleteAll} in parallel (default 16). */
    public Builder readParallelism(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("read parallelism must be >= 1, got " + n);
      }
      this.readParallelism = n;
      return this;
    }

    /** Objects asked for per listing request, 1 to 1000 (default 1000). */
    public Builder listPageSize(int n) {
      if (n < 1 || n > 1000) {
        throw new IllegalArgumentException("list page size must be in [1, 1000], got " + n);
      }
      this.listPageSize = n;
      return this;
    }

    /** The options. */
    public GcsOptions build() {
      return new GcsOptions(this);
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("GCS " + what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
