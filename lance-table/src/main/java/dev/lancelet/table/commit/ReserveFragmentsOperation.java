package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.Transaction;

/**
 * Lance's {@code ReserveFragments}: raises {@code max_fragment_id} by {@code n} so the ids in
 * between belong to the committer (compaction names its new fragments with them before it
 * commits). After the commit the reserved ids are {@code max_fragment_id - n + 1 ..
 * max_fragment_id} of the committed manifest. Commutes with everything.
 */
public final class ReserveFragmentsOperation implements Operation {
  private final int n;

  /** @param n ids to reserve, at least 1 */
  public ReserveFragmentsOperation(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Reserve at least one fragment id, not " + n);
    }
    this.n = n;
  }

  @Override
  public String name() {
    return "ReserveFragments";
  }

  @Override
  public Applied apply(Manifest base) {
    if (base == null) {
      throw new IllegalStateException("ReserveFragments needs an existing dataset");
    }
    Manifest m = base.withMaxFragmentId(base.maxFragmentId() + n);
    return new Applied(m, TransactionProtos.Transaction.newBuilder()
        .setReserveFragments(TransactionProtos.Transaction.ReserveFragments.newBuilder().setNumFragments(n)));
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return true;
  }
}
