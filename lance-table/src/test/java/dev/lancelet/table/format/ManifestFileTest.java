package dev.lancelet.table.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.lancelet.format.proto.TableProtos;
import dev.lancelet.format.proto.TransactionProtos;
import dev.lancelet.table.CorruptManifestException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class ManifestFileTest {

  static Manifest sample() {
    TableSchema schema = TableSchema.fromArrow(new Schema(List.of(
        new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
        new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    DataFile file = new DataFile("abc.lance", List.of(0, 1), List.of(0, 1), 2, 1, 1234, null);
    Fragment f0 = Fragment.of(0, List.of(file), 100);
    Fragment f1 = Fragment.of(1, List.of(file), 50)
        .withDeletionFile(new DeletionFile(DeletionFile.Type.ARROW_ARRAY, 2, 77, 3, null));
    return Manifest.create(schema, List.of(f0, f1), "2.1")
        .withVersion(3)
        .withTimestamp(Instant.ofEpochSecond(1_700_000_000L, 123_456_789))
        .withWriter("lance", "7.0.0")
        .withFeatureFlags(false);
  }

  @Test
  void roundTripsWithIndexAndTransactionSections() throws Exception {
    Manifest m = sample();
    ByteString index = TableProtos.IndexSection.newBuilder()
        .addIndices(TableProtos.IndexMetadata.newBuilder().setName("idx").addFields(0).setDatasetVersion(2))
        .build().toByteString();
    Transaction txn = Transaction.create(2, TransactionProtos.Transaction.newBuilder()
        .setAppend(TransactionProtos.Transaction.Append.getDefaultInstance()));
    ManifestFile.Encoded enc = ManifestFile.encode(m, index, txn);
    ManifestFile back = ManifestFile.decode(enc.bytes(), "x.manifest");
    assertThat(back.manifest()).isEqualTo(enc.manifest());
    assertThat(back.indexSection()).isEqualTo(index);
    assertThat(back.transaction()).isEqualTo(txn);
    assertThat(back.manifest().indexSectionOffset()).isEqualTo(0);
    assertThat(back.manifest().transactionSectionOffset()).isEqualTo(4 + index.size());
    assertThat(back.manifest().version()).isEqualTo(3);
    assertThat(back.manifest().fragments()).hasSize(2);
    assertThat(back.manifest().fragments().get(1).deletionFile().numDeletedRows()).isEqualTo(3);
    assertThat(back.manifest().fragments().get(1).deletionFile().path(1)).isEqualTo("_deletions/1-2-77.arrow");
    assertThat(back.manifest().readerFeatureFlags()).isEqualTo(FeatureFlags.DELETION_FILES);
    assertThat(back.manifest().maxFragmentId()).isEqualTo(1);
    assertThat(back.manifest().timestamp()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
    assertThat(back.transaction().operationName()).isEqualTo("Append");
    // The tail: position, version 0.2, magic.
    ByteBuffer b = ByteBuffer.wrap(enc.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    int n = enc.bytes().length;
    assertThat(b.getShort(n - 8)).isEqualTo((short) 0);
    assertThat(b.getShort(n - 6)).isEqualTo((short) 2);
    assertThat(new String(enc.bytes(), n - 4, 4)).isEqualTo("LANC");
  }

  @Test
  void plainManifestHasNoSections() throws Exception {
    ManifestFile.Encoded enc = ManifestFile.encode(sample(), null, null);
    ManifestFile back = ManifestFile.decode(enc.bytes(), "m");
    assertThat(back.indexSection()).isNull();
    assertThat(back.transaction()).isNull();
    assertThat(back.manifest().indexSectionOffset()).isEqualTo(-1);
    assertThat(ByteBuffer.wrap(enc.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(enc.bytes().length - 16)).isZero();
  }

  @Test
  void damagedFilesGiveTypedErrorsNamingTheFile() {
    byte[] good = ManifestFile.encode(sample(), ByteString.copyFromUtf8("\n\u0003abc"),
        Transaction.create(1, TransactionProtos.Transaction.newBuilder()
            .setDelete(TransactionProtos.Transaction.Delete.getDefaultInstance()))).bytes();
    // Truncations.
    for (int len : new int[] {0, 3, 16, 19, good.length / 2, good.length - 1}) {
      byte[] cut = java.util.Arrays.copyOf(good, len);
      assertThatThrownBy(() -> ManifestFile.decode(cut, "_versions/9.manifest"))
          .isInstanceOf(CorruptManifestException.class)
          .hasMessageStartingWith("_versions/9.manifest: ");
    }
    // Bad position and length.
    byte[] badPos = good.clone();
    ByteBuffer.wrap(badPos).order(ByteOrder.LITTLE_ENDIAN).putLong(badPos.length - 16, Long.MAX_VALUE);
    assertThatThrownBy(() -> ManifestFile.decode(badPos, "m")).isInstanceOf(CorruptManifestException.class)
        .hasMessageContaining("position");
    // Every single-byte flip either decodes to something or fails with the typed error.
    Random r = new Random(7);
    for (int i = 0; i < 2000; i++) {
      byte[] d = good.clone();
      int at = r.nextInt(d.length);
      d[at] ^= (byte) (1 << r.nextInt(8));
      try {
        ManifestFile.decode(d, "m");
      } catch (CorruptManifestException e) {
        assertThat(e.file()).isEqualTo("m");
      }
    }
  }
}
