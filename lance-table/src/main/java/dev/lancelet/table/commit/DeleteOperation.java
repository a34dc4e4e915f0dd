package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.Transaction;
import java.io.IOException;
import java.util.Objects;

/**
 * Deletes rows through deletion files (no data file is rewritten); fragments left without live
 * rows leave the manifest. Recorded as Lance's {@code Delete} transaction: the fragments with their
 * new deletion files, the ids of the removed fragments, and the predicate.
 *
 * <p>Commutes with appends, index and config changes, and with concurrent deletes even on the same
 * fragments: on a rebase, a fragment whose deletion file changed meanwhile gets a new deletion
 * file holding the union of both deletions, so no deletion is lost. Commutes with updates and
 * compactions that touched other fragments only; conflicts with everything else.
 */
public final class DeleteOperation implements Operation {
  private final FragmentDeletions deletions;
  private final String predicate;

  /** @param predicate the filter that selected the rows, recorded in the transaction */
  public DeleteOperation(FragmentDeletions deletions, String predicate) {
    this.deletions = Objects.requireNonNull(deletions);
    this.predicate = Objects.requireNonNull(predicate);
  }

  @Override
  public String name() {
    return "Delete";
  }

  @Override
  public Applied apply(Manifest base) throws IOException {
    if (base == null) {
      throw new IllegalStateException("Delete needs an existing dataset");
    }
    FragmentDeletions.Result r = deletions.applyTo(base.fragments(), base.version(), true);
    Manifest m = base.withFragments(r.fragments()).withFeatureFlags(base.stableRowIds());
    TransactionProtos.Transaction.Delete.Builder d = TransactionProtos.Transaction.Delete.newBuilder()
        .setPredicate(predicate).addAllDeletedFragmentIds(r.removed());
    for (Fragment f : r.updated()) {
      d.addUpdatedFragments(f.toProto());
    }
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setDelete(d));
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return switch (other.operation()) {
      case APPEND, DELETE, RESERVE_FRAGMENTS, CREATE_INDEX, UPDATE_CONFIG -> true;
      case UPDATE, REWRITE -> Conflicts.disjoint(deletions.fragmentIds(), other);
      default -> false;
    };
  }
}
