package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.RowIdSequence;
import dev.lancelet.table.format.RowVersions;
import dev.lancelet.table.format.Transaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Moves rows: deletes them from their fragments (through deletion files; fragments left without
 * live rows are removed) and adds new fragments holding their new content, plus any inserted rows.
 * Used by update and merge-insert, recorded as Lance's {@code Update} transaction in rewrite-rows
 * mode (removed fragment ids, updated fragments, new fragments). New fragments get ids after the
 * {@code max_fragment_id} of the manifest applied to.
 *
 * <p>With stable row ids, each new fragment's rows are described by a {@link Lineage}: a moved row
 * keeps its row id and its created-at version, a new row gets the next unused row id and this
 * version; every row of a new fragment is last updated at this version (as Lance records it).
 *
 * <p>Commutes with appends, index and config changes, and with deletes, updates and compactions
 * that touched other fragments; a concurrent change to one of the fragments it reads is a
 * conflict (its rows might be resurrected or lost otherwise).
 */
public final class UpdateOperation implements Operation {
  private final FragmentDeletions deletions;
  private final List<Fragment> newFragments;
  private final List<Lineage> lineages;

  /**
   * Where the rows of a new fragment come from, for datasets with stable row ids: per row, the row
   * id it keeps ({@link #NEW} for a new row, given the next unused id on apply) and the version
   * that created it ({@link #NEW} for a new row: the version this commit makes).
   */
  public record Lineage(long[] rowIds, long[] createdAt) {
    /** Marks a new row. */
    public static final long NEW = -1;

    public Lineage {
      Objects.requireNonNull(rowIds, "rowIds");
      Objects.requireNonNull(createdAt, "createdAt");
      if (rowIds.length != createdAt.length) {
        throw new IllegalArgumentException("Lineage has " + rowIds.length + " row ids but " + createdAt.length
            + " versions");
      }
    }
  }

  /**
   * @param newFragments fragments with the rewritten and inserted rows (ids are assigned on apply)
   */
  public UpdateOperation(FragmentDeletions deletions, List<Fragment> newFragments) {
    this(deletions, newFragments, null);
  }

  /**
   * @param newFragments fragments with the rewritten and inserted rows (ids are assigned on apply)
   * @param lineages for datasets with stable row ids, one per new fragment (one entry per row);
   *     null means every row is new
   */
  public UpdateOperation(FragmentDeletions deletions, List<Fragment> newFragments, List<Lineage> lineages) {
    this.deletions = Objects.requireNonNull(deletions);
    this.newFragments = List.copyOf(newFragments);
    this.lineages = lineages == null ? null : List.copyOf(lineages);
    if (lineages != null) {
      if (lineages.size() != newFragments.size()) {
        throw new IllegalArgumentException(lineages.size() + " lineages for " + newFragments.size() + " new fragments");
      }
      for (int i = 0; i < lineages.size(); i++) {
        if (lineages.get(i).rowIds().length != newFragments.get(i).physicalRows()) {
          throw new IllegalArgumentException("Lineage of new fragment " + i + " has " + lineages.get(i).rowIds().length
              + " rows, the fragment " + newFragments.get(i).physicalRows());
        }
      }
    }
  }

  @Override
  public String name() {
    return "Update";
  }

  @Override
  public Applied apply(Manifest base) throws IOException {
    if (base == null) {
      throw new IllegalStateException("Update needs an existing dataset");
    }
    FragmentDeletions.Result r = deletions.applyTo(base.fragments(), base.version(), false);
    List<Fragment> all = new ArrayList<>(r.fragments());
    List<Fragment> added = new ArrayList<>();
    long nextId = base.maxFragmentId() + 1;
    long nextRowId = base.nextRowId();
    long version = base.version() + 1;
    for (int i = 0; i < newFragments.size(); i++) {
      Fragment g = newFragments.get(i).withId(nextId++);
      if (base.stableRowIds()) {
        int n = (int) g.physicalRows();
        long[] ids = new long[n];
        long[] created = new long[n];
        Lineage l = lineages == null ? null : lineages.get(i);
        for (int k = 0; k < n; k++) {
          long id = l == null ? Lineage.NEW : l.rowIds()[k];
          ids[k] = id == Lineage.NEW ? nextRowId++ : id;
          long c = l == null ? Lineage.NEW : l.createdAt()[k];
          created[k] = c == Lineage.NEW ? version : c;
        }
        g = g.withInlineRowIds(RowIdSequence.encode(ids, n))
            .withInlineRowVersions(RowVersions.encode(created, n), RowVersions.encodeUniform(n, version));
      }
      added.add(g);
      all.add(g);
    }
    Manifest m = base.withFragments(all);
    if (base.stableRowIds()) {
      m = m.withNextRowId(nextRowId);
    }
    m = m.withFeatureFlags(base.stableRowIds());
    TransactionProtos.Transaction.Update.Builder u = TransactionProtos.Transaction.Update.newBuilder()
        .addAllRemovedFragmentIds(r.removed())
        .setUpdateMode(TransactionProtos.Transaction.UpdateMode.REWRITE_ROWS);
    for (Fragment f : r.updated()) {
      u.addUpdatedFragments(f.toProto());
    }
    for (Fragment f : added) {
      u.addNewFragments(f.toProto());
    }
    // Lance leaves fields_modified empty in rewrite-rows mode (moved rows are new rows for indices).
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setUpdate(u));
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return switch (other.operation()) {
      case APPEND, RESERVE_FRAGMENTS, CREATE_INDEX, UPDATE_CONFIG -> true;
      case DELETE, UPDATE, REWRITE -> Conflicts.disjoint(deletions.fragmentIds(), other);
      default -> false;
    };
  }
}
