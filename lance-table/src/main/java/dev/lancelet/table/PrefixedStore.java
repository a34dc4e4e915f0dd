package dev.lancelet.table;

import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A view of a folder of another store: every path is resolved under {@code prefix}. Used to hand
 * lance-file a store rooted at a dataset's {@code data/} folder (blob sidecars). Closing it does
 * not close the underlying store.
 */
final class PrefixedStore implements ObjectStore {
  private final ObjectStore inner;
  private final String prefix;

  /** {@code prefix} is a folder path ending in {@code /}, e.g. {@code data/}. */
  PrefixedStore(ObjectStore inner, String prefix) {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("Folder prefix must end with '/': " + prefix);
    }
    this.inner = inner;
    this.prefix = prefix;
  }

  @Override
  public String uri() {
    String root = inner.uri();
    return (root.endsWith("/") ? root : root + "/") + prefix.substring(0, prefix.length() - 1);
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    return inner.open(prefix + path);
  }

  @Override
  public long size(String path) throws IOException {
    return inner.size(prefix + path);
  }

  @Override
  public boolean exists(String path) throws IOException {
    return inner.exists(prefix + path);
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    return inner.create(prefix + path);
  }

  @Override
  public List<ObjectInfo> list(String p) throws IOException {
    List<ObjectInfo> all = inner.list(prefix + p);
    List<ObjectInfo> out = new ArrayList<>(all.size());
    for (ObjectInfo o : all) {
      String path = o.path().startsWith(prefix) ? o.path().substring(prefix.length()) : o.path();
      out.add(new ObjectInfo(path, o.size(), o.lastModifiedMillis()));
    }
    return out;
  }

  @Override
  public void delete(String path) throws IOException {
    inner.delete(prefix + path);
  }
}
