package dev.lancelet.file.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.table.CommitConflictException;
import dev.lancelet.table.CompactionOptions;
import dev.lancelet.table.CompactionReport;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.MergeInsertBuilder;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.format.Fragment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lance.BlobFile;

/**
 * Compaction, update and merge-insert of blob v2 datasets (format 2.2): the rewritten rows' blobs
 * (inline, packed, dedicated, external, null, empty) are copied into the new data files and their
 * sidecars; lance-core 7.0 ({@code takeBlobsByIndices}) and Lancelet read the same values as
 * before; cleanup removes only the old sidecars; a rewrite that loses its commit leaves none.
 */
class DatasetBlobV2RewriteInteropTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;
  /** -1 = null, -2 = external URI. */
  private static final int[] SIZES = {100, 0, -1, 70 * KIB, 5 * MIB, 64 * KIB, 64 * KIB + 1, 200 * KIB, -2, -1, 4 * MIB + 7, 10};
  private static final int EXTERNAL_ID = 8;

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
    alloc.close(); // fails on a leak
  }

  /** A batch of rows {@code ids} holding {@code vals} (null = null row) or, where set, {@code us}. */
  private VectorSchemaRoot root(int[] ids, byte[][] vals, String[] us) {
    VectorSchemaRoot root = VectorSchemaRoot.create(BlobTesting.blobV2Schema(), alloc);
    IntVector id = (IntVector) root.getVector(0);
    StructVector sv = (StructVector) root.getVector(1);
    LargeVarBinaryVector dv = (LargeVarBinaryVector) sv.getChild("data");
    VarCharVector uv = (VarCharVector) sv.getChild("uri");
    for (int i = 0; i < ids.length; i++) {
      id.setSafe(i, ids[i]);
      if (us != null && us[i] != null) {
        sv.setIndexDefined(i);
        dv.setNull(i);
        uv.setSafe(i, us[i].getBytes(StandardCharsets.UTF_8));
      } else if (vals[i] == null) {
        sv.setNull(i);
        dv.setNull(i);
        uv.setNull(i);
      } else {
        sv.setIndexDefined(i);
        dv.setSafe(i, vals[i]);
        uv.setNull(i);
      }
    }
    root.setRowCount(ids.length);
    return root;
  }

  private static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private void write(Path dir, int from, int to, WriteOptions.Mode mode, boolean stableRowIds) throws Exception {
    try (VectorSchemaRoot root = root(range(from, to), java.util.Arrays.copyOfRange(values, from, to),
        java.util.Arrays.copyOfRange(uris, from, to));
        ArrowReader r = new BlobTesting.OneBatch(alloc, root)) {
      WriteOptions o = WriteOptions.builder().mode(mode).fileVersion(LanceFileVersion.V2_2).maxRowsPerFile(5)
          .stableRowIds(stableRowIds).allocator(alloc).build();
      Dataset.write(r, dir.toString(), o).close();
    }
  }

  private Dataset open(Path dir) throws Exception {
    return Dataset.open(dir.toString(), OpenOptions.builder().allocator(alloc).build());
  }

  /** The original values by id, without {@code dropped}. */
  private Map<Integer, byte[]> original(int... dropped) {
    Map<Integer, byte[]> m = new HashMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put(i, values[i]);
    }
    for (int d : dropped) {
      m.remove(d);
    }
    return m;
  }

  /** Ids of the dataset's rows, in row order. */
  private List<Integer> ids(Dataset ds) throws Exception {
    List<Integer> out = new ArrayList<>();
    try (ArrowReader r = ds.newScan().columns("id").open()) {
      while (r.loadNextBatch()) {
        IntVector v = (IntVector) r.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < r.getVectorSchemaRoot().getRowCount(); i++) {
          out.add(v.get(i));
        }
      }
    }
    return out;
  }

  /** Id to row id (stable row ids). */
  private Map<Integer, Long> rowIds(Path dir) throws Exception {
    Map<Integer, Long> out = new HashMap<>();
    try (Dataset ds = open(dir); ArrowReader r = ds.newScan().columns("id").withRowId(true).open()) {
      while (r.loadNextBatch()) {
        IntVector v = (IntVector) r.getVectorSchemaRoot().getVector(0);
        UInt8Vector ids = (UInt8Vector) r.getVectorSchemaRoot().getVector("_rowid");
        for (int i = 0; i < r.getVectorSchemaRoot().getRowCount(); i++) {
          out.put(v.get(i), ids.get(i));
        }
      }
    }
    return out;
  }

  /**
   * Every row's blob through Lancelet's takeBlobs and lance-core's takeBlobsByIndices equals
   * {@code want} (by id); rows whose id is in {@code external} still point at the external URI.
   */
  private void check(Path dir, Map<Integer, byte[]> want, Set<Integer> external) throws Exception {
    List<Integer> ids;
    List<Long> nonNull = new ArrayList<>();
    try (Dataset ds = open(dir)) {
      ids = ids(ds);
      assertThat(new TreeSet<>(ids)).isEqualTo(new TreeSet<>(want.keySet()));
      long[] rows = new long[ids.size()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = i;
        if (want.get(ids.get(i)) != null) {
          nonNull.add((long) i);
        }
      }
      List<BlobHandle> hs = ds.takeBlobs(rows, "blob");
      for (int i = 0; i < rows.length; i++) {
        byte[] w = want.get(ids.get(i));
        if (w == null) {
          assertThat(hs.get(i)).as("id %d", ids.get(i)).isNull();
        } else {
          assertThat(hs.get(i).readAllBytes()).as("id %d", ids.get(i)).isEqualTo(w);
        }
      }
      try (VectorSchemaRoot d = ds.take(rows, List.of("blob"))) {
        StructVector sv = (StructVector) d.getVector(0);
        UInt1Vector kind = (UInt1Vector) sv.getChildByOrdinal(0);
        VarCharVector uri = (VarCharVector) sv.getChildByOrdinal(4);
        for (int i = 0; i < rows.length; i++) {
          if (external.contains(ids.get(i))) {
            assertThat(kind.get(i)).as("kind of id %d", ids.get(i)).isEqualTo((byte) BlobKind.EXTERNAL.code());
            assertThat(new String(uri.get(i), StandardCharsets.UTF_8)).isEqualTo(uris[EXTERNAL_ID]);
          } else {
            assertThat(kind.get(i)).as("kind of id %d", ids.get(i)).isNotEqualTo((byte) BlobKind.EXTERNAL.code());
          }
        }
      }
    }
    try (org.lance.Dataset ref = org.lance.Dataset.open(dir.toString(), alloc)) {
      assertThat(ref.countRows()).isEqualTo(ids.size());
      List<BlobFile> files = ref.takeBlobsByIndices(nonNull, "blob");
      try {
        assertThat(files).hasSize(nonNull.size());
        for (int i = 0; i < files.size(); i++) {
          int id = ids.get(nonNull.get(i).intValue());
          assertThat(files.get(i).read()).as("lance-core, id %d", id).isEqualTo(want.get(id));
        }
      } finally {
        for (BlobFile f : files) {
          f.close();
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

  /** Sidecars of the data files of {@code fragments}. */
  private static Set<String> sidecarsOf(Path dir, List<Fragment> fragments) throws Exception {
    Set<String> stems = new TreeSet<>();
    for (Fragment f : fragments) {
      stems.add(f.files().get(0).path().replace(".lance", ""));
    }
    Set<String> out = new TreeSet<>();
    for (String s : sidecars(dir)) {
      if (stems.contains(s.substring(0, s.indexOf('/')))) {
        out.add(s);
      }
    }
    return out;
  }

  private void compactAndCheck(Path dir, boolean stableRowIds) throws Exception {
    try (Dataset ds = open(dir); Dataset d1 = ds.delete("id = 4"); Dataset d2 = d1.delete("id = 7")) {
      assertThat(d2.fragments()).hasSize(3);
    }
    Map<Integer, Long> idsBefore = stableRowIds ? rowIds(dir) : null;
    Set<String> before = sidecars(dir);
    List<Fragment> fresh;
    try (Dataset ds = open(dir)) {
      CompactionReport rep = ds.compact(CompactionOptions.builder().targetRowsPerFragment(1000).build());
      assertThat(rep.fragmentsRemoved()).isEqualTo(3);
      assertThat(rep.fragmentsAdded()).isEqualTo(1);
      try (Dataset after = ds.checkoutLatest()) {
        fresh = after.fragments();
      }
    }
    assertThat(fresh).hasSize(1);
    Set<String> added = sidecarsOf(dir, fresh);
    // 70 KiB, 64 KiB + 1, 200 KiB in pack 1; 4 MiB + 7 dedicated (the deleted 5 MiB value is gone).
    assertThat(added).hasSize(2);
    Set<String> all = new TreeSet<>(before);
    all.addAll(added);
    assertThat(sidecars(dir)).isEqualTo(all);
    check(dir, original(4, 7), Set.of(EXTERNAL_ID));
    if (stableRowIds) {
      assertThat(rowIds(dir)).isEqualTo(idsBefore);
    }
    try (Dataset ds = open(dir)) {
      ds.cleanupOldVersions(Instant.now().plusSeconds(60), true);
    }
    assertThat(sidecars(dir)).as("cleanup removes exactly the old sidecars").isEqualTo(added);
    check(dir, original(4, 7), Set.of(EXTERNAL_ID));
  }

  @Test
  void compactionCopiesBlobsOfLanceCoreAndLanceletFiles() throws Exception {
    Path dir = tmp.resolve("ds");
    // Fragment 0 by lance-core, fragments 1 and 2 appended by Lancelet.
    BlobTesting.writeBlobV2Dataset(dir, java.util.Arrays.copyOfRange(values, 0, 5), java.util.Arrays.copyOfRange(uris, 0, 5),
        alloc);
    write(dir, 5, 12, WriteOptions.Mode.APPEND, false);
    compactAndCheck(dir, false);
  }

  @Test
  void compactionWithStableRowIdsKeepsRowIdsAndBlobs() throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 12, WriteOptions.Mode.CREATE, true);
    compactAndCheck(dir, true);
  }

  @Test
  void compactionOfBlobAndDictionaryColumns() throws Exception {
    Path dir = tmp.resolve("ds");
    var enc = new org.apache.arrow.vector.types.pojo.DictionaryEncoding(7, false,
        new org.apache.arrow.vector.types.pojo.ArrowType.Int(32, true));
    var schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(BlobTesting.blobV2Schema().getFields().get(0),
        BlobTesting.blobV2Schema().getFields().get(1), new org.apache.arrow.vector.types.pojo.Field("d",
            new org.apache.arrow.vector.types.pojo.FieldType(true, enc.getIndexType(), enc), null)));
    VarCharVector words = new VarCharVector("d", alloc);
    words.allocateNew();
    for (int i = 0; i < 3; i++) {
      words.setSafe(i, ("word" + i).getBytes(StandardCharsets.UTF_8));
    }
    words.setValueCount(3);
    var provider = new org.apache.arrow.vector.dictionary.DictionaryProvider.MapDictionaryProvider();
    provider.put(new org.apache.arrow.vector.dictionary.Dictionary(words, enc));
    try (VectorSchemaRoot blobs = root(range(0, 12), values, uris); VectorSchemaRoot all = VectorSchemaRoot.create(schema, alloc)) {
      for (int c = 0; c < 2; c++) {
        blobs.getVector(c).makeTransferPair(all.getVector(c)).transfer();
      }
      IntVector d = (IntVector) all.getVector(2);
      d.allocateNew(12);
      for (int i = 0; i < 12; i++) {
        d.set(i, i % 3);
      }
      d.setValueCount(12);
      all.setRowCount(12);
      try (ArrowReader r = new dev.lancelet.table.testing.RootsReader(alloc, schema, List.of(all), provider)) {
        Dataset.write(r, dir.toString(), WriteOptions.builder().fileVersion(LanceFileVersion.V2_2).maxRowsPerFile(5)
            .allocator(alloc).build()).close();
      }
    } finally {
      words.close();
    }
    try (Dataset ds = open(dir); Dataset d1 = ds.delete("id = 4")) {
      CompactionReport rep = d1.compact(CompactionOptions.builder().targetRowsPerFragment(1000).build());
      assertThat(rep.fragmentsAdded()).isEqualTo(1);
    }
    check(dir, original(4), Set.of(EXTERNAL_ID));
    try (Dataset ds = open(dir); ArrowReader r = ds.newScan().columns("id", "d").open()) {
      assertThat(ds.manifest().schema().topLevel("d").logicalType()).isEqualTo("dict:string:int32:false");
      int rows = 0;
      while (r.loadNextBatch()) {
        IntVector id = (IntVector) r.getVectorSchemaRoot().getVector("id");
        VarCharVector d = (VarCharVector) r.getVectorSchemaRoot().getVector("d");
        for (int i = 0; i < r.getVectorSchemaRoot().getRowCount(); i++, rows++) {
          assertThat(new String(d.get(i), StandardCharsets.UTF_8)).isEqualTo("word" + id.get(i) % 3);
        }
      }
      assertThat(rows).isEqualTo(11);
    }
  }

  /** A local store (with put-if-absent, so commits work) that records every read as path and length. */
  private static final class Recording implements dev.lancelet.io.ObjectStore, dev.lancelet.io.ConditionalPut {
    final dev.lancelet.io.LocalObjectStore inner;
    final List<Map.Entry<String, Integer>> reads = new java.util.concurrent.CopyOnWriteArrayList<>();

    Recording(Path dir) {
      inner = new dev.lancelet.io.LocalObjectStore(dir);
    }

    @Override
    public String uri() {
      return inner.uri();
    }

    @Override
    public dev.lancelet.io.ReadableObject open(String path) throws java.io.IOException {
      dev.lancelet.io.ReadableObject o = inner.open(path);
      return new dev.lancelet.io.ReadableObject() {
        @Override
        public String location() {
          return o.location();
        }

        @Override
        public long size() throws java.io.IOException {
          return o.size();
        }

        @Override
        public java.nio.ByteBuffer read(long offset, int length) throws java.io.IOException {
          reads.add(Map.entry(path, length));
          return o.read(offset, length);
        }

        @Override
        public void close() throws java.io.IOException {
          o.close();
        }
      };
    }

    @Override
    public boolean exists(String path) throws java.io.IOException {
      return inner.exists(path);
    }

    @Override
    public dev.lancelet.io.ObjectWriter create(String path) throws java.io.IOException {
      return inner.create(path);
    }

    @Override
    public List<dev.lancelet.io.ObjectInfo> list(String prefix) throws java.io.IOException {
      return inner.list(prefix);
    }

    @Override
    public void delete(String path) throws java.io.IOException {
      inner.delete(path);
    }

    @Override
    public void putIfAbsent(String path, byte[] data) throws java.io.IOException {
      inner.putIfAbsent(path, data);
    }
  }

  @Test
  void compactionStreamsBlobsInSmallReads() throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 12, WriteOptions.Mode.CREATE, false);
    Recording rec = new Recording(dir);
    try (Dataset ds = Dataset.open(rec, OpenOptions.builder().allocator(alloc).build())) {
      rec.reads.clear();
      ds.compact(CompactionOptions.builder().targetRowsPerFragment(1000).build());
    }
    // The sidecar values (5 MiB and 4 MiB dedicated, 70 KiB to 200 KiB packed) were copied in reads
    // of at most 64 KiB; nothing was read whole.
    long sidecarBytes = 0;
    int maxSidecarRead = 0;
    int maxRead = 0;
    for (Map.Entry<String, Integer> r : rec.reads) {
      maxRead = Math.max(maxRead, r.getValue());
      if (r.getKey().endsWith(".blob")) {
        sidecarBytes += r.getValue();
        maxSidecarRead = Math.max(maxSidecarRead, r.getValue());
      }
    }
    assertThat(sidecarBytes).isEqualTo(5L * MIB + 4L * MIB + 7 + 70 * KIB + 64 * KIB + 1 + 200 * KIB);
    assertThat(maxSidecarRead).isEqualTo(BlobHandle.STREAM_READ_BYTES);
    assertThat(maxRead).isLessThan(MIB);
    check(dir, original(), Set.of(EXTERNAL_ID));
  }

  @Test
  void compactionThatLosesItsCommitLeavesNoSidecars() throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 12, WriteOptions.Mode.CREATE, false);
    try (Dataset a = open(dir); Dataset b = open(dir)) {
      a.compact(CompactionOptions.builder().targetRowsPerFragment(1000).build());
      Set<String> after = sidecars(dir);
      assertThatThrownBy(() -> b.compact(CompactionOptions.builder().targetRowsPerFragment(1000).build()))
          .isInstanceOf(CommitConflictException.class);
      assertThat(sidecars(dir)).isEqualTo(after);
    }
    check(dir, original(), Set.of(EXTERNAL_ID));
  }

  @Test
  void updateCopiesTheBlobsOfRewrittenRows() throws Exception {
    update(false);
  }

  @Test
  void updateWithStableRowIdsKeepsRowIdsAndBlobs() throws Exception {
    update(true);
  }

  private void update(boolean stableRowIds) throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 12, WriteOptions.Mode.CREATE, stableRowIds);
    Map<Integer, Long> idsBefore = stableRowIds ? rowIds(dir) : null;
    Set<String> before = sidecars(dir);
    try (Dataset ds = open(dir); Dataset up = ds.update(Map.of("id", "id + 100"), "id >= 3 AND id < 9")) {
      assertThat(up.countRows()).isEqualTo(12);
    }
    Map<Integer, byte[]> want = original(3, 4, 5, 6, 7, 8);
    for (int i = 3; i < 9; i++) {
      want.put(i + 100, values[i]);
    }
    check(dir, want, Set.of(EXTERNAL_ID + 100));
    Set<String> now = sidecars(dir);
    assertThat(now).containsAll(before);
    // The rewritten rows' packed (70 KiB, 64 KiB + 1, 200 KiB) and dedicated (5 MiB) values.
    assertThat(now).hasSize(before.size() + 2);
    if (stableRowIds) {
      Map<Integer, Long> moved = new HashMap<>();
      idsBefore.forEach((id, rowId) -> moved.put(id >= 3 && id < 9 ? id + 100 : id, rowId));
      assertThat(rowIds(dir)).isEqualTo(moved);
    }
  }

  @Test
  void mergeInsertWritesSourceBlobsAndKeepsTheOthers() throws Exception {
    Path dir = tmp.resolve("ds");
    write(dir, 0, 10, WriteOptions.Mode.CREATE, false);
    byte[] packed = BlobTesting.payload(77, 300 * KIB);
    byte[] dedicated = BlobTesting.payload(78, 5 * MIB);
    try (Dataset ds = open(dir);
        VectorSchemaRoot src = root(new int[] {2, 3, 50}, new byte[][] {packed, null, dedicated}, null);
        ArrowReader r = new BlobTesting.OneBatch(alloc, src);
        MergeInsertBuilder.Result res = ds.mergeInsert(List.of("id")).whenMatchedUpdateAll().whenNotMatchedInsertAll()
            .execute(r)) {
      assertThat(res.rowsUpdated()).isEqualTo(2);
      assertThat(res.rowsInserted()).isEqualTo(1);
    }
    // A conditional update would compare source values with target descriptors: refused.
    try (Dataset ds = open(dir);
        VectorSchemaRoot src = root(new int[] {1}, new byte[][] {packed}, null);
        ArrowReader r = new BlobTesting.OneBatch(alloc, src)) {
      assertThatThrownBy(() -> ds.mergeInsert(List.of("id")).whenMatchedUpdateAll("source.id > 0").execute(r))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("blob v2");
    }
    Map<Integer, byte[]> want = original(10, 11);
    want.put(2, packed);
    want.put(3, null);
    want.put(50, dedicated);
    check(dir, want, Set.of(EXTERNAL_ID));
  }
}
