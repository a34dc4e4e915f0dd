package dev.lancelet.table.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lancelet.io.ConditionalPutProbe;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.CommitOutcomeUnknownException;
import dev.lancelet.table.CorruptManifestException;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.DatasetNotFoundException;
import dev.lancelet.table.OpenOptions;
import dev.lancelet.table.VersionInfo;
import dev.lancelet.table.VersionNotFoundException;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.commit.Committer;
import dev.lancelet.table.format.ManifestNaming;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The table layer on one object store: every subclass runs the same dataset life cycle, commit
 * races, corruption handling and fault injection on its store (memory, local disk, S3 on S3Proxy,
 * GCS on the fake JSON-API server). Pass criteria are stated in each test.
 */
abstract class DatasetStoreSuite {
  /** Racing writers in the default run (8 x 5, for the CI budget); the {@code reliability-long} run uses 16 x 50. */
  static final int WRITERS = 8;
  static final int APPENDS_EACH = 5;

  protected BufferAllocator allocator;
  private final List<ObjectStore> opened = new ArrayList<>();

  /** A fresh, empty dataset root named {@code name} on the store under test. */
  protected abstract ObjectStore newStore(String name) throws IOException;

  /**
   * The same root as {@code store}, reached through a client whose manifest PUTs are applied and
   * then lose their answer {@code times} times; the default wraps the store in {@link FaultyStore}.
   */
  protected ObjectStore losingManifestAnswers(ObjectStore store, int times) throws IOException {
    FaultyStore f = new FaultyStore(store);
    f.loseManifestPutAnswers.set(times);
    return f;
  }

  /**
   * Arms {@code times} transient read failures (errors or throttling) on the reads that go
   * through {@code store} (as returned by {@link #readFaultStore}); stores retry them.
   */
  protected abstract void injectTransientReadFailures(ObjectStore store, int times);

  /** The same root as {@code store}, through a client into which read faults can be injected. */
  protected ObjectStore readFaultStore(ObjectStore store) throws IOException {
    return new FaultyStore(store);
  }

  /** Registers a store to be closed after the test. */
  protected <T extends ObjectStore> T track(T store) {
    opened.add(store);
    return store;
  }

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void closeAll() throws IOException {
    for (ObjectStore s : opened) {
      s.close();
    }
    opened.clear();
    allocator.close(); // fails the test on a leak
  }

  // ------------------------------------------------------------------ helpers

