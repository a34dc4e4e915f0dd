package dev.lancelet.table;

import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.DeletionFile;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store of a dataset whose files may live under other base paths (Lance 7 manifests' {@code
 * base_paths}: shallow clones, multi-base datasets). Paths inside the dataset go to the root store;
 * the reserved paths made by {@link #dataFilePath} and {@link #deletionFilePath} go to the store of
 * their base path, opened on first use with {@link ObjectStores#forFolder} (with the dataset's
 * storage options when the base uses the same scheme) and closed with this store. Reading only:
 * files are never written under a base path.
 */
final class BasePathStore implements ObjectStore, ConditionalPut {
  /** Prefix of the reserved paths; a NUL cannot start a real object path. */
  private static final String PREFIX = "\u0000base/";

  private final ObjectStore root;
  private final Map<Integer, TableProtos.BasePath> bases = new HashMap<>();
  private final Map<String, String> storageOptions;
  private final Map<Integer, ObjectStore> opened = new HashMap<>();
  private final boolean ownsRoot;

  BasePathStore(ObjectStore root, boolean ownsRoot, List<TableProtos.BasePath> bases, Map<String, String> storageOptions) {
    this.root = root;
    this.ownsRoot = ownsRoot;
    for (TableProtos.BasePath b : bases) {
      this.bases.put(b.getId(), b);
    }
    this.storageOptions = Map.copyOf(storageOptions);
  }

  /** The root store (the dataset's own folder). */
  ObjectStore root() {
    return root;
  }

  /** Adds the base paths of another version (ids are stable across versions). */
  synchronized void addBases(List<TableProtos.BasePath> more) {
    for (TableProtos.BasePath b : more) {
      bases.putIfAbsent(b.getId(), b);
    }
  }

  /**
   * The path under which {@code store} reads data file {@code df}: its dataset path, or for a file
   * under a base path a reserved path that only a {@code BasePathStore} resolves.
   *
   * @throws UnsupportedFeatureException when the file lives under a base path and {@code store}
   *     cannot resolve it
   */
  static String dataFilePath(ObjectStore store, DataFile df) throws UnsupportedFeatureException {
    if (df.baseId() == null) {
      return df.datasetPath();
    }
    if (!(store instanceof BasePathStore)) {
      throw new UnsupportedFeatureException("Data file " + df.path() + " of " + store.uri() + " lives under base path "
          + df.baseId() + ", which this store cannot resolve (open the dataset with Dataset.open)");
    }
    return PREFIX + df.baseId() + "/d/" + df.path();
  }

  /** As {@link #dataFilePath}, for the deletion file of fragment {@code fragmentId}. */
  static String deletionFilePath(ObjectStore store, DeletionFile d, long fragmentId) throws UnsupportedFeatureException {
    if (d.baseId() == null) {
      return d.path(fragmentId);
    }
    if (!(store instanceof BasePathStore)) {
      throw new UnsupportedFeatureException("Deletion file of fragment " + fragmentId + " of " + store.uri()
          + " lives under base path " + d.baseId() + ", which this store cannot resolve (open the dataset with"
          + " Dataset.open)");
    }
    return PREFIX + d.baseId() + "/r/" + d.path(fragmentId);
  }

  /** The store and path a reserved or plain path refers to. */
  private synchronized Target resolve(String path) throws IOException {
    if (!path.startsWith(PREFIX)) {
      return new Target(root, path);
    }
    int slash = path.indexOf('/', PREFIX.length());
    int id = Integer.parseInt(path.substring(PREFIX.length(), slash));
    String kind = path.substring(slash + 1, slash + 2);
    String rest = path.substring(slash + 3);
    TableProtos.BasePath b = bases.get(id);
    if (b == null) {
      throw new CorruptManifestException(root.uri(), "a file names base path " + id + " but the manifest's base paths are "
          + bases.keySet());
    }
    if (kind.equals("r") && !b.getIsDatasetRoot()) {
      throw new CorruptManifestException(root.uri(), "a deletion file lives under base path " + id + " ("
          + b.getPath() + "), which is not a dataset root");
    }
    ObjectStore s = opened.get(id);
    if (s == null) {
      s = ObjectStores.forFolder(b.getPath(), sameScheme(b.getPath()) ? storageOptions : Map.of());
      opened.put(id, s);
    }
    String inBase = kind.equals("d") && b.getIsDatasetRoot() ? "data/" + rest : rest;
    return new Target(s, inBase);
  }

  private boolean sameScheme(String path) {
    if (storageOptions.isEmpty()) {
      return false;
    }
    String a = scheme(root.uri());
    return a != null && a.equals(scheme(path));
  }

  private static String scheme(String uri) {
    try {
      return URI.create(uri).getScheme();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private record Target(ObjectStore store, String path) {}

  @Override
  public String uri() {
    return root.uri();
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    Target t = resolve(path);
    return t.store().open(t.path());
  }

  @Override
  public long size(String path) throws IOException {
    Target t = resolve(path);
    return t.store().size(t.path());
  }

  @Override
  public boolean exists(String path) throws IOException {
    Target t = resolve(path);
    return t.store().exists(t.path());
  }

  @Override
  public byte[] readAll(String path) throws IOException {
    Target t = resolve(path);
    return t.store().readAll(t.path());
  }

  @Override
  public void put(String path, byte[] data) throws IOException {
    root.put(requireRoot(path), data);
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    return root.create(requireRoot(path));
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return root.list(requireRoot(prefix));
  }

  @Override
  public void delete(String path) throws IOException {
    root.delete(requireRoot(path));
  }

  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    if (!(root instanceof ConditionalPut cp)) {
      throw new UnsupportedOperationException("The store of " + root.uri() + " has no put-if-absent");
    }
    cp.putIfAbsent(requireRoot(path), data);
  }

  private static String requireRoot(String path) {
    if (path.startsWith(PREFIX)) {
      throw new UnsupportedOperationException("Files under external base paths are read only");
    }
    return path;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    synchronized (this) {
      for (ObjectStore s : opened.values()) {
        try {
          s.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      opened.clear();
    }
    if (ownsRoot) {
      root.close();
    }
    if (first != null) {
      throw first;
    }
  }
}
