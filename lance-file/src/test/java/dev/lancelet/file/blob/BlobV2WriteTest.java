package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.file.testing.LanceFileLayout;
import dev.lancelet.file.testing.ReferenceLance;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob v2 columns written by Lancelet's {@link LanceFileWriter} (format 2.2), checked against
 * what lance-core 7.0 writes for the same rows (descriptors, sidecar files byte for byte, the
 * page layout) and read back by both readers.
 */
class BlobV2WriteTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  /** Sizes around lance-core's cut-offs (inline up to 64 KiB, packed up to 4 MiB); -1 = null, -2 = external URI. */
  private static final int[] SIZES = {100, 0, -1, 70 * KIB, 5 * MIB, 64 * KIB, 64 * KIB + 1, 100, 4 * MIB, 4 * MIB + 1, -2, 200 * KIB, -1};

  @TempDir Path tmp;
  BufferAllocator alloc;
  byte[][] values;
  String[] uris;
  Path external;

  @BeforeEach
  void setUp() throws Exception {
    alloc = new RootAllocator();
    external = tmp.resolve("external.bin");
    Files.write(external, BlobTesting.payload(99, 3000));
    values = new byte[SIZES.length][];
    uris = new String[SIZES.length];
    for (int i = 0; i < SIZES.length; i++) {
      if (SIZES[i] == -2) {
        uris[i] = external.toUri().toString();
        values[i] = BlobTesting.payload(99, 3000);
      } else {
        values[i] = SIZES[i] < 0 ? null : BlobTesting.payload(i, SIZES[i]);
      }
    }
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  /** Writes the rows with Lancelet as {@code dir/data/<stem>.lance}, in batches of {@code batch} rows. */
  private void writeOurs(Path dir, String stem, int batch, WriteOptions options) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    LocalObjectStore store = new LocalObjectStore(dir);
    try (LanceFileWriter w = LanceFileWriter.create(store, "data/" + stem + ".lance", BlobTesting.blobV2Schema(), alloc, options)) {
      for (int from = 0; from < values.length; from += batch) {
        int to = Math.min(values.length, from + batch);
        byte[][] v = java.util.Arrays.copyOfRange(values, from, to);
        String[] u = java.util.Arrays.copyOfRange(uris, from, to);
        try (VectorSchemaRoot root = BlobTesting.blobV2Root(v, u, alloc)) {
          w.write(root);
        }
      }
    }
  }

  private static WriteOptions v22() {
    return WriteOptions.builder().version(LanceFileVersion.V2_2).build();
  }

  private static Path dataFile(Path ds) throws Exception {
    try (Stream<Path> s = Files.list(ds.resolve("data"))) {
      return s.filter(p -> p.toString().endsWith(".lance")).findFirst().orElseThrow();
    }
  }

  /** Sidecar name (below the stem folder) to its bytes. */
  private static Map<String, byte[]> sidecars(Path ds) throws Exception {
    Path data = dataFile(ds);
    Path dir = data.resolveSibling(data.getFileName().toString().replace(".lance", ""));
    Map<String, byte[]> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private List<Object> descriptors(Path ds) throws Exception {
    Path data = dataFile(ds);
    long[] rows = new long[values.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    List<Object> out = new ArrayList<>();
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(data.getParent()), data.getFileName().toString(), alloc);
        VectorSchemaRoot root = r.take(rows, List.of("blob"))) {
      StructVector sv = (StructVector) root.getVector(0);
      for (int i = 0; i < rows.length; i++) {
        out.add(sv.isNull(i) ? null : String.valueOf(sv.getObject(i)));
      }
    }
    return out;
  }

  private void assertValuesReadBack(Path ds) throws Exception {
    Path data = dataFile(ds);
    LocalObjectStore dataDir = new LocalObjectStore(data.getParent());
    long[] rows = new long[values.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = rows.length - 1 - i;
    }
    try (LanceFileReader r = LanceFileReader.open(dataDir, data.getFileName().toString(), alloc);
        LargeVarBinaryVector v = r.takeBlobValues(rows, "blob", BlobStore.of(dataDir))) {
      for (int i = 0; i < rows.length; i++) {
        byte[] want = values[(int) rows[i]];
        if (want == null) {
          assertThat(v.isNull(i)).as("row %d", rows[i]).isTrue();
        } else {
          assertThat(v.get(i)).as("row %d", rows[i]).isEqualTo(want);
        }
      }
    }
  }

  @Test
  void sameDescriptorsSidecarsAndLayoutAsLanceCore() throws Exception {
    Path ref = tmp.resolve("ref");
    BlobTesting.writeBlobV2Dataset(ref, values, uris, alloc);
    Path ours = tmp.resolve("ours");
    writeOurs(ours, dataFile(ref).getFileName().toString().replace(".lance", ""), values.length, v22());

    // Kinds, positions (inline buffers included), sizes, sidecar ids and URIs agree row for row.
    assertThat(descriptors(ours)).isEqualTo(descriptors(ref));
    // The same sidecar files, byte for byte: pack id 1 (70 KiB, 64 KiB + 1, 4 MiB, 200 KiB), dedicated 2 and 3.
    Map<String, byte[]> want = sidecars(ref);
    Map<String, byte[]> got = sidecars(ours);
    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet()).hasSize(3);
    for (String k : want.keySet()) {
      assertThat(got.get(k)).as(k).isEqualTo(want.get(k));
    }
    // The descriptor column's page: the same layout and the same bytes.
    LanceFileLayout a = LanceFileLayout.read(dataFile(ref));
    LanceFileLayout b = LanceFileLayout.read(dataFile(ours));
    LanceFileLayout.Page pa = a.columns().get(1).pages().get(0);
    LanceFileLayout.Page pb = b.columns().get(1).pages().get(0);
    assertThat(pb.encoding().text()).isEqualTo(pa.encoding().text());
    assertThat(pb.buffers()).hasSameSizeAs(pa.buffers());
    for (int i = 0; i < pa.buffers().size(); i++) {
      assertThat(slice(b, pb.buffers().get(i))).as("page buffer %d", i).isEqualTo(slice(a, pa.buffers().get(i)));
    }
    assertValuesReadBack(ours);
  }

  private static byte[] slice(LanceFileLayout l, LanceFileLayout.Extent e) {
    return java.util.Arrays.copyOfRange(l.bytes(), (int) e.position(), (int) e.end());
  }

  @Test
  void lanceCoreFileReaderCannotReadBlobV2ColumnsEvenItsOwn() throws Exception {
    // lance-core 7.0's file-level reader fails on the descriptor column of its own 2.2 files, so
    // interop is checked through datasets (DatasetBlobV2WriteInteropTest in lance-table).
    Path ref = tmp.resolve("ref");
    BlobTesting.writeBlobV2Dataset(ref, values, uris, alloc);
    assertThatThrownBy(() -> ReferenceLance.closeAll(ReferenceLance.readFile(dataFile(ref), List.of("id", "blob"), alloc)))
        .hasMessageContaining("Incorrect array length for StructArray field");
  }

  @Test
  void packFilesRollOverAsLanceCoreDoes() throws Exception {
    int[] sizes = {100 * KIB, 100 * KIB, 100 * KIB, 300 * KIB, 50 * KIB, 100 * KIB, 100 * KIB, 100};
    values = new byte[sizes.length][];
    uris = new String[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      values[i] = BlobTesting.payload(i, sizes[i]);
    }
    Path ref = tmp.resolve("ref");
    BlobTesting.writeBlobV2Dataset(ref, values, uris, alloc, 200 * KIB);
    Path ours = tmp.resolve("ours");
    // Batches of 3 rows: a pack file stays open across batches.
    writeOurs(ours, dataFile(ref).getFileName().toString().replace(".lance", ""), 3,
        WriteOptions.builder().version(LanceFileVersion.V2_2).blobPackFileSize(200 * KIB).build());
    assertThat(descriptors(ours)).isEqualTo(descriptors(ref));
    Map<String, byte[]> want = sidecars(ref);
    Map<String, byte[]> got = sidecars(ours);
    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet()).hasSize(4);
    for (String k : want.keySet()) {
      assertThat(got.get(k)).as(k).isEqualTo(want.get(k));
    }
    // Without nulls the page has no definition levels, in both.
    LanceFileLayout.Page pa = LanceFileLayout.read(dataFile(ref)).columns().get(1).pages().get(0);
    LanceFileLayout.Page pb = LanceFileLayout.read(dataFile(ours)).columns().get(1).pages().get(0);
    assertThat(pb.encoding().text()).isEqualTo(pa.encoding().text()).doesNotContain("bits_def");
    assertValuesReadBack(ours);
  }

  @Test
  void copiesBlobsFromHandlesAsIfGivenTheValues() throws Exception {
    Path ref = tmp.resolve("ref");
    BlobTesting.writeBlobV2Dataset(ref, values, uris, alloc);
    Path refData = dataFile(ref);
    String stem = refData.getFileName().toString().replace(".lance", "");
    BlobTesting.RecordingStore src = new BlobTesting.RecordingStore(new LocalObjectStore(refData.getParent()));
    Path ours = tmp.resolve("ours");
    Files.createDirectories(ours.resolve("data"));
    long[] rows = new long[values.length];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    try (LanceFileReader r = LanceFileReader.open(src, refData.getFileName().toString(), alloc)) {
      List<BlobHandle> handles = r.takeBlobs(rows, "blob", BlobStore.of(src));
      src.reads.clear();
      // The batch names only the external URI; every other valid row comes from its handle.
      byte[][] none = new byte[values.length][];
      try (VectorSchemaRoot root = BlobTesting.blobV2Root(none, uris, alloc);
          LanceFileWriter w = LanceFileWriter.create(new LocalObjectStore(ours), "data/" + stem + ".lance",
              BlobTesting.blobV2Schema(), alloc, v22())) {
        StructVector sv = (StructVector) root.getVector(1);
        for (int i = 0; i < values.length; i++) {
          if (values[i] != null) {
            sv.setIndexDefined(i);
          }
        }
        assertThatThrownBy(() -> w.write(root, Map.of("id", handles))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not a blob v2 column");
        assertThatThrownBy(() -> w.write(root, Map.of("blob", handles.subList(1, handles.size()))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entries");
        w.write(root, Map.of("blob", handles));
      }
    }
    assertThat(src.reads).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(BlobHandle.STREAM_READ_BYTES));
    // The same file lance-core wrote from the values: descriptors, sidecars and the descriptor page.
    assertThat(descriptors(ours)).isEqualTo(descriptors(ref));
    Map<String, byte[]> want = sidecars(ref);
    Map<String, byte[]> got = sidecars(ours);
    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
    for (String k : want.keySet()) {
      assertThat(got.get(k)).as(k).isEqualTo(want.get(k));
    }
    assertValuesReadBack(ours);
  }

  @Test
  void manyRowsOverSeveralPagesRoundTrip() throws Exception {
    int n = 3000;
    values = new byte[n][];
    uris = new String[n];
    for (int i = 0; i < n; i++) {
      values[i] = i % 7 == 3 ? null : BlobTesting.payload(i, i % 500 == 0 ? 80 * KIB : i % 13);
    }
    Path ours = tmp.resolve("ours");
    writeOurs(ours, "many", 700, WriteOptions.builder().version(LanceFileVersion.V2_2).maxPageBytes(4096).build());
    LanceFileLayout l = LanceFileLayout.read(dataFile(ours));
    assertThat(l.columns().get(1).pages().size()).as("descriptor pages").isGreaterThan(3);
    assertValuesReadBack(ours);
  }

  @Test
  void allNullColumnRoundTrips() throws Exception {
    values = new byte[5][];
    uris = new String[5];
    Path ours = tmp.resolve("ours");
    writeOurs(ours, "nulls", 5, v22());
    assertThat(descriptors(ours)).containsOnlyNulls();
    assertValuesReadBack(ours);
    // lance-core writes the same page for an all-null column.
    Path ref = tmp.resolve("ref");
    BlobTesting.writeBlobV2Dataset(ref, values, uris, alloc);
    LanceFileLayout.Page pa = LanceFileLayout.read(dataFile(ref)).columns().get(1).pages().get(0);
    LanceFileLayout.Page pb = LanceFileLayout.read(dataFile(ours)).columns().get(1).pages().get(0);
    assertThat(pb.encoding().text()).isEqualTo(pa.encoding().text());
    LanceFileLayout la = LanceFileLayout.read(dataFile(ref));
    LanceFileLayout lb = LanceFileLayout.read(dataFile(ours));
    for (int i = 0; i < pa.buffers().size(); i++) {
      assertThat(slice(lb, pb.buffers().get(i))).as("page buffer %d", i).isEqualTo(slice(la, pa.buffers().get(i)));
    }
    assertThat(sidecars(ours)).isEmpty();
  }

  @Test
  void badRowsAndVersionsAreRefused() throws Exception {
    LocalObjectStore store = new LocalObjectStore(tmp);
    assertThatThrownBy(() -> LanceFileWriter.create(store, "data/x.lance", BlobTesting.blobV2Schema(), alloc,
        WriteOptions.builder().version(LanceFileVersion.V2_1).build()))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("2.2");
    assertThat(store.list("data/")).isEmpty();

    // A row with both data and uri: the write fails; abort removes the file and its sidecars.
    values = new byte[] [] {BlobTesting.payload(1, 100 * KIB), BlobTesting.payload(2, 10)};
    uris = new String[] {null, "file:///x"};
    LanceFileWriter w = LanceFileWriter.create(store, "data/x.lance", BlobTesting.blobV2Schema(), alloc, v22());
    try (VectorSchemaRoot root = BlobTesting.blobV2Root(values, new String[2], alloc)) {
      w.write(root); // row 0 opens pack file 1
    }
    assertThat(w.blobSidecars()).containsExactly("data/x/" + BlobStore.sidecarPath("", 1).substring(1));
    try (VectorSchemaRoot root = BlobTesting.blobV2Root(values, uris, alloc)) {
      ((org.apache.arrow.vector.LargeVarBinaryVector) ((StructVector) root.getVector(1)).getChild("data")).setSafe(1, new byte[3]);
      assertThatThrownBy(() -> w.write(root)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one of data and uri");
    }
    w.abort();
    List<ObjectInfo> left = store.list("data/");
    assertThat(left).isEmpty();
  }
}
