package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.format.DataFile;
import dev.lancelet.table.format.Fragment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.BlobFile;

/**
 * Blob v2 datasets written by Lancelet's {@link Dataset#write} (format 2.2: inline, packed,
 * dedicated and external values, nulls, empty values), read by lance-core 7.0 (descriptors and
 * {@code takeBlobsByIndices}) and by Lancelet; cleanup of their sidecar files.
 */
class DatasetBlobV2WriteInteropTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  /** -1 = null, -2 = external URI. Fragments of 5 rows. */
  private static final int[] SIZES = {100, 0, -1, 70 * KIB, 5 * MIB, 64 * KIB, 64 * KIB + 1, 200 * KIB, -2, -1, 4 * MIB + 7, 10};

  @TempDir Path tmp;
  BufferAllocator alloc;
  byte[][] values;
  String[] uris;

  @BeforeEach
  void setUp() throws Exception {
    alloc = new RootAllocator();
    Path external = tmp.resolve("external.bin");
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

  private void write(Path dir, int from, int to, WriteOptions.Mode mode) throws Exception {
    byte[][] v = java.util.Arrays.copyOfRange(values, from, to);
    String[] u = java.util.Arrays.copyOfRange(uris, from, to);
    try (VectorSchemaRoot root = BlobTesting.blobV2Root(v, u, alloc);
        ArrowReader r = new BlobTesting.OneBatch(alloc, root)) {
      WriteOptions o = WriteOptions.builder().mode(mode).fileVersion(LanceFileVersion.V2_2).maxRowsPerFile(5).allocator(alloc).build();
      Dataset.write(r, dir.toString(), o).close();
    }
  }

  private Dataset open(Path dir) throws Exception {
    return Dataset.open(dir.toString(), OpenOptions.builder().allocator(alloc).build());
  }

  /** Every value through lance-core's takeBlobsByIndices and Lancelet's takeBlobs; descriptors agree. */
  private void checkValues(Path dir, int offset, int count) throws Exception {
    List<Long> nonNull = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (values[offset + i] != null) {
        nonNull.add((long) i);
      }
    }
    try (org.lance.Dataset ref = org.lance.Dataset.open(dir.toString(), alloc)) {
      assertThat(ref.countRows()).isEqualTo(count);
      List<BlobFile> files = ref.takeBlobsByIndices(nonNull, "blob");
      try {
        assertThat(files).hasSize(nonNull.size());
        for (int i = 0; i < files.size(); i++) {
          assertThat(files.get(i).read()).as("lance-core row %d", nonNull.get(i)).isEqualTo(values[offset + nonNull.get(i).intValue()]);
        }
      } finally {
        for (BlobFile f : files) {
          f.close();
        }
      }
      long[] rows = new long[count];
      List<Long> rowList = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        rows[i] = i;
        rowList.add((long) i);
      }
      try (Dataset ds = open(dir); VectorSchemaRoot mine = ds.take(rows, List.of("blob"))) {
        List<BlobHandle> hs = ds.takeBlobs(rows, "blob");
        for (int i = 0; i < count; i++) {
          byte[] want = values[offset + i];
          if (want == null) {
            assertThat(hs.get(i)).as("row %d", i).isNull();
          } else {
            assertThat(hs.get(i).readAllBytes()).as("row %d", i).isEqualTo(want);
          }
        }
        // lance-core's take returns the same descriptors (nulls as empty descriptors) row for row.
        StructVector sv = (StructVector) mine.getVector(0);
        try (ArrowReader t = ref.take(rowList, List.of("blob"))) {
          int row = 0;
          while (t.loadNextBatch()) {
            var rv = t.getVectorSchemaRoot().getVector(0);
            for (int i = 0; i < rv.getValueCount(); i++, row++) {
              assertThat(String.valueOf(rv.getObject(i))).as("descriptor of row %d", row).isEqualTo(String.valueOf(sv.getObject(row)));
            }
          }
          assertThat(row).isEqualTo(count);
        }
      }
    }
  }

  private static Set<String> sidecars(Path dir) throws Exception {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      s.filter(p -> p.toString().endsWith(".blob")).forEach(p -> out.add(dir.resolve("data").relativize(p).toString()));
    }
    return out;
  }

  @Test
  void lanceCoreReadsWhatLanceletWrites() throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 10, WriteOptions.Mode.CREATE);
    write(dir, 10, 12, WriteOptions.Mode.APPEND);
    try (Dataset ds = open(dir)) {
      assertThat(ds.fragments()).hasSize(3);
      Set<String> expected = new TreeSet<>();
      for (Fragment f : ds.fragments()) {
        DataFile df = f.files().get(0);
        assertThat(df.fields()).as("the blob field is one column").containsExactly(0, 1);
        assertThat(df.columnIndices()).containsExactly(0, 1);
        String stem = df.path().replace(".lance", "");
        // Fragment 0: pack 1 (70 KiB); dedicated 2 (5 MiB). Fragment 1: pack 1 (64 KiB + 1, 200 KiB). Fragment 2: dedicated 1.
        switch ((int) f.id()) {
          case 0 -> {
            expected.add(BlobStore.sidecarPath(stem, 1));
            expected.add(BlobStore.sidecarPath(stem, 2));
          }
          case 1, 2 -> expected.add(BlobStore.sidecarPath(stem, 1));
          default -> throw new AssertionError("fragment " + f.id());
        }
      }
      assertThat(sidecars(dir)).isEqualTo(expected);
    }
    checkValues(dir, 0, 12);
  }

  @Test
  void schemaAsLanceCoreWritesIt() throws Exception {
    Path ours = tmp.resolve("ours");
    write(ours, 0, 5, WriteOptions.Mode.CREATE);
    Path ref = tmp.resolve("ref");
    BlobTesting.writeBlobV2Dataset(ref, java.util.Arrays.copyOfRange(values, 0, 5), null, alloc);
    try (org.lance.Dataset a = org.lance.Dataset.open(ours.toString(), alloc);
        org.lance.Dataset b = org.lance.Dataset.open(ref.toString(), alloc)) {
      assertThat(a.getSchema()).isEqualTo(b.getSchema());
    }
    try (Dataset a = open(ours); Dataset b = open(ref)) {
      assertThat(a.manifest().schema()).isEqualTo(b.manifest().schema());
    }
  }

  @Test
  void addColumnsWritesABlobV2Column() throws Exception {
    Path dir = tmp.resolve("ds");
    org.apache.arrow.vector.types.pojo.Schema idOnly = new org.apache.arrow.vector.types.pojo.Schema(
        List.of(BlobTesting.blobV2Schema().getFields().get(0)));
    try (VectorSchemaRoot all = BlobTesting.blobV2Root(values, uris, alloc);
        VectorSchemaRoot ids = new VectorSchemaRoot(idOnly.getFields(), List.of(all.getVector(0)), values.length);
        ArrowReader r = new BlobTesting.OneBatch(alloc, ids)) {
      WriteOptions o = WriteOptions.builder().fileVersion(LanceFileVersion.V2_2).maxRowsPerFile(5).allocator(alloc).build();
      Dataset.write(r, dir.toString(), o).close();
    }
    org.apache.arrow.vector.types.pojo.Schema blobOnly = new org.apache.arrow.vector.types.pojo.Schema(
        List.of(BlobTesting.blobV2Schema().getFields().get(1)));
    try (Dataset ds = open(dir);
        VectorSchemaRoot all = BlobTesting.blobV2Root(values, uris, alloc);
        VectorSchemaRoot blobs = new VectorSchemaRoot(blobOnly.getFields(), List.of(all.getVector(1)), values.length);
        ArrowReader r = new BlobTesting.OneBatch(alloc, blobs)) {
      ds.addColumns(r).close();
    }
    try (Dataset ds = open(dir)) {
      for (Fragment f : ds.fragments()) {
        assertThat(f.files()).hasSize(2);
        assertThat(f.files().get(1).fields()).as("the blob field is one column").hasSize(1);
      }
    }
    checkValues(dir, 0, values.length);
  }

  @Test
  void cleanupDeletesSidecarsOnlyWithTheirDataFiles() throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 5, WriteOptions.Mode.CREATE);
    Set<String> first = sidecars(dir);
    assertThat(first).hasSize(2);
    write(dir, 5, 12, WriteOptions.Mode.OVERWRITE);
    Set<String> second = new TreeSet<>(sidecars(dir));
    second.removeAll(first);
    assertThat(second).isNotEmpty();
    try (Dataset ds = open(dir)) {
      // Even unverified files are judged by their data file: the live version's sidecars stay.
      var report = ds.cleanupOldVersions(Instant.now().plusSeconds(60), true);
      assertThat(report.versionsRemoved()).isEqualTo(1);
    }
    assertThat(sidecars(dir)).isEqualTo(second);
    checkValues(dir, 5, 7);
  }
}
