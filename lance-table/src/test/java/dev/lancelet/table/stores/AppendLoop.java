package dev.lancelet.table.stores;

import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.table.Dataset;
import dev.lancelet.table.WriteOptions;
import dev.lancelet.table.testing.ReferenceDatasets;
import dev.lancelet.table.testing.RootsReader;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A writer process for crash tests: appends 10-row batches to the dataset at {@code args[0]} (a
 * local path, or an {@code s3://} or {@code gs://} URI with options in {@code -Dlancelet.opt.<key>=value}) in a
 * loop, ids starting at {@code args[1]} and stepping by 10, and prints {@code ACK <start> <version>}
 * after each append returned. It runs until killed (or {@code args[2]} appends, if given).
 */
public final class AppendLoop {
  private AppendLoop() {}

  /** A local path, or a URI whose store options come from system properties {@code lancelet.opt.<key>}. */
  static ObjectStore storeFor(String root) throws java.io.IOException {
    if (!root.contains("://")) {
      return new LocalObjectStore(Path.of(root));
    }
    java.util.Map<String, String> options = new java.util.HashMap<>();
    for (String k : System.getProperties().stringPropertyNames()) {
      if (k.startsWith("lancelet.opt.")) {
        options.put(k.substring("lancelet.opt.".length()), System.getProperty(k));
      }
    }
    return dev.lancelet.io.ObjectStores.forFolder(root, options);
  }

  public static void main(String[] args) throws Exception {
    String root = args[0];
    long start = Long.parseLong(args[1]);
    long max = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    System.out.println("READY");
    System.out.flush();
    try (BufferAllocator allocator = new RootAllocator(); ObjectStore store = storeFor(root)) {
      for (long i = 0; i < max; i++) {
        long s = start + 10 * i;
        try (VectorSchemaRoot b = ReferenceDatasets.idNameBatch(s, 10, allocator);
            RootsReader in = new RootsReader(allocator, ReferenceDatasets.ID_NAME, List.of(b));
            Dataset ds = Dataset.write(in, store, WriteOptions.builder().mode(WriteOptions.Mode.APPEND)
                .commitRetries(1000).allocator(allocator).build())) {
          System.out.println("ACK " + s + " " + ds.version());
          System.out.flush();
        }
      }
    }
  }
}
