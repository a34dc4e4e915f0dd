package dev.lancelet.table;

/** The dataset exists but the requested version (or tag) does not. */
public class VersionNotFoundException extends LanceTableException {
  private static final long serialVersionUID = 1L;

  public VersionNotFoundException(String message) {
    super(message);
  }
}
