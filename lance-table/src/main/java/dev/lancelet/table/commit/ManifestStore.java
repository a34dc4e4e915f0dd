package dev.lancelet.table.commit;

import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.CorruptManifestException;
import dev.lancelet.table.DatasetNotFoundException;
import dev.lancelet.table.VersionNotFoundException;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.ManifestNaming;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds and reads the manifests of one dataset in its store. The listing of {@code _versions/} is
 * authoritative (the version hint is only written, never trusted for reads); both naming schemes
 * are understood, and a dataset whose manifests use V1 names keeps using them for new versions.
 */
public final class ManifestStore {
  private static final System.Logger LOG = System.getLogger(ManifestStore.class.getName());

  private final ObjectStore store;

  public ManifestStore(ObjectStore store) {
    this.store = store;
  }

  /** The store. */
  public ObjectStore store() {
    return store;
  }

  /** Every version present, ascending, with the path of its manifest. */
  public TreeMap<Long, String> list() throws IOException {
    TreeMap<Long, String> out = new TreeMap<>();
    for (ObjectInfo o : store.list(ManifestNaming.VERSIONS_DIR + "/")) {
      String path = o.path();
      String name = path.substring(path.lastIndexOf('/') + 1);
      long v = ManifestNaming.parse(name);
      if (v >= 0) {
        out.putIfAbsent(v, path);
      }
    }
    return out;
  }

  /**
   * The newest version number.
   *
   * @throws DatasetNotFoundException when there is no manifest at all
   */
  public long latest() throws IOException {
    TreeMap<Long, String> all = list();
    if (all.isEmpty()) {
      throw new DatasetNotFoundException("No Lance dataset at " + store.uri() + " (no manifest under _versions/)");
    }
    return all.lastKey();
  }

  /** The naming scheme new versions should use: that of the newest manifest, V2 for a new dataset. */
  public ManifestNaming scheme() throws IOException {
    TreeMap<Long, String> all = list();
    if (all.isEmpty()) {
      return ManifestNaming.V2;
    }
    String p = all.lastEntry().getValue();
    ManifestNaming s = ManifestNaming.detect(p.substring(p.lastIndexOf('/') + 1));
    return s == null ? ManifestNaming.V2 : s;
  }

  /**
   * Reads the newest manifest that decodes. A newest manifest that is torn, empty or otherwise
   * corrupt (not something Lancelet's own commits can leave: they publish a complete file under its
   * final name in one step) is skipped with a warning and the version before it is tried.
   *
   * @throws DatasetNotFoundException when there is no manifest at all
   * @throws CorruptManifestException the newest one's error, when no manifest decodes
   */
  public ManifestFile readLatestValid() throws IOException {
    TreeMap<Long, String> all = list();
    if (all.isEmpty()) {
      throw new DatasetNotFoundException("No Lance dataset at " + store.uri() + " (no manifest under _versions/)");
    }
    CorruptManifestException first = null;
    for (Long v : all.descendingKeySet()) {
      try {
        ManifestFile mf = read(v);
        if (first != null) {
          LOG.log(System.Logger.Level.WARNING, "Dataset {0}: skipped corrupt newer manifest(s), opened version {1}; first problem: {2}",
              store.uri(), v, first.getMessage());
        }
        return mf;
      } catch (CorruptManifestException e) {
        LOG.log(System.Logger.Level.WARNING, "Dataset {0}: skipping corrupt manifest of version {1}: {2}", store.uri(), v, e.getMessage());
        if (first == null) {
          first = e;
        }
      }
    }
    throw first;
  }

  /**
   * Reads the manifest of {@code version}.
   *
   * @throws VersionNotFoundException when that version has no manifest
   */
  public ManifestFile read(long version) throws IOException {
    for (ManifestNaming s : new ManifestNaming[] {ManifestNaming.V2, ManifestNaming.V1}) {
      String path = s.path(version);
      byte[] bytes;
      try {
        bytes = store.readAll(path);
      } catch (FileNotFoundException | NoSuchFileException e) {
        continue;
      }
      return ManifestFile.decode(bytes, store.uri() + "/" + path);
    }
    Map.Entry<Long, String> last = list().lastEntry();
    if (last == null) {
      throw new DatasetNotFoundException("No Lance dataset at " + store.uri() + " (no manifest under _versions/)");
    }
    throw new VersionNotFoundException("Version " + version + " of " + store.uri() + " does not exist (latest is " + last.getKey() + ")");
  }
}
