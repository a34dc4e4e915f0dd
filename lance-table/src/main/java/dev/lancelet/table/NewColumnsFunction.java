package dev.lancelet.table;

import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Computes new columns from a batch of existing ones, for {@link Dataset#addColumns(org.apache.arrow.vector.types.pojo.Schema,
 * java.util.List, NewColumnsFunction)}. Called once per batch with the live (not deleted) rows of
 * one fragment.
 */
@FunctionalInterface
public interface NewColumnsFunction {
  /**
   * @param batch the columns asked for, for some rows; owned by the caller, valid during the call
   * @param allocator where the result's vectors should come from
   * @return the new columns for the same rows, in the declared schema; the caller closes it
   */
  VectorSchemaRoot apply(VectorSchemaRoot batch, BufferAllocator allocator) throws IOException;
}
