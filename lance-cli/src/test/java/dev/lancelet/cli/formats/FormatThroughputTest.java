package dev.lancelet.cli.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rough write and read throughput of every format over 1M rows (int64, utf8, float64, date32),
 * in rows per CPU-second of the calling thread (wall time is printed too, but on a shared machine
 * it mostly measures the queue for a core). Not part of the default run.
 */
@Tag("bench")
class FormatThroughputTest {
  @TempDir Path dir;

  @Test
  void throughput() throws Exception {
    int rows = Integer.getInteger("rows", 1_000_000);
    Schema schema = new Schema(List.of(
        new Field("id", FieldType.nullable(new ArrowType.Int(64, true)), null),
        new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
        new Field("score", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
        new Field("day", FieldType.nullable(new ArrowType.Date(DateUnit.DAY)), null)));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (BufferAllocator allocator = new RootAllocator(); VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      for (DataFormat f : List.of(DataFormat.ARROW_FILE, DataFormat.CSV, DataFormat.JSONL, DataFormat.PARQUET)) {
        Path p = dir.resolve("b" + f.extensions().get(0));
        SplittableRandom r = new SplittableRandom(1);
        long genCpu = 0;
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        try (BatchWriter w = Formats.openWriter(p, f, schema, WriterOptions.DEFAULTS, allocator)) {
          for (int done = 0; done < rows; done += 8192) {
            long g0 = mx.getCurrentThreadCpuTime();
            int n = Math.min(8192, rows - done);
            root.allocateNew();
            for (int i = 0; i < n; i++) {
              ((BigIntVector) root.getVector(0)).setSafe(i, done + i);
              ((VarCharVector) root.getVector(1)).setSafe(i, ("name-" + r.nextInt(100_000)).getBytes(StandardCharsets.UTF_8));
              ((Float8Vector) root.getVector(2)).setSafe(i, r.nextDouble() * 1000);
              ((DateDayVector) root.getVector(3)).setSafe(i, 18_000 + r.nextInt(3000));
            }
            root.setRowCount(n);
            genCpu += mx.getCurrentThreadCpuTime() - g0;
            w.write(root);
          }
        }
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        long read = 0;
        try (ArrowReader reader = Formats.openReader(p, f, ReaderOptions.DEFAULTS, allocator)) {
          while (reader.loadNextBatch()) {
            read += reader.getVectorSchemaRoot().getRowCount();
          }
        }
        long t2 = System.nanoTime();
        long c2 = mx.getCurrentThreadCpuTime();
        assertThat(read).isEqualTo(rows);
        double writeCpu = (c1 - c0 - genCpu) / 1e9;
        double readCpu = (c2 - c1) / 1e9;
        System.out.printf("%-7s %,d rows %6.1f MB | write %,10.0f rows/cpu-s (wall %5.2f s) | read %,10.0f rows/cpu-s (wall %5.2f s)%n",
            f.id(), rows, Files.size(p) / 1e6, rows / writeCpu, (t1 - t0) / 1e9, rows / readCpu, (t2 - t1) / 1e9);
      }
    }
  }
}
