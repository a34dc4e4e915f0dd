package dev.lancelet.cli.formats;

import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} over a source of rows: each batch takes up to {@code batchSize} rows from
 * {@link #nextRow()} and sets them into the reader's root with {@link Values#set}. Holds one batch
 * at a time.
 */
abstract class RowBatchReader extends ArrowReader {
  protected final String file;
  private final Schema schema;
  private final int batchSize;
  private boolean finished;

  RowBatchReader(BufferAllocator allocator, String file, Schema schema, int batchSize) {
    super(allocator);
    this.file = file;
    this.schema = schema;
    this.batchSize = batchSize;
  }

  /** The next row, one value per top-level field, or null at the end. */
  protected abstract Object[] nextRow() throws IOException;

  /** The line (text formats) of the row last returned by {@link #nextRow()}, or -1. */
  protected abstract long rowLine();

  /** A description of the position of the last row for messages without a line, e.g. "row 17". */
  protected String rowPosition() {
    return "";
  }

  @Override
  protected final Schema readSchema() {
    return schema;
  }

  @Override
  public final boolean loadNextBatch() throws IOException {
    prepareLoadNextBatch();
    VectorSchemaRoot root = getVectorSchemaRoot();
    if (finished) {
      root.setRowCount(0);
      return false;
    }
    root.allocateNew();
    List<FieldVector> vectors = root.getFieldVectors();
    int n = 0;
    while (n < batchSize) {
      Object[] row = nextRow();
      if (row == null) {
        finished = true;
        break;
      }
      for (int c = 0; c < vectors.size(); c++) {
        FieldVector v = vectors.get(c);
        try {
          Values.set(v, n, row[c]);
        } catch (IllegalArgumentException | UnsupportedOperationException | ArithmeticException e) {
          String where = rowPosition();
          throw new FormatException(file, rowLine(),
              (where.isEmpty() ? "" : where + ": ") + "column '" + v.getField().getName() + "': " + e.getMessage(), e);
        }
      }
      n++;
    }
    for (FieldVector v : vectors) {
      v.setValueCount(n);
    }
    root.setRowCount(n);
    return n > 0;
  }
}
