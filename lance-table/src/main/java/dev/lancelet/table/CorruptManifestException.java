package dev.lancelet.table;

/**
 * A manifest, transaction, deletion or row-id file of a dataset is malformed: truncated, with a
 * bad magic, a length that does not fit, an undecodable protobuf or an inconsistent content. The
 * message names the file.
 */
public class CorruptManifestException extends LanceTableException {
  private static final long serialVersionUID = 1L;

  private final String file;

  public CorruptManifestException(String file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public CorruptManifestException(String file, String message, Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  /** The file (path inside the dataset, or a URI) that is malformed. */
  public String file() {
    return file;
  }
}
