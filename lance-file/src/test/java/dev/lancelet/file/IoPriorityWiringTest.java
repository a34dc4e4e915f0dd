package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.IoPriority;
import dev.lancelet.io.IoScheduler;
import dev.lancelet.io.gcs.FakeGcsServer;
import dev.lancelet.io.gcs.GcsObjectStore;
import dev.lancelet.io.gcs.GcsOptions;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scans read at bulk priority and takes at interactive priority, counted by the scheduler of a
 * real remote store (the GCS test server): for every file version, through both decoders.
 */
class IoPriorityWiringTest {
  private static final int ROWS = 30_000;

  private static void write(GcsObjectStore store, String path, LanceFileVersion version, BufferAllocator alloc) throws Exception {
    Schema schema = new Schema(List.of(
        Field.notNullable("id", new ArrowType.Int(64, true)),
        Field.nullable("s", ArrowType.Utf8.INSTANCE)));
    try (LanceFileWriter w = LanceFileWriter.create(store, path, schema, alloc, WriteOptions.builder().version(version).build())) {
      int batch = 10_000;
      for (int start = 0; start < ROWS; start += batch) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
          BigIntVector id = (BigIntVector) root.getVector("id");
          VarCharVector s = (VarCharVector) root.getVector("s");
          id.allocateNew(batch);
          s.allocateNew(batch);
          for (int i = 0; i < batch; i++) {
            id.set(i, start + i);
            s.setSafe(i, ("v" + (start + i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
          root.setRowCount(batch);
          w.write(root);
        }
      }
    }
  }

  private record Counts(long interactive, long bulk) {
    static Counts of(IoScheduler s) {
      IoScheduler.Stats st = s.stats();
      return new Counts(st.startedInteractive(), st.startedBulk());
    }
  }

  @ParameterizedTest
  @EnumSource(value = LanceFileVersion.class, names = {"V2_0", "V2_1", "V2_2"})
  void scansReadAtBulkAndTakesAtInteractivePriority(LanceFileVersion version) throws Exception {
    try (FakeGcsServer server = FakeGcsServer.start(); BufferAllocator alloc = new RootAllocator()) {
      server.createBucket("lance");
      GcsOptions options = GcsOptions.builder()
          .endpoint(server.endpoint())
          .anonymous(true)
          .projectId("test")
          .initialBackoff(Duration.ofMillis(5))
          .build();
      try (GcsObjectStore gcs = GcsObjectStore.open("gs://lance/t", options)) {
        write(gcs, "f.lance", version, alloc);
        IoScheduler sched = gcs.ioScheduler();
        try (LanceFileReader reader = LanceFileReader.open(gcs, "f.lance", alloc)) {
          Counts opened = Counts.of(sched);
          assertThat(opened.bulk()).as("opening reads the footer interactively").isZero();

          long sum = 0;
          try (ArrowReader scan = reader.scan(ScanOptions.builder().batchSize(4096).build())) {
            while (scan.loadNextBatch()) {
              BigIntVector id = (BigIntVector) scan.getVectorSchemaRoot().getVector("id");
              for (int i = 0; i < id.getValueCount(); i++) {
                sum += id.get(i);
              }
            }
          }
          assertThat(sum).isEqualTo((long) ROWS * (ROWS - 1) / 2);
          Counts scanned = Counts.of(sched);
          assertThat(scanned.bulk()).as("scan reads").isGreaterThan(opened.bulk());
          assertThat(scanned.interactive()).as("no interactive reads during a scan").isEqualTo(opened.interactive());

          try (VectorSchemaRoot rows = reader.take(new long[] {29_999, 7, 21_000}, List.of("id", "s"))) {
            assertThat(((BigIntVector) rows.getVector("id")).get(0)).isEqualTo(29_999);
            assertThat(rows.getVector("s").getObject(2).toString()).isEqualTo("v21000");
          }
          Counts taken = Counts.of(sched);
          assertThat(taken.interactive()).as("take reads").isGreaterThan(scanned.interactive());
          assertThat(taken.bulk()).isEqualTo(scanned.bulk());

          try (VectorSchemaRoot rows = reader.take(new long[] {1, 25_000}, List.of("s"), IoPriority.BULK)) {
            assertThat(rows.getVector("s").getObject(1).toString()).isEqualTo("v25000");
          }
          Counts gathered = Counts.of(sched);
          assertThat(gathered.bulk()).isGreaterThan(taken.bulk());
          assertThat(gathered.interactive()).isEqualTo(taken.interactive());

          try (ArrowReader scan = reader.scan(ScanOptions.builder().rowRange(100, 200).priority(IoPriority.INTERACTIVE).build())) {
            while (scan.loadNextBatch()) {
              assertThat(scan.getVectorSchemaRoot().getRowCount()).isEqualTo(100);
            }
          }
          Counts interactiveScan = Counts.of(sched);
          assertThat(interactiveScan.interactive()).isGreaterThan(gathered.interactive());
          assertThat(interactiveScan.bulk()).isEqualTo(gathered.bulk());
          assertThat(sched.stats().peakRequests()).isLessThanOrEqualTo(sched.limits().maxRequests());
        }
      }
    }
  }
}
