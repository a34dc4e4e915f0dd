package dev.lancelet.io;

import java.net.URI;
import java.nio.file.Path;

/**
 * Resolves a location string to a store and a path inside it. Understood: bare paths and {@code
 * file://} URIs (local disk), {@code memory://name/...} and {@code gs://bucket/prefix} (Google
 * Cloud Storage, configured from the environment; see {@link dev.lancelet.io.gcs.GcsOptions}).
 * Other schemes are refused with a clear message.
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
    if (location.startsWith("gs://")) {
      int slash = location.lastIndexOf('/');
      if (slash < "gs://".length() || slash == location.length() - 1) {
        throw new IllegalArgumentException("A GCS object location needs a bucket and a name: gs://BUCKET/PATH, got " + location);
      }
      return new Location(gcs(location.substring(0, slash)), location.substring(slash + 1));
    }
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
    if (location.startsWith("gs://")) {
      return gcs(location);
    }
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

  private static ObjectStore gcs(String uri) {
    try {
      return dev.lancelet.io.gcs.GcsObjectStore.open(uri, java.util.Map.of());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot open GCS store " + uri + ": " + e.getMessage(), e);
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
        "Object store scheme '" + scheme + "' is not supported yet (only local paths, file://, memory:// and gs://): " + location);
  }
}
