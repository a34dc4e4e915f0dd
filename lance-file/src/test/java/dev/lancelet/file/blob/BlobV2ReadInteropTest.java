package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.io.LocalObjectStore;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.BlobFile;
import org.lance.Dataset;

/**
 * Blob v2 datasets written by lance-core 7.0 (format 2.2), read file by file by Lancelet: the
 * descriptor column, sidecar resolution (inline, packed, dedicated, external), streaming with
 * bounded reads, and corrupt descriptors or sidecars.
 */
class BlobV2ReadInteropTest {
  private static final int KIB = 1024;
  /** Sizes chosen around lance-core's cut-offs (inline up to 64 KiB, packed up to 4 MiB, dedicated above); -1 = null. */
  private static final int[] SIZES = {100, 100 * KIB, 5 * KIB * KIB, -1, 0, 70 * KIB, 2 * KIB * KIB, 64 * KIB};

  @TempDir Path tmp;
  BufferAllocator alloc;
  Path ds;
  byte[][] values;
  Path external;

  @BeforeEach
  void setUp() throws Exception {
    alloc = new RootAllocator();
    external = tmp.resolve("external.bin");
    Files.write(external, BlobTesting.payload(99, 3000));
    values = new byte[SIZES.length + 1][];
    String[] uris = new String[SIZES.length + 1];
    for (int i = 0; i < SIZES.length; i++) {
      values[i] = SIZES[i] < 0 ? null : BlobTesting.payload(i, SIZES[i]);
    }
    uris[SIZES.length] = external.toUri().toString();
    values[SIZES.length] = BlobTesting.payload(99, 3000);
    ds = tmp.resolve("ds");
    BlobTesting.writeBlobV2Dataset(ds, values, uris, alloc);
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  private Path dataFile() throws Exception {
    try (Stream<Path> s = Files.list(ds.resolve("data"))) {
      return s.filter(p -> p.toString().endsWith(".lance")).findFirst().orElseThrow();
    }
  }

  private LanceFileReader open(LocalObjectStore dataDir) throws Exception {
    return LanceFileReader.open(dataDir, dataFile().getFileName().toString(), alloc);
  }

  private static long[] allRows(int n) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  @Test
  void descriptorsAsLanceCoreWritesThem() throws Exception {
    LocalObjectStore dataDir = new LocalObjectStore(ds.resolve("data"));
    try (LanceFileReader r = open(dataDir);
        VectorSchemaRoot root = r.take(allRows(values.length), List.of("blob"))) {
      StructVector sv = (StructVector) root.getVector(0);
      UInt1Vector kind = (UInt1Vector) sv.getChild("kind");
      int[] expected = {0, 1, 2, -1, 0, 1, 1, 0, 3};
      for (int i = 0; i < expected.length; i++) {
        if (expected[i] < 0) {
          assertThat(sv.isNull(i)).as("row %d", i).isTrue();
        } else {
          assertThat(kind.get(i) & 0xFF).as("kind of row %d", i).isEqualTo(expected[i]);
        }
      }
      // lance-core's Dataset.take returns the same descriptor struct, row for row.
      try (Dataset d = Dataset.open(ds.toString(), alloc);
          var ref = d.take(java.util.stream.LongStream.range(0, values.length).boxed().toList(), List.of("blob"))) {
        int row = 0;
        while (ref.loadNextBatch()) {
          var rv = ref.getVectorSchemaRoot().getVector(0);
          for (int i = 0; i < rv.getValueCount(); i++, row++) {
            if (sv.isNull(row)) {
              assertThat(values[row]).as("row %d", row).isNull();
              continue;
            }
            assertThat(String.valueOf(rv.getObject(i))).as("descriptor of row %d", row).isEqualTo(String.valueOf(sv.getObject(row)));
          }
        }
        assertThat(row).isEqualTo(values.length);
      }
      // A scan reads the same descriptors.
      try (var scan = r.scan(dev.lancelet.file.ScanOptions.builder().columns("blob").batchSize(4).build())) {
        int row = 0;
        while (scan.loadNextBatch()) {
          StructVector s2 = (StructVector) scan.getVectorSchemaRoot().getVector(0);
          for (int i = 0; i < s2.getValueCount(); i++, row++) {
            assertThat(s2.getObject(i)).as("row %d", row).isEqualTo(sv.getObject(row));
          }
        }
        assertThat(row).isEqualTo(values.length);
      }
    }
    // The sidecar files lance-core made: one pack (id 1) and one dedicated 5 MiB file (id 2).
    String stem = dataFile().getFileName().toString().replace(".lance", "");
    assertThat(Files.size(ds.resolve("data").resolve(BlobStore.sidecarPath(stem, 2)))).isEqualTo(5L * KIB * KIB);
    assertThat(Files.exists(ds.resolve("data").resolve(BlobStore.sidecarPath(stem, 1)))).isTrue();
  }

  @Test
  void valuesThroughTheResolverMatchLanceCore() throws Exception {
    LocalObjectStore dataDir = new LocalObjectStore(ds.resolve("data"));
    long[] rows = {8, 2, 0, 3, 6, 4, 1, 5, 7, 2};
    try (LanceFileReader r = open(dataDir);
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
    // lance-core's own blob API agrees, value by value.
    try (Dataset d = Dataset.open(ds.toString(), alloc)) {
      List<BlobFile> files = d.takeBlobs(List.of(0L, 1L, 2L, 5L, 6L, 8L), "blob");
      try {
        int[] which = {0, 1, 2, 5, 6, 8};
        for (int i = 0; i < which.length; i++) {
          assertThat(files.get(i).read()).as("lance-core row %d", which[i]).isEqualTo(values[which[i]]);
        }
      } finally {
        for (BlobFile f : files) {
          f.close();
        }
      }
    }
  }

  @Test
  void sidecarValuesNeedAStore() throws Exception {
    try (LanceFileReader r = open(new LocalObjectStore(ds.resolve("data")))) {
      List<BlobHandle> inline = r.takeBlobs(new long[] {0, 3, 4}, "blob");
      assertThat(inline.get(0).readAllBytes()).isEqualTo(values[0]);
      assertThat(inline.get(1)).isNull();
      assertThat(inline.get(2).size()).isZero();
      assertThatThrownBy(() -> r.takeBlobs(new long[] {2}, "blob"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("BlobStore");
      assertThatThrownBy(() -> r.takeBlobs(new long[] {0}, "id"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a blob column");
    }
  }

  @Test
  void fiveMibBlobStreamsIn64KibReads() throws Exception {
    BlobTesting.RecordingStore rec = new BlobTesting.RecordingStore(new LocalObjectStore(ds.resolve("data")));
    try (LanceFileReader r = LanceFileReader.open(rec, dataFile().getFileName().toString(), alloc)) {
      BlobHandle h = r.takeBlobs(new long[] {2}, "blob", BlobStore.of(rec)).get(0);
      assertThat(h.size()).isEqualTo(5L * KIB * KIB);
      rec.reads.clear();
      byte[] want = values[2];
      try (InputStream in = h.openStream()) {
        byte[] buf = new byte[10_000];
        int at = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
          for (int i = 0; i < n; i++) {
            if (buf[i] != want[at + i]) {
              throw new AssertionError("byte " + (at + i) + " differs");
            }
          }
          at += n;
        }
        assertThat(at).isEqualTo(want.length);
      }
      assertThat(rec.reads).hasSize(80).allMatch(len -> len <= BlobHandle.STREAM_READ_BYTES);
      assertThat(rec.reads.stream().mapToLong(Integer::longValue).sum()).isEqualTo(5L * KIB * KIB);

      // A channel seeks: read 1000 bytes from the middle, with one request of 1000 bytes.
      rec.reads.clear();
      try (SeekableByteChannel ch = h.openChannel()) {
        ch.position(3_000_000);
        ByteBuffer b = ByteBuffer.allocate(1000);
        assertThat(ch.read(b)).isEqualTo(1000);
        assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(want, 3_000_000, 3_001_000));
        ch.position(h.size());
        assertThat(ch.read(ByteBuffer.allocate(10))).isEqualTo(-1);
      }
      assertThat(rec.reads).containsExactly(1000);
    }
  }

  @Test
  void missingSidecarIsACorruptionNamingIt() throws Exception {
    String stem = dataFile().getFileName().toString().replace(".lance", "");
    Path dedicated = ds.resolve("data").resolve(BlobStore.sidecarPath(stem, 2));
    Files.delete(dedicated);
    LocalObjectStore dataDir = new LocalObjectStore(ds.resolve("data"));
    try (LanceFileReader r = open(dataDir)) {
      assertThatThrownBy(() -> r.takeBlobs(new long[] {2}, "blob", BlobStore.of(dataDir)))
          .isInstanceOf(LanceFormatException.class)
          .hasMessageContaining(BlobStore.sidecarPath(stem, 2))
          .hasMessageContaining("missing");
      // Rows in other sidecars still resolve.
      assertThat(r.takeBlobs(new long[] {1}, "blob", BlobStore.of(dataDir)).get(0).readAllBytes()).isEqualTo(values[1]);
    }
  }

  @Test
  void truncatedPackIsACorruptionNamingIt() throws Exception {
    String stem = dataFile().getFileName().toString().replace(".lance", "");
    Path pack = ds.resolve("data").resolve(BlobStore.sidecarPath(stem, 1));
    try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
      f.setLength(150 * KIB); // row 1 (bytes 0..100 KiB) survives, row 6 (2 MiB at 170 KiB) does not
    }
    LocalObjectStore dataDir = new LocalObjectStore(ds.resolve("data"));
    try (LanceFileReader r = open(dataDir)) {
      assertThat(r.takeBlobs(new long[] {1}, "blob", BlobStore.of(dataDir)).get(0).readAllBytes()).isEqualTo(values[1]);
      assertThatThrownBy(() -> r.takeBlobs(new long[] {6}, "blob", BlobStore.of(dataDir)))
          .isInstanceOf(LanceFormatException.class)
          .hasMessageContaining(BlobStore.sidecarPath(stem, 1))
          .hasMessageContaining("past the end");
    }
  }

  /** Offset of row 0's packed descriptor (kind 0, position 0, size 100) in the data file: after its u32 length 25. */
  private static int row0Descriptor(byte[] file) {
    byte[] want = new byte[4 + 17];
    want[0] = 25;
    want[4 + 9] = 100;
    outer:
    for (int i = 0; i + want.length <= file.length; i++) {
      for (int j = 0; j < want.length; j++) {
        if (file[i + j] != want[j]) {
          continue outer;
        }
      }
      return i + 4;
    }
    throw new AssertionError("row 0's descriptor not found");
  }

  @Test
  void corruptInlineDescriptorsAreCorruptionsNamingTheFile() throws Exception {
    Path data = dataFile();
    byte[] bytes = Files.readAllBytes(data);
    int at = row0Descriptor(bytes);
    LocalObjectStore dataDir = new LocalObjectStore(ds.resolve("data"));

    byte[] pastEnd = bytes.clone();
    java.nio.ByteBuffer.wrap(pastEnd).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at + 9, bytes.length + 1L);
    Files.write(ds.resolve("data").resolve("past.lance"), pastEnd);
    try (LanceFileReader r = LanceFileReader.open(dataDir, "past.lance", alloc)) {
      assertThatThrownBy(() -> r.takeBlobs(new long[] {0}, "blob", BlobStore.of(dataDir)))
          .isInstanceOf(LanceFormatException.class).hasMessageContaining("past.lance").hasMessageContaining("outside");
    }

    byte[] badKind = bytes.clone();
    badKind[at] = 9;
    Files.write(ds.resolve("data").resolve("kind.lance"), badKind);
    try (LanceFileReader r = LanceFileReader.open(dataDir, "kind.lance", alloc)) {
      assertThatThrownBy(() -> r.takeBlobs(new long[] {0}, "blob", BlobStore.of(dataDir)))
          .isInstanceOf(LanceFormatException.class).hasMessageContaining("kind.lance").hasMessageContaining("unknown blob kind 9");
    }

    byte[] badLength = bytes.clone();
    badLength[at - 4] = 30; // the row claims 30 bytes: its uri length no longer matches
    Files.write(ds.resolve("data").resolve("len.lance"), badLength);
    try (LanceFileReader r = LanceFileReader.open(dataDir, "len.lance", alloc)) {
      assertThatThrownBy(() -> r.take(new long[] {0, 1}, List.of("blob")).close())
          .isInstanceOf(LanceFormatException.class).hasMessageContaining("len.lance");
    }
  }

  @Test
  void sidecarNamesAreBitReversedIds() {
    assertThat(BlobStore.sidecarPath("s", 1)).isEqualTo("s/10000000000000000000000000000000.blob");
    assertThat(BlobStore.sidecarPath("s", 2)).isEqualTo("s/01000000000000000000000000000000.blob");
    assertThat(BlobStore.sidecarPath("s", 0xFFFFFFFFL)).isEqualTo("s/11111111111111111111111111111111.blob");
  }
}
