package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.RowIdSequence;
import dev.lancelet.table.format.RowVersions;
import dev.lancelet.table.format.TableSchema;
import dev.lancelet.table.format.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Creates a dataset, or replaces every row and the schema of an existing one with a new version
 * (older versions stay readable). Fragment ids continue after the previous {@code
 * max_fragment_id}, so files of old and new versions never share a fragment id.
 *
 * <p>A creation conflicts with anything that committed first (the dataset then exists). A
 * replacement commutes with everything: whatever was committed concurrently is replaced anyway.
 */
public final class OverwriteOperation implements Operation {
  private final TableSchema schema;
  private final List<Fragment> fragments;
  private final String fileVersion;
  private final boolean stableRowIds;
  private final boolean create;

  /**
   * @param fileVersion data storage version recorded in the manifest, e.g. {@code "2.1"}
   * @param create true when the dataset must not exist yet
   */
  public OverwriteOperation(TableSchema schema, List<Fragment> fragments, String fileVersion, boolean stableRowIds,
      boolean create) {
    this.schema = Objects.requireNonNull(schema);
    this.fragments = List.copyOf(fragments);
    this.fileVersion = fileVersion;
    this.stableRowIds = stableRowIds;
    this.create = create;
  }

  @Override
  public String name() {
    return create ? "Create" : "Overwrite";
  }

  @Override
  public Applied apply(Manifest base) {
    if (create && base != null) {
      throw new IllegalStateException("Dataset already exists (version " + base.version() + ")");
    }
    long nextId = base == null ? 0 : base.maxFragmentId() + 1;
    long nextRowId = base == null ? 0 : base.nextRowId();
    List<Fragment> fs = new ArrayList<>();
    for (Fragment f : fragments) {
      Fragment g = f.withId(nextId++);
      if (stableRowIds) {
        g = g.withInlineRowIds(RowIdSequence.encodeRange(nextRowId, g.physicalRows()));
        nextRowId += g.physicalRows();
        // Rows are created and last updated by this version, recorded as Lance 7 does.
        byte[] versions = RowVersions.encodeUniform(g.physicalRows(), base == null ? 1 : base.version() + 1);
        g = g.withInlineRowVersions(versions, versions);
      }
      fs.add(g);
    }
    Manifest m = Manifest.create(schema, fs, fileVersion);
    if (base != null && base.maxFragmentId() >= 0) {
      m = m.withMaxFragmentId(Math.max(base.maxFragmentId(), m.maxFragmentId()));
    }
    if (stableRowIds) {
      m = m.withNextRowId(nextRowId);
    }
    m = m.withFeatureFlags(stableRowIds);
    TransactionProtos.Transaction.Overwrite.Builder o = TransactionProtos.Transaction.Overwrite.newBuilder()
        .addAllSchema(schema.fields())
        .putAllSchemaMetadata(schema.metadata());
    for (Fragment f : fs) {
      o.addFragments(f.toProto());
    }
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setOverwrite(o));
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return !create;
  }
}
