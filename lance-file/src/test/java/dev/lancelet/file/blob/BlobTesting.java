package dev.lancelet.file.blob;

import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.WriteParams;

/** Blob test helpers: deterministic payloads, lance-core blob v2 datasets, a store that records each read. */
final class BlobTesting {
  private BlobTesting() {}

  /** Payload {@code i} of {@code n} bytes: a pattern that differs per row and per offset. */
  static byte[] payload(int i, int n) {
    byte[] b = new byte[n];
    for (int j = 0; j < n; j++) {
      b[j] = (byte) (j * 31 + i * 7 + (j >>> 10));
    }
    return b;
  }

  /** The blob v2 column as lance-core's Java API takes it: {@code struct<data: large_binary, uri: utf8>} with the extension name. */
  static Field blobV2Field(String name) {
    Field data = new Field("data", FieldType.nullable(ArrowType.LargeBinary.INSTANCE), null);
    Field uri = new Field("uri", FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
    return new Field(name, new FieldType(true, ArrowType.Struct.INSTANCE, null,
        Map.of("ARROW:extension:name", "lance.blob.v2", "ARROW:extension:metadata", "")), List.of(data, uri));
  }

  /**
   * Writes a one-fragment blob v2 dataset with lance-core (format 2.2): column {@code id} and
   * column {@code blob} where row i holds {@code values[i]} (null = null row) or, when {@code
   * uris[i]} is set, that external URI.
   */
  static void writeBlobV2Dataset(Path dir, byte[][] values, String[] uris, BufferAllocator a) throws IOException {
    writeBlobV2Dataset(dir, values, uris, a, 0);
  }

  /** As above, with lance-core's pack file size threshold when {@code packFileSize > 0}. */
  static void writeBlobV2Dataset(Path dir, byte[][] values, String[] uris, BufferAllocator a, long packFileSize) throws IOException {
    try (VectorSchemaRoot root = blobV2Root(values, uris, a)) {
      WriteParams.Builder b = new WriteParams.Builder().withDataStorageVersion("2.2").withAllowExternalBlobOutsideBases(true);
      if (packFileSize > 0) {
        b.withBlobPackFileSizeThreshold(packFileSize);
      }
      WriteParams params = b.build();
      try (ArrowReader r = new OneBatch(a, root); ArrowArrayStream stream = ArrowArrayStream.allocateNew(a)) {
        Data.exportArrayStream(a, r, stream);
        Dataset.create(a, stream, dir.toString(), params).close();
      }
    }
  }

  /** Schema {@code id int32, blob (blob v2)}. */
  static Schema blobV2Schema() {
    return new Schema(List.of(new Field("id", FieldType.notNullable(new ArrowType.Int(32, true)), null), blobV2Field("blob")));
  }

  /**
   * A batch of {@link #blobV2Schema()}: row i holds {@code values[i]} (null = null row) or, when
   * {@code uris[i]} is set, that external URI; the caller closes it.
   */
  static VectorSchemaRoot blobV2Root(byte[][] values, String[] uris, BufferAllocator a) {
    VectorSchemaRoot root = VectorSchemaRoot.create(blobV2Schema(), a);
    IntVector id = (IntVector) root.getVector(0);
    StructVector sv = (StructVector) root.getVector(1);
    LargeVarBinaryVector dv = (LargeVarBinaryVector) sv.getChild("data");
    VarCharVector uv = (VarCharVector) sv.getChild("uri");
    int n = values.length;
    for (int i = 0; i < n; i++) {
      id.setSafe(i, i);
      if (uris != null && uris[i] != null) {
        sv.setIndexDefined(i);
        dv.setNull(i);
        uv.setSafe(i, uris[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } else if (values[i] == null) {
        sv.setNull(i);
        dv.setNull(i);
        uv.setNull(i);
      } else {
        sv.setIndexDefined(i);
        dv.setSafe(i, values[i]);
        uv.setNull(i);
      }
    }
    root.setRowCount(n);
    return root;
  }

  /** An ArrowReader handing out one batch (a copy of {@code src}). */
  static final class OneBatch extends ArrowReader {
    private final VectorSchemaRoot src;
    private boolean done;

    OneBatch(BufferAllocator a, VectorSchemaRoot src) {
      super(a);
      this.src = src;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      if (done) {
        return false;
      }
      done = true;
      try (var batch = new VectorUnloader(src).getRecordBatch()) {
        new VectorLoader(getVectorSchemaRoot()).load(batch);
      }
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return src.getSchema();
    }
  }

  /** A real store wrapper that records the length of every read request. */
  static final class RecordingStore implements ObjectStore {
    final ObjectStore inner;
    final List<Integer> reads = new CopyOnWriteArrayList<>();

    RecordingStore(ObjectStore inner) {
      this.inner = inner;
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public ReadableObject open(String path) throws IOException {
      ReadableObject o = inner.open(path);
      return new ReadableObject() {
        @Override
        public String location() {
          return o.location();
        }

        @Override
        public long size() throws IOException {
          return o.size();
        }

        @Override
        public ByteBuffer read(long offset, int length) throws IOException {
          reads.add(length);
          return o.read(offset, length);
        }

        @Override
        public void close() throws IOException {
          o.close();
        }
      };
    }

    @Override
    public long size(String path) throws IOException {
      return inner.size(path);
    }

    @Override
    public boolean exists(String path) throws IOException {
      return inner.exists(path);
    }

    @Override
    public ObjectWriter create(String path) throws IOException {
      return inner.create(path);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
      return inner.list(prefix);
    }

    @Override
    public void delete(String path) throws IOException {
      inner.delete(path);
    }
  }
}
