package dev.lancelet.file;

import dev.lancelet.file.container.FileMetadata;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * The version-specific half of {@link LanceFileReader}: turns a file's columns into Arrow vectors
 * for whole top-level fields. The reader owns the container (footer, metadata, schema) and picks
 * a decoder by format version through {@link Factory}; 2.1+ files use the structural decoder in
 * {@code dev.lancelet.file.structural}, 2.0 files the legacy one registered with {@link
 * LanceFileReader#registerDecoder}.
 *
 * <p>Implementations must fill the given vectors (created by the caller from the field's Arrow
 * form, empty) and allocate only from their allocators. They throw {@link LanceFormatException}
 * for malformed data; the reader adds the file, column and page where it can.
 */
public interface FileDecoder {

  /** Context handed to a factory: the open file, its parsed metadata and its field tree. */
  record Context(ReadableObject object, FileMetadata metadata, List<LanceField> fields) {}

  /** Creates a decoder for one open file. */
  interface Factory {
    FileDecoder open(Context context) throws IOException;
  }

  /** Sequential reader over rows {@code [start, end)} of some top-level fields. */
  interface Cursor extends AutoCloseable {
    /** Fills {@code out.get(i)} with the next {@code numRows} rows of field {@code fields.get(i)}. */
    void next(int numRows, List<FieldVector> out) throws IOException;

    @Override
    void close();
  }

  /** Opens a cursor over rows {@code [start, end)} of the top-level fields at the given indices. */
  Cursor scan(List<Integer> fields, long start, long end) throws IOException;

  /** Fills {@code out.get(i)} with the given rows (any order, duplicates allowed) of field {@code fields.get(i)}. */
  void take(long[] rows, List<Integer> fields, List<FieldVector> out) throws IOException;

  /**
   * The stored {@code (position, size)} of the given rows of a legacy blob column (field metadata
   * {@code lance-encoding:blob}, payloads in this file), two longs per asked row, without reading
   * the payloads. {@code size == 0} with {@code position != 0} marks a null (the position then
   * carries levels), both 0 an empty value.
   *
   * @throws IllegalArgumentException if the field is not a legacy blob column
   */
  default long[] legacyBlobDescriptors(long[] rows, int field) throws IOException {
    throw new UnsupportedOperationException("Blob descriptors are not available from this decoder");
  }

  /**
   * A decoder of the same file whose reads are scheduled at {@code priority} (see {@link
   * ReadableObject#withPriority}); it may share this decoder's caches and must not be closed
   * separately. The default ignores the priority.
   */
  default FileDecoder withPriority(IoPriority priority) {
    return this;
  }

  /** Physical column descriptions for {@link LanceFileReader#info()}. */
  List<FileInfo.ColumnInfo> columns() throws IOException;
}
