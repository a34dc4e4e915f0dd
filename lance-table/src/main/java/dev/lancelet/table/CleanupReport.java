package dev.lancelet.table;

/**
 * What {@link Dataset#cleanupOldVersions} removed.
 *
 * @param versionsRemoved manifests deleted
 * @param dataFilesRemoved data files deleted
 * @param deletionFilesRemoved deletion files deleted
 * @param transactionFilesRemoved transaction files deleted
 * @param indexFilesRemoved files under {@code _indices/} deleted
 * @param otherFilesRemoved other files deleted (external row-id files)
 * @param bytesRemoved total size of everything deleted
 */
public record CleanupReport(int versionsRemoved, int dataFilesRemoved, int deletionFilesRemoved,
    int transactionFilesRemoved, int indexFilesRemoved, int otherFilesRemoved, long bytesRemoved) {

  /** Files deleted, manifests included. */
  public int filesRemoved() {
    return versionsRemoved + dataFilesRemoved + deletionFilesRemoved + transactionFilesRemoved + indexFilesRemoved
        + otherFilesRemoved;
  }
}
