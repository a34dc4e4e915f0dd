package dev.lancelet.file.structural;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.file.schema.LanceField;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.VariablePackedStruct;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Decodes a blob v2 descriptor column (format 2.2+, {@code lance.blob.v2}) into its descriptor
 * struct. In the data file such a column is a struct with metadata {@code lance-encoding:blob}
 * and {@code lance-encoding:packed}, children {@code kind u8, position u64, size u64, blob_id
 * u32, blob_uri utf8}, stored as one full-zip column whose values are {@code VariablePackedStruct}
 * rows: per valid row the five children back to back, little-endian, the string as a u32 length
 * and its bytes (17 + 4 + 4 + n bytes). A null row has a definition level and no bytes.
 */
final class BlobV2Fill {
  private BlobV2Fill() {}

  /** Names of the descriptor children, in file order. */
  static final List<String> CHILDREN = List.of("kind", "position", "size", "blob_id", "blob_uri");

  /** Whether {@code f} is a blob v2 descriptor struct as lance-core 7.0 writes it in data files. */
  static boolean isDescriptor(LanceField f) {
    if (!f.isStruct() || !"true".equals(f.metadata().get("lance-encoding:packed")) || !"true".equals(f.metadata().get("lance-encoding:blob"))
        || f.children().size() != CHILDREN.size()) {
      return false;
    }
    for (int i = 0; i < CHILDREN.size(); i++) {
      if (!f.children().get(i).name().equals(CHILDREN.get(i))) {
        return false;
      }
    }
    List<LanceField> c = f.children();
    return isUInt(c.get(0), 8) && isUInt(c.get(1), 64) && isUInt(c.get(2), 64) && isUInt(c.get(3), 32)
        && c.get(4).arrow().getType() instanceof ArrowType.Utf8;
  }

  private static boolean isUInt(LanceField f, int bits) {
    return f.arrow().getType() instanceof ArrowType.Int i && !i.getIsSigned() && i.getBitWidth() == bits;
  }

  /**
   * Why a page of a descriptor column cannot be read, or null when it is the full-zip
   * {@code VariablePackedStruct([Flat8, Flat64, Flat64, Flat32, Variable])} with a 32-bit
   * string length that {@link #fill} parses (or an all-null page).
   */
  static String checkLayout(PageLayout layout) {
    if (layout.getLayoutCase() == PageLayout.LayoutCase.CONSTANT_LAYOUT) {
      return null;
    }
    if (layout.getLayoutCase() != PageLayout.LayoutCase.FULL_ZIP_LAYOUT) {
      return "a " + layout.getLayoutCase() + " page (expected full-zip)";
    }
    CompressiveEncoding e = layout.getFullZipLayout().getValueCompression();
    if (!Decompress.plainPackedStruct(e)) {
      return "values encoded as " + Decompress.describe(e) + " (expected a plain VariablePackedStruct)";
    }
    List<VariablePackedStruct.FieldEncoding> fs = e.getVariablePackedStruct().getFieldsList();
    long[] widths = {8, 64, 64, 32};
    if (fs.size() != 5) {
      return "a packed struct of " + fs.size() + " children (expected 5)";
    }
    for (int i = 0; i < 4; i++) {
      if (fs.get(i).getLayoutCase() != VariablePackedStruct.FieldEncoding.LayoutCase.BITS_PER_VALUE || fs.get(i).getBitsPerValue() != widths[i]) {
        return "child " + CHILDREN.get(i) + " stored as " + fs.get(i).getLayoutCase() + " (expected " + widths[i] + "-bit values)";
      }
    }
    if (fs.get(4).getLayoutCase() != VariablePackedStruct.FieldEncoding.LayoutCase.BITS_PER_LENGTH || fs.get(4).getBitsPerLength() != 32) {
      return "child blob_uri without a 32-bit length prefix";
    }
    return null;
  }

  /** Fills the descriptor struct {@code out} from the decoded column (one level per row). */
  static void fill(FieldVector out, VectorFill.Decoded d) throws LanceFormatException {
    StructVector sv = (StructVector) out;
    UInt1Vector kind = (UInt1Vector) sv.getChildByOrdinal(0);
    UInt8Vector position = (UInt8Vector) sv.getChildByOrdinal(1);
    UInt8Vector size = (UInt8Vector) sv.getChildByOrdinal(2);
    UInt4Vector blobId = (UInt4Vector) sv.getChildByOrdinal(3);
    VarCharVector uri = (VarCharVector) sv.getChildByOrdinal(4);
    Values v = d.values();
    short[] def = d.def();
    int n = def != null ? def.length : v.count;
    if (d.rep() != null) {
      throw new LanceFormatException("Blob v2 descriptors must not have repetition levels");
    }
    boolean everyRowHasSlot = v.count == n;
    sv.setInitialCapacity(n);
    sv.allocateNew();
    int slot = 0;
    for (int i = 0; i < n; i++) {
      boolean valid = def == null || def[i] == 0;
      if (!valid) {
        if (def[i] > 2) {
          throw new LanceFormatException("Blob v2 descriptor row " + i + " has definition level " + def[i] + " (at most 2 expected)");
        }
        sv.setNull(i);
        kind.setNull(i);
        position.setNull(i);
        size.setNull(i);
        blobId.setNull(i);
        uri.setNull(i);
        if (everyRowHasSlot) {
          slot++;
        }
        continue;
      }
      if (slot >= v.count) {
        throw new LanceFormatException("Blob v2 descriptor column has " + v.count + " values for more valid rows");
      }
      long from = v.offsets[slot];
      long to = v.offsets[slot + 1];
      slot++;
      if (to - from < 25) {
        throw new LanceFormatException("Blob v2 descriptor row " + i + " has " + (to - from) + " bytes, at least 25 expected");
      }
      int p = (int) from;
      byte[] b = v.data;
      long uriLen = LittleEndian.getInt(b, p + 21) & 0xFFFFFFFFL;
      if (uriLen != to - from - 25) {
        throw new LanceFormatException("Blob v2 descriptor row " + i + " has a " + uriLen + "-byte uri in a " + (to - from) + "-byte row");
      }
      sv.setIndexDefined(i);
      kind.setSafe(i, b[p]);
      position.setSafe(i, LittleEndian.getLong(b, p + 1));
      size.setSafe(i, LittleEndian.getLong(b, p + 9));
      blobId.setSafe(i, LittleEndian.getInt(b, p + 17));
      uri.setSafe(i, b, p + 25, (int) uriLen);
    }
    sv.setValueCount(n);
    for (FieldVector c : sv.getChildrenFromFields()) {
      c.setValueCount(n);
    }
  }
}
