package dev.lancelet.cli.formats;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes Arrow batches to a file in one format. Obtain one from {@link Formats#openWriter}; call
 * {@link #write} per batch, then {@link #close} to finish the file, or {@link #abort} to give up
 * and delete what was written.
 */
public interface BatchWriter extends AutoCloseable {

  /**
   * Appends the rows of {@code batch}, whose schema must equal the one the writer was opened with.
   * The batch stays owned by the caller and may be reused once this returns.
   *
   * @throws FormatException if a value cannot be written in this format (the message names the column)
   */
  void write(VectorSchemaRoot batch) throws IOException;

  /** Rows written so far. */
  long rowsWritten();

  /** Finishes the file (footers, flush) and releases everything; idempotent. */
  @Override
  void close() throws IOException;

  /** Releases everything and deletes the partial file; never throws. */
  void abort();
}
