/**
 * Byte-level primitives shared by the Lance 2.1+ encodings: little-endian access to {@code byte[]},
 * FastLanes bit packing, Arrow-style boolean bitmaps.
 *
 * <p>Everything here is a static method on primitive arrays with explicit offsets. The methods
 * trust their arguments (they are called from decoders that have already validated lengths);
 * argument errors surface as {@link java.lang.IndexOutOfBoundsException}. Validation of bytes read
 * from disk lives one level up, in {@link dev.lancelet.file.compression}.
 */
package dev.lancelet.file.kernels;
