package dev.lancelet.table;

/** No dataset at the given location: there is no manifest under {@code _versions/}. */
public class DatasetNotFoundException extends LanceTableException {
  private static final long serialVersionUID = 1L;

  public DatasetNotFoundException(String message) {
    super(message);
  }
}
