package dev.lancelet.table;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.ManifestStore;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Removal of old versions and the files only they use. A version is removed when it is older
 * than the cut-off, not the latest and not tagged. Then a file is deleted when no kept version
 * uses it and either a removed version used it, or nobody did and it is older than both the
 * cut-off and a safety margin of 7 days (a write in progress has files no manifest names yet).
 * A blob v2 sidecar {@code data/<stem>/<id>.blob} counts as used exactly when its data file
 * {@code data/<stem>.lance} is, so it goes with that file and never before it.
 * Manifests go first, so a crash midway leaves fewer versions, never a version with missing files.
 */
final class Cleanup {
  static final Duration UNVERIFIED_MARGIN = Duration.ofDays(7);

  private Cleanup() {}

  private static final class Refs {
    final Set<String> files = new HashSet<>();
    final Set<String> indexDirs = new HashSet<>();

    boolean uses(String path) {
      if (files.contains(path)) {
        return true;
      }
      String owner = sidecarOwner(path);
      if (owner != null) {
        return files.contains(owner);
      }
      if (path.startsWith("_indices/")) {
        int slash = path.indexOf('/', "_indices/".length());
        return slash > 0 && indexDirs.contains(path.substring(0, slash + 1));
      }
      return false;
    }
  }

  static CleanupReport cleanup(Dataset ds, Instant before, boolean deleteUnverified) throws IOException {
    ObjectStore store = ds.store();
    ManifestStore ms = new ManifestStore(store);
    Map<Long, String> versions = ms.list();
    long latest = ms.latest();
    Set<Long> tagged = new Tags(store).byVersion().keySet();
    Refs kept = new Refs();
    Refs old = new Refs();
    Set<String> removedManifests = new HashSet<>();
    for (Map.Entry<Long, String> e : versions.entrySet()) {
      long v = e.getKey();
      ManifestFile mf = ms.read(v);
      Instant t = mf.manifest().timestamp();
      boolean keep = v == latest || tagged.contains(v) || t == null || !t.isBefore(before);
      Refs r = keep ? kept : old;
      r.files.add(e.getValue());
      collect(mf, r, ds);
      if (!keep) {
        removedManifests.add(e.getValue());
      }
    }
    Instant unverifiedCut = deleteUnverified ? before : min(before, Instant.now().minus(UNVERIFIED_MARGIN));
    int versionsRemoved = 0;
    int data = 0;
    int deletions = 0;
    int txns = 0;
    int indices = 0;
    int other = 0;
    long bytes = 0;
    // Manifests first.
    for (ObjectInfo o : store.list("_versions/")) {
      if (removedManifests.contains(o.path()) && !kept.uses(o.path())) {
        if (deleteQuietly(store, o.path())) {
          versionsRemoved++;
          bytes += o.size();
        }
      }
    }
    for (String dir : List.of("data/", "_deletions/", "_transactions/", "_indices/", "_rowids/")) {
      for (ObjectInfo o : store.list(dir)) {
        String p = o.path();
        if (kept.uses(p)) {
          continue;
        }
        boolean verified = old.uses(p);
        Instant modified = Instant.ofEpochMilli(o.lastModifiedMillis());
        boolean oldEnough = o.lastModifiedMillis() > 0 && modified.isBefore(unverifiedCut);
        if (!verified && !oldEnough) {
          continue;
        }
        if (!deleteQuietly(store, p)) {
          continue;
        }
        bytes += o.size();
        switch (dir) {
          case "data/" -> data++;
          case "_deletions/" -> deletions++;
          case "_transactions/" -> txns++;
          case "_indices/" -> indices++;
          default -> other++;
        }
      }
    }
    return new CleanupReport(versionsRemoved, data, deletions, txns, indices, other, bytes);
  }

  /**
   * The data file a blob v2 sidecar belongs to: {@code data/<stem>/<id>.blob} belongs to {@code
   * data/<stem>.lance} (and lives or dies with it); null for any other path.
   */
  static String sidecarOwner(String path) {
    if (!path.startsWith("data/") || !path.endsWith(".blob")) {
      return null;
    }
    int slash = path.indexOf('/', "data/".length());
    if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    return path.substring(0, slash) + ".lance";
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static boolean deleteQuietly(ObjectStore store, String path) throws IOException {
    try {
      store.delete(path);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  private static void collect(ManifestFile mf, Refs r, Dataset ds) throws IOException {
    Manifest m = mf.manifest();
    if (m.hasBasePaths()) {
      throw new UnsupportedFeatureException("Cannot clean up " + ds.uri() + ": version " + m.version()
          + " keeps files under external base paths");
    }
    if (!m.transactionFile().isEmpty()) {
      r.files.add("_transactions/" + m.transactionFile());
    }
    for (Fragment f : m.fragments()) {
      for (DataFile df : f.files()) {
        r.files.add(df.datasetPath());
      }
      if (f.deletionFile() != null) {
        r.files.add(f.deletionFile().path(f.id()));
      }
      TableProtos.DataFragment p = f.toProto();
      if (p.hasExternalRowIds()) {
        r.files.add(p.getExternalRowIds().getPath());
      }
    }
    if (mf.indexSection() != null) {
      try {
        for (TableProtos.IndexMetadata im : mf.indices().getIndicesList()) {
          ByteBuffer b = im.getUuid().getUuid().asReadOnlyByteBuffer();
          if (b.remaining() != 16) {
            throw new CorruptManifestException(ds.uri() + " version " + m.version(), "index '" + im.getName()
                + "' has a uuid of " + b.remaining() + " bytes, not 16");
          }
          r.indexDirs.add("_indices/" + new UUID(b.getLong(), b.getLong()) + "/");
        }
      } catch (InvalidProtocolBufferException e) {
        throw new CorruptManifestException(ds.uri() + " version " + m.version(), "bad index section: " + e.getMessage(), e);
      }
    }
  }
}
