package dev.lancelet.file.blob;

/**
 * A blob v2 descriptor as stored in a data file: which {@link BlobKind}, the byte range, the
 * sidecar id (packed and dedicated kinds) and the URI (external kind, else empty).
 *
 * @param kind where the bytes live
 * @param position first byte: in the data file (inline), in the sidecar (packed) or in the URI's object (external)
 * @param size number of bytes
 * @param blobId sidecar file id (packed, dedicated), 0 otherwise
 * @param uri the external object's URI, or "" for the other kinds
 */
public record BlobDescriptor(BlobKind kind, long position, long size, long blobId, String uri) {}
