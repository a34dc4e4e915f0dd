package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.format.LanceFileVersion;
import dev.lancelet.io.MemoryObjectStore;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.gcs.FakeGcsServer;
import dev.lancelet.io.gcs.GcsObjectStore;
import dev.lancelet.io.gcs.GcsOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * A Lance file written to and read from Google Cloud Storage (the JSON-API test server, driven by
 * the real client): the object is byte-identical to the same file written to memory, and scan and
 * take read it back.
 */
class GcsRoundTripTest {
  private static final int ROWS = 100_000;

  private static void write(ObjectStore store, String path, BufferAllocator alloc) throws Exception {
    Schema schema = new Schema(List.of(
        Field.notNullable("id", new ArrowType.Int(64, true)),
        Field.nullable("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    LanceFileWriter w = LanceFileWriter.create(store, path, schema, alloc, WriteOptions.builder().version(LanceFileVersion.V2_1).build());
    int batch = 25_000;
    for (int start = 0; start < ROWS; start += batch) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc)) {
        BigIntVector id = (BigIntVector) root.getVector("id");
        Float8Vector x = (Float8Vector) root.getVector("x");
        id.allocateNew(batch);
        x.allocateNew(batch);
        for (int i = 0; i < batch; i++) {
          long row = start + i;
          id.set(i, row * 7919);
          if (row % 13 == 0) {
            x.setNull(i);
          } else {
            x.set(i, row * 0.5);
          }
        }
        root.setRowCount(batch);
        w.write(root);
      }
    }
    w.close();
  }

  @Test
  void writeAndReadALanceFileOnGcs() throws Exception {
    try (FakeGcsServer server = FakeGcsServer.start();
        BufferAllocator alloc = new RootAllocator()) {
      server.createBucket("lance");
      GcsOptions options = GcsOptions.builder()
          .endpoint(server.endpoint())
          .anonymous(true)
          .projectId("test")
          .initialBackoff(Duration.ofMillis(5))
          .uploadChunkSize(GcsOptions.CHUNK_GRANULARITY)
          .build();
      try (GcsObjectStore gcs = GcsObjectStore.open("gs://lance/tables/t1", options)) {
        write(gcs, "data/f.lance", alloc);
        MemoryObjectStore mem = new MemoryObjectStore("gcs-roundtrip-" + UUID.randomUUID());
        write(mem, "f.lance", alloc);
        assertThat(server.resumableChunkRequests()).as("a multi-chunk file goes through a resumable upload").isGreaterThan(1);
        assertThat(gcs.readAll("data/f.lance")).isEqualTo(mem.readAll("f.lance"));

        server.resetCounters();
        try (LanceFileReader reader = LanceFileReader.open(gcs, "data/f.lance", alloc)) {
          assertThat(reader.numRows()).isEqualTo(ROWS);
          assertThat(server.metadataRequests()).isEqualTo(1);
          long sum = 0;
          long nulls = 0;
          try (ArrowReader scan = reader.scan(ScanOptions.builder().batchSize(8192).build())) {
            VectorSchemaRoot root = scan.getVectorSchemaRoot();
            while (scan.loadNextBatch()) {
              BigIntVector id = (BigIntVector) root.getVector("id");
              Float8Vector x = (Float8Vector) root.getVector("x");
              for (int i = 0; i < root.getRowCount(); i++) {
                sum += id.get(i);
                nulls += x.isNull(i) ? 1 : 0;
              }
            }
          }
          assertThat(sum).isEqualTo(7919L * ((long) ROWS * (ROWS - 1) / 2));
          assertThat(nulls).isEqualTo((ROWS + 12) / 13);
          try (VectorSchemaRoot rows = reader.take(new long[] {0, 13, 99_999}, List.of("id", "x"))) {
            Float8Vector x = (Float8Vector) rows.getVector("x");
            assertThat(((BigIntVector) rows.getVector("id")).get(2)).isEqualTo(99_999L * 7919);
            assertThat(x.isNull(0)).isTrue();
            assertThat(x.isNull(1)).isTrue();
            assertThat(x.get(2)).isEqualTo(99_999 * 0.5);
          }
        }
      }
    }
  }
}