  long write(ObjectStore store, long start, int n, WriteOptions.Mode mode) throws IOException {
    try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(start, n, allocator);
        RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
        Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(mode).maxRowsPerFile(400)
            .commitRetries(1000).allocator(allocator).build())) {
      return ds.version();
    }
  }

  Dataset open(ObjectStore store) throws IOException {
    return Dataset.open(store, OpenOptions.builder().allocator(allocator).build());
  }

  /** Every id of a full scan, in scan order, with each name checked against its id. */
  static List<Long> scanIds(Dataset ds) throws IOException {
    List<Long> out = new ArrayList<>();
    try (ArrowReader r = ds.newScan().columns("id", "name").open()) {
      while (r.loadNextBatch()) {
        VectorSchemaRoot root = r.getVectorSchemaRoot();
        BigIntVector id = (BigIntVector) root.getVector("id");
        VarCharVector name = (VarCharVector) root.getVector("name");
        for (int i = 0; i < root.getRowCount(); i++) {
          long v = id.get(i);
          if (v % 7 == 3) {
            assertThat(name.isNull(i)).as("name of id %d", v).isTrue();
          } else {
            assertThat(new String(name.get(i), StandardCharsets.UTF_8)).isEqualTo("n" + v);
          }
          out.add(v);
        }
      }
    }
    return out;
  }

  static List<Long> range(long start, long end) {
    return LongStream.range(start, end).boxed().toList();
  }

  static void assertNoStrays(ObjectStore store) throws IOException {
    for (ObjectInfo o : store.list("")) {
      assertThat(o.path()).as("stray object in %s", store.uri())
          .doesNotContain(".lancelet-tmp-").doesNotStartWith(ConditionalPutProbe.PROBE_FOLDER);
    }
  }

  static void assertGapFree(Dataset ds, long last) throws IOException {
    assertThat(ds.versions()).extracting(VersionInfo::version)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
  }

  // ------------------------------------------------------------------ life cycle

  @Test
  void createAppendScanTake() throws Exception {
    ObjectStore store = newStore("life");
    assertThat(write(store, 0, 1000, WriteOptions.Mode.CREATE)).isEqualTo(1);
    assertThat(write(store, 1000, 500, WriteOptions.Mode.APPEND)).isEqualTo(2);
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(2);
      assertThat(ds.fragments()).hasSize(5); // 400+400+200, 400+100
      assertThat(ds.countRows()).isEqualTo(1500);
      assertThat(scanIds(ds)).isEqualTo(range(0, 1500));
      try (VectorSchemaRoot t = ds.take(new long[] {1499, 0, 777, 3, 1000}, List.of("id", "name"))) {
        BigIntVector id = (BigIntVector) t.getVector("id");
        assertThat(List.of(id.get(0), id.get(1), id.get(2), id.get(3), id.get(4))).containsExactly(1499L, 0L, 777L, 3L, 1000L);
        assertThat(t.getVector("name").isNull(3)).isTrue(); // id 3 has a null name
        assertThat(t.getVector("name").getObject(2).toString()).isEqualTo("n777");
      }
    }
    assertNoStrays(store);
  }

  @Test
  void timeTravelAndOverwrite() throws Exception {
    ObjectStore store = newStore("travel");
    write(store, 0, 300, WriteOptions.Mode.CREATE);
    write(store, 300, 200, WriteOptions.Mode.APPEND);
    assertThat(write(store, 5000, 50, WriteOptions.Mode.OVERWRITE)).isEqualTo(3);
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(3);
      assertThat(scanIds(ds)).isEqualTo(range(5000, 5050));
      assertGapFree(ds, 3);
      try (Dataset v1 = ds.checkout(1); Dataset v2 = ds.checkout(2)) {
        assertThat(scanIds(v1)).isEqualTo(range(0, 300));
        assertThat(scanIds(v2)).isEqualTo(range(0, 500));
        try (VectorSchemaRoot t = v2.take(new long[] {450}, List.of("id"))) {
          assertThat(t.getVector("id").getObject(0)).isEqualTo(450L);
        }
      }
      assertThatThrownBy(() -> ds.checkout(9)).isInstanceOf(VersionNotFoundException.class).hasMessageContaining("latest is 3");
    }
    try (Dataset old = Dataset.open(store, OpenOptions.builder().version(2).allocator(allocator).build())) {
      assertThat(old.countRows()).isEqualTo(500);
    }
  }

  @Test
  void concurrentAppendsAllLandGapFree() throws Exception {
    ObjectStore store = newStore("race");
    racingWriters(store, WRITERS, APPENDS_EACH);
  }

  @Test
  @Tag("reliability-long")
  void racingWritersFullSize() throws Exception {
    racingWriters(newStore("race-long"), 16, 50);
  }

  /**
   * Pass criterion: every acknowledged append is in the final version exactly once, the final row
   * count equals the acknowledged rows, versions are 1..N without gaps, and no temporary or probe
   * object is left behind.
   */
  void racingWriters(ObjectStore store, int writers, int each) throws Exception {
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int ww = w;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            long start = 1_000_000L * (ww + 1) + 10L * i;
            write(store, start, 10, WriteOptions.Mode.APPEND);
            acked.add(start);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(acked).hasSize(writers * each);
    try (Dataset ds = open(store)) {
      long versions = 1L + writers * each;
      assertThat(ds.version()).isEqualTo(versions);
      assertGapFree(ds, versions);
      List<Long> ids = scanIds(ds);
      assertThat(ids).hasSize(10 * (int) versions).doesNotHaveDuplicates();
      List<Long> expected = new ArrayList<>(range(0, 10));
      for (long s : acked) {
        expected.addAll(range(s, s + 10));
      }
      assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    }
    assertNoStrays(store);
  }

  // ------------------------------------------------------------------ corruption

  @Test
  void tornOrEmptyNewestManifestIsSkippedAndNamedWhenAskedFor() throws Exception {
    ObjectStore store = newStore("torn");
    write(store, 0, 100, WriteOptions.Mode.CREATE);
    write(store, 100, 100, WriteOptions.Mode.APPEND);
    // What a foreign writer without atomic publish (or a broken disk) could leave: an empty file
    // under version 3's name and garbage under version 4's.
    store.put(ManifestNaming.V2.path(3), new byte[0]);
    store.put(ManifestNaming.V2.path(4), "not a manifest at all, torn".getBytes(StandardCharsets.UTF_8));
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(2); // the newest valid one
      assertThat(scanIds(ds)).isEqualTo(range(0, 200));
      assertThatThrownBy(() -> ds.checkout(4)).isInstanceOf(CorruptManifestException.class)
          .hasMessageContaining(ManifestNaming.V2.fileName(4));
      assertThatThrownBy(() -> ds.checkout(3)).isInstanceOf(CorruptManifestException.class)
          .hasMessageContaining(ManifestNaming.V2.fileName(3)).hasMessageContaining("0 bytes");
    }
    // A writer refuses to build on top of a corrupt version instead of skipping over it.
    assertThatThrownBy(() -> write(store, 200, 10, WriteOptions.Mode.APPEND)).isInstanceOf(CorruptManifestException.class)
        .hasMessageContaining(ManifestNaming.V2.fileName(4));
  }

  @Test
  void corruptOrMissingManifestsGiveTypedErrorsNamingTheFile() throws Exception {
    ObjectStore store = newStore("corrupt");
    write(store, 0, 100, WriteOptions.Mode.CREATE);
    write(store, 100, 100, WriteOptions.Mode.APPEND);
    byte[] v1 = store.readAll(ManifestNaming.V2.path(1));
    store.put(ManifestNaming.V2.path(1), java.util.Arrays.copyOf(v1, v1.length / 2));
    try (Dataset ds = open(store)) {
      assertThatThrownBy(() -> ds.checkout(1)).isInstanceOf(CorruptManifestException.class)
          .hasMessageContaining(store.uri()).hasMessageContaining(ManifestNaming.V2.fileName(1));
    }
    store.delete(ManifestNaming.V2.path(1));
    try (Dataset ds = open(store)) {
      assertThatThrownBy(() -> ds.checkout(1)).isInstanceOf(VersionNotFoundException.class).hasMessageContaining(store.uri());
    }
    // Only a corrupt manifest left: no silent fallback to nothing.
    byte[] v2 = store.readAll(ManifestNaming.V2.path(2));
    store.put(ManifestNaming.V2.path(2), java.util.Arrays.copyOf(v2, 10));
    assertThatThrownBy(() -> open(store)).isInstanceOf(CorruptManifestException.class)
        .hasMessageContaining(ManifestNaming.V2.fileName(2));
    store.delete(ManifestNaming.V2.path(2));
    assertThatThrownBy(() -> open(store)).isInstanceOf(DatasetNotFoundException.class).hasMessageContaining(store.uri());
  }

  // ------------------------------------------------------------------ ambiguous commits

  /**
   * Pass criterion: the manifest PUT is applied but its answer is lost; the writer settles the
   * outcome, reports success once, and the dataset has exactly one new version with the rows once.
   */
  @Test
  void lostAnswerToTheManifestPutCommitsExactlyOnce() throws Exception {
    ObjectStore store = newStore("ambiguous");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    ObjectStore lossy = track(losingManifestAnswers(store, 1));
    assertThat(write(lossy, 100, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
    assertLostAnswerHappened(lossy);
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(3);
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 3);
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(100, 110));
      expected.addAll(range(200, 210));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected); // rows 100..109 once: not committed twice
    }
    assertNoStrays(store);
  }

  /**
   * Pass criterion: a manifest PUT that fails before anything was written is not reported as a
   * failure (the request could still be in flight): the same bytes are PUT again under the same
   * version, the write commits exactly once, and the next write gets the next number.
   */
  @Test
  void failedManifestPutIsRetriedUnderTheSameVersion() throws Exception {
    ObjectStore store = newStore("failedput");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    FaultyStore failing = new FaultyStore(store);
    failing.failManifestPuts.set(1);
    assertThat(write(failing, 100, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
    assertThat(failing.failManifestPuts.get()).isZero(); // the fault fired
    assertThat(failing.manifestPuts.get()).isEqualTo(1); // applied once, by the retry
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(3);
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 3);
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(100, 110));
      expected.addAll(range(200, 210));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected);
    }
    assertNoStrays(store);
  }

  /**
   * Pass criterion: the first manifest PUT loses its answer and nothing is there on reading back,
   * but the request lands late, right before the retry: the retry is refused (the name is taken),
   * the refusal is settled by reading back our own bytes, and the write reports the one version
   * that holds its rows, once.
   */
  @Test
  void manifestPutLandingAfterItsAnswerWasLostCommitsExactlyOnce() throws Exception {
    ObjectStore store = newStore("lateput");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    FaultyStore late = new FaultyStore(store);
    late.holdManifestPuts.set(1);
    late.landHeldBeforeNextPut = true;
    assertThat(write(late, 100, 10, WriteOptions.Mode.APPEND)).isEqualTo(2);
    assertThat(late.holdManifestPuts.get()).isZero();
    assertThat(late.heldCount()).isZero(); // the held request landed (before the retry)
    assertThat(late.manifestPuts.get()).isZero(); // and the retry itself was refused
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(3);
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 3);
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(100, 110));
      expected.addAll(range(200, 210));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected);
    }
    assertNoStrays(store);
  }

  /**
   * Pass criterion: when every attempt of the manifest PUT loses its answer and nothing is there,
   * the write throws {@link CommitOutcomeUnknownException} naming the version and the transaction
   * uuid (never a plain failure); when a held request then lands, that version holds this
   * transaction and its rows once; the next write gets the next number.
   */
  @Test
  void unsettledManifestPutIsReportedAsUnknownAndCanLandLater() throws Exception {
    ObjectStore store = newStore("unknownput");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    FaultyStore held = new FaultyStore(store);
    held.holdManifestPuts.set(Committer.MANIFEST_PUT_ATTEMPTS);
    CommitOutcomeUnknownException unknown = catchThrowableOfType(CommitOutcomeUnknownException.class,
        () -> write(held, 100, 10, WriteOptions.Mode.APPEND));
    assertThat(unknown).isNotNull();
    assertThat(unknown.version()).isEqualTo(2);
    assertThat(unknown.getMessage()).contains(store.uri()).contains("may or may not").contains(unknown.transactionUuid());
    assertThat(held.heldCount()).isEqualTo(Committer.MANIFEST_PUT_ATTEMPTS);
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(1); // not landed yet
    }
    assertThat(held.landHeld()).isEqualTo(1); // the first lands; the others are refused by the precondition
    try (Dataset ds = open(store)) {
      assertThat(ds.version()).isEqualTo(2);
      assertThat(ds.manifestFile().transaction().uuid()).isEqualTo(unknown.transactionUuid());
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(100, 110));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected);
    }
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(3);
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 3);
    }
    assertNoStrays(store);
  }

  /**
   * Pass criterion: a commit reported unknown whose requests never land loses its version to the
   * next writer; its late requests are then refused, and the check the exception describes (the
   * transaction uuid at that version) tells that it did not land.
   */
  @Test
  void unsettledManifestPutThatNeverLandsIsToldApartByItsTransaction() throws Exception {
    ObjectStore store = newStore("lostput");
    write(store, 0, 10, WriteOptions.Mode.CREATE);
    FaultyStore held = new FaultyStore(store);
    held.holdManifestPuts.set(Committer.MANIFEST_PUT_ATTEMPTS);
    CommitOutcomeUnknownException unknown = catchThrowableOfType(CommitOutcomeUnknownException.class,
        () -> write(held, 100, 10, WriteOptions.Mode.APPEND));
    assertThat(unknown).isNotNull();
    assertThat(write(store, 200, 10, WriteOptions.Mode.APPEND)).isEqualTo(2); // another writer takes version 2
    assertThat(held.landHeld()).isZero(); // too late: refused
    try (Dataset ds = open(store)) {
      assertGapFree(ds, 2);
      assertThat(ds.checkout(unknown.version()).manifestFile().transaction().uuid()).isNotEqualTo(unknown.transactionUuid());
      List<Long> expected = new ArrayList<>(range(0, 10));
      expected.addAll(range(200, 210));
      assertThat(scanIds(ds)).containsExactlyElementsOf(expected);
    }
  }

  /** Checks that the fault really fired (so the test is not vacuous). */
  protected void assertLostAnswerHappened(ObjectStore lossy) {
    assertThat(((FaultyStore) lossy).lostAnswers.get()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ read faults

  /** Whether the store's client retries transient read failures (remote stores do). */
  protected boolean retriesReads() {
    return true;
  }

  /**
   * Pass criterion: transient read failures are retried by remote stores and the scan and take
   * return exactly the expected rows; local stores (no retry: a disk error is not transient) give a
   * clear error naming the file, and the next scan is exact again.
   */
  @Test
  void transientReadFailuresAreRetriedOrReportedAndDataIsExact() throws Exception {
    ObjectStore store = newStore("readfaults");
    write(store, 0, 1000, WriteOptions.Mode.CREATE);
    ObjectStore faulty = track(readFaultStore(store));
    if (!retriesReads()) {
      try (Dataset ds = open(faulty)) {
        injectTransientReadFailures(faulty, 1);
        assertThatThrownBy(() -> scanIds(ds)).isInstanceOf(IOException.class).hasMessageContaining(".lance");
        assertThat(scanIds(ds)).isEqualTo(range(0, 1000));
      }
      return;
    }
    try (Dataset ds = open(faulty)) {
      injectTransientReadFailures(faulty, 2);
      assertThat(scanIds(ds)).isEqualTo(range(0, 1000));
      injectTransientReadFailures(faulty, 1);
      try (VectorSchemaRoot t = ds.take(new long[] {999, 5}, List.of("id"))) {
        assertThat(t.getVector("id").getObject(0)).isEqualTo(999L);
        assertThat(t.getVector("id").getObject(1)).isEqualTo(5L);
      }
    }
  }

  /**
   * Pass criterion: a read answered with fewer bytes than asked never yields wrong rows: it is
   * reported as an {@code IOException} naming the data file (or the data is exact).
   */
  @Test
  void shortReadsAreNeverWrongData() throws Exception {
    ObjectStore store = newStore("short");
    write(store, 0, 1000, WriteOptions.Mode.CREATE);
    FaultyStore faulty = new FaultyStore(store);
    try (Dataset ds = open(faulty)) {
      for (int k = 0; k < 6; k++) {
        // The first short read hits a footer (k = 0), later ones page reads of a scan.
        faulty.passBeforeShort.set(k);
        faulty.shortReads.set(1);
        String outcome;
        try {
          // Wrong rows would fail the assertions inside (AssertionError is not caught here).
          assertThat(scanIds(ds)).isEqualTo(range(0, 1000));
          outcome = "exact rows";
        } catch (IOException e) {
          // A typed error naming the data file (a short footer read may also surface as "not a Lance file").
          assertThat(e.getMessage()).containsPattern("/data/[0-9a-f]+\\.lance");
          outcome = e.getClass().getName() + ": " + e.getMessage();
        }
        System.out.println("short read after " + k + " good reads on " + store.uri() + ": " + outcome);
        assertThat(faulty.shortReads.get()).as("the short reads were served").isZero();
      }
      faulty.shortReads.set(0);
      assertThat(scanIds(ds)).isEqualTo(range(0, 1000));
    }
  }

  /** Pass criterion: slow answers (20 ms per read) change nothing in the results. */
  @Test
  void slowReadsGiveExactData() throws Exception {
    ObjectStore store = newStore("slow");
    write(store, 0, 1000, WriteOptions.Mode.CREATE);
    FaultyStore faulty = new FaultyStore(store);
    faulty.readDelayMillis = 20;
    try (Dataset ds = open(faulty)) {
      assertThat(scanIds(ds)).isEqualTo(range(0, 1000));
    }
  }

  /** Options of a map, for subclasses. */
  static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new java.util.HashMap<>(base);
    m.put(key, value);
    return m;
  }
}
