package dev.lancelet.cli.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * Sits between an Arrow IPC stream file and Arrow's stream reader and checks every message before
 * Arrow sees it: the metadata and body lengths must fit in what is left of the file, and every
 * buffer a batch declares must lie inside its body. Arrow Java would otherwise allocate a body of
 * any declared length (an out-of-memory error on a lying length) and leak it when a buffer range
 * is bad.
 */
final class IpcStreamGuard extends InputStream {
  private final InputStream in;
  private final String file;
  private long remaining; // bytes of the file not yet read from `in`
  private byte[] pending = new byte[0]; // checked bytes to hand out
  private int pendingPos;
  private long bodyLeft; // body bytes to pass through unchecked
  private boolean ended;
  private long consumed;

  IpcStreamGuard(InputStream in, long fileSize, String file) {
    this.in = in;
    this.remaining = fileSize;
    this.file = file;
  }

  /** Bytes handed to the reader so far. */
  long consumed() {
    return consumed;
  }

  private byte[] readExactly(int n, String what) throws IOException {
    if (n > remaining) {
      throw new FormatException(file, -1, "not a valid Arrow IPC stream (" + what + " of " + n
          + " bytes runs past the end of the file)");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new FormatException(file, -1, "not a valid Arrow IPC stream (truncated " + what + ")");
    }
    remaining -= n;
    return b;
  }

  /** Reads and checks the next message's prefix and metadata into {@code pending}. */
  private void nextMessage() throws IOException {
    if (remaining == 0) {
      ended = true;
      return;
    }
    if (remaining < 4) {
      // let Arrow report the stray bytes
      pending = readExactly((int) remaining, "message prefix");
      pendingPos = 0;
      ended = true;
      return;
    }
    byte[] first = readExactly(4, "message prefix");
    int word = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt();
    byte[] prefix = first;
    int length = word;
    if (word == -1) {
      byte[] len = readExactly(4, "message length");
      length = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
      prefix = new byte[] {first[0], first[1], first[2], first[3], len[0], len[1], len[2], len[3]};
    }
    if (length == 0) { // end of stream marker
      pending = prefix;
      pendingPos = 0;
      ended = true;
      return;
    }
    if (length < 0) {
      throw new FormatException(file, -1, "not a valid Arrow IPC stream (message length " + length + ")");
    }
    byte[] meta = readExactly(length, "message metadata");
    long bodyLength;
    try {
      Message message = Message.getRootAsMessage(ByteBuffer.wrap(meta).order(ByteOrder.LITTLE_ENDIAN));
      bodyLength = message.bodyLength();
      if (bodyLength < 0 || bodyLength > remaining) {
        throw new FormatException(file, -1, "not a valid Arrow IPC stream (message body of " + bodyLength
            + " bytes, " + remaining + " left in the file)");
      }
      RecordBatch batch = null;
      if (message.headerType() == MessageHeader.RecordBatch) {
        batch = (RecordBatch) message.header(new RecordBatch());
      } else if (message.headerType() == MessageHeader.DictionaryBatch) {
        DictionaryBatch d = (DictionaryBatch) message.header(new DictionaryBatch());
        batch = d == null ? null : d.data();
      }
      if (batch != null) {
        checkBatch(batch, bodyLength, file, "stream");
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new FormatException(file, -1, "not a valid Arrow IPC stream (unreadable message metadata)", e);
    }
    pending = new byte[prefix.length + meta.length];
    System.arraycopy(prefix, 0, pending, 0, prefix.length);
    System.arraycopy(meta, 0, pending, prefix.length, meta.length);
    pendingPos = 0;
    bodyLeft = bodyLength;
  }

  /**
   * Checks what Arrow Java trusts when it turns a batch message into vectors: buffer ranges inside
   * the body, lengths and counts that fit an int. Shared by the IPC file and stream readers.
   */
  static void checkBatch(RecordBatch batch, long bodyLength, String file, String kind) throws FormatException {
    String bad = null;
    if (batch.length() < 0 || batch.length() > Integer.MAX_VALUE) {
      bad = "batch of " + batch.length() + " rows";
    }
    for (int k = 0; bad == null && k < batch.buffersLength(); k++) {
      org.apache.arrow.flatbuf.Buffer b = batch.buffers(k);
      if (b.offset() < 0 || b.length() < 0 || b.offset() + b.length() > bodyLength) {
        bad = "buffer [" + b.offset() + ", " + (b.offset() + b.length()) + ") outside the batch body of "
            + bodyLength + " bytes";
      }
    }
    for (int k = 0; bad == null && k < batch.nodesLength(); k++) {
      long length = batch.nodes(k).length();
      long nulls = batch.nodes(k).nullCount();
      if (length < 0 || length > Integer.MAX_VALUE || nulls < 0 || nulls > length) {
        bad = "field node of " + length + " values and " + nulls + " nulls";
      }
    }
    if (bad != null) {
      throw new FormatException(file, -1, "not a valid Arrow IPC " + kind + " (" + bad + ")");
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (pendingPos < pending.length) {
        int n = Math.min(len, pending.length - pendingPos);
        System.arraycopy(pending, pendingPos, b, off, n);
        pendingPos += n;
        consumed += n;
        return n;
      }
      if (bodyLeft > 0) {
        int n = in.read(b, off, (int) Math.min(len, bodyLeft));
        if (n < 0) {
          return -1; // Arrow reports the truncated body
        }
        bodyLeft -= n;
        remaining -= n;
        consumed += n;
        return n;
      }
      if (ended) {
        // after the end marker: pass the rest through unchecked (Arrow stops reading there)
        int n = in.read(b, off, len);
        if (n > 0) {
          remaining -= n;
          consumed += n;
        }
        return n;
      }
      nextMessage();
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
