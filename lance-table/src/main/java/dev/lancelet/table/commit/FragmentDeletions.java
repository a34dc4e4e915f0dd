package dev.lancelet.table.commit;

import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.UnsupportedFeatureException;
import dev.lancelet.table.format.DeletionFile;
import dev.lancelet.table.format.DeletionVector;
import dev.lancelet.table.format.Fragment;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rows to delete from existing fragments, planned against one version: per fragment, the
 * fragment as read and the offsets to add to its deletion vector. {@link #prepare} writes the
 * merged deletion files ahead of the commit; {@link #applyTo} places the result on a manifest's
 * fragments, merging again when a concurrent commit changed a fragment's deletion file meanwhile.
 */
public final class FragmentDeletions {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One fragment's planned change: the fragment with its new deletion file, or null when removed. */
  private record Planned(Fragment read, DeletionVector added, Fragment result) {}

  private final ObjectStore store;
  private final Map<Long, Planned> planned = new LinkedHashMap<>();
  private final List<String> written = new ArrayList<>();

  private FragmentDeletions(ObjectStore store) {
    this.store = store;
  }

  /**
   * Merges {@code added} into each fragment's existing deletion vector and writes the merged
   * deletion files (as of {@code readVersion}); a fragment left with no live row is marked for
   * removal instead.
   *
   * @param added rows to delete, by fragment (fragments as read); empty vectors are ignored
   */
  public static FragmentDeletions prepare(ObjectStore store, long readVersion, Map<Fragment, DeletionVector> added)
      throws IOException {
    FragmentDeletions d = new FragmentDeletions(store);
    boolean ok = false;
    try {
      for (Map.Entry<Fragment, DeletionVector> e : added.entrySet()) {
        if (e.getValue().isEmpty()) {
          continue;
        }
        Fragment f = e.getKey();
        d.planned.put(f.id(), new Planned(f, e.getValue(), d.merge(f, e.getValue(), readVersion)));
      }
      ok = true;
      return d;
    } finally {
      if (!ok) {
        d.deleteWritten();
      }
    }
  }

  /** {@code f} with {@code added} merged into its deletions, or null when no row stays. */
  private Fragment merge(Fragment f, DeletionVector added, long readVersion) throws IOException {
    DeletionVector old = load(f);
    DeletionVector all = old.union(added);
    if (all.size() >= f.physicalRows()) {
      return null;
    }
    DeletionFile.Type type = storageType(f.deletionFile(), added, all);
    DeletionFile df = new DeletionFile(type, readVersion, RANDOM.nextLong() & Long.MAX_VALUE, all.size(), null);
    String path = df.path(f.id());
    written.add(path);
    store.put(path, all.encode(type));
    return f.withDeletionFile(df);
  }

  /**
   * The form Lance would store the merged set in: a bitmap stays a bitmap; a first deletion of
   * {@value DeletionVector#BITMAP_THRESHOLD} rows or more becomes a bitmap; an Arrow set grows into
   * a bitmap once above that many rows.
   */
  static DeletionFile.Type storageType(DeletionFile existing, DeletionVector added, DeletionVector all) {
    if (existing == null) {
      return added.size() >= DeletionVector.BITMAP_THRESHOLD ? DeletionFile.Type.BITMAP : DeletionFile.Type.ARROW_ARRAY;
    }
    if (existing.type() == DeletionFile.Type.BITMAP) {
      return DeletionFile.Type.BITMAP;
    }
    return all.preferredType();
  }

  private DeletionVector load(Fragment f) throws IOException {
    DeletionFile d = f.deletionFile();
    if (d == null) {
      return DeletionVector.empty();
    }
    if (d.baseId() != null) {
      throw new UnsupportedFeatureException("Deletion file of fragment " + f.id() + " lives under base path "
          + d.baseId() + "; external base paths are not supported yet");
    }
    String path = d.path(f.id());
    return DeletionVector.decode(store.readAll(path), d.type(), store.uri() + "/" + path, f.physicalRows());
  }

  /** Ids of the fragments this plan changes. */
  public java.util.Set<Long> fragmentIds() {
    return planned.keySet();
  }

  /** Whether no row is deleted. */
  public boolean isEmpty() {
    return planned.isEmpty();
  }

  /** Rows this plan deletes. */
  public long rowCount() {
    long n = 0;
    for (Planned p : planned.values()) {
      n += p.added().size();
    }
    return n;
  }

  /** Files written so far (deletion files), for cleaning up after a failed commit. */
  public List<String> written() {
    return written;
  }

  /** Deletes every file this plan wrote (best effort). */
  public void deleteWritten() {
    for (String p : written) {
      try {
        store.delete(p);
      } catch (IOException e) {
        // an orphan is harmless
      }
    }
  }

  /** The outcome of applying to one manifest's fragments. */
  public record Result(List<Fragment> fragments, List<Fragment> updated, List<Long> removed) {}

  /**
   * Applies the plan to {@code fragments} (of the manifest being committed on). A fragment whose
   * deletion file is no longer the one read, because a concurrent commit deleted rows from it, is
   * merged again (union of both deletions, a new file named after {@code baseVersion}) when {@code
   * mergeConcurrent} is set; a fragment that disappeared meanwhile is left out.
   *
   * @throws IllegalStateException when a fragment changed and {@code mergeConcurrent} is false (the
   *     conflict check should have refused the rebase)
   */
  public Result applyTo(List<Fragment> fragments, long baseVersion, boolean mergeConcurrent) throws IOException {
    List<Fragment> out = new ArrayList<>();
    List<Fragment> updated = new ArrayList<>();
    List<Long> removed = new ArrayList<>();
    for (Fragment f : fragments) {
      Planned p = planned.get(f.id());
      if (p == null) {
        out.add(f);
        continue;
      }
      Fragment result;
      if (Objects.equals(f.deletionFile(), p.read().deletionFile()) && f.physicalRows() == p.read().physicalRows()) {
        result = p.result();
      } else if (mergeConcurrent) {
        result = merge(f, p.added(), baseVersion);
      } else {
        throw new IllegalStateException("Fragment " + f.id() + " changed concurrently");
      }
      if (result == null) {
        removed.add(f.id());
      } else {
        out.add(result);
        updated.add(result);
      }
    }
    return new Result(out, updated, removed);
  }
}
