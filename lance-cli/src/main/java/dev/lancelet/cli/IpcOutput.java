package dev.lancelet.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An Arrow IPC file ({@code .arrow}) or stream ({@code .arrows}) being written. Data goes to a
 * hidden temporary file next to the target, moved into place by {@link #commit()}; closing
 * without committing deletes it.
 */
final class IpcOutput implements AutoCloseable {
  enum Format {
    FILE,
    STREAM
  }

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final PlainBatches batches;
  private final ArrowWriter writer;
  private boolean committed;

  private IpcOutput(Path target, Format format, Schema schema, DictionaryProvider dictionaries, BufferAllocator allocator) throws IOException {
    this.target = target;
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    this.temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    FileChannel ch = null;
    PlainBatches pb = null;
    ArrowWriter w = null;
    boolean ok = false;
    try {
      ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      pb = new PlainBatches(schema, dictionaries, allocator);
      w = format == Format.FILE
          ? new ArrowFileWriter(pb.root(), null, ch)
          : new ArrowStreamWriter(pb.root(), null, ch);
      w.start();
      ok = true;
    } finally {
      if (!ok) {
        if (w != null) {
          w.close();
        }
        if (pb != null) {
          pb.close();
        }
        if (ch != null) {
          ch.close();
        }
        Files.deleteIfExists(temp);
      }
    }
    this.channel = ch;
    this.batches = pb;
    this.writer = w;
  }

  /** The IPC format an output name asks for: {@code .arrow} is the file format, {@code .arrows} the stream format. */
  static Format formatOf(String out) {
    String lower = out.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".arrow")) {
      return Format.FILE;
    }
    if (lower.endsWith(".arrows")) {
      return Format.STREAM;
    }
    return null;
  }

  /**
   * Starts an output for batches of {@code schema}; dictionary-encoded columns are decoded with
   * {@code dictionaries} (may be null when there are none).
   */
  static IpcOutput create(Path target, Format format, Schema schema, DictionaryProvider dictionaries, BufferAllocator allocator)
      throws IOException {
    return new IpcOutput(target, format, schema, dictionaries, allocator);
  }

  /** Appends a batch; the batch itself is left untouched. */
  void write(VectorSchemaRoot batch) throws IOException {
    batches.load(batch);
    writer.writeBatch();
    batches.root().clear();
  }

  /** Finishes the IPC footer and moves the file into place. */
  void commit() throws IOException {
    writer.end();
    channel.force(true);
    writer.close(); // closes the channel too
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    committed = true;
  }

  @Override
  public void close() throws IOException {
    try {
      if (!committed) {
        writer.close();
      }
      batches.close();
    } finally {
      if (!committed) {
        channel.close();
        Files.deleteIfExists(temp);
      }
    }
  }
}
