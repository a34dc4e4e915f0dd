package dev.lancelet.table.expr;

/**
 * A filter or scalar expression is malformed, refers to something the schema does not have, mixes
 * types that cannot be combined, or failed while being evaluated (division by zero, overflow, a
 * failed cast). The message quotes the expression and, where known, points at the offending
 * position with a caret line.
 */
public class ExpressionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String expression;
  private final int position;

  ExpressionException(String detail, String expression, int position) {
    super(format(detail, expression, position));
    this.expression = expression;
    this.position = position;
  }

  /** The expression text the problem was found in (may be {@code null} if unknown). */
  public String expression() {
    return expression;
  }

  /** The 0-based character offset of the problem in {@link #expression()}, or -1 if unknown. */
  public int position() {
    return position;
  }

  private static String format(String detail, String expression, int position) {
    if (expression == null) {
      return detail;
    }
    StringBuilder sb = new StringBuilder(detail);
    if (position >= 0) {
      sb.append(" at position ").append(position);
    }
    sb.append(" in expression:\n  ").append(expression.replace('\n', ' ').replace('\r', ' '));
    if (position >= 0 && position <= expression.length()) {
      sb.append("\n  ").append(" ".repeat(position)).append('^');
    }
    return sb.toString();
  }
}
