package dev.lancelet.io.s3;

/**
 * A parsed {@code s3://bucket/prefix} location.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix, empty or ending in '/'
 */
public record S3Uri(String bucket, String prefix) {

  public S3Uri {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("An S3 location needs a bucket: s3://BUCKET/PREFIX");
    }
    if (prefix == null) {
      prefix = "";
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
  }

  /**
   * Parses {@code s3://bucket[/prefix]} (also {@code s3a://}, as Hadoop spells it). Repeated and
   * trailing slashes of the prefix are dropped.
   *
   * @throws IllegalArgumentException if the string is not such a URI
   */
  public static S3Uri parse(String uri) {
    String rest;
    if (uri.startsWith("s3://")) {
      rest = uri.substring("s3://".length());
    } else if (uri.startsWith("s3a://")) {
      rest = uri.substring("s3a://".length());
    } else {
      throw new IllegalArgumentException("Not an S3 location (expected s3://BUCKET/PREFIX): " + uri);
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("An S3 location needs a bucket: s3://BUCKET/PREFIX, got " + uri);
    }
    if (bucket.contains("?") || bucket.contains("#")) {
      throw new IllegalArgumentException("S3 locations take no query or fragment: " + uri);
    }
    StringBuilder prefix = new StringBuilder();
    if (slash >= 0) {
      for (String part : rest.substring(slash + 1).split("/")) {
        if (!part.isEmpty()) {
          prefix.append(part).append('/');
        }
      }
    }
    return new S3Uri(bucket, prefix.toString());
  }

  /** The object key of {@code path} under this prefix. */
  public String key(String path) {
    return prefix + path;
  }

  /** {@code s3://bucket/key} of {@code path}, for messages. */
  public String location(String path) {
    return "s3://" + bucket + "/" + prefix + path;
  }

  /** The URI without a trailing slash. */
  @Override
  public String toString() {
    return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix.substring(0, prefix.length() - 1);
  }
}
