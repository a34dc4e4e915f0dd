package dev.lancelet.table.format;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.CorruptManifestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a manifest file. Layout (all integers little-endian):
 *
 * <pre>
 *   [u32 n][n bytes lance.table.IndexSection]    optional; Manifest.index_section = its offset
 *   [u32 n][n bytes lance.table.Transaction]     optional; Manifest.transaction_section = its offset
 *   [u32 n][n bytes lance.table.Manifest]        at offset P
 *   [i64 P][u16 major = 0][u16 minor = 2]["LANC"]  the 16-byte tail
 * </pre>
 *
 * The manifest message runs from {@code P + 4} to the tail, and its length prefix must say so.
 * The index section is kept as raw bytes, so index entries Lancelet does not understand are
 * written back exactly as read.
 *
 * @param manifest the manifest, with the section offsets of the file it was read from
 * @param indexSection the encoded {@code IndexSection}, or null
 * @param transaction the embedded transaction, or null
 */
public record ManifestFile(Manifest manifest, ByteString indexSection, Transaction transaction) {

  /** The tail's magic. */
  public static final byte[] MAGIC = "LANC".getBytes(StandardCharsets.US_ASCII);
  /** Version written in the tail. */
  public static final int MAJOR = 0;
  /** Version written in the tail. */
  public static final int MINOR = 2;
  /** Size of the tail. */
  public static final int TAIL = 16;

  /** The index entries, parsed (unknown fields retained); empty when there is no section. */
  public TableProtos.IndexSection indices() throws InvalidProtocolBufferException {
    return indexSection == null ? TableProtos.IndexSection.getDefaultInstance() : TableProtos.IndexSection.parseFrom(indexSection);
  }

  /**
   * Decodes a manifest file.
   *
   * @param file the file's name, for messages
   * @throws CorruptManifestException if any length, offset, magic or message is wrong
   */
  public static ManifestFile decode(byte[] bytes, String file) throws CorruptManifestException {
    int size = bytes.length;
    if (size < TAIL + 4) {
      throw new CorruptManifestException(file, "only " + size + " bytes, too small for a manifest (file truncated?)");
    }
    for (int i = 0; i < 4; i++) {
      if (bytes[size - 4 + i] != MAGIC[i]) {
        throw new CorruptManifestException(file, "does not end with the magic \"LANC\" (file truncated or not a manifest?)");
      }
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long pos = b.getLong(size - TAIL);
    if (pos < 0 || pos > size - TAIL - 4) {
      throw new CorruptManifestException(file, "manifest position " + pos + " is outside the file of " + size + " bytes");
    }
    long len = Integer.toUnsignedLong(b.getInt((int) pos));
    long expected = size - TAIL - pos - 4;
    if (len != expected) {
      throw new CorruptManifestException(file, "manifest length prefix says " + len + " bytes but " + expected
          + " bytes lie between it and the tail");
    }
    TableProtos.Manifest proto;
    try {
      proto = TableProtos.Manifest.parseFrom(ByteBuffer.wrap(bytes, (int) pos + 4, (int) len));
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException(file, "manifest message does not decode: " + e.getMessage(), e);
    }
    Manifest manifest;
    try {
      manifest = Manifest.fromProto(proto);
    } catch (LanceFormatException e) {
      throw new CorruptManifestException(file, "invalid schema: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CorruptManifestException(file, e.getMessage(), e);
    }
    ByteString index = null;
    if (proto.hasIndexSection()) {
      index = section(bytes, proto.getIndexSection(), pos, file, "index section");
    }
    Transaction txn = null;
    if (proto.hasTransactionSection()) {
      ByteString t = section(bytes, proto.getTransactionSection(), pos, file, "transaction section");
      try {
        txn = Transaction.fromProto(TransactionProtos.Transaction.parseFrom(t));
      } catch (InvalidProtocolBufferException e) {
        throw new CorruptManifestException(file, "embedded transaction does not decode: " + e.getMessage(), e);
      }
    }
    return new ManifestFile(manifest, index, txn);
  }

  /** A length-prefixed message at {@code offset}, which must end at or before {@code limit}. */
  private static ByteString section(byte[] bytes, long offset, long limit, String file, String what)
      throws CorruptManifestException {
    if (offset < 0 || offset > limit - 4) {
      throw new CorruptManifestException(file, what + " offset " + offset + " is outside [0, " + (limit - 4) + "]");
    }
    long len = Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt((int) offset));
    if (len > limit - offset - 4) {
      throw new CorruptManifestException(file, what + " at " + offset + " claims " + len + " bytes, which run past the manifest at " + limit);
    }
    return ByteString.copyFrom(bytes, (int) offset + 4, (int) len);
  }

  /**
   * Encodes a manifest file: the index section (if any), then the transaction (if any), then the
   * manifest with both offsets filled in, then the tail.
   *
   * @return the bytes and the manifest as written (with its section offsets)
   */
  public static Encoded encode(Manifest manifest, ByteString indexSection, Transaction transaction) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long indexPos = -1;
    long txnPos = -1;
    if (indexSection != null) {
      indexPos = out.size();
      writeMessage(out, indexSection.toByteArray());
    }
    if (transaction != null) {
      txnPos = out.size();
      writeMessage(out, transaction.encode());
    }
    Manifest written = manifest.withSections(indexPos, txnPos);
    long pos = out.size();
    writeMessage(out, written.toProto().toByteArray());
    ByteBuffer tail = ByteBuffer.allocate(TAIL).order(ByteOrder.LITTLE_ENDIAN);
    tail.putLong(pos).putShort((short) MAJOR).putShort((short) MINOR).put(MAGIC);
    out.writeBytes(tail.array());
    return new Encoded(out.toByteArray(), written);
  }

  /** An encoded manifest file and the manifest as it was written. */
  public record Encoded(byte[] bytes, Manifest manifest) {}

  private static void writeMessage(ByteArrayOutputStream out, byte[] msg) {
    ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length);
    out.writeBytes(len.array());
    out.writeBytes(msg);
  }
}
