package dev.lancelet.table.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.table.testing.ReferenceDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.Dataset;
import org.lance.WriteParams;

/** Manifests, transactions, hints and deletion files written by lance-core decode as expected. */
class ManifestInteropTest {
  @TempDir Path dir;
  BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  private void write(String uri, long start, int n, ReferenceDatasets.Params p) throws Exception {
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(start, n, allocator)) {
      ReferenceDatasets.write(uri, ReferenceDatasets.ID_NAME, List.of(b), p);
    }
  }

  @Test
  void decodesEveryVersionLanceWrote() throws Exception {
    String uri = dir.resolve("t.lance").toString();
    write(uri, 0, 1000, ReferenceDatasets.Params.create().maxRowsPerFile(500));
    write(uri, 1000, 200, ReferenceDatasets.Params.create().mode(WriteParams.WriteMode.APPEND));
    try (BufferAllocator ref = new RootAllocator(); Dataset ds = Dataset.open(uri, ref)) {
      ds.delete("id < 3");
      ds.delete("id >= 1000 AND id < 1190");
    }
    Path root = Path.of(uri);
    TreeMap<Long, ManifestFile> byVersion = new TreeMap<>();
    try (Stream<Path> s = Files.list(root.resolve("_versions"))) {
      for (Path p : s.toList()) {
        long v = ManifestNaming.parse(p.getFileName().toString());
        if (v >= 0) {
          assertThat(ManifestNaming.detect(p.getFileName().toString())).isEqualTo(ManifestNaming.V2);
          byVersion.put(v, ManifestFile.decode(Files.readAllBytes(p), p.toString()));
        }
      }
    }
    assertThat(byVersion.keySet()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(VersionHint.decode(Files.readAllBytes(root.resolve(VersionHint.PATH)))).isEqualTo(4);
    List<String> ops = new ArrayList<>();
    for (var e : byVersion.entrySet()) {
      Manifest m = e.getValue().manifest();
      assertThat(m.version()).isEqualTo(e.getKey());
      assertThat(m.writerLibrary()).isEqualTo("lance");
      assertThat(m.dataStorageVersion()).isEqualTo("2.1");
      FeatureFlags.checkReadable(m.readerFeatureFlags(), "v" + m.version());
      // The embedded transaction equals the one in _transactions/.
      Transaction t = e.getValue().transaction();
      assertThat(t).isNotNull();
      assertThat(m.transactionFile()).isEqualTo(t.fileName());
      Transaction fromFile = Transaction.decode(Files.readAllBytes(root.resolve("_transactions").resolve(m.transactionFile())), "txn");
      assertThat(fromFile).isEqualTo(t);
      assertThat(t.readVersion()).isEqualTo(m.version() - 1);
      ops.add(t.operationName());
      // Schema agrees with lance-core's view of that version.
      try (BufferAllocator ref = new RootAllocator();
          Dataset ds = Dataset.open(ref, uri, new org.lance.ReadOptions.Builder().setVersion(m.version()).build())) {
        assertThat(m.schema().arrowSchema().getFields().stream().map(Field::getName).toList())
            .isEqualTo(ds.getSchema().getFields().stream().map(Field::getName).toList());
        for (int i = 0; i < ds.getSchema().getFields().size(); i++) {
          assertThat(m.schema().arrowSchema().getFields().get(i).getType())
              .isEqualTo(ds.getSchema().getFields().get(i).getType());
        }
        assertThat(m.fragments()).hasSize(ds.getFragments().size());
        long live = 0;
        for (Fragment f : m.fragments()) {
          long deleted = 0;
          if (f.deletionFile() != null) {
            DeletionFile d = f.deletionFile();
            DeletionVector dv = DeletionVector.decode(Files.readAllBytes(root.resolve(d.path(f.id()))), d.type(), d.path(f.id()),
                f.physicalRows());
            assertThat(dv.size()).isEqualTo(d.numDeletedRows());
            deleted = dv.size();
          }
          live += f.physicalRows() - deleted;
          for (DataFile df : f.files()) {
            assertThat(Files.size(root.resolve(df.datasetPath()))).isEqualTo(df.fileSizeBytes());
            assertThat(df.path()).matches("[01]{24}[0-9a-f]{26}\\.lance");
          }
        }
        assertThat(live).isEqualTo(ds.countRows());
      }
      // Re-encoding gives a manifest that decodes to the same thing.
      ManifestFile.Encoded again = ManifestFile.encode(m, e.getValue().indexSection(), t);
      assertThat(ManifestFile.decode(again.bytes(), "re").manifest()).isEqualTo(again.manifest());
    }
    assertThat(ops).containsExactly("Overwrite", "Append", "Delete", "Delete");
    Manifest last = byVersion.lastEntry().getValue().manifest();
    assertThat(last.readerFeatureFlags()).isEqualTo(FeatureFlags.DELETION_FILES);
    assertThat(last.maxFragmentId()).isEqualTo(2);
  }

  @Test
  void largeDeletionsAreRoaringBitmapsWeRead() throws Exception {
    String uri = dir.resolve("big.lance").toString();
    write(uri, 0, 12_000, ReferenceDatasets.Params.create());
    try (BufferAllocator ref = new RootAllocator(); Dataset ds = Dataset.open(uri, ref)) {
      ds.delete("id % 2 = 0");
    }
    Path root = Path.of(uri);
    ManifestFile mf = ManifestFile.decode(Files.readAllBytes(root.resolve(ManifestNaming.V2.path(2))), "v2");
    Fragment f = mf.manifest().fragments().get(0);
    assertThat(f.deletionFile().type()).isEqualTo(DeletionFile.Type.BITMAP);
    byte[] bytes = Files.readAllBytes(root.resolve(f.deletionFile().path(f.id())));
    DeletionVector dv = DeletionVector.decode(bytes, DeletionFile.Type.BITMAP, "d", f.physicalRows());
    assertThat(dv.size()).isEqualTo(6000);
    for (int i = 0; i < 12_000; i++) {
      assertThat(dv.contains(i)).isEqualTo(i % 2 == 0);
    }
    // Our encoding of the same set is byte-identical to Lance's.
    assertThat(dv.encode(DeletionFile.Type.BITMAP)).isEqualTo(bytes);
  }

  @Test
  void lanceCoreReadsDeletionFilesWeEncode() throws Exception {
    String uri = dir.resolve("del.lance").toString();
    write(uri, 0, 12_000, ReferenceDatasets.Params.create().maxRowsPerFile(6000));
    try (BufferAllocator ref = new RootAllocator(); Dataset ds = Dataset.open(uri, ref)) {
      ds.delete("id % 3 = 0 AND id < 6000");   // 2000 rows of fragment 0: .arrow
      ds.delete("id >= 6000 AND id < 11900"); // 5900 rows of fragment 1: .bin
    }
    Path root = Path.of(uri);
    ManifestFile mf = ManifestFile.decode(Files.readAllBytes(root.resolve(ManifestNaming.V2.path(3))), "v3");
    List<DeletionFile.Type> types = new ArrayList<>();
    for (Fragment f : mf.manifest().fragments()) {
      DeletionFile d = f.deletionFile();
      types.add(d.type());
      Path p = root.resolve(d.path(f.id()));
      DeletionVector dv = DeletionVector.decode(Files.readAllBytes(p), d.type(), p.toString(), f.physicalRows());
      // Replace Lance's file by our encoding of the same rows (ours is uncompressed Arrow IPC).
      Files.write(p, dv.encode(d.type()));
    }
    assertThat(types).containsExactly(DeletionFile.Type.ARROW_ARRAY, DeletionFile.Type.BITMAP);
    try (BufferAllocator ref = new RootAllocator(); Dataset ds = Dataset.open(uri, ref)) {
      assertThat(ds.countRows()).isEqualTo(12_000 - 2000 - 5900);
      assertThat(ds.countRows("id % 3 = 0 AND id < 6000")).isZero();
      assertThat(ds.countRows("id >= 11900")).isEqualTo(100);
    }
  }
}
