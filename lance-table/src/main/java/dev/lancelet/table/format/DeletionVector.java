package dev.lancelet.table.format;

import dev.lancelet.table.CorruptManifestException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.SeekableReadChannel;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.roaringbitmap.RoaringBitmap;

/**
 * The deleted row offsets of one fragment (offsets are u32, relative to the fragment's first
 * row), with the codecs of both deletion file forms:
 *
 * <ul>
 *   <li>{@code .arrow}: an Arrow IPC <em>file</em> with exactly one record batch of one non-null
 *       {@code uint32} column named {@code row_id} (Lance compresses its buffers with ZSTD; both
 *       forms are read, we write uncompressed). Used for small sets.
 *   <li>{@code .bin}: a 32-bit roaring bitmap in the portable serialization shared by the Java
 *       and Rust roaring libraries. Used above {@value #BITMAP_THRESHOLD} rows.
 * </ul>
 *
 * Immutable once built.
 */
public final class DeletionVector {
  /** Above this many deleted rows a deletion file is written as a bitmap, as Lance does. */
  public static final int BITMAP_THRESHOLD = 5_000;

  /** Largest deletion file we read into memory (a full u32 bitmap is about 512 MiB; far beyond). */
  private static final int MAX_FILE_BYTES = 1 << 30;

  private static final Schema ARROW_SCHEMA = new Schema(List.of(
      new Field("row_id", new FieldType(false, new ArrowType.Int(32, false), null), null)));

  private final RoaringBitmap rows;

  private DeletionVector(RoaringBitmap rows) {
    this.rows = rows;
  }

  /** No deleted rows. */
  public static DeletionVector empty() {
    return new DeletionVector(new RoaringBitmap());
  }

  /** The given offsets (any order, duplicates ignored). */
  public static DeletionVector of(int... offsets) {
    RoaringBitmap b = new RoaringBitmap();
    for (int o : offsets) {
      b.add(o);
    }
    return new DeletionVector(b);
  }

  /** A copy of {@code bitmap}. */
  public static DeletionVector of(RoaringBitmap bitmap) {
    return new DeletionVector(bitmap.clone());
  }

  /** This set plus {@code other}. */
  public DeletionVector union(DeletionVector other) {
    return new DeletionVector(RoaringBitmap.or(rows, other.rows));
  }

  /** Whether row offset {@code offset} is deleted. */
  public boolean contains(long offset) {
    return offset >= 0 && offset <= 0xFFFF_FFFFL && rows.contains((int) offset);
  }

  /** Number of deleted rows. */
  public long size() {
    return rows.getLongCardinality();
  }

  /** Whether no row is deleted. */
  public boolean isEmpty() {
    return rows.isEmpty();
  }

  /** A copy of the offsets as a bitmap (unsigned ints). */
  public RoaringBitmap toBitmap() {
    return rows.clone();
  }

  /** The offsets in ascending order (as unsigned values). */
  public long[] toSortedArray() {
    long[] out = new long[Math.toIntExact(size())];
    int i = 0;
    for (org.roaringbitmap.IntIterator it = rows.getIntIterator(); it.hasNext(); ) {
      out[i++] = Integer.toUnsignedLong(it.next());
    }
    return out;
  }

  /** The form Lance would store this set in. */
  public DeletionFile.Type preferredType() {
    return size() > BITMAP_THRESHOLD ? DeletionFile.Type.BITMAP : DeletionFile.Type.ARROW_ARRAY;
  }

  // ------------------------------------------------------------------ codecs

  /**
   * Decodes a deletion file.
   *
   * @param file its path, for messages
   * @param physicalRows rows of the fragment: every offset must be below it (-1 skips the check)
   * @throws CorruptManifestException if the bytes are not a valid file of {@code type}
   */
  public static DeletionVector decode(byte[] bytes, DeletionFile.Type type, String file, long physicalRows)
      throws CorruptManifestException {
    if (bytes.length > MAX_FILE_BYTES) {
      throw new CorruptManifestException(file, "deletion file of " + bytes.length + " bytes is larger than any valid one");
    }
    DeletionVector dv = type == DeletionFile.Type.BITMAP ? decodeBitmap(bytes, file) : decodeArrow(bytes, file);
    if (physicalRows >= 0 && !dv.rows.isEmpty() && Integer.toUnsignedLong(dv.rows.last()) >= physicalRows) {
      throw new CorruptManifestException(file, "deletes row " + Integer.toUnsignedLong(dv.rows.last())
          + " of a fragment of " + physicalRows + " rows");
    }
    return dv;
  }

