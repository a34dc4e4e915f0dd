package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Transaction;
import java.util.Set;

/** Which existing fragments a committed transaction changed, for conflict checks. */
final class Conflicts {
  private Conflicts() {}

  /** Whether {@code other} (a delete, update or rewrite) changed none of {@code ids}. */
  static boolean disjoint(Set<Long> ids, Transaction other) {
    TransactionProtos.Transaction t = other.toProto();
    switch (t.getOperationCase()) {
      case DELETE -> {
        for (TableProtos.DataFragment f : t.getDelete().getUpdatedFragmentsList()) {
          if (ids.contains(f.getId())) {
            return false;
          }
        }
        for (long id : t.getDelete().getDeletedFragmentIdsList()) {
          if (ids.contains(id)) {
            return false;
          }
        }
        return true;
      }
      case UPDATE -> {
        for (TableProtos.DataFragment f : t.getUpdate().getUpdatedFragmentsList()) {
          if (ids.contains(f.getId())) {
            return false;
          }
        }
        for (long id : t.getUpdate().getRemovedFragmentIdsList()) {
          if (ids.contains(id)) {
            return false;
          }
        }
        return true;
      }
      case REWRITE -> {
        for (TableProtos.DataFragment f : t.getRewrite().getOldFragmentsList()) {
          if (ids.contains(f.getId())) {
            return false;
          }
        }
        for (TransactionProtos.Transaction.Rewrite.RewriteGroup g : t.getRewrite().getGroupsList()) {
          for (TableProtos.DataFragment f : g.getOldFragmentsList()) {
            if (ids.contains(f.getId())) {
              return false;
            }
          }
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
