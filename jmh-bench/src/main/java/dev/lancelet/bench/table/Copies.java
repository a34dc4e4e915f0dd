package dev.lancelet.bench.table;

import dev.lancelet.bench.file.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** Per-invocation copies of a base dataset (see {@link Datasets#linkCopy}), numbered, deleted after use. */
final class Copies {
  private final Path base;
  private final Path dir;
  private int sequence;

  Copies(Path base, Path dir) {
    this.base = base;
    this.dir = dir;
  }

  /** A new copy of the base dataset. */
  Path next() throws IOException {
    Path p = dir.resolve("copy-" + sequence++);
    Datasets.linkCopy(base, p);
    return p;
  }

  static void delete(Path copy) throws IOException {
    if (copy != null) {
      Engines.deleteRecursively(copy);
    }
  }

  /** Bytes of the data files in {@code copy} that the base dataset does not have: what the operation wrote. */
  long newDataBytes(Path copy) throws IOException {
    Set<String> old = new HashSet<>();
    try (Stream<Path> s = Files.list(base.resolve("data"))) {
      s.forEach(p -> old.add(p.getFileName().toString()));
    }
    long bytes = 0;
    try (Stream<Path> s = Files.list(copy.resolve("data"))) {
      for (Path p : s.toList()) {
        if (!old.contains(p.getFileName().toString())) {
          bytes += Files.size(p);
        }
      }
    }
    return bytes;
  }
}
