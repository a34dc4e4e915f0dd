package dev.lancelet.table;

import com.google.protobuf.ByteString;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.commit.UpdateOperation;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.RowIdSequence;
import dev.lancelet.table.format.RowVersions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Row ids and row versions of datasets with stable row ids, as update, merge-insert and
 * compaction carry them into the fragments they write.
 *
 * <p>An instance records, in the order rows are written, where each row comes from (a row
 * address of the version read, or nothing for a new row), then splits that record by the
 * fragments written into {@link UpdateOperation.Lineage}s. It holds 8 bytes per written row, plus
 * the row-id and created-at sequences of the fragments rows come from.
 */
final class RowLineage {
  /** Version of rows of a fragment that records no versions (what Lance reads then). */
  static final long DEFAULT_VERSION = 1;

  private final ObjectStore store;
  private final Map<Long, Fragment> fragments = new HashMap<>();
  private final Map<Long, RowIdSequence> rowIds = new HashMap<>();
  private final Map<Long, RowVersions> created = new HashMap<>();
  private long[] sources = new long[1024];
  private int n;

  private RowLineage(ObjectStore store, Manifest m) {
    this.store = store;
    for (Fragment f : m.fragments()) {
      fragments.put(f.id(), f);
    }
  }

  /** A recorder for writes to {@code ds}, or null when it has no stable row ids. */
  static RowLineage forWrites(Dataset ds) {
    return ds.manifest().stableRowIds() ? new RowLineage(ds.store(), ds.manifest()) : null;
  }

  /** The next row written moves the row at {@code address} (it keeps its row id). */
  void moved(long address) {
    add(address);
  }

  /** The next row written is new. */
  void inserted() {
    add(UpdateOperation.Lineage.NEW);
  }

  private void add(long v) {
    if (n == sources.length) {
      sources = Arrays.copyOf(sources, Math.addExact(n, n >> 1));
    }
    sources[n++] = v;
  }

  /** The lineage of each of {@code written}, which hold the recorded rows in order. */
  List<UpdateOperation.Lineage> split(List<Fragment> written) throws IOException {
    long total = 0;
    for (Fragment f : written) {
      total += f.physicalRows();
    }
    if (total != n) {
      throw new IllegalStateException("Wrote " + total + " rows but recorded the origin of " + n);
    }
    List<UpdateOperation.Lineage> out = new ArrayList<>();
    int pos = 0;
    for (Fragment f : written) {
      int rows = (int) f.physicalRows();
      long[] ids = new long[rows];
      long[] versions = new long[rows];
      for (int i = 0; i < rows; i++) {
        long a = sources[pos++];
        if (a == UpdateOperation.Lineage.NEW) {
          ids[i] = UpdateOperation.Lineage.NEW;
          versions[i] = UpdateOperation.Lineage.NEW;
        } else {
          long frag = a >>> 32;
          long offset = a & 0xFFFF_FFFFL;
          ids[i] = rowIds(frag).get(offset);
          versions[i] = createdAt(frag).get(offset);
        }
      }
      out.add(new UpdateOperation.Lineage(ids, versions));
    }
    return out;
  }

  private Fragment fragment(long id) {
    Fragment f = fragments.get(id);
    if (f == null) {
      throw new IllegalStateException("Row address in fragment " + id + ", which the version read does not have");
    }
    return f;
  }

  private RowIdSequence rowIds(long frag) throws IOException {
    RowIdSequence s = rowIds.get(frag);
    if (s == null) {
      s = FragmentReader.loadRowIds(store, fragment(frag));
      rowIds.put(frag, s);
    }
    return s;
  }

  private RowVersions createdAt(long frag) throws IOException {
    RowVersions v = created.get(frag);
    if (v == null) {
      v = createdAt(store, fragment(frag));
      created.put(frag, v);
    }
    return v;
  }

  /** The created-at versions of a fragment's rows ({@link #DEFAULT_VERSION} when not recorded). */
  static RowVersions createdAt(ObjectStore store, Fragment f) throws IOException {
    TableProtos.DataFragment p = f.toProto();
    return switch (p.getCreatedAtVersionSequenceCase()) {
      case INLINE_CREATED_AT_VERSIONS -> check(f, RowVersions.decode(p.getInlineCreatedAtVersions(), where(store, f)),
          "created-at");
      case EXTERNAL_CREATED_AT_VERSIONS -> check(f, RowVersions.decode(external(store, f, p.getExternalCreatedAtVersions()),
          store.uri() + "/" + p.getExternalCreatedAtVersions().getPath()), "created-at");
      default -> RowVersions.uniform(f.physicalRows(), DEFAULT_VERSION);
    };
  }

  /** The last-updated-at versions of a fragment's rows ({@link #DEFAULT_VERSION} when not recorded). */
  static RowVersions lastUpdatedAt(ObjectStore store, Fragment f) throws IOException {
    TableProtos.DataFragment p = f.toProto();
    return switch (p.getLastUpdatedAtVersionSequenceCase()) {
      case INLINE_LAST_UPDATED_AT_VERSIONS -> check(f,
          RowVersions.decode(p.getInlineLastUpdatedAtVersions(), where(store, f)), "last-updated-at");
      case EXTERNAL_LAST_UPDATED_AT_VERSIONS -> check(f,
          RowVersions.decode(external(store, f, p.getExternalLastUpdatedAtVersions()),
              store.uri() + "/" + p.getExternalLastUpdatedAtVersions().getPath()), "last-updated-at");
      default -> RowVersions.uniform(f.physicalRows(), DEFAULT_VERSION);
    };
  }

  private static String where(ObjectStore store, Fragment f) {
    return store.uri() + " fragment " + f.id();
  }

  private static RowVersions check(Fragment f, RowVersions v, String what) throws CorruptManifestException {
    if (v.length() != f.physicalRows()) {
      throw new CorruptManifestException("fragment " + f.id(), what + " version sequence covers " + v.length()
          + " rows, the fragment has " + f.physicalRows());
    }
    return v;
  }

  private static ByteString external(ObjectStore store, Fragment f, TableProtos.ExternalFile ef) throws IOException {
    if (ef.getSize() > Integer.MAX_VALUE || ef.getSize() < 0) {
      throw new CorruptManifestException(where(store, f), "external version sequence of " + ef.getSize() + " bytes");
    }
    try (var o = store.open(ef.getPath())) {
      return ByteString.copyFrom(o.read(ef.getOffset(), (int) ef.getSize()));
    }
  }
}
