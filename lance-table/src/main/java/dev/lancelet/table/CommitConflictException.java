package dev.lancelet.table;

/**
 * A commit lost a race against another writer and could not be rebased on the winner: the two
 * operations do not commute (for example an overwrite against an append), or the retry budget ran
 * out. Nothing of the failed commit is visible; the data files it wrote are left as orphans for a
 * later cleanup.
 */
public class CommitConflictException extends LanceTableException {
  private static final long serialVersionUID = 1L;

  public CommitConflictException(String message) {
    super(message);
  }

  /** A conflict reported after earlier ones, the last of which is {@code cause}. */
  public CommitConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
