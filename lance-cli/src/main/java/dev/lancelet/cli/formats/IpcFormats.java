package dev.lancelet.cli.formats;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.arrow.flatbuf.Block;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** Arrow IPC file and stream: Arrow's own readers and writers, with errors that name the file. */
final class IpcFormats {
  private IpcFormats() {}

  private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  /**
   * Opens an IPC file or stream, told apart by the {@code ARROW1} magic (so a mislabelled file
   * still reads). Dictionary-encoded columns stay encoded; the reader is their dictionary provider.
   */
  static ArrowReader open(Path path, String file, BufferAllocator allocator) throws IOException {
    byte[] head = new byte[MAGIC.length];
    int n;
    try (InputStream s = Files.newInputStream(path)) {
      n = s.readNBytes(head, 0, head.length);
    }
    if (n == MAGIC.length && Arrays.equals(head, MAGIC)) {
      return new FileReader(FileChannel.open(path, StandardOpenOption.READ), allocator, file);
    }
    if (n < 8 && n == Files.size(path)) {
      throw new FormatException(file, -1, "not an Arrow IPC file or stream (" + n + " bytes)");
    }
    return new StreamReader(new IpcStreamGuard(new BufferedInputStream(Files.newInputStream(path), 1 << 16),
        Files.size(path), file), allocator, file);
  }

  private static FormatException wrap(String file, Exception e) {
    if (e instanceof FormatException f) {
      return f;
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new FormatException(file, -1, "not a valid Arrow IPC file or stream (" + m + ")", e);
  }

  private static final class FileReader extends ArrowFileReader {
    private final String file;
    private final FileChannel channel;

    FileReader(FileChannel channel, BufferAllocator allocator, String file) {
      super(channel, allocator);
      this.file = file;
      this.channel = channel;
    }

    @Override
    protected Schema readSchema() throws IOException {
      try {
        Schema schema = super.readSchema(); // the footer parsed
        long size = channel.size();
        ByteBuffer tail = readAt(size - 10, 10);
        int footerLength = tail.getInt(0);
        if (footerLength <= 0 || footerLength > size - 18) {
          throw new FormatException(file, -1, "not a valid Arrow IPC file (footer length " + footerLength + ")");
        }
        Footer footer = Footer.getRootAsFooter(readAt(size - 10 - footerLength, footerLength));
        for (int k = 0; k < footer.dictionariesLength(); k++) {
          Block b = footer.dictionaries(k);
          checkBlock(new ArrowBlock(b.offset(), b.metaDataLength(), b.bodyLength()), size);
        }
        for (int k = 0; k < footer.recordBatchesLength(); k++) {
          Block b = footer.recordBatches(k);
          checkBlock(new ArrowBlock(b.offset(), b.metaDataLength(), b.bodyLength()), size);
        }
        return schema;
      } catch (IOException | RuntimeException e) {
        throw wrap(file, e);
      }
    }

    private ByteBuffer readAt(long position, int length) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (channel.read(b, position + b.position()) < 0) {
          throw new FormatException(file, -1, "not a valid Arrow IPC file (truncated)");
        }
      }
      return b.flip();
    }

    /**
     * Checks a batch's block and the buffer ranges its message declares before Arrow reads it:
     * Arrow Java leaks the body buffer when a declared range falls outside the body.
     */
    private void checkBlock(ArrowBlock block, long fileSize) throws IOException {
      long offset = block.getOffset();
      int metaLength = block.getMetadataLength();
      long bodyLength = block.getBodyLength();
      if (offset < 8 || metaLength < 8 || bodyLength < 0 || offset + metaLength + bodyLength > fileSize) {
        throw new FormatException(file, -1, "not a valid Arrow IPC file (batch at offset " + offset
            + " with " + metaLength + " + " + bodyLength + " bytes lies outside the file of " + fileSize + " bytes)");
      }
      ByteBuffer meta = readAt(offset, metaLength);
      int first = meta.getInt(0);
      int start = first == -1 ? 8 : 4;
      int length = first == -1 ? meta.getInt(4) : first;
      if (length <= 0 || start + (long) length > metaLength) {
        throw new FormatException(file, -1, "not a valid Arrow IPC file (batch metadata length " + length + ")");
      }
      Message message = Message.getRootAsMessage(
          meta.duplicate().position(start).limit(start + length).slice().order(ByteOrder.LITTLE_ENDIAN));
      RecordBatch batch;
      if (message.headerType() == MessageHeader.RecordBatch) {
        batch = (RecordBatch) message.header(new RecordBatch());
      } else if (message.headerType() == MessageHeader.DictionaryBatch) {
        batch = ((DictionaryBatch) message.header(new DictionaryBatch())).data();
      } else {
        throw new FormatException(file, -1, "not a valid Arrow IPC file (unexpected message type "
            + message.headerType() + " in a batch block)");
      }
      if (batch == null || message.bodyLength() > bodyLength || message.bodyLength() < 0) {
        throw new FormatException(file, -1, "not a valid Arrow IPC file (batch body larger than its block)");
      }
      IpcStreamGuard.checkBatch(batch, message.bodyLength(), file, "file");
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
      try {
        return super.getVectorSchemaRoot();
      } catch (IOException | RuntimeException e) {
        throw wrap(file, e);
      }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      try {
        return super.loadNextBatch();
      } catch (IOException | RuntimeException e) {
        throw wrap(file, e);
      }
    }
  }

  private static final class StreamReader extends ArrowStreamReader {
    private final String file;
    private final IpcStreamGuard guard;

    StreamReader(IpcStreamGuard in, BufferAllocator allocator, String file) {
      super(in, allocator);
      this.guard = in;
      this.file = file;
    }

    @Override
    protected Schema readSchema() throws IOException {
      try {
        return super.readSchema();
      } catch (IOException | RuntimeException e) {
        throw wrap(file, e);
      }
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
      try {
        return super.getVectorSchemaRoot();
      } catch (IOException | RuntimeException e) {
        throw wrap(file, e);
      }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      try {
        return super.loadNextBatch();
      } catch (IOException | RuntimeException e) {
        throw wrap(file, e);
      }
    }

    @Override
    public long bytesRead() {
      return guard.consumed();
    }
  }

  /** Writes an IPC file ({@code stream == false}) or stream. */
  static final class Writer extends AbstractBatchWriter {
    private final FileChannel channel;
    private final VectorSchemaRoot root;
    private final ArrowWriter writer;

    Writer(Path path, String file, Schema schema, boolean stream, boolean overwrite, BufferAllocator allocator)
        throws IOException {
      super(path, file, schema);
      channel = FileChannel.open(path, Formats.createOptions(overwrite));
      VectorSchemaRoot r = null;
      try {
        r = VectorSchemaRoot.create(schema, allocator);
        WritableByteChannel out = channel;
        writer = stream ? new ArrowStreamWriter(r, null, out) : new ArrowFileWriter(r, null, out);
        writer.start();
      } catch (IOException | RuntimeException e) {
        if (r != null) {
          r.close();
        }
        channel.close();
        throw e;
      }
      root = r;
    }

    @Override
    protected void writeBatch(VectorSchemaRoot batch) throws IOException {
      try (ArrowRecordBatch rb = new VectorUnloader(batch).getRecordBatch()) {
        new VectorLoader(root).load(rb);
        writer.writeBatch();
      }
    }

    @Override
    protected void finish() throws IOException {
      try {
        writer.end();
      } finally {
        release();
      }
    }

    @Override
    protected void release() {
      try {
        writer.close(); // closes the channel
      } catch (RuntimeException ignored) {
        // releasing
      }
      root.close();
      try {
        channel.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
