package dev.lancelet.io;

import dev.lancelet.io.gcs.GcsObjectStore;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves a location string to a store and a path inside it. Understood: bare paths and {@code
 * file://} URIs (local disk), {@code memory://name/...}, {@code s3://bucket/prefix} (options:
 * {@link dev.lancelet.io.s3.S3Options}) and {@code gs://bucket/prefix} (Google Cloud Storage,
 * options: {@link dev.lancelet.io.gcs.GcsOptions}); remote stores fall back to the environment
 * for what the options do not say. Other schemes are refused with a clear message. Stores holding
 * connections (S3, GCS) must be closed by the caller.
 */
public final class ObjectStores {
  private ObjectStores() {}

  /** A store plus the object path within it. */
  public record Location(ObjectStore store, String path) {}

  /**
   * Resolves {@code location} naming one object: the store is rooted at the object's parent
   * folder and the path is its file name.
   */
  public static Location forObject(String location) {
    return forObject(location, Map.of());
  }

  /**
   * Resolves {@code location} naming one object, with storage options for remote stores (Lance's
   * {@code storage_options} keys; see {@link dev.lancelet.io.s3.S3Options} and {@link
   * dev.lancelet.io.gcs.GcsOptions}).
   *
   * @throws IllegalArgumentException for an unknown option or options given to a local store
   */
  public static Location forObject(String location, Map<String, String> options) {
    if (isS3(location)) {
      S3Uri uri = S3Uri.parse(location);
      String key = uri.prefix();
      if (key.isEmpty() || location.endsWith("/")) {
        throw new IllegalArgumentException("An S3 object location needs a key: s3://BUCKET/KEY, got " + location);
      }
      String path = key.substring(0, key.length() - 1);
      int slash = path.lastIndexOf('/');
      String folder = "s3://" + uri.bucket() + (slash < 0 ? "" : "/" + path.substring(0, slash));
      return new Location(S3ObjectStore.connect(folder, options), path.substring(slash + 1));
    }
    if (location.startsWith("gs://")) {
      int slash = location.lastIndexOf('/');
      if (slash < "gs://".length() || slash == location.length() - 1) {
        throw new IllegalArgumentException("A GCS object location needs a bucket and a name: gs://BUCKET/PATH, got " + location);
      }
      return new Location(gcs(location.substring(0, slash), options), location.substring(slash + 1));
    }
    noOptions(location, options);
    if (location.startsWith("memory://")) {
      String rest = location.substring("memory://".length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new IllegalArgumentException("A memory location needs a store name and a path: memory://NAME/PATH, got " + location);
      }
      return new Location(MemoryObjectStore.named(rest.substring(0, slash)), rest.substring(slash + 1));
    }
    Path file = localPath(location).toAbsolutePath().normalize();
    Path parent = file.getParent() == null ? file.getRoot() : file.getParent();
    return new Location(new LocalObjectStore(parent), file.getFileName().toString());
  }

  /** Resolves {@code location} naming a folder (a dataset root). */
  public static ObjectStore forFolder(String location) {
    return forFolder(location, Map.of());
  }

  /**
   * Resolves {@code location} naming a folder (a dataset root), with storage options for remote
   * stores (Lance's {@code storage_options} keys; see {@link dev.lancelet.io.s3.S3Options} and
   * {@link dev.lancelet.io.gcs.GcsOptions}).
   *
   * @throws IllegalArgumentException for an unknown option or options given to a local store
   */
  public static ObjectStore forFolder(String location, Map<String, String> options) {
    if (isS3(location)) {
      return S3ObjectStore.connect(location, options);
    }
    if (location.startsWith("gs://")) {
      return gcs(location, options);
    }
    noOptions(location, options);
    if (location.startsWith("memory://")) {
      String name = location.substring("memory://".length());
      if (name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      if (name.isEmpty()) {
        throw new IllegalArgumentException("A memory location needs a store name: memory://NAME, got " + location);
      }
      return MemoryObjectStore.named(name);
    }
    return new LocalObjectStore(localPath(location));
  }

  private static boolean isS3(String location) {
    return location.startsWith("s3://") || location.startsWith("s3a://");
  }

  private static ObjectStore gcs(String uri, Map<String, String> options) {
    try {
      return GcsObjectStore.open(uri, options);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open GCS store " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void noOptions(String location, Map<String, String> options) {
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(
          "Storage options " + options.keySet() + " do not apply to local or memory locations: " + location);
    }
  }

  private static Path localPath(String location) {
    int colon = location.indexOf("://");
    if (colon < 0) {
      return Path.of(location);
    }
    String scheme = location.substring(0, colon);
    if (scheme.equals("file")) {
      return Path.of(URI.create(location));
    }
    throw new UnsupportedOperationException(
        "Object store scheme '" + scheme + "' is not supported yet (only local paths, file://, memory://, s3:// and gs://): "
            + location);
  }
}
