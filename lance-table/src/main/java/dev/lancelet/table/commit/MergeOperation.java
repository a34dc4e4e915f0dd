package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.CommitConflictException;
import dev.lancelet.table.format.Fragment;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.TableSchema;
import dev.lancelet.table.format.Transaction;
import java.util.List;
import java.util.Objects;

/**
 * Lance's {@code Merge}: a new schema plus the full list of fragments, typically the old fragments
 * each with one more data file (columns added without rewriting existing files). Applied to a
 * manifest whose fragments are not exactly the ones the change was planned on (same ids, same
 * files, same deletions), it fails with {@link CommitConflictException}: the new files were sized
 * to those fragments.
 *
 * <p>Commutes only with fragment reservations and config updates.
 */
public final class MergeOperation implements Operation {
  private final Manifest planned;
  private final TableSchema schema;
  private final List<Fragment> fragments;

  /**
   * @param planned the manifest the change was computed from
   * @param schema the new schema
   * @param fragments every fragment of the new version, in order
   */
  public MergeOperation(Manifest planned, TableSchema schema, List<Fragment> fragments) {
    this.planned = Objects.requireNonNull(planned);
    this.schema = Objects.requireNonNull(schema);
    this.fragments = List.copyOf(fragments);
  }

  @Override
  public String name() {
    return "Merge";
  }

  @Override
  public Applied apply(Manifest base) throws CommitConflictException {
    if (base == null) {
      throw new IllegalStateException("Merge needs an existing dataset");
    }
    if (!base.fragments().equals(planned.fragments())) {
      throw new CommitConflictException("Adding columns was planned on version " + planned.version()
          + " but the fragments changed since (now version " + base.version() + "); retry on the new version");
    }
    Manifest m = base.withSchema(schema).withFragments(fragments).withFeatureFlags(base.stableRowIds());
    TransactionProtos.Transaction.Merge.Builder b = TransactionProtos.Transaction.Merge.newBuilder()
        .addAllSchema(schema.fields()).putAllSchemaMetadata(schema.metadata());
    for (Fragment f : fragments) {
      b.addFragments(f.toProto());
    }
    return new Applied(m, TransactionProtos.Transaction.newBuilder().setMerge(b));
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return switch (other.operation()) {
      case RESERVE_FRAGMENTS, UPDATE_CONFIG -> true;
      default -> false;
    };
  }
}
