package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.RowIdSequence;
import dev.lancelet.table.format.RowVersions;
import dev.lancelet.table.format.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Adds new fragments. Their ids are assigned when applied: {@code max_fragment_id + 1, + 2, ...}
 * of the manifest applied to, so a rebase after a lost race renumbers them. With stable row ids
 * each new fragment gets the next unused row ids, as one range.
 *
 * <p>Commutes with concurrent appends, deletes, updates, compactions (rewrite), fragment
 * reservations, index changes and config updates, which leave the schema and the existing
 * fragments' meaning intact; conflicts with everything else (overwrite, restore, schema changes,
 * data replacement, unknown operations).
 */
public final class AppendOperation implements Operation {
  private final List<Fragment> fragments;

  /** @param fragments new fragments (any ids; they are renumbered) */
  public AppendOperation(List<Fragment> fragments) {
    this.fragments = List.copyOf(Objects.requireNonNull(fragments));
  }

  @Override
  public String name() {
    return "Append";
  }

  @Override
  public Applied apply(Manifest base) {
    if (base == null) {
      throw new IllegalStateException("Append needs an existing dataset");
    }
    long nextId = base.maxFragmentId() + 1;
    long nextRowId = base.nextRowId();
    List<Fragment> added = new ArrayList<>();
    for (Fragment f : fragments) {
      Fragment g = f.withId(nextId++);
      if (base.stableRowIds()) {
        g = g.withInlineRowIds(RowIdSequence.encodeRange(nextRowId, g.physicalRows()));
        nextRowId += g.physicalRows();
        // Rows are created and last updated by this version, recorded as Lance 7 does.
        byte[] versions = RowVersions.encodeUniform(g.physicalRows(), base.version() + 1);
        g = g.withInlineRowVersions(versions, versions);
      }
      added.add(g);
    }
    List<Fragment> all = new ArrayList<>(base.fragments());
    all.addAll(added);
    Manifest m = base.withFragments(all);
    if (base.stableRowIds()) {
      m = m.withNextRowId(nextRowId);
    }
    m = m.withFeatureFlags(base.stableRowIds());
    TransactionProtos.Transaction.Append.Builder a = TransactionProtos.Transaction.Append.newBuilder();
    for (Fragment f : added) {
      a.addFragments(f.toProto());
    }
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setAppend(a));
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return switch (other.operation()) {
      case APPEND, DELETE, UPDATE, REWRITE, RESERVE_FRAGMENTS, CREATE_INDEX, UPDATE_CONFIG -> true;
      default -> false;
    };
  }
}
