package dev.lancelet.format.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import dev.lancelet.format.proto.EncodingsV20Protos.ArrayEncoding;
import dev.lancelet.format.proto.EncodingsV20Protos.ByteStreamSplit;
import dev.lancelet.format.proto.EncodingsV20Protos.ColumnEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.ConstantLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.Delta;
import dev.lancelet.format.proto.EncodingsV21Protos.Flat;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.Range;
import dev.lancelet.format.proto.EncodingsV21Protos.RepDefLayer;
import dev.lancelet.format.proto.File2Protos.ColumnMetadata;
import dev.lancelet.format.proto.FileProtos.Field;
import dev.lancelet.format.proto.FileProtos.FileDescriptor;
import dev.lancelet.format.proto.FileProtos.Schema;
import dev.lancelet.format.proto.IndexOldProtos.BTreeIndexDetails;
import dev.lancelet.format.proto.IndexOldProtos.ZoneMapIndexDetails;
import dev.lancelet.format.proto.IndexProtos.VectorIndexDetails;
import dev.lancelet.format.proto.IndexProtos.VectorMetricType;
import dev.lancelet.format.proto.RowIdsProtos.RowIdSequence;
import dev.lancelet.format.proto.RowIdsProtos.U64Segment;
import dev.lancelet.format.proto.TableProtos.BasePath;
import dev.lancelet.format.proto.TableProtos.DataFile;
import dev.lancelet.format.proto.TableProtos.DataFragment;
import dev.lancelet.format.proto.TableProtos.IndexFile;
import dev.lancelet.format.proto.TableProtos.IndexMetadata;
import dev.lancelet.format.proto.TableProtos.Manifest;
import dev.lancelet.format.proto.TransactionProtos.Transaction;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Round trips one message per file and pins a few tags against hand-computed wire bytes. */
class WireFormatTest {

  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  private static <T extends Message> T roundTrip(T msg) throws Exception {
    byte[] bytes = msg.toByteArray();
    @SuppressWarnings("unchecked")
    T back = (T) msg.getParserForType().parseFrom(bytes);
    assertThat(back).isEqualTo(msg);
    return back;
  }

  @Test
  void miniBlockHasLargeChunkIsField10() throws Exception {
    MiniBlockLayout m = MiniBlockLayout.newBuilder().setHasLargeChunk(true).build();
    // (10 << 3) | varint = 0x50
    assertThat(m.toByteArray()).isEqualTo(hex("50 01"));
    MiniBlockLayout full =
        MiniBlockLayout.newBuilder()
            .setValueCompression(
                CompressiveEncoding.newBuilder().setFlat(Flat.newBuilder().setBitsPerValue(32)))
            .addLayers(RepDefLayer.REPDEF_NULLABLE_ITEM)
            .setNumBuffers(1)
            .setNumItems(1000)
            .setHasLargeChunk(true)
            .build();
    assertThat(roundTrip(full).getHasLargeChunk()).isTrue();
  }

  @Test
  void constantLayoutIsPageLayoutTag2() throws Exception {
    PageLayout p =
        PageLayout.newBuilder()
            .setConstantLayout(
                ConstantLayout.newBuilder().setInlineValue(ByteString.copyFrom(new byte[] {7})))
            .build();
    // field 2 LEN (0x12), length 3, then inline_value = field 6 LEN (0x32), length 1, 0x07
    assertThat(p.toByteArray()).isEqualTo(hex("12 03 32 01 07"));
    PageLayout allNull =
        PageLayout.newBuilder()
            .setConstantLayout(
                ConstantLayout.newBuilder()
                    .addLayers(RepDefLayer.REPDEF_NULLABLE_ITEM)
                    .setNumDefValues(3))
            .build();
    PageLayout back = roundTrip(allNull);
    assertThat(back.getConstantLayout().hasInlineValue()).isFalse();
    // layers are packed (field 5 LEN = 0x2a), num_def_values field 10 varint = 0x50
    assertThat(allNull.getConstantLayout().toByteArray()).isEqualTo(hex("2a 01 03 50 03"));
  }

