/**
 * The compression algorithms of Lance file format 2.1+, both directions: inline and out-of-line
 * bit packing, RLE, FSST, byte-stream-split, and the general zstd / lz4 buffer codecs.
 *
 * <p>These classes know byte layouts only. Which algorithm applies to a page is decided by the
 * protobuf {@code CompressiveEncoding} tree, interpreted by the page decoder and writer. Every
 * decoder validates lengths and counts read from the bytes before allocating and throws {@link
 * dev.lancelet.file.LanceFormatException} naming the expected and actual values. See {@code
 * docs/encodings-kernels.md} for the byte layouts.
 */
package dev.lancelet.file.compression;
