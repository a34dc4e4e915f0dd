package dev.lancelet.table.format;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.CorruptManifestException;
import java.util.Objects;
import java.util.UUID;

/**
 * What a commit did: the version it read, a unique id, and one operation (append, delete,
 * overwrite, ...). Stored raw (no length prefix) as {@code _transactions/{read_version}-{uuid}.txn}
 * and embedded in the manifest. Wraps the message, so operations Lancelet does not model are kept.
 */
public final class Transaction {
  private final TransactionProtos.Transaction proto;

  private Transaction(TransactionProtos.Transaction proto) {
    this.proto = proto;
  }

  /** The value of a message. */
  public static Transaction fromProto(TransactionProtos.Transaction proto) {
    return new Transaction(Objects.requireNonNull(proto));
  }

  /**
   * Decodes a transaction file's bytes.
   *
   * @param file the file, for messages
   */
  public static Transaction decode(byte[] bytes, String file) throws CorruptManifestException {
    try {
      return new Transaction(TransactionProtos.Transaction.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptManifestException(file, "not a valid transaction: " + e.getMessage(), e);
    }
  }

  /** A new transaction with a random uuid. */
  public static Transaction create(long readVersion, TransactionProtos.Transaction.Builder operation) {
    return new Transaction(operation.setReadVersion(readVersion).setUuid(UUID.randomUUID().toString()).build());
  }

  /** The message. */
  public TransactionProtos.Transaction toProto() {
    return proto;
  }

  /** The encoded message, as stored in a transaction file. */
  public byte[] encode() {
    return proto.toByteArray();
  }

  /** The version the transaction was planned against. */
  public long readVersion() {
    return proto.getReadVersion();
  }

  /** Its unique id. */
  public String uuid() {
    return proto.getUuid();
  }

  /** The operation kind. */
  public TransactionProtos.Transaction.OperationCase operation() {
    return proto.getOperationCase();
  }

  /**
   * The operation's name as Lance spells it ({@code Append}, {@code Delete}, {@code Overwrite},
   * {@code CreateIndex}, {@code Rewrite}, {@code Merge}, {@code Update}, ...), or {@code Unknown}.
   */
  public String operationName() {
    return operationName(proto.getOperationCase());
  }

  /** The CamelCase name of an operation kind. */
  public static String operationName(TransactionProtos.Transaction.OperationCase c) {
    if (c == TransactionProtos.Transaction.OperationCase.OPERATION_NOT_SET) {
      return "Unknown";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : c.name().split("_")) {
      if (part.isEmpty()) {
        continue;
      }
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }

  /** The file name Lance gives this transaction under {@code _transactions/}. */
  public String fileName() {
    return Long.toUnsignedString(readVersion()) + "-" + uuid() + ".txn";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transaction t && t.proto.equals(proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return operationName() + "(read_version=" + readVersion() + ", uuid=" + uuid() + ")";
  }
}
