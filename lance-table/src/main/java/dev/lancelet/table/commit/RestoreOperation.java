package dev.lancelet.table.commit;

import com.google.protobuf.ByteString;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.ManifestFile;
import dev.lancelet.table.format.Transaction;
import java.util.Objects;

/**
 * Lance's {@code Restore}: the next version gets the content (schema, fragments, indices, config)
 * of an older one. {@code max_fragment_id} and {@code next_row_id} never go back, so ids used by
 * the versions in between are not handed out again. Commutes with everything: whatever committed
 * concurrently is replaced anyway.
 */
public final class RestoreOperation implements Operation {
  private final ManifestFile old;

  /** @param old the version to bring back */
  public RestoreOperation(ManifestFile old) {
    this.old = Objects.requireNonNull(old);
  }

  @Override
  public String name() {
    return "Restore";
  }

  @Override
  public Applied apply(Manifest base) {
    if (base == null) {
      throw new IllegalStateException("Restore needs an existing dataset");
    }
    Manifest m = old.manifest();
    long maxId = Math.max(m.maxFragmentId(), base.maxFragmentId());
    if (maxId >= 0) {
      m = m.withMaxFragmentId(maxId);
    }
    if (m.stableRowIds() || base.stableRowIds()) {
      m = m.withNextRowId(Math.max(m.nextRowId(), base.nextRowId()));
    }
    return new Applied(m, TransactionProtos.Transaction.newBuilder()
        .setRestore(TransactionProtos.Transaction.Restore.newBuilder().setVersion(old.manifest().version())));
  }

  @Override
  public ByteString indexSection(ByteString baseIndexSection) {
    return old.indexSection();
  }

  @Override
  public boolean commutesWith(Transaction other) {
    return true;
  }
}