  private static DeletionVector decodeBitmap(byte[] bytes, String file) throws CorruptManifestException {
    RoaringBitmap b = new RoaringBitmap();
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      b.deserialize(buf);
    } catch (IOException | RuntimeException e) {
      throw new CorruptManifestException(file, "not a valid roaring bitmap: " + e.getMessage(), e);
    }
    // deserialize(ByteBuffer) does not move the position; the size of what it read tells.
    int used = b.serializedSizeInBytes();
    if (used != bytes.length) {
      throw new CorruptManifestException(file, "the roaring bitmap takes " + used + " bytes but the file has " + bytes.length);
    }
    return new DeletionVector(b);
  }

  private static DeletionVector decodeArrow(byte[] bytes, String file) throws CorruptManifestException {
    RoaringBitmap b = new RoaringBitmap();
    try (BufferAllocator allocator = new RootAllocator(Math.max(1L << 20, 4L * bytes.length + (1L << 20)));
        SeekableReadChannel ch = new SeekableReadChannel(new ByteArrayReadableSeekableByteChannel(bytes));
        ArrowFileReader reader = new ArrowFileReader(ch, allocator, ZstdIpcCodec.FACTORY)) {
      Schema s = reader.getVectorSchemaRoot().getSchema();
      if (s.getFields().size() != 1 || !(s.getFields().get(0).getType() instanceof ArrowType.Int t)
          || t.getBitWidth() != 32 || t.getIsSigned()) {
        throw new CorruptManifestException(file, "expected one uint32 column in the deletion file, found " + s);
      }
      int batches = reader.getRecordBlocks().size();
      if (batches != 1) {
        throw new CorruptManifestException(file, "expected exactly one record batch in the deletion file, found " + batches);
      }
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        FieldVector v = root.getVector(0);
        UInt4Vector u = (UInt4Vector) v;
        for (int i = 0; i < root.getRowCount(); i++) {
          if (u.isNull(i)) {
            throw new CorruptManifestException(file, "null row offset at position " + i + " of the deletion file");
          }
          b.add(u.get(i));
        }
      }
    } catch (CorruptManifestException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CorruptManifestException(file, "not a valid Arrow IPC deletion file: " + e.getMessage(), e);
    }
    return new DeletionVector(b);
  }

  /** Encodes this set in the form {@code type}. */
  public byte[] encode(DeletionFile.Type type) {
    if (type == DeletionFile.Type.BITMAP) {
      // No run containers: some versions of the Rust roaring crate cannot read them.
      RoaringBitmap b = rows.clone();
      b.removeRunCompression();
      ByteArrayOutputStream out = new ByteArrayOutputStream(b.serializedSizeInBytes());
      try (DataOutputStream d = new DataOutputStream(out)) {
        b.serialize(d);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return out.toByteArray();
    }
    int n = Math.toIntExact(size());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(ARROW_SCHEMA, allocator)) {
      UInt4Vector v = (UInt4Vector) root.getVector(0);
      v.allocateNew(n);
      int i = 0;
      for (org.roaringbitmap.IntIterator it = rows.getIntIterator(); it.hasNext(); ) {
        v.set(i++, it.next());
      }
      v.setValueCount(n);
      root.setRowCount(n);
      try (ArrowFileWriter w = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
        w.start();
        w.writeBatch();
        w.end();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeletionVector d && d.rows.equals(rows);
  }

  @Override
  public int hashCode() {
    return rows.hashCode();
  }

  @Override
  public String toString() {
    return "DeletionVector{" + size() + " rows}";
  }
}
