/**
 * Blob columns: large binary values (images, audio, video) that Lance stores out of line.
 *
 * <p>{@link dev.lancelet.file.blob.BlobHandle} is one value, read as a stream or a seekable channel
 * through ranged reads of the object that holds it; {@link dev.lancelet.file.blob.BlobStore} finds
 * the sidecar {@code .blob} files of blob v2 columns (format 2.2+) under a dataset's {@code data/}
 * folder. Handles come from {@link dev.lancelet.file.LanceFileReader#takeBlobs}. The layouts are
 * described in {@code docs/blobs.md}.
 */
package dev.lancelet.file.blob;
