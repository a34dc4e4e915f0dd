package dev.lancelet.table;

/**
 * The dataset uses a feature Lancelet does not implement: reader (or, for writes, writer) feature
 * flags with bits we do not know, or a layout such as external base paths that is not supported
 * yet. Reading on would risk wrong results, so the dataset is refused.
 */
public class UnsupportedFeatureException extends LanceTableException {
  private static final long serialVersionUID = 1L;

  public UnsupportedFeatureException(String message) {
    super(message);
  }
}
