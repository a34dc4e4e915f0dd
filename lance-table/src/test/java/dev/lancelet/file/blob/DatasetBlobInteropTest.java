package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.BlobFile;
import org.lance.WriteParams;

/**
 * Blob columns through Lancelet's {@link Dataset} on datasets written by lance-core 7.0: blob v2
 * (format 2.2: inline, packed and dedicated values) and legacy blobs (format 2.1), two fragments
 * each, nulls, a deleted row. Lives in the blob package to reuse lance-file's {@code BlobTesting}.
 */
class DatasetBlobInteropTest {
  private static final int KIB = 1024;
  /** Row values by size, -1 = null; 4 rows per fragment. Row 1 gets deleted. */
  private static final int[] SIZES = {100, 100 * KIB, 5 * KIB * KIB, -1, 100 * KIB, -1, 100, 5 * KIB * KIB};
  private static final int DELETED = 1;

  @TempDir Path tmp;
  BufferAllocator alloc;
  byte[][] values;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
    values = new byte[SIZES.length][];
    for (int i = 0; i < SIZES.length; i++) {
      values[i] = SIZES[i] < 0 ? null : BlobTesting.payload(i, SIZES[i]);
    }
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  /** Writes {@code id, blob} with lance-core in fragments of 4 rows, then deletes row {@link #DELETED}. */
  private Path write(String name, Field blobField, String version) throws Exception {
    Path dir = tmp.resolve(name);
    Schema schema = new Schema(List.of(new Field("id", FieldType.notNullable(new ArrowType.Int(32, true)), null), blobField));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
      IntVector id = (IntVector) root.getVector(0);
      for (int i = 0; i < values.length; i++) {
        id.setSafe(i, i);
        if (root.getVector(1) instanceof StructVector sv) {
          LargeVarBinaryVector dv = (LargeVarBinaryVector) sv.getChild("data");
          var uv = (org.apache.arrow.vector.VarCharVector) sv.getChild("uri");
          uv.setNull(i);
          if (values[i] == null) {
            sv.setNull(i);
            dv.setNull(i);
          } else {
            sv.setIndexDefined(i);
            dv.setSafe(i, values[i]);
          }
        } else {
          LargeVarBinaryVector bv = (LargeVarBinaryVector) root.getVector(1);
          if (values[i] == null) {
            bv.setNull(i);
          } else {
            bv.setSafe(i, values[i]);
          }
        }
      }
      root.setRowCount(values.length);
      WriteParams params = new WriteParams.Builder().withDataStorageVersion(version).withMaxRowsPerFile(4).build();
      try (ArrowReader r = new BlobTesting.OneBatch(alloc, root); ArrowArrayStream stream = ArrowArrayStream.allocateNew(alloc)) {
        Data.exportArrayStream(alloc, r, stream);
        try (org.lance.Dataset d = org.lance.Dataset.create(alloc, stream, dir.toString(), params)) {
          d.delete("id = " + DELETED);
        }
      }
    }
    return dir;
  }

  private Dataset open(Path dir) throws Exception {
    return Dataset.open(dir.toString(), OpenOptions.builder().allocator(alloc).build());
  }

  /** Visible rows (original ids) in dataset order. */
  private static List<Integer> visible() {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < SIZES.length; i++) {
      if (i != DELETED) {
        ids.add(i);
      }
    }
    return ids;
  }

  private void checkAgainstLanceCore(Path dir, String column, boolean v2) throws Exception {
    List<Integer> ids = visible();
    long[] positions = new long[ids.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = positions.length - 1 - i; // reversed, across both fragments
    }
    try (Dataset ds = open(dir)) {
      assertThat(ds.fragments()).hasSize(2);
      List<BlobHandle> hs = ds.takeBlobs(positions, column);
      assertThat(hs).hasSize(positions.length);
      List<Long> nonNullPositions = new ArrayList<>();
      List<byte[]> ours = new ArrayList<>();
      for (int i = 0; i < positions.length; i++) {
        byte[] want = values[ids.get((int) positions[i])];
        if (want == null) {
          assertThat(hs.get(i)).as("position %d", positions[i]).isNull();
        } else {
          assertThat(hs.get(i).size()).isEqualTo(want.length);
          byte[] got = hs.get(i).readAllBytes();
          assertThat(got).as("position %d", positions[i]).isEqualTo(want);
          nonNullPositions.add(positions[i]);
          ours.add(got);
        }
      }
      // lance-core's takeBlobs (by position) gives the same bytes.
      try (org.lance.Dataset ref = org.lance.Dataset.open(dir.toString(), alloc)) {
        List<BlobFile> files = ref.takeBlobsByIndices(nonNullPositions, column);
        try {
          assertThat(files).hasSize(ours.size());
          for (int i = 0; i < files.size(); i++) {
            assertThat(files.get(i).read()).as("lance-core position %d", nonNullPositions.get(i)).isEqualTo(ours.get(i));
          }
        } finally {
          for (BlobFile f : files) {
            f.close();
          }
        }
      }
      // By address: fragment 1, row 3 is original row 7; the deleted row is refused.
      List<BlobHandle> byAddr = ds.takeBlobsByAddress(new long[] {(1L << 32) | 3, 0, (1L << 32) | 1}, column);
      assertThat(byAddr.get(0).readAllBytes()).isEqualTo(values[7]);
      assertThat(byAddr.get(1).readAllBytes()).isEqualTo(values[0]);
      assertThat(byAddr.get(2)).isNull();
      assertThatThrownBy(() -> ds.takeBlobsByAddress(new long[] {DELETED}, column))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deleted");
      assertThatThrownBy(() -> ds.takeBlobs(new long[] {0}, "id"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'id'").hasMessageContaining("not a blob column");      if (v2) {
        // Rows are rewritten with their blobs (DatasetBlobV2RewriteInteropTest); assigning the column is refused.
        assertThatThrownBy(() -> ds.update(Map.of(column, "NULL"), null))
            .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("blob v2");
      }
    }
  }

  @Test
  void blobV2ValuesMatchLanceCore() throws Exception {
    checkAgainstLanceCore(write("v2", BlobTesting.blobV2Field("blob"), "2.2"), "blob", true);
  }

  @Test
  void legacyBlobValuesMatchLanceCore() throws Exception {
    Field legacy = new Field("blob", new FieldType(true, ArrowType.LargeBinary.INSTANCE, null, Map.of("lance-encoding:blob", "true")), null);
    checkAgainstLanceCore(write("legacy", legacy, "2.1"), "blob", false);
  }

  @Test
  void fiveMibBlobStreamsIn64KibReads() throws Exception {
    Path dir = write("v2", BlobTesting.blobV2Field("blob"), "2.2");
    BlobTesting.RecordingStore rec = new BlobTesting.RecordingStore(new LocalObjectStore(dir));
    try (Dataset ds = Dataset.open(rec, OpenOptions.builder().allocator(alloc).build())) {
      BlobHandle h = ds.takeBlobs(new long[] {6}, "blob").get(0); // original row 7, fragment 1
      assertThat(h.size()).isEqualTo(5L * KIB * KIB);
      rec.reads.clear();
      long at = 0;
      try (InputStream in = h.openStream()) {
        byte[] buf = new byte[10_000];
        int n;
        while ((n = in.read(buf)) > 0) {
          for (int i = 0; i < n; i++) {
            if (buf[i] != values[7][(int) at + i]) {
              throw new AssertionError("byte " + (at + i) + " differs");
            }
          }
          at += n;
        }
      }
      assertThat(at).isEqualTo(values[7].length);
      assertThat(rec.reads).isNotEmpty().allSatisfy(len -> assertThat(len).isLessThanOrEqualTo(BlobHandle.STREAM_READ_BYTES));
      assertThat(rec.reads.stream().mapToLong(Integer::longValue).sum()).isEqualTo(5L * KIB * KIB);
    }
  }

  /** Scans and takes of a blob v2 column return the descriptor struct, as lance-core's do. */
  @Test
  void blobV2ScanAndTakeReturnDescriptorsLikeLanceCore() throws Exception {
    Path dir = write("v2", BlobTesting.blobV2Field("blob"), "2.2");
    List<String> ref = new ArrayList<>();
    String refType;
    try (org.lance.Dataset d = org.lance.Dataset.open(dir.toString(), alloc);
        var scanner = d.newScan(new org.lance.ipc.ScanOptions.Builder().columns(List.of("blob")).build());
        ArrowReader r = scanner.scanBatches()) {
      refType = null;
      while (r.loadNextBatch()) {
        var v = r.getVectorSchemaRoot().getVector(0);
        refType = v.getField().toString();
        for (int i = 0; i < v.getValueCount(); i++) {
          ref.add(String.valueOf(v.getObject(i)));
        }
      }
    }
    assertThat(ref).hasSize(visible().size());
    List<String> ours = new ArrayList<>();
    String ourType = null;
    try (Dataset ds = open(dir); ArrowReader r = ds.newScan().columns(List.of("blob")).open()) {
      while (r.loadNextBatch()) {
        var v = r.getVectorSchemaRoot().getVector(0);
        ourType = v.getField().toString();
        for (int i = 0; i < v.getValueCount(); i++) {
          ours.add(String.valueOf(v.getObject(i)));
        }
      }
      assertThat(ours).isEqualTo(ref);
      assertThat(ourType).isEqualTo(refType);
      long[] positions = {6, 0, 3};
      try (VectorSchemaRoot t = ds.take(positions, List.of("blob"))) {
        for (int i = 0; i < positions.length; i++) {
          assertThat(String.valueOf(t.getVector(0).getObject(i))).isEqualTo(ref.get((int) positions[i]));
        }
      }
    }
  }
}
