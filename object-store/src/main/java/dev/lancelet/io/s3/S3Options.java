package dev.lancelet.io.s3;

import dev.lancelet.io.IoScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to reach and talk to S3. Built with {@link #builder()} or parsed from a string map with
 * {@link #fromMap(Map)}, which takes the keys Lance's {@code storage_options} use for S3:
 *
 * <table>
 *   <caption>Option keys</caption>
 *   <tr><th>Key (aliases)</th><th>Environment fallback</th><th>Meaning</th></tr>
 *   <tr><td>{@code aws_region} ({@code region})</td><td>{@code AWS_REGION}, {@code AWS_DEFAULT_REGION}</td>
 *       <td>Region; else the SDK's region chain, else {@code us-east-1}</td></tr>
 *   <tr><td>{@code aws_endpoint} ({@code aws_endpoint_url}, {@code endpoint}, {@code endpoint_url})</td>
 *       <td>{@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT}</td>
 *       <td>Endpoint of an S3-compatible server, e.g. {@code http://127.0.0.1:9000}</td></tr>
 *   <tr><td>{@code aws_access_key_id} ({@code access_key_id})</td><td>{@code AWS_ACCESS_KEY_ID}</td>
 *       <td>Static credentials (with the secret); else the SDK's default credential chain</td></tr>
 *   <tr><td>{@code aws_secret_access_key} ({@code secret_access_key})</td><td>{@code AWS_SECRET_ACCESS_KEY}</td><td></td></tr>
 *   <tr><td>{@code aws_session_token} ({@code session_token}, {@code aws_token}, {@code token})</td>
 *       <td>{@code AWS_SESSION_TOKEN}</td><td></td></tr>
 *   <tr><td>{@code aws_skip_signature} ({@code skip_signature})</td><td>{@code AWS_SKIP_SIGNATURE}</td>
 *       <td>Anonymous requests (public buckets)</td></tr>
 *   <tr><td>{@code aws_virtual_hosted_style_request} ({@code virtual_hosted_style_request})</td>
 *       <td>{@code AWS_VIRTUAL_HOSTED_STYLE_REQUEST}</td>
 *       <td>{@code true}: bucket in the host name; {@code false}: bucket in the path. Default: virtual-hosted
 *       on AWS, path style when an endpoint is given</td></tr>
 *   <tr><td>{@code aws_force_path_style} ({@code force_path_style})</td><td></td><td>The inverse of the above</td></tr>
 *   <tr><td>{@code allow_http} ({@code aws_allow_http})</td><td>{@code AWS_ALLOW_HTTP}</td>
 *       <td>Permit a plain {@code http://} endpoint (refused otherwise)</td></tr>
 *   <tr><td>{@code connect_timeout}</td><td></td><td>TCP connect timeout, e.g. {@code 5s} (default 5s)</td></tr>
 *   <tr><td>{@code timeout} ({@code request_timeout})</td><td></td>
 *       <td>Longest silence while sending or receiving one request (default 60s)</td></tr>
 *   <tr><td>{@code client_max_retries} ({@code max_retries})</td><td></td>
 *       <td>Retries after the first attempt (default 10)</td></tr>
 *   <tr><td>{@code multipart_threshold}</td><td></td>
 *       <td>Streaming writes above this size use a multipart upload (default 16MiB)</td></tr>
 *   <tr><td>{@code multipart_part_size}</td><td></td><td>Part size of multipart uploads (default 8MiB; S3's limits:
 *       5MiB to 5GiB)</td></tr>
 *   <tr><td>{@code max_connections}</td><td></td><td>Connection pool size (default 64)</td></tr>
 *   <tr><td>{@code max_inflight_requests}</td><td></td><td>Ranged GETs in flight at most, across all
 *       readers of the store (default 64; see {@link IoScheduler})</td></tr>
 *   <tr><td>{@code max_inflight_bytes}</td><td></td><td>Response bytes of ranged GETs in flight at most
 *       (default 256MiB)</td></tr>
 * </table>
 *
 * <p>Durations are a number with a unit {@code ms}, {@code s}, {@code m} or {@code h} (a bare number
 * means seconds); sizes are bytes with an optional {@code KiB}, {@code MiB} or {@code GiB} (or
 * {@code KB}, {@code MB}, {@code GB}, read as binary units too). Unknown keys are refused.
 *
 * @param region region name, or null to resolve it from the environment
 * @param endpoint endpoint override, or null for AWS itself
 * @param accessKeyId static access key id, or null
 * @param secretAccessKey static secret, or null
 * @param sessionToken session token for temporary credentials, or null
 * @param skipSignature send unsigned (anonymous) requests
 * @param virtualHostedStyle bucket in the host name; null for the default (see the table)
 * @param allowHttp permit a plain http endpoint
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout longest read or write silence in one request
 * @param maxRetries retries after the first attempt of a request
 * @param multipartThreshold streaming writes larger than this use multipart upload
 * @param multipartPartSize part size of a multipart upload
 * @param maxConnections connection pool size
 * @param ioLimits in-flight limits of the store's read scheduler
 */
public record S3Options(
    String region,
    URI endpoint,
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    boolean skipSignature,
    Boolean virtualHostedStyle,
    boolean allowHttp,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxRetries,
    long multipartThreshold,
    long multipartPartSize,
    int maxConnections,
    IoScheduler.Limits ioLimits) {

  /** Largest part S3 accepts. */
  static final long MAX_PART_SIZE = 5L << 30;
  /** Smallest part S3 accepts (all parts but the last). */
  public static final long MIN_PART_SIZE = 5L << 20;

  public S3Options {
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "S3 credentials need both aws_access_key_id and aws_secret_access_key (only one was given)");
    }
    if (sessionToken != null && accessKeyId == null) {
      throw new IllegalArgumentException("aws_session_token was given without aws_access_key_id and aws_secret_access_key");
    }
    if (endpoint != null) {
      String scheme = endpoint.getScheme();
      if (scheme == null || endpoint.getHost() == null) {
        throw new IllegalArgumentException("S3 endpoint must be an absolute http(s) URL with a host: " + endpoint);
      }
      if (scheme.equalsIgnoreCase("http") && !allowHttp) {
        throw new IllegalArgumentException(
            "S3 endpoint " + endpoint + " is plain http; set allow_http=true to permit it");
      }
      if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
        throw new IllegalArgumentException("S3 endpoint must be http or https: " + endpoint);
      }
    }
    positive("connect_timeout", connectTimeout);
    positive("timeout", requestTimeout);
    if (maxRetries < 0) {
      throw new IllegalArgumentException("client_max_retries must be >= 0, got " + maxRetries);
    }
    if (multipartPartSize < MIN_PART_SIZE || multipartPartSize > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "multipart_part_size must be between 5MiB and 5GiB (S3's limits), got " + multipartPartSize);
    }
    if (multipartThreshold < 0 || multipartThreshold > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "multipart_threshold must be between 0 and 5GiB (the largest single PUT), got " + multipartThreshold);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("max_connections must be >= 1, got " + maxConnections);
    }
    if (ioLimits == null) {
      throw new IllegalArgumentException("ioLimits must not be null");
    }
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration, got " + d);
    }
  }

  /** Defaults, with nothing taken from the environment. */
  public static S3Options defaults() {
    return builder().build();
  }

  /** Whether requests put the bucket in the path rather than the host name. */
  public boolean pathStyle() {
    return virtualHostedStyle == null ? endpoint != null : !virtualHostedStyle;
  }

  /** Parses options from a map, falling back to the process environment; see the class doc. */
  public static S3Options fromMap(Map<String, String> options) {
    return fromMap(options, System.getenv());
  }

  /**
   * Parses options from a map, falling back to {@code env} for keys the map does not have.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a malformed value
   */
  public static S3Options fromMap(Map<String, String> options, Map<String, String> env) {
    Map<String, String> canon = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      String name = ALIASES.get(key);
      if (name == null) {
        throw new IllegalArgumentException(
            "Unknown S3 storage option '" + e.getKey() + "'; known: " + new TreeSet<>(ALIASES.keySet()));
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("S3 storage option '" + e.getKey() + "' has no value");
      }
      String previous = canon.put(name, e.getValue());
      if (previous != null && !previous.equals(e.getValue())) {
        throw new IllegalArgumentException("S3 storage option '" + name + "' was given twice (under aliases) with different values");
      }
    }
    Builder b = builder();
    String region = first(canon.get("aws_region"), env, "AWS_REGION", "AWS_DEFAULT_REGION");
    b.region(blankToNull(region));
    String endpoint = first(canon.get("aws_endpoint"), env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT");
    if (blankToNull(endpoint) != null) {
      try {
        b.endpoint(URI.create(endpoint.trim()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("S3 option aws_endpoint is not a URL: " + endpoint, ex);
      }
    }
    String key = first(canon.get("aws_access_key_id"), env, "AWS_ACCESS_KEY_ID");
    String secret = first(canon.get("aws_secret_access_key"), env, "AWS_SECRET_ACCESS_KEY");
    String token = first(canon.get("aws_session_token"), env, "AWS_SESSION_TOKEN");
    if (canon.containsKey("aws_access_key_id") || canon.containsKey("aws_secret_access_key")) {
      // Explicit options win as a set: never mix an explicit key with a secret from the environment.
      key = canon.get("aws_access_key_id");
      secret = canon.get("aws_secret_access_key");
      token = canon.get("aws_session_token");
    }
    b.credentials(blankToNull(key), blankToNull(secret), blankToNull(token));
    b.skipSignature(bool("aws_skip_signature", first(canon.get("aws_skip_signature"), env, "AWS_SKIP_SIGNATURE"), false));
    String vhost = first(canon.get("aws_virtual_hosted_style_request"), env, "AWS_VIRTUAL_HOSTED_STYLE_REQUEST");
    if (vhost != null) {
      b.virtualHostedStyle(bool("aws_virtual_hosted_style_request", vhost, false));
    }
    if (canon.containsKey("aws_force_path_style")) {
      boolean path = bool("aws_force_path_style", canon.get("aws_force_path_style"), false);
      if (vhost != null && bool("aws_virtual_hosted_style_request", vhost, false) == path) {
        throw new IllegalArgumentException("aws_force_path_style contradicts aws_virtual_hosted_style_request");
      }
      b.virtualHostedStyle(!path);
    }
    b.allowHttp(bool("allow_http", first(canon.get("allow_http"), env, "AWS_ALLOW_HTTP"), false));
    if (canon.containsKey("connect_timeout")) {
      b.connectTimeout(duration("connect_timeout", canon.get("connect_timeout")));
    }
    if (canon.containsKey("timeout")) {
      b.requestTimeout(duration("timeout", canon.get("timeout")));
    }
    if (canon.containsKey("client_max_retries")) {
      b.maxRetries((int) integer("client_max_retries", canon.get("client_max_retries")));
    }
    if (canon.containsKey("multipart_threshold")) {
      b.multipartThreshold(size("multipart_threshold", canon.get("multipart_threshold")));
    }
    if (canon.containsKey("multipart_part_size")) {
      b.multipartPartSize(size("multipart_part_size", canon.get("multipart_part_size")));
    }
    if (canon.containsKey("max_connections")) {
      b.maxConnections((int) integer("max_connections", canon.get("max_connections")));
    }
    if (canon.containsKey("max_inflight_requests")) {
      b.maxInflightRequests((int) integer("max_inflight_requests", canon.get("max_inflight_requests")));
    }
    if (canon.containsKey("max_inflight_bytes")) {
      b.maxInflightBytes(size("max_inflight_bytes", canon.get("max_inflight_bytes")));
    }
    return b.build();
  }

  /** Accepted keys (lower case) to their canonical name. */
  private static final Map<String, String> ALIASES = aliases();

  private static Map<String, String> aliases() {
    Map<String, String> m = new LinkedHashMap<>();
    alias(m, "aws_region", "region");
    alias(m, "aws_endpoint", "aws_endpoint_url", "endpoint", "endpoint_url");
    alias(m, "aws_access_key_id", "access_key_id");
    alias(m, "aws_secret_access_key", "secret_access_key");
    alias(m, "aws_session_token", "session_token", "aws_token", "token");
    alias(m, "aws_skip_signature", "skip_signature");
    alias(m, "aws_virtual_hosted_style_request", "virtual_hosted_style_request");
    alias(m, "aws_force_path_style", "force_path_style");
    alias(m, "allow_http", "aws_allow_http");
    alias(m, "connect_timeout");
    alias(m, "timeout", "request_timeout");
    alias(m, "client_max_retries", "max_retries");
    alias(m, "multipart_threshold");
    alias(m, "multipart_part_size");
    alias(m, "max_connections");
    alias(m, "max_inflight_requests");
    alias(m, "max_inflight_bytes");
    return Map.copyOf(m);
  }

  private static void alias(Map<String, String> m, String name, String... others) {
    m.put(name, name);
    for (String o : others) {
      m.put(o, name);
    }
  }

  /** The option keys {@link #fromMap} accepts, aliases included. */
  public static Set<String> knownKeys() {
    return ALIASES.keySet();
  }

  private static String first(String value, Map<String, String> env, String... vars) {
    if (value != null) {
      return value;
    }
    for (String v : vars) {
      String e = env.get(v);
      if (e != null && !e.isBlank()) {
        return e;
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static boolean bool(String key, String value, boolean dflt) {
    if (value == null) {
      return dflt;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> {
        return true;
      }
      case "false", "0", "no", "off" -> {
        return false;
      }
      default -> throw new IllegalArgumentException("S3 option " + key + " must be true or false, got '" + value + "'");
    }
  }

  private static long integer(String key, String value) {
    try {
      long v = Long.parseLong(value.trim());
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("S3 option " + key + " is out of range: " + value);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("S3 option " + key + " must be a whole number, got '" + value + "'");
    }
  }

  static Duration duration(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (Object[] unit : List.<Object[]>of(
        new Object[] {"ms", 1L}, new Object[] {"s", 1_000L}, new Object[] {"m", 60_000L}, new Object[] {"h", 3_600_000L})) {
      String suffix = (String) unit[0];
      if (v.endsWith(suffix) && !(suffix.equals("s") && v.endsWith("ms"))) {
        return Duration.ofMillis(number(key, value, v.substring(0, v.length() - suffix.length()), (Long) unit[1]));
      }
    }
    return Duration.ofMillis(number(key, value, v, 1_000L));
  }

  static long size(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    for (String[] unit : new String[][] {{"kib", "10"}, {"mib", "20"}, {"gib", "30"}, {"kb", "10"}, {"mb", "20"}, {"gb", "30"}, {"b", "0"}}) {
      if (v.endsWith(unit[0])) {
        mult = 1L << Integer.parseInt(unit[1]);
        v = v.substring(0, v.length() - unit[0].length());
        break;
      }
    }
    return number(key, value, v, mult);
  }

  private static long number(String key, String original, String digits, long mult) {
    try {
      long n = Long.parseLong(digits.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("S3 option " + key + " is not a valid amount: '" + original + "'");
    }
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder of {@link S3Options}. */
  public static final class Builder {
    private String region;
    private URI endpoint;
    private String accessKeyId;
    private String secretAccessKey;
    private String sessionToken;
    private boolean skipSignature;
    private Boolean virtualHostedStyle;
    private boolean allowHttp;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxRetries = 10;
    private long multipartThreshold = 16L << 20;
    private long multipartPartSize = 8L << 20;
    private int maxConnections = 64;
    private int maxInflightRequests = IoScheduler.Limits.DEFAULT.maxRequests();
    private long maxInflightBytes = IoScheduler.Limits.DEFAULT.maxBytes();

    private Builder() {}

    /** Region name, e.g. {@code eu-west-1}. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Endpoint of an S3-compatible server. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** Static credentials; {@code sessionToken} may be null. */
    public Builder credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
      this.accessKeyId = accessKeyId;
      this.secretAccessKey = secretAccessKey;
      this.sessionToken = sessionToken;
      return this;
    }

    /** Anonymous, unsigned requests. */
    public Builder skipSignature(boolean skip) {
      this.skipSignature = skip;
      return this;
    }

    /** Bucket in the host name (true) or in the path (false); null for the default. */
    public Builder virtualHostedStyle(Boolean virtualHosted) {
      this.virtualHostedStyle = virtualHosted;
      return this;
    }

    /** Permit a plain http endpoint. */
    public Builder allowHttp(boolean allow) {
      this.allowHttp = allow;
      return this;
    }

    /** TCP connect timeout. */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /** Longest read or write silence within one request. */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    /** Retries after the first attempt. */
    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    /** Streaming writes larger than this use a multipart upload. */
    public Builder multipartThreshold(long bytes) {
      this.multipartThreshold = bytes;
      return this;
    }

    /** Part size of multipart uploads. */
    public Builder multipartPartSize(long bytes) {
      this.multipartPartSize = bytes;
      return this;
    }

    /** Connection pool size. */
    public Builder maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    /** Ranged GETs in flight at most (default 64). */
    public Builder maxInflightRequests(int n) {
      this.maxInflightRequests = n;
      return this;
    }

    /** Response bytes of ranged GETs in flight at most (default 256 MiB). */
    public Builder maxInflightBytes(long bytes) {
      this.maxInflightBytes = bytes;
      return this;
    }

    /** Validates and builds. */
    public S3Options build() {
      return new S3Options(
          region, endpoint, accessKeyId, secretAccessKey, sessionToken, skipSignature, virtualHostedStyle,
          allowHttp, connectTimeout, requestTimeout, maxRetries, multipartThreshold, multipartPartSize, maxConnections,
          new IoScheduler.Limits(maxInflightRequests, maxInflightBytes));
    }
  }

  /** Never prints secrets. */
  @Override
  public String toString() {
    return "S3Options[region=" + region + ", endpoint=" + endpoint + ", credentials="
        + (skipSignature ? "anonymous" : accessKeyId != null ? "static" : "default chain")
        + ", pathStyle=" + pathStyle() + ", allowHttp=" + allowHttp + ", connectTimeout=" + connectTimeout
        + ", timeout=" + requestTimeout + ", maxRetries=" + maxRetries + ", multipartThreshold="
        + multipartThreshold + ", multipartPartSize=" + multipartPartSize + ", maxConnections=" + maxConnections
        + ", maxInflightRequests=" + ioLimits.maxRequests() + ", maxInflightBytes=" + ioLimits.maxBytes() + "]";
  }
}
