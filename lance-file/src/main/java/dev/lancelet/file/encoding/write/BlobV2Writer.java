package dev.lancelet.file.encoding.write;

import dev.lancelet.file.blob.BlobHandle;
import dev.lancelet.file.blob.BlobKind;
import dev.lancelet.file.blob.BlobStore;
import dev.lancelet.file.container.ContainerWriter;
import dev.lancelet.file.kernels.LittleEndian;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.format.proto.EncodingsV21Protos.CompressiveEncoding;
import dev.lancelet.format.proto.EncodingsV21Protos.Flat;
import dev.lancelet.format.proto.EncodingsV21Protos.FullZipLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.PageLayout;
import dev.lancelet.format.proto.EncodingsV21Protos.Variable;
import dev.lancelet.format.proto.EncodingsV21Protos.VariablePackedStruct;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Writes a blob v2 column (format 2.2+, Arrow extension {@code lance.blob.v2}) as lance-core 7.0
 * does. The input is {@code struct<data: large_binary (or binary), uri: utf8>}; every non-null row
 * sets exactly one of the two. Each value is placed as it arrives:
 *
 * <ul>
 *   <li>up to {@value #INLINE_MAX} bytes (empty included): an out-of-line buffer in the data file,
 *       64-byte aligned; the descriptor holds its absolute offset ({@link BlobKind#INLINE});
 *   <li>above that, up to the dedicated threshold (4 MiB, or the field's {@value
 *       #DEDICATED_THRESHOLD_KEY} metadata): appended to the current pack sidecar, which is rolled
 *       over when the value would take it past the pack size ({@link BlobKind#PACKED});
 *   <li>above the dedicated threshold: a sidecar of its own ({@link BlobKind#DEDICATED});
 *   <li>a URI: recorded as {@link BlobKind#EXTERNAL} with position and size 0 (the whole object).
 * </ul>
 *
 * <p>Sidecar ids count from 1 in the order the sidecars are opened; sidecar {@code n} of data
 * file {@code dir/<stem>.lance} is {@code dir/}{@link BlobStore#sidecarPath(String, long)
 * sidecarPath(stem, n)} in the same store. Payloads are copied from the Arrow buffers to the
 * objects in bounded chunks, never gathered in memory.
 *
 * <p>The column shreds one descriptor per row, {@code kind u8, position u64, size u64, blob_id
 * u32, uri (u32 length + bytes)} back to back, as the only child of a struct that is null where
 * the row is: the encoder writes that as a plain variable-width full-zip page (32-bit lengths),
 * which {@link #wrap} relabels as the {@code VariablePackedStruct} lance-core writes; the bytes
 * are the same.
 */
final class BlobV2Writer {
  /** Arrow extension name of blob v2 fields. */
  static final String EXTENSION = "lance.blob.v2";
  /** Field metadata lance-core 7.0 reads for the packed/dedicated cut-off. */
  static final String DEDICATED_THRESHOLD_KEY = "lance-encoding:blob-dedicated-size-threshold";
  /** Largest value kept in the data file. */
  static final int INLINE_MAX = 64 * 1024;
  /** Default largest packed value. */
  static final long DEDICATED_THRESHOLD = 4L * 1024 * 1024;
  private static final int DESCRIPTOR_FIXED_BYTES = 1 + 8 + 8 + 4 + 4;

  /** Where this file's sidecars go and which were written. */
  static final class Sidecars {
    private final ObjectStore store;
    private final String dir; // "" or ending in '/'
    private final String stem;
    private final List<String> written = new ArrayList<>();
    private long nextId = 1;

    /** Sidecars of the data file {@code path} (its folder, its name without {@code .lance}) in {@code store}. */
    Sidecars(ObjectStore store, String path) {
      this.store = store;
      int slash = path.lastIndexOf('/');
      this.dir = slash < 0 ? "" : path.substring(0, slash + 1);
      String name = path.substring(slash + 1);
      this.stem = name.endsWith(".lance") ? name.substring(0, name.length() - ".lance".length()) : name;
    }

    long allocate() {
      if (nextId > 0xFFFFFFFFL - 1) {
        throw new IllegalStateException("Blob sidecar ids of " + stem + " are exhausted");
      }
      return nextId++;
    }

    ObjectWriter create(long id) throws IOException {
      String p = dir + BlobStore.sidecarPath(stem, id);
      ObjectWriter w = store.create(p);
      written.add(p);
      return w;
    }

    /** Paths (in the store) of every sidecar created so far. */
    List<String> written() {
      return List.copyOf(written);
    }

    /** Deletes every sidecar created (after a failed or aborted write). */
    void deleteAll() {
      for (String p : written) {
        try {
          store.delete(p);
        } catch (IOException e) {
          // an orphan sidecar is harmless
        }
      }
    }
  }

  private final Field field;
  private final Sidecars sidecars;
  private final long packFileSize;
  private final long dedicatedThreshold;
  private ObjectWriter pack;
  private long packId;
  private long packSize;

  BlobV2Writer(Field field, LanceFileVersion version, Sidecars sidecars, long packFileSize) {
    this.field = field;
    this.sidecars = sidecars;
    this.packFileSize = packFileSize;
    if (version.compareTo(LanceFileVersion.V2_2) < 0) {
      throw new UnsupportedOperationException("Blob v2 field " + field.getName() + " (" + EXTENSION + ") needs file version 2.2 or later, not "
          + version + "; use lance-encoding:blob on a large_binary field for " + version);
    }
    List<Field> c = field.getChildren();
    if (!(field.getType() instanceof ArrowType.Struct) || c.size() != 2 || !"data".equals(c.get(0).getName()) || !"uri".equals(c.get(1).getName())
        || !(c.get(0).getType() instanceof ArrowType.LargeBinary || c.get(0).getType() instanceof ArrowType.Binary)
        || !(c.get(1).getType() instanceof ArrowType.Utf8)) {
      throw new UnsupportedOperationException("Blob v2 field " + field.getName() + " must be struct<data: large_binary, uri: utf8>, not "
          + field.getType() + " " + c);
    }
    String t = field.getMetadata().get(DEDICATED_THRESHOLD_KEY);
    long threshold = DEDICATED_THRESHOLD;
    if (t != null) {
      try {
        threshold = Long.parseLong(t.trim());
      } catch (NumberFormatException e) {
        threshold = -1;
      }
      if (threshold <= 0) {
        throw new IllegalArgumentException("Blob v2 field " + field.getName() + ": " + DEDICATED_THRESHOLD_KEY + " must be a positive integer, got '" + t + "'");
      }
    }
    this.dedicatedThreshold = threshold;
  }

  /** Whether {@code f} asks to be stored as a blob v2 column. */
  static boolean isBlobV2(Field f) {
    Map<String, String> md = f.getMetadata();
    return md != null && EXTENSION.equals(md.get("ARROW:extension:name"));
  }

  /** Refuses blob v2 fields below the top level. */
  static void checkNested(Field f, boolean top) {
    if (!top && isBlobV2(f)) {
      throw new UnsupportedOperationException("Blob v2 field " + f.getName() + " is nested; Lancelet writes blob v2 columns only at the top level");
    }
    for (Field c : f.getChildren()) {
      checkNested(c, false);
    }
  }

  /** The field the column shreds: a struct, null where the row is, of one non-null descriptor binary. */
  Field descriptorField() {
    Field d = new Field("descriptor", FieldType.notNullable(ArrowType.Binary.INSTANCE), null);
    return new Field(field.getName(), new FieldType(field.isNullable(), ArrowType.Struct.INSTANCE, null, null), List.of(d));
  }

  /** Places the payloads of {@code v} and returns its descriptors (the caller closes them). */
  FieldVector descriptors(FieldVector v, ContainerWriter container) throws IOException {
    return descriptors(v, container, null);
  }

  /**
   * As {@link #descriptors(FieldVector, ContainerWriter)}; a valid row with neither data nor uri
   * takes its bytes from {@code sources.get(row)} (streamed), when {@code sources} is given.
   */
  FieldVector descriptors(FieldVector v, ContainerWriter container, List<BlobHandle> sources) throws IOException {
    if (!(v instanceof StructVector sv)) {
      throw new IllegalArgumentException("Blob v2 field " + field.getName() + " must be written from a struct vector, got " + v.getClass().getSimpleName());
    }
    FieldVector data = (FieldVector) sv.getChildByOrdinal(0);
    VarCharVector uri = (VarCharVector) sv.getChildByOrdinal(1);
    int n = sv.getValueCount();
    StructVector out = (StructVector) descriptorField().createVector(v.getAllocator());
    boolean ok = false;
    try {
      out.allocateNew();
      VarBinaryVector d = (VarBinaryVector) out.getChildByOrdinal(0);
      byte[] row = new byte[DESCRIPTOR_FIXED_BYTES];
      for (int i = 0; i < n; i++) {
        if (sv.isNull(i)) {
          out.setNull(i);
          d.setSafe(i, new byte[0]);
          continue;
        }
        boolean hasData = !data.isNull(i);
        boolean hasUri = !uri.isNull(i);
        BlobHandle source = !hasData && !hasUri && sources != null ? sources.get(i) : null;
        if (hasData == hasUri && source == null) {
          throw new IllegalArgumentException("Blob v2 field " + field.getName() + ", row " + i + " of the batch: a non-null blob must set exactly one of"
              + " data and uri (" + (hasData ? "both are set" : "both are null") + ")");
        }
        out.setIndexDefined(i);
        byte[] uriBytes = new byte[0];
        BlobKind kind;
        long position;
        long size;
        long id = 0;
        if (hasUri) {
          uriBytes = uri.get(i);
          kind = BlobKind.EXTERNAL;
          position = 0;
          size = 0;
        } else if (source != null) {
          size = source.size();
          if (size <= INLINE_MAX) {
            kind = BlobKind.INLINE;
            position = container.writeBuffer(ByteBuffer.wrap(readSmall(source, i)));
          } else if (size > dedicatedThreshold) {
            kind = BlobKind.DEDICATED;
            position = 0;
            int at = i;
            id = dedicated(w -> copy(source, w, at));
          } else {
            kind = BlobKind.PACKED;
            position = packFor(size);
            id = packId;
            copy(source, pack, i);
            packSize += size;
          }
        } else {
          ByteBuffer value = value(data, i);
          size = value.remaining();
          if (size <= INLINE_MAX) {
            kind = BlobKind.INLINE;
            position = container.writeBuffer(value);
          } else if (size > dedicatedThreshold) {
            kind = BlobKind.DEDICATED;
            position = 0;
            id = dedicated(w -> w.write(value));
          } else {
            kind = BlobKind.PACKED;
            position = packFor(size);
            id = packId;
            pack.write(value);
            packSize += size;
          }
        }
        byte[] full = uriBytes.length == 0 ? row : new byte[DESCRIPTOR_FIXED_BYTES + uriBytes.length];
        full[0] = (byte) kind.code();
        LittleEndian.putLong(full, 1, position);
        LittleEndian.putLong(full, 9, size);
        LittleEndian.putInt(full, 17, (int) id);
        LittleEndian.putInt(full, 21, uriBytes.length);
        System.arraycopy(uriBytes, 0, full, DESCRIPTOR_FIXED_BYTES, uriBytes.length);
        d.setSafe(i, full);
      }
      d.setValueCount(n);
      out.setValueCount(n);
      ok = true;
      return out;
    } finally {
      if (!ok) {
        out.close();
      }
    }
  }

  /** Rolls the pack file over if a value of {@code size} bytes would take it past the limit; returns where the value goes. */
  private long packFor(long size) throws IOException {
    if (pack == null || packSize + size > packFileSize) {
      finishPack();
      packId = sidecars.allocate();
      pack = sidecars.create(packId);
      packSize = 0;
    }
    return packSize;
  }

  /** All bytes of a small (inline-sized) source. */
  private byte[] readSmall(BlobHandle source, int row) throws IOException {
    byte[] b = new byte[(int) source.size()];
    try (InputStream in = source.openStream()) {
      int n = in.readNBytes(b, 0, b.length);
      if (n != b.length) {
        throw new IOException("Blob v2 field " + field.getName() + ", row " + row + ": source " + source.location()
            + " ended after " + n + " of " + b.length + " bytes");
      }
    }
    return b;
  }

  /** Streams a source into {@code out} in chunks of at most {@link BlobHandle#STREAM_READ_BYTES}. */
  /** Writes one value into a sidecar of its own and returns the sidecar's id; aborted if writing fails. */
  private long dedicated(SidecarBody body) throws IOException {
    long id = sidecars.allocate();
    ObjectWriter w = sidecars.create(id);
    boolean written = false;
    try {
      body.writeTo(w);
      w.close();
      written = true;
    } finally {
      if (!written) {
        w.abort();
      }
    }
    return id;
  }

  /** What goes into a dedicated sidecar. */
  @FunctionalInterface
  private interface SidecarBody {
    void writeTo(ObjectWriter w) throws IOException;
  }

  private void copy(BlobHandle source, ObjectWriter out, int row) throws IOException {
    byte[] buf = new byte[(int) Math.min(BlobHandle.STREAM_READ_BYTES, source.size())];
    long left = source.size();
    try (InputStream in = source.openStream()) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("Blob v2 field " + field.getName() + ", row " + row + ": source " + source.location()
              + " ended " + left + " bytes early");
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }

  /** The bytes of row {@code i} of a binary vector, as a view of its Arrow buffer (no copy). */
  private ByteBuffer value(FieldVector v, int i) {
    long start;
    long end;
    if (v instanceof BaseLargeVariableWidthVector lv) {
      start = lv.getOffsetBuffer().getLong((long) i * BaseLargeVariableWidthVector.OFFSET_WIDTH);
      end = lv.getOffsetBuffer().getLong((long) (i + 1) * BaseLargeVariableWidthVector.OFFSET_WIDTH);
    } else if (v instanceof BaseVariableWidthVector bv) {
      start = bv.getStartOffset(i);
      end = bv.getStartOffset(i + 1);
    } else {
      throw new IllegalArgumentException("Blob v2 field " + field.getName() + ": data must be a binary vector, got " + v.getClass().getSimpleName());
    }
    long len = end - start;
    if (len == 0) {
      return ByteBuffer.allocate(0);
    }
    if (len > Integer.MAX_VALUE) {
      throw new UnsupportedOperationException("Blob v2 field " + field.getName() + ": a value of " + len + " bytes is larger than 2 GiB");
    }
    ArrowBuf buf = v.getDataBuffer();
    return buf.nioBuffer(start, (int) len);
  }

  /** Makes the current pack file visible. */
  private void finishPack() throws IOException {
    if (pack != null) {
      ObjectWriter p = pack;
      pack = null;
      p.close();
    }
  }

  /** Publishes the open pack file (when the data file is finished). */
  void finish() throws IOException {
    finishPack();
  }

  /** Discards the open pack file. */
  void abort() {
    if (pack != null) {
      try {
        pack.abort();
      } catch (IOException e) {
        // nothing was published
      }
      pack = null;
    }
  }

  /**
   * Relabels the encoded descriptor page (a plain full-zip page of 32-bit length-prefixed values)
   * as the packed struct lance-core writes. An all-null page is kept as it is.
   */
  PageLayout wrap(PageLayout inner) {
    if (inner.getLayoutCase() != PageLayout.LayoutCase.FULL_ZIP_LAYOUT) {
      return inner;
    }
    FullZipLayout fz = inner.getFullZipLayout();
    if (fz.getBitsPerOffset() != 32 || fz.getValueCompression().getCompressionCase() != CompressiveEncoding.CompressionCase.VARIABLE) {
      throw new IllegalStateException("Blob v2 descriptors of " + field.getName() + " encoded as " + fz.getValueCompression()
          + ", expected plain variable-width values with 32-bit lengths");
    }
    VariablePackedStruct.Builder s = VariablePackedStruct.newBuilder();
    for (int bits : new int[] {8, 64, 64, 32}) {
      s.addFields(VariablePackedStruct.FieldEncoding.newBuilder().setValue(flat(bits)).setBitsPerValue(bits));
    }
    s.addFields(VariablePackedStruct.FieldEncoding.newBuilder()
        .setValue(CompressiveEncoding.newBuilder().setVariable(Variable.newBuilder().setOffsets(flat(32))))
        .setBitsPerLength(32));
    return PageLayout.newBuilder()
        .setFullZipLayout(fz.toBuilder().setValueCompression(CompressiveEncoding.newBuilder().setVariablePackedStruct(s)))
        .build();
  }

  private static CompressiveEncoding flat(int bits) {
    return CompressiveEncoding.newBuilder().setFlat(Flat.newBuilder().setBitsPerValue(bits)).build();
  }
}