  @Test
  void rangeAndDeltaAreCompressiveTags14And15() {
    CompressiveEncoding r =
        CompressiveEncoding.newBuilder()
            .setRange(Range.newBuilder().setUncompressedBitsPerValue(64).setStart(5).setStep(1))
            .build();
    // (14 << 3) | 2 = 0x72
    assertThat(r.toByteArray()[0]).isEqualTo((byte) 0x72);
    CompressiveEncoding d =
        CompressiveEncoding.newBuilder().setDelta(Delta.newBuilder().setBase(1)).build();
    // (15 << 3) | 2 = 0x7a; Delta.base is field 2 varint = 0x10
    assertThat(d.toByteArray()).isEqualTo(hex("7a 02 10 01"));
  }

  @Test
  void anyTypeNamesMatchLance() throws Exception {
    assertThat(PageLayout.getDescriptor().getFullName()).isEqualTo("lance.encodings21.PageLayout");
    assertThat(ColumnEncoding.getDescriptor().getFullName())
        .isEqualTo("lance.encodings.ColumnEncoding");
    assertThat(ArrayEncoding.getDescriptor().getFullName()).isEqualTo("lance.encodings.ArrayEncoding");
    assertThat(BTreeIndexDetails.getDescriptor().getFullName())
        .isEqualTo("lance.table.BTreeIndexDetails");
    assertThat(VectorIndexDetails.getDescriptor().getFullName())
        .isEqualTo("lance.index.pb.VectorIndexDetails");
    assertThat(ColumnMetadata.getDescriptor().getFullName())
        .isEqualTo("lance.file.v2.ColumnMetadata");
    Any any = Any.pack(PageLayout.getDefaultInstance(), "");
    assertThat(any.getTypeUrl()).isEqualTo("/lance.encodings21.PageLayout");
  }

  @Test
  void encodingsV20() throws Exception {
    ArrayEncoding a =
        ArrayEncoding.newBuilder()
            .setByteStreamSplit(ByteStreamSplit.newBuilder().setBitsPerValue(32))
            .build();
    // (21 << 3) | 2 = 170 -> varint aa 01
    assertThat(a.toByteArray()).isEqualTo(hex("aa 01 02 08 20"));
    roundTrip(a);
    ColumnEncoding c = ColumnEncoding.newBuilder().setValues(Empty.getDefaultInstance()).build();
    assertThat(c.toByteArray()).isEqualTo(hex("0a 00"));
  }

  @Test
  void file2ColumnMetadata() throws Exception {
    ColumnMetadata cm =
        ColumnMetadata.newBuilder()
            .addPages(
                ColumnMetadata.Page.newBuilder()
                    .addBufferOffsets(64)
                    .addBufferSizes(128)
                    .setLength(10)
                    .setPriority(3)
                    .setEncoding(
                        File2Protos.Encoding.newBuilder()
                            .setDirect(
                                File2Protos.DirectEncoding.newBuilder()
                                    .setEncoding(Any.pack(PageLayout.getDefaultInstance(), "").toByteString()))))
            .build();
    ColumnMetadata back = roundTrip(cm);
    assertThat(back.getPages(0).getPriority()).isEqualTo(3);
    assertThat(ColumnMetadata.Page.newBuilder().setPriority(3).build().toByteArray())
        .isEqualTo(hex("28 03"));
  }

  @Test
  void fileField() throws Exception {
    Field f =
        Field.newBuilder()
            .setName("id")
            .setId(0)
            .setParentId(-1)
            .setLogicalType("int64")
            .setUnenforcedPrimaryKey(true)
            .build();
    FileDescriptor fd =
        FileDescriptor.newBuilder().setSchema(Schema.newBuilder().addFields(f)).setLength(9).build();
    roundTrip(fd);
    // unenforced_primary_key: (12 << 3) | 0 = 0x60
    assertThat(Field.newBuilder().setUnenforcedPrimaryKey(true).build().toByteArray())
        .isEqualTo(hex("60 01"));
  }

