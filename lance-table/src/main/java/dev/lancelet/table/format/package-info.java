/**
 * The on-disk model of a Lance dataset, as immutable Java values with codecs and no I/O policy:
 * manifests (one per version) and their file layout, fragments, data files, deletion files and
 * deletion vectors, row-id sequences, transactions, the table schema with its field ids, feature
 * flags and the manifest naming schemes. Each value wraps or builds the protobuf message Lance
 * stores, so messages and fields this package does not model (index entries, newer fields) are
 * written back exactly as they were read.
 */
package dev.lancelet.table.format;
