package dev.lancelet.cli;

import dev.lancelet.file.LanceFileReader;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Opening files named on the command line, with errors that name them. */
final class LanceFiles {
  /** Every Lance file ends with these four bytes. */
  static final byte[] MAGIC = "LANC".getBytes(StandardCharsets.US_ASCII);
  /** The v2 footer is 40 bytes; nothing shorter can be a Lance file. */
  static final int MIN_FILE_SIZE = 40;

  private LanceFiles() {}

  /** Resolves {@code file} (a path or a {@code file://} / {@code memory://} URI). */
  static ObjectStores.Location resolve(String file) {
    try {
      return ObjectStores.forObject(file);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  /**
   * Opens a Lance file for reading. Before handing it to the reader, checks that it exists and ends
   * with the Lance magic, so the common mistakes get a plain message.
   */
  static LanceFileReader open(String file, BufferAllocator allocator) {
    ObjectStores.Location loc = resolve(file);
    try {
      if (!loc.store().exists(loc.path())) {
        throw new CliException(file + ": No such file");
      }
      try (ReadableObject o = loc.store().open(loc.path())) {
        long size = o.size();
        if (size < MIN_FILE_SIZE) {
          throw new CliException(file + ": Not a Lance file (" + size + " bytes, shorter than a Lance footer)");
        }
        ByteBuffer tail = o.read(size - MAGIC.length, MAGIC.length);
        byte[] magic = new byte[MAGIC.length];
        tail.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
          throw new CliException(file + ": Not a Lance file (does not end with the \"LANC\" magic)");
        }
      }
      return LanceFileReader.open(loc.store(), loc.path(), allocator);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CliException c) {
        throw c;
      }
      throw CliException.at(file, e);
    }
  }

  /** Size of the file in bytes. */
  static long size(String file) {
    ObjectStores.Location loc = resolve(file);
    try {
      return loc.store().size(loc.path());
    } catch (IOException e) {
      throw CliException.at(file, e);
    }
  }

  /** Refuses to replace an existing local output unless asked to. */
  static void checkWritable(String out, boolean force) {
    if (out.contains("://")) {
      return;
    }
    Path p = Path.of(out);
    if (Files.isDirectory(p)) {
      throw new CliException(out + ": Is a directory");
    }
    if (!force && Files.exists(p)) {
      throw new CliException(out + ": File exists (use --force to replace it)");
    }
  }
}