  @Test
  void tableFragmentAndManifest() throws Exception {
    DataFragment frag =
        DataFragment.newBuilder()
            .setId(1)
            .addFiles(
                DataFile.newBuilder()
                    .setPath("a.lance")
                    .addFields(0)
                    .addColumnIndices(0)
                    .setFileMajorVersion(2)
                    .setFileMinorVersion(1)
                    .setBaseId(0))
            .setInlineLastUpdatedAtVersions(ByteString.copyFrom(new byte[] {1}))
            .setInlineCreatedAtVersions(ByteString.copyFrom(new byte[] {2}))
            .setPhysicalRows(100)
            .build();
    Manifest m =
        Manifest.newBuilder()
            .addFragments(frag)
            .setVersion(3)
            .addBasePaths(BasePath.newBuilder().setId(0).setPath("s3://b/t").setIsDatasetRoot(true))
            .setTransactionSection(1234)
            .build();
    roundTrip(m);
    // inline_last_updated_at_versions field 7 LEN = 0x3a; inline_created_at_versions field 9 = 0x4a
    assertThat(
            DataFragment.newBuilder()
                .setInlineLastUpdatedAtVersions(ByteString.copyFrom(new byte[] {1}))
                .setInlineCreatedAtVersions(ByteString.copyFrom(new byte[] {2}))
                .build()
                .toByteArray())
        .isEqualTo(hex("3a 01 01 4a 01 02"));
    // explicit presence: base_id = 0 is still written (field 7 varint = 0x38)
    assertThat(DataFile.newBuilder().setBaseId(0).build().toByteArray()).isEqualTo(hex("38 00"));
    // transaction_section field 21 varint: (21 << 3) = 168 -> a8 01
    assertThat(Manifest.newBuilder().setTransactionSection(1).build().toByteArray())
        .isEqualTo(hex("a8 01 01"));
  }

  @Test
  void indexMetadataFiles() throws Exception {
    IndexMetadata im =
        IndexMetadata.newBuilder()
            .setName("idx")
            .addFields(1)
            .setIndexDetails(Any.pack(BTreeIndexDetails.getDefaultInstance(), ""))
            .addFiles(IndexFile.newBuilder().setPath("index.idx").setSizeBytes(42))
            .build();
    IndexMetadata back = roundTrip(im);
    assertThat(back.getIndexDetails().getTypeUrl()).isEqualTo("/lance.table.BTreeIndexDetails");
    // files: (10 << 3) | 2 = 0x52; IndexFile.size_bytes field 2 varint = 0x10
    assertThat(
            IndexMetadata.newBuilder()
                .addFiles(IndexFile.newBuilder().setSizeBytes(42))
                .build()
                .toByteArray())
        .isEqualTo(hex("52 02 10 2a"));
  }

  @Test
  void transactionOperationTags() throws Exception {
    Transaction t =
        Transaction.newBuilder()
            .setReadVersion(1)
            .setUuid("u")
            .setAppend(Transaction.Append.newBuilder())
            .build();
    roundTrip(t);
    // append = field 100 LEN: (100 << 3) | 2 = 802 -> varint a2 06, empty body
    assertThat(Transaction.newBuilder().setAppend(Transaction.Append.getDefaultInstance()).build().toByteArray())
        .isEqualTo(hex("a2 06 00"));
  }

  @Test
  void rowIds() throws Exception {
    RowIdSequence s =
        RowIdSequence.newBuilder()
            .addSegments(
                U64Segment.newBuilder().setRange(U64Segment.Range.newBuilder().setStart(0).setEnd(10)))
            .build();
    assertThat(s.toByteArray()).isEqualTo(hex("0a 04 0a 02 10 0a"));
    roundTrip(s);
  }

  @Test
  void indexDetails() throws Exception {
    VectorIndexDetails v =
        VectorIndexDetails.newBuilder()
            .setMetricType(VectorMetricType.Cosine)
            .setPq(
                VectorIndexDetails.ProductQuantization.newBuilder()
                    .setNumBits(8)
                    .setNumSubVectors(16))
            .build();
    roundTrip(v);
    ZoneMapIndexDetails z = ZoneMapIndexDetails.newBuilder().setRowsPerZone(8192).build();
    roundTrip(z);
    assertThat(z.toByteArray()).isEqualTo(hex("08 80 40"));
  }
}
