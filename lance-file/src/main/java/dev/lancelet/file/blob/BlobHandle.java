package dev.lancelet.file.blob;

import dev.lancelet.io.ReadableObject;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * One blob value: {@code size} bytes at {@code offset} of some object (the data file, a sidecar
 * {@code .blob} file or an external object), read on demand with ranged reads, never loaded
 * whole unless asked ({@link #readAllBytes}).
 *
 * <p>{@link #openStream} reads at most {@value #STREAM_READ_BYTES} bytes per request; {@link
 * #openChannel} reads what each {@code read(ByteBuffer)} asks for (capped at the same size). Each
 * stream or channel is independent and must be closed. Handles on the data file itself (legacy
 * blobs, inline blob v2 values) read through the {@link dev.lancelet.file.LanceFileReader} that
 * made them and stop working once it is closed; sidecar and external handles open their object
 * per stream or channel.
 */
public final class BlobHandle {
  /** Largest single read a stream or channel issues: 64 KiB. */
  public static final int STREAM_READ_BYTES = 64 * 1024;

  /** Opens the object holding a blob. */
  @FunctionalInterface
  public interface Opener {
    /** Opens the object; the caller closes it. */
    ReadableObject open() throws IOException;
  }

  private static final BlobHandle EMPTY = new BlobHandle("(empty blob)", null, null, 0, 0);

  private final String location;
  private final ReadableObject shared;
  private final Opener opener;
  private final long offset;
  private final long size;

  private BlobHandle(String location, ReadableObject shared, Opener opener, long offset, long size) {
    this.location = location;
    this.shared = shared;
    this.opener = opener;
    this.offset = offset;
    this.size = size;
  }

  /** A handle on bytes of an object that stays open elsewhere (streams do not close it). */
  public static BlobHandle of(ReadableObject object, long offset, long size) {
    Objects.requireNonNull(object, "object");
    check(offset, size);
    return size == 0 ? EMPTY : new BlobHandle(object.location(), object, null, offset, size);
  }

  /** A handle whose every stream or channel opens (and closes) the object through {@code opener}. */
  public static BlobHandle lazy(String location, Opener opener, long offset, long size) {
    Objects.requireNonNull(opener, "opener");
    check(offset, size);
    return size == 0 ? EMPTY : new BlobHandle(location, null, opener, offset, size);
  }

  /** The empty blob. */
  public static BlobHandle empty() {
    return EMPTY;
  }

  private static void check(long offset, long size) {
    if (offset < 0 || size < 0 || offset > Long.MAX_VALUE - size) {
      throw new IllegalArgumentException("Bad blob range [" + offset + ", +" + size + ")");
    }
  }

  /** The blob's length in bytes. */
  public long size() {
    return size;
  }

  /** The object holding the bytes, for messages. */
  public String location() {
    return location;
  }

  /** Offset of the first byte in that object. */
  public long offset() {
    return offset;
  }

  /** A read-only channel over the blob; position 0 is its first byte. */
  public SeekableByteChannel openChannel() throws IOException {
    if (size == 0) {
      return new Channel(null, false);
    }
    if (shared != null) {
      return new Channel(shared, false);
    }
    return new Channel(opener.open(), true);
  }

  /** A stream over the blob, reading {@value #STREAM_READ_BYTES} bytes per request. */
  public InputStream openStream() throws IOException {
    return new Stream(openChannel());
  }

  /**
   * The whole blob as one array.
   *
   * @throws IOException if it is larger than an array can hold
   */
  public byte[] readAllBytes() throws IOException {
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("Blob of " + size + " bytes in " + location + " is too large for one array; use openStream()");
    }
    byte[] out = new byte[(int) size];
    try (SeekableByteChannel c = openChannel()) {
      ByteBuffer b = ByteBuffer.wrap(out);
      while (b.hasRemaining()) {
        if (c.read(b) < 0) {
          throw new EOFException("Blob in " + location + " ended early");
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "BlobHandle[" + location + " @" + offset + " +" + size + "]";
  }

  /** Ranged reads of [offset, offset + size) of one object. */
  private final class Channel implements SeekableByteChannel {
    private final ReadableObject obj;
    private final boolean owned;
    private long pos;
    private boolean open = true;

    Channel(ReadableObject obj, boolean owned) {
      this.obj = obj;
      this.owned = owned;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      ensureOpen();
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(Math.min(dst.remaining(), STREAM_READ_BYTES), size - pos);
      if (n == 0) {
        return 0;
      }
      ByteBuffer slice = dst.slice(dst.position(), n);
      obj.readInto(offset + pos, slice);
      dst.position(dst.position() + n);
      pos += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
      ensureOpen();
      return pos;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      ensureOpen();
      if (newPosition < 0) {
        throw new IllegalArgumentException("Negative position " + newPosition);
      }
      pos = newPosition;
      return this;
    }

    @Override
    public long size() throws IOException {
      ensureOpen();
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      if (open) {
        open = false;
        if (owned) {
          obj.close();
        }
      }
    }

    private void ensureOpen() throws ClosedChannelException {
      if (!open) {
        throw new ClosedChannelException();
      }
    }
  }

  /** A buffered stream: one ranged read of up to 64 KiB refills the buffer. */
  private static final class Stream extends InputStream {
    private final SeekableByteChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(STREAM_READ_BYTES).limit(0);

    Stream(SeekableByteChannel ch) {
      this.ch = ch;
    }

    private boolean fill() throws IOException {
      if (buf.hasRemaining()) {
        return true;
      }
      buf.clear();
      int n;
      do {
        n = ch.read(buf);
      } while (n == 0);
      buf.flip();
      return n > 0;
    }

    @Override
    public int read() throws IOException {
      return fill() ? buf.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      long fromBuf = Math.min(n, buf.remaining());
      buf.position(buf.position() + (int) fromBuf);
      long rest = n - fromBuf;
      long left = ch.size() - ch.position();
      long jump = Math.min(rest, Math.max(0, left));
      ch.position(ch.position() + jump);
      return fromBuf + jump;
    }

    @Override
    public int available() {
      return buf.remaining();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
