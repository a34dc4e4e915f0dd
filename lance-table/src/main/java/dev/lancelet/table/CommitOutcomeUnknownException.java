package dev.lancelet.table;

/**
 * A commit whose outcome could not be settled: the manifest PUT of {@link #version()} failed
 * without an answer, it was retried with the same bytes under the same name, and neither the
 * retries nor reading the manifest back showed whether it landed. A request may still be in flight
 * and land later, so the commit may or may not appear.
 *
 * <p>Do not simply repeat the whole write: that could commit its rows twice. To find out, open the
 * dataset and look at version {@link #version()}: if it exists and its transaction has the uuid
 * {@link #transactionUuid()} ({@code dataset.checkout(version).manifestFile().transaction().uuid()},
 * or the manifest's transaction file name {@code <readVersion>-<uuid>.txn}), the commit happened;
 * if it holds another transaction, this commit can never land (the name is taken) and may be
 * redone. While the version is absent the outcome stays open for as long as a request could be in
 * flight (the store's request timeout).
 */
public class CommitOutcomeUnknownException extends LanceTableException {
  private static final long serialVersionUID = 1L;

  private final long version;
  private final String transactionUuid;

  /**
   * @param datasetUri the dataset
   * @param version the version the commit tried to create
   * @param transactionUuid the uuid of the commit's transaction
   * @param cause the last error of the manifest PUT (earlier ones suppressed in it)
   */
  public CommitOutcomeUnknownException(String datasetUri, long version, String transactionUuid, Throwable cause) {
    super("Commit of version " + version + " to " + datasetUri + " has an unknown outcome: the manifest PUT failed"
        + " without an answer and retrying it did not settle whether it landed; the commit may or may not appear."
        + " Do not repeat the write blindly: open the dataset and check whether version " + version
        + " exists with transaction uuid " + transactionUuid + " (Dataset.checkout(" + version
        + ").manifestFile().transaction().uuid()); a different transaction at that version means this one"
        + " never landed", cause);
    this.version = version;
    this.transactionUuid = transactionUuid;
  }

  /** The version the commit tried to create. */
  public long version() {
    return version;
  }

  /** The uuid of the commit's transaction, recorded in the manifest if it landed. */
  public String transactionUuid() {
    return transactionUuid;
  }
}
