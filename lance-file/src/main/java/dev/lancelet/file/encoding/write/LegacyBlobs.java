package dev.lancelet.file.encoding.write;

import dev.lancelet.file.container.ContainerWriter;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.format.proto.EncodingsV21Protos.BlobLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.MiniBlockLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PackedStruct;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.RepDefLayer;
import java.io.IOException;
import java.util.Map;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Writes a legacy blob column in format 2.1: a top-level {@code large_binary} (or {@code binary})
 * field with metadata {@code lance-encoding:blob}, as lance-core 7.0 does. Each non-empty value is
 * written out of line as it arrives (its own 64-byte-aligned buffer in the data file, recorded by
 * no page); the column's pages hold one 16-byte descriptor per row, {@code position u64, size
 * u64}, in a mini-block layout of {@code PackedStruct([64, 64], Flat(128))} wrapped in a {@code
 * BlobLayout}. An empty value is {@code (0, 0)}; a null is {@code (1 << 16, 0)}: definition level
 * 1 in the position's upper bits, and the blob layout then lists a {@code NULLABLE_ITEM} layer
 * (else {@code ALL_VALID_ITEM}).
 *
 * <p>Memory stays bounded: a payload is copied to the file once, and only the descriptors wait
 * for their page.
 */
final class LegacyBlobs {
  /** The legacy blob marker in field metadata. */
  static final String BLOB_META_KEY = "lance-encoding:blob";
  private static final long NULL_POSITION = 1L << 16;

  private final Field field;

  LegacyBlobs(Field field, LanceFileVersion version) {
    this.field = field;
    if (version != LanceFileVersion.V2_1) {
      throw new UnsupportedOperationException("Blob field " + field.getName() + " (metadata " + BLOB_META_KEY + "): legacy blob columns exist in"
          + " file versions 2.0 and 2.1 only; Lance " + version + " uses blob v2: a struct<data: large_binary, uri: utf8> field with"
          + " extension name lance.blob.v2");
    }
    if (!(field.getType() instanceof ArrowType.LargeBinary) && !(field.getType() instanceof ArrowType.Binary)) {
      throw new UnsupportedOperationException("Blob field " + field.getName() + " must be large_binary (or binary), not " + field.getType());
    }
  }

  /** Whether {@code f} asks to be stored as a legacy blob. */
  static boolean isBlob(Field f) {
    Map<String, String> md = f.getMetadata();
    return md != null && md.containsKey(BLOB_META_KEY) && !(f.getType() instanceof ArrowType.Struct);
  }

  /** Refuses blob fields below the top level (lance-core keeps them top-level too). */
  static void checkNested(Field f, LanceFileVersion version, boolean top) {
    if (!top && isBlob(f)) {
      throw new UnsupportedOperationException("Blob field " + f.getName() + " is nested; Lancelet writes legacy blob columns only at the top level");
    }
    for (Field c : f.getChildren()) {
      checkNested(c, version, false);
    }
  }

  /** The field the column shreds: the descriptors, 16 bytes per row, never null. */
  Field descriptorField() {
    return new Field(field.getName(), FieldType.notNullable(new ArrowType.FixedSizeBinary(16)), null);
  }

  /** Writes the payloads of {@code v} out of line and returns its descriptors (the caller closes them). */
  FieldVector descriptors(FieldVector v, ContainerWriter container) throws IOException {
    int n = v.getValueCount();
    FixedSizeBinaryVector d = new FixedSizeBinaryVector(descriptorField(), v.getAllocator());
    boolean ok = false;
    try {
      d.allocateNew(Math.max(n, 1));
      byte[] desc = new byte[16];
      for (int i = 0; i < n; i++) {
        long position;
        long size;
        if (v.isNull(i)) {
          position = NULL_POSITION;
          size = 0;
        } else {
          byte[] value = value(v, i);
          size = value.length;
          position = size == 0 ? 0 : container.writeBuffer(value, 0, value.length);
        }
        LittleEndian.putLong(desc, 0, position);
        LittleEndian.putLong(desc, 8, size);
        d.set(i, desc);
      }
      d.setValueCount(n);
      ok = true;
      return d;
    } finally {
      if (!ok) {
        d.close();
      }
    }
  }

  private byte[] value(FieldVector v, int i) {
    if (v instanceof BaseLargeVariableWidthVector lv) {
      return lv.get(i);
    }
    if (v instanceof BaseVariableWidthVector bv) {
      return bv.get(i);
    }
    throw new UnsupportedOperationException("Blob field " + field.getName() + " must be written from a binary vector, got " + v.getClass().getSimpleName());
  }

  /**
   * Wraps the encoded descriptor page (a mini-block of {@code Flat(128)}) as a blob page; whether
   * the page holds nulls is read from {@code c}'s buffered descriptors.
   */
  PageLayout wrap(PageLayout inner, LeafColumn c) {
    if (inner.getLayoutCase() != PageLayout.LayoutCase.MINI_BLOCK_LAYOUT
        || inner.getMiniBlockLayout().getValueCompression().getCompressionCase() != CompressiveEncoding.CompressionCase.FLAT
        || inner.getMiniBlockLayout().getValueCompression().getFlat().getBitsPerValue() != 128) {
      throw new IllegalStateException("Blob descriptors of " + field.getName() + " encoded as " + inner.getLayoutCase() + ", expected a Flat(128) mini-block");
    }
    MiniBlockLayout m = inner.getMiniBlockLayout();
    CompressiveEncoding packed = CompressiveEncoding.newBuilder()
        .setPackedStruct(PackedStruct.newBuilder().addBitsPerValue(64).addBitsPerValue(64).setValues(m.getValueCompression()))
        .build();
    PageLayout descriptors = PageLayout.newBuilder().setMiniBlockLayout(m.toBuilder().setValueCompression(packed)).build();
    boolean anyNull = false;
    byte[] a = c.values.a;
    for (int off = 0; off + 16 <= c.values.n; off += 16) {
      if (LittleEndian.getLong(a, off + 8) == 0 && LittleEndian.getLong(a, off) != 0) {
        anyNull = true;
        break;
      }
    }
    return PageLayout.newBuilder()
        .setBlobLayout(BlobLayout.newBuilder()
            .setInnerLayout(descriptors)
            .addLayers(anyNull ? RepDefLayer.REPDEF_NULLABLE_ITEM : RepDefLayer.REPDEF_ALL_VALID_ITEM))
        .build();
  }
}
