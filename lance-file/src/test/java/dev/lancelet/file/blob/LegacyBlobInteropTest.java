package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.file.LanceFileWriter;
import dev.lancelet.file.LanceFormatException;
import dev.lancelet.file.WriteOptions;
import dev.lancelet.file.testing.ReferenceLance;
import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.LocalObjectStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.file.BlobReadMode;
import org.lance.file.FileReadOptions;

/**
 * Legacy blob columns (large_binary with {@code lance-encoding:blob}, format 2.1): files written
 * by lance-core read by Lancelet (values and streamed handles), files written by Lancelet read
 * by lance-core, and descriptors pointing outside the file.
 */
class LegacyBlobInteropTest {
  private static final int KIB = 1024;

  @TempDir Path dir;
  BufferAllocator alloc;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  static Schema schema() {
    Field blob = new Field("b", new FieldType(true, ArrowType.LargeBinary.INSTANCE, null, Map.of("lance-encoding:blob", "true")), null);
    return new Schema(List.of(new Field("id", FieldType.notNullable(new ArrowType.Int(32, true)), null), blob));
  }

  /** Whether {@link #value} makes nulls (lance-core 7.0 cannot read such legacy blob content, see below). */
  boolean nulls = true;
  /** Whether {@link #value} makes empty values. */
  boolean empties = true;

  /** Row i: null every 5th row (when {@link #nulls}), empty every 7th, else a payload of 10 B up to ~1.5 MiB. */
  byte[] value(int i) {
    if (nulls && i % 5 == 3) {
      return null;
    }
    if (empties && i % 7 == 4) {
      return new byte[0];
    }
    int n = i % 11 == 0 ? 1536 * KIB + i : 10 + (i * 977) % (40 * KIB);
    return BlobTesting.payload(i, n);
  }

  /** Batches of {@code per} rows, {@code n} rows in all. */
  List<VectorSchemaRoot> batches(int n, int per) {
    List<VectorSchemaRoot> out = new ArrayList<>();
    for (int start = 0; start < n; start += per) {
      VectorSchemaRoot root = VectorSchemaRoot.create(schema(), alloc);
      IntVector id = (IntVector) root.getVector(0);
      LargeVarBinaryVector b = (LargeVarBinaryVector) root.getVector(1);
      int m = Math.min(per, n - start);
      for (int i = 0; i < m; i++) {
        id.setSafe(i, start + i);
        byte[] v = value(start + i);
        if (v == null) {
          b.setNull(i);
        } else {
          b.setSafe(i, v);
        }
      }
      root.setRowCount(m);
      out.add(root);
    }
    return out;
  }

  private void checkValues(String what, List<VectorSchemaRoot> roots, int n) {
    int row = 0;
    for (VectorSchemaRoot r : roots) {
      LargeVarBinaryVector b = (LargeVarBinaryVector) r.getVector("b");
      for (int i = 0; i < r.getRowCount(); i++, row++) {
        byte[] want = value(row);
        if (want == null) {
          assertThat(b.isNull(i)).as("%s: row %d is null", what, row).isTrue();
        } else {
          assertThat(b.get(i)).as("%s: row %d", what, row).isEqualTo(want);
        }
      }
    }
    assertThat(row).as(what).isEqualTo(n);
  }

  private void checkHandles(LanceFileReader r, int n) throws Exception {
    long[] rows = new long[n];
    for (int i = 0; i < n; i++) {
      rows[n - 1 - i] = i;
    }
    List<BlobHandle> hs = r.takeBlobs(rows, "b");
    for (int k = 0; k < n; k++) {
      int i = (int) rows[k];
      byte[] want = value(i);
      BlobHandle h = hs.get(k);
      if (want == null) {
        assertThat(h).as("row %d", i).isNull();
        continue;
      }
      assertThat(h.size()).as("row %d", i).isEqualTo(want.length);
      try (InputStream in = h.openStream()) {
        assertThat(in.readAllBytes()).as("row %d", i).isEqualTo(want);
      }
    }
  }

