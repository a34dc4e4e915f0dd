package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
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
 * <p>Commutes with appends, index and config changes, and with deletes, updates and compactions
 * that touched other fragments; a concurrent change to one of the fragments it reads is a
 * conflict (its rows might be resurrected or lost otherwise).
 */
public final class UpdateOperation implements Operation {
  private final FragmentDeletions deletions;
  private final List<Fragment> newFragments;

  /**
   * @param newFragments fragments with the rewritten and inserted rows (ids are assigned on apply)
   */
  public UpdateOperation(FragmentDeletions deletions, List<Fragment> newFragments) {
    this.deletions = Objects.requireNonNull(deletions);
    this.newFragments = List.copyOf(newFragments);
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
    if (base.stableRowIds()) {
      throw new UnsupportedOperationException("Update and merge-insert of datasets with stable row ids are not supported yet");
    }
    FragmentDeletions.Result r = deletions.applyTo(base.fragments(), base.version(), false);
    List<Fragment> all = new ArrayList<>(r.fragments());
    List<Fragment> added = new ArrayList<>();
    long nextId = base.maxFragmentId() + 1;
    for (Fragment f : newFragments) {
      Fragment g = f.withId(nextId++);
      added.add(g);
      all.add(g);
    }
    Manifest m = base.withFragments(all).withFeatureFlags(false);
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
