package dev.lancelet.table.commit;

import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.format.Manifest;
import dev.lancelet.table.format.Transaction;
import java.io.IOException;

/**
 * A change to a dataset, as a function from the manifest it is applied to (null when the dataset
 * does not exist yet) to the content of the next manifest plus the transaction describing it. The
 * {@link Committer} sets version, timestamp, writer and transaction file; the operation sets
 * everything else (schema, fragments with final ids, feature flags, next row id).
 *
 * <p>Applying must be pure (no I/O that others can see): after a lost race the committer applies
 * the same operation again to the winner's manifest, if {@link #commutesWith} allows.
 */
public interface Operation {

  /** The result of applying an operation. */
  record Applied(Manifest manifest, TransactionProtos.Transaction.Builder transaction) {}

  /** Lance's name of the operation ({@code Append}, {@code Overwrite}, ...). */
  String name();

  /**
   * The new manifest's content on top of {@code base}.
   *
   * @param base the manifest read, or null for a new dataset
   */
  Applied apply(Manifest base) throws IOException;

  /**
   * Whether this operation can be applied on top of a version made concurrently by {@code other}
   * (which committed after the version this operation first read) without changing its meaning.
   */
  boolean commutesWith(Transaction other);

  /**
   * The index section of the new manifest, given the one of the manifest applied to (null when
   * none). Operations keep it by default; {@link RestoreOperation} brings back the old version's.
   */
  default com.google.protobuf.ByteString indexSection(com.google.protobuf.ByteString baseIndexSection)
      throws IOException {
    return baseIndexSection;
  }
}