  @Test
  void lanceCoreFileReadByLancelet() throws Exception {
    int n = 60;
    List<VectorSchemaRoot> in = batches(n, 25);
    Path file = dir.resolve("ref.lance");
    try {
      ReferenceLance.writeFile(file, schema(), in, "2.1");
    } finally {
      ReferenceLance.closeAll(in);
    }
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), "ref.lance", alloc)) {
      assertThat(r.info().columns().get(1).pages().get(0).layout()).isEqualTo("Blob");
      List<VectorSchemaRoot> got = new ArrayList<>();
      try (VectorSchemaRoot all = r.take(java.util.stream.LongStream.range(0, n).toArray(), null)) {
        checkValues("Lancelet take of lance-core's file", List.of(all), n);
      }
      checkHandles(r, n);
    }
  }

  private void writeOurs(String name, int n) throws Exception {
    List<VectorSchemaRoot> in = batches(n, 25);
    try {
      WriteOptions o = WriteOptions.builder().version(LanceFileVersion.V2_1).build();
      try (LanceFileWriter w = LanceFileWriter.create(new LocalObjectStore(dir), name, schema(), alloc, o)) {
        for (VectorSchemaRoot b : in) {
          w.write(b);
        }
      }
    } finally {
      ReferenceLance.closeAll(in);
    }
  }

  /** lance-core's reading of column b, row by row, as Java objects (byte[] or a descriptor map). */
  private static List<Object> lanceCoreRead(Path file, BlobReadMode mode) throws Exception {
    List<Object> out = new ArrayList<>();
    try (BufferAllocator a = new RootAllocator()) {
      org.lance.file.LanceFileReader r = org.lance.file.LanceFileReader.open(file.toString(), a);
      try (var rd = r.readAll(List.of("b"), null, 16, FileReadOptions.builder().blobReadMode(mode).build())) {
        while (rd.loadNextBatch()) {
          var v = rd.getVectorSchemaRoot().getVector(0);
          for (int i = 0; i < v.getValueCount(); i++) {
            Object o = v.getObject(i);
            out.add(o == null ? null : o instanceof byte[] ? o : o.toString());
          }
        }
      } finally {
        r.close();
      }
    }
    return out;
  }

  @Test
  void lanceletFileReadByLanceCore() throws Exception {
    int n = 60;
    writeOurs("ours.lance", n);
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), "ours.lance", alloc)) {
      assertThat(r.info().columns().get(1).pages()).allMatch(p -> p.layout().equals("Blob"));
      checkHandles(r, n);
    }
    // The same rows written by lance-core: same page layout, same descriptors (the files differ
    // only in padding bytes and the protobuf type URLs).
    List<VectorSchemaRoot> in = batches(n, 25);
    try {
      ReferenceLance.writeFile(dir.resolve("ref.lance"), schema(), in, "2.1");
    } finally {
      ReferenceLance.closeAll(in);
    }
    try (LanceFileReader ours = LanceFileReader.open(new LocalObjectStore(dir), "ours.lance", alloc);
        LanceFileReader ref = LanceFileReader.open(new LocalObjectStore(dir), "ref.lance", alloc)) {
      assertThat(ours.info().columns().get(1).pages().get(0).encoding()).isEqualTo(ref.info().columns().get(1).pages().get(0).encoding());
    }
    List<Object> descOurs = lanceCoreRead(dir.resolve("ours.lance"), BlobReadMode.DESCRIPTOR);
    assertThat(descOurs).hasSize(n).isEqualTo(lanceCoreRead(dir.resolve("ref.lance"), BlobReadMode.DESCRIPTOR));
    for (int i = 0; i < n; i++) {
      byte[] want = value(i);
      if (want == null) {
        assertThat(descOurs.get(i)).as("row %d", i).isNull();
      } else {
        assertThat((String) descOurs.get(i)).as("row %d", i).contains("\"size\":" + want.length + "}");
      }
    }
    // lance-core 7.0 fails reading the *content* of a legacy 2.1 blob column holding nulls and
    // empty values, its own files included ("Expected option to have value"); a column with
    // neither it reads, ours included.
    assertThatThrownBy(() -> lanceCoreRead(dir.resolve("ref.lance"), BlobReadMode.CONTENT)).hasMessageContaining("Expected option to have value");
    nulls = false;
    empties = false;
    writeOurs("nonull.lance", n);
    List<Object> content = lanceCoreRead(dir.resolve("nonull.lance"), BlobReadMode.CONTENT);
    assertThat(content).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat((byte[]) content.get(i)).as("lance-core content of row %d", i).isEqualTo(value(i));
    }
  }

  @Test
  void version20HandlesBothWays() throws Exception {
    int n = 40;
    List<VectorSchemaRoot> in = batches(n, 20);
    try {
      ReferenceLance.writeFile(dir.resolve("ref20.lance"), schema(), in, "2.0");
      try (LanceFileWriter w = LanceFileWriter.create(new LocalObjectStore(dir), "ours20.lance", schema(), alloc,
          WriteOptions.builder().version(LanceFileVersion.V2_0).build())) {
        for (VectorSchemaRoot b : in) {
          w.write(b);
        }
      }
    } finally {
      ReferenceLance.closeAll(in);
    }
    for (String name : List.of("ref20.lance", "ours20.lance")) {
      try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), name, alloc)) {
        assertThat(r.version()).isEqualTo(LanceFileVersion.V2_0);
        checkHandles(r, n);
      }
    }
  }

  @Test
  void blobMetadataIsRefusedFor22() {
    assertThatThrownBy(() -> LanceFileWriter.create(new LocalObjectStore(dir), "x.lance", schema(), alloc,
        WriteOptions.builder().version(LanceFileVersion.V2_2).build()))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("blob v2");
    assertThat(Files.exists(dir.resolve("x.lance"))).isFalse();
  }

  @Test
  void descriptorPastTheEndOfTheFileIsACorruption() throws Exception {
    List<VectorSchemaRoot> in = batches(12, 12);
    try {
      try (LanceFileWriter w = LanceFileWriter.create(new LocalObjectStore(dir), "c.lance", schema(), alloc,
          WriteOptions.builder().version(LanceFileVersion.V2_1).build())) {
        w.write(in.get(0));
      }
    } finally {
      ReferenceLance.closeAll(in);
    }
    Path file = dir.resolve("c.lance");
    byte[] bytes = Files.readAllBytes(file);
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), "c.lance", alloc)) {
      BlobHandle h = r.takeBlobs(new long[] {0}, "b").get(0);
      assertThat(h.offset() + h.size()).isLessThanOrEqualTo(bytes.length);
      // Make row 0's descriptor run one byte past the end of the file.
      long pos = h.offset();
      long size = h.size();
      int at = indexOfPair(bytes, pos, size);
      assertThat(at).as("descriptor of row 0 found in the file").isGreaterThanOrEqualTo(0);
      java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(at + 8, bytes.length - pos + 1);
    }
    Files.write(dir.resolve("bad.lance"), bytes);
    try (LanceFileReader r = LanceFileReader.open(new LocalObjectStore(dir), "bad.lance", alloc)) {
      assertThatThrownBy(() -> r.takeBlobs(new long[] {0}, "b"))
          .isInstanceOf(LanceFormatException.class)
          .hasMessageContaining("bad.lance")
          .hasMessageContaining("outside");
    }
  }

  private static int indexOfPair(byte[] b, long pos, long size) {
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 16 <= b.length; i++) {
      if (bb.getLong(i) == pos && bb.getLong(i + 8) == size) {
        return i;
      }
    }
    return -1;
  }
}
