package dev.lancelet.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lancelet.io.s3.RequestLog;
import dev.lancelet.io.s3.S3ObjectStore;
import dev.lancelet.io.s3.S3Options;
import dev.lancelet.io.s3.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lance files on a real S3 server (S3Proxy on loopback): Lancelet writes through a multipart
 * upload and reads back with one request for the footer; lance-core (Rust object_store) reads
 * what Lancelet wrote and writes what Lancelet reads, over the same S3 endpoint.
 */
class LanceFileOnS3Test {
  private static final int ROWS = 400_000;
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field("id", new FieldType(false, new ArrowType.Int(64, true), null), List.of()),
              new Field("name", new FieldType(true, ArrowType.Utf8.INSTANCE, null), List.of())));

  private BufferAllocator alloc;

  @BeforeEach
  void setUp() {
    alloc = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    alloc.close();
  }

  private static long id(int row) {
    long z = row * 0x9E3779B97F4A7C15L; // a cheap, well-mixed stand-in for random ids
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 31);
  }

  private static String name(int row) {
    return row % 7 == 0 ? null : "name-" + row;
  }

  private void fill(VectorSchemaRoot root, int start, int n) {
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    id.allocateNew(n);
    name.allocateNew(n);
    for (int i = 0; i < n; i++) {
      id.set(i, id(start + i));
      String s = name(start + i);
      if (s == null) {
        name.setNull(i);
      } else {
        name.setSafe(i, s.getBytes(StandardCharsets.UTF_8));
      }
    }
    id.setValueCount(n);
    name.setValueCount(n);
    root.setRowCount(n);
  }

  /** Checks every row of a scan in order. */
  private static void checkAll(ArrowReader reader) throws Exception {
    int row = 0;
    while (reader.loadNextBatch()) {
      VectorSchemaRoot b = reader.getVectorSchemaRoot();
      BigIntVector id = (BigIntVector) b.getVector("id");
      VarCharVector name = (VarCharVector) b.getVector("name");
      for (int i = 0; i < b.getRowCount(); i++, row++) {
        String expected = name(row);
        String got = name.isNull(i) ? null : new String(name.get(i), StandardCharsets.UTF_8);
        if (id.get(i) != id(row) || !java.util.Objects.equals(got, expected)) {
          throw new AssertionError("row " + row + ": got (" + id.get(i) + ", " + got + "), expected (" + id(row) + ", " + expected + ")");
        }
      }
    }
    assertThat(row).isEqualTo(ROWS);
  }

  @Test
  void writtenWithMultipartReadWithOneFooterRequestAndByLanceCore() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    String root = "s3://" + S3ProxyServer.BUCKET + "/lance-file/" + UUID.randomUUID();
    Map<String, String> opts = new HashMap<>(s3.options());
    opts.put("multipart_threshold", "1MiB");
    opts.put("multipart_part_size", "5MiB");
    RequestLog log = new RequestLog();
    try (S3ObjectStore store =
        S3ObjectStore.builder(root).options(S3Options.fromMap(opts, Map.of())).addExecutionInterceptor(log).build()) {
      try (LanceFileWriter w = LanceFileWriter.create(store, "data.lance", SCHEMA, alloc, WriteOptions.defaults());
          VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, alloc)) {
        for (int start = 0; start < ROWS; start += 50_000) {
          fill(batch, start, 50_000);
          w.write(batch);
        }
      }
      assertThat(log.count("CreateMultipartUpload")).isEqualTo(1);
      assertThat(log.count("UploadPart")).isGreaterThanOrEqualTo(1);
      assertThat(log.count("CompleteMultipartUpload")).isEqualTo(1);

      log.clear();
      try (LanceFileReader r = LanceFileReader.open(store, "data.lance", alloc)) {
        assertThat(log.requests()).as("open reads footer and metadata in one request").hasSize(1);
        assertThat(r.numRows()).isEqualTo(ROWS);
        try (VectorSchemaRoot t = r.take(new long[] {0, ROWS - 1, 123_456}, List.of("id", "name"))) {
          BigIntVector id = (BigIntVector) t.getVector("id");
          assertThat(id.get(0)).isEqualTo(id(0));
          assertThat(id.get(1)).isEqualTo(id(ROWS - 1));
          assertThat(id.get(2)).isEqualTo(id(123_456));
        }
        try (ArrowReader scan = r.scan(ScanOptions.builder().batchSize(65_536).build())) {
          checkAll(scan);
        }
      }
    }
    // lance-core reads the same object through its own S3 client.
    try (org.lance.file.LanceFileReader ref =
        org.lance.file.LanceFileReader.open(root + "/data.lance", s3.options(), alloc)) {
      assertThat(ref.numRows()).isEqualTo(ROWS);
      try (ArrowReader all = ref.readAll(List.of("id", "name"), null, 65_536)) {
        checkAll(all);
      }
    }
  }

  @Test
  void writtenByLanceCoreOnS3ReadByLancelet() throws Exception {
    S3ProxyServer s3 = S3ProxyServer.get();
    String root = "s3://" + S3ProxyServer.BUCKET + "/lance-core/" + UUID.randomUUID();
    try (org.lance.file.LanceFileWriter w =
            org.lance.file.LanceFileWriter.open(root + "/ref.lance", alloc, null, Optional.of("2.1"), s3.options());
        VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, alloc)) {
      for (int start = 0; start < ROWS; start += 100_000) {
        fill(batch, start, 100_000);
        w.write(batch);
      }
    }
    try (S3ObjectStore store = S3ObjectStore.connect(root, s3.options());
        LanceFileReader r = LanceFileReader.open(store, "ref.lance", alloc);
        ArrowReader scan = r.scan(ScanOptions.builder().batchSize(100_000).build())) {
      assertThat(r.numRows()).isEqualTo(ROWS);
      checkAll(scan);
    }
  }
}
