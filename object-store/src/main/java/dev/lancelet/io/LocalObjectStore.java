package dev.lancelet.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Objects as files below a root folder. Reads are positional ({@code pread}) on a shared channel.
 * Writes go to a hidden temporary file that is fsynced and then moved (or, for {@link
 * #putIfAbsent}, hard-linked, which fails if the name exists) into place, so a reader never sees a
 * half-written object and a crash leaves at most a stray temporary file.
 *
 * <p>Large writes are synced as they go: every {@value #SYNC_EVERY_BYTES} bytes a background
 * thread asks the OS to flush what was written so far ({@code fdatasync}), so the disk works
 * while the writer is still producing data and the final fsync on close has only the tail left.
 * Durability is unchanged (close still fsyncs the file, then the directory after the move); only
 * the timing of the disk writes moves earlier.
 */
public final class LocalObjectStore implements ObjectStore, ConditionalPut {
  static final String TEMP_MARKER = ".lancelet-tmp-";
  /** A write-behind flush is started after this many new bytes (when none is running). */
  static final long SYNC_EVERY_BYTES = 16L << 20;

  /** Daemon threads that run write-behind flushes; idle threads exit after a few seconds. */
  private static final java.util.concurrent.ExecutorService SYNCER;

  static {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 5, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "lancelet-local-sync");
          t.setDaemon(true);
          return t;
        });
    SYNCER = pool;
  }

  private final Path root;

  public LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String uri() {
    return root.toUri().toString();
  }

  /** The file behind a store path; rejects paths that escape the root. */
  public Path resolve(String path) {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("Path escapes the store root " + root + ": " + path);
    }
    return p;
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    Path file = resolve(path);
    try {
      return new LocalReadable(file, FileChannel.open(file, StandardOpenOption.READ));
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(file.toString());
    }
  }

  @Override
  public long size(String path) throws IOException {
    Path file = resolve(path);
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(file.toString());
    }
  }

  @Override
  public boolean exists(String path) {
    return Files.isRegularFile(resolve(path));
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    Path target = resolve(path);
    Files.createDirectories(target.getParent());
    Path temp = tempFor(target);
    return new LocalWriter(target, temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    Path target = resolve(path);
    Files.createDirectories(target.getParent());
    Path temp = tempFor(target);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new ObjectAlreadyExistsException(target.toString());
      }
      syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
    if (!Files.isDirectory(start)) {
      return out;
    }
    // Files come and go while we walk (temporary files of concurrent writers are renamed away):
    // an entry that vanished between the directory read and its attributes is simply left out.
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<Path>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              String rel = root.relativize(f).toString().replace('\\', '/');
              if (rel.startsWith(prefix) && !f.getFileName().toString().contains(TEMP_MARKER)) {
                out.add(new ObjectInfo(rel, attrs.size(), attrs.lastModifiedTime().toMillis()));
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            return FileVisitResult.CONTINUE;
          }
        });
    out.sort((a, b) -> a.path().compareTo(b.path()));
    return out;
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(resolve(path));
  }

  @Override
  public String toString() {
    return "LocalObjectStore[" + root + "]";
  }

  private static Path tempFor(Path target) {
    return target.resolveSibling("." + target.getFileName() + TEMP_MARKER + UUID.randomUUID());
  }

  static void syncDirectory(Path dir) {
    // Durably records a rename or link. Not every platform can open a directory; those that
    // cannot give no stronger guarantee anyway.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort
    }
  }

  private static final class LocalReadable implements ReadableObject {
    private final Path file;
    private final FileChannel channel;
    private final long size;

    LocalReadable(Path file, FileChannel channel) throws IOException {
      this.file = file;
      this.channel = channel;
      this.size = channel.size();
    }

    @Override
    public String location() {
      return file.toString();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
      ReadableObject.checkRange(location(), size, offset, length);
      ByteBuffer buf = ByteBuffer.allocate(length);
      long pos = offset;
      while (buf.hasRemaining()) {
        int n = channel.read(buf, pos);
        if (n < 0) {
          throw new java.io.EOFException("Unexpected end of " + file + " at byte " + pos + " (file truncated while open?)");
        }
        pos += n;
      }
      buf.flip();
      return buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void readInto(long offset, ByteBuffer dst) throws IOException {
      // Into a direct buffer the channel reads straight to its memory (no temporary copy).
      ReadableObject.checkRange(location(), size, offset, dst.remaining());
      long pos = offset;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n < 0) {
          throw new java.io.EOFException("Unexpected end of " + file + " at byte " + pos + " (file truncated while open?)");
        }
        pos += n;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }

    @Override
    public String toString() {
      return location();
    }
  }

  private static final class LocalWriter implements ObjectWriter {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private long position;
    private long unsynced; // bytes written since the last write-behind flush was started
    private java.util.concurrent.Future<?> sync; // the running write-behind flush, if any
    private boolean done;

    LocalWriter(Path target, Path temp, FileChannel channel) {
      this.target = target;
      this.temp = temp;
      this.channel = channel;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      if (done) {
        throw new IllegalStateException("Cannot write: already closed: " + target);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      position += length;
      unsynced += length;
      if (unsynced >= SYNC_EVERY_BYTES && (sync == null || sync.isDone())) {
        awaitSync(); // reports a failed earlier flush
        unsynced = 0;
        sync = SYNCER.submit(() -> {
          channel.force(false);
          return null;
        });
      }
    }

    /** Waits for the running write-behind flush, rethrowing its failure. */
    private void awaitSync() throws IOException {
      java.util.concurrent.Future<?> s = sync;
      sync = null;
      if (s == null) {
        return;
      }
      boolean interrupted = false;
      try {
        while (true) {
          try {
            s.get();
            return;
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io
                : new IOException("Write-behind flush of " + temp + " failed", e.getCause());
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      boolean ok = false;
      try {
        awaitSync();
        channel.force(true);
        channel.close();
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.getParent());
        ok = true;
      } finally {
        if (!ok) {
          channel.close();
          Files.deleteIfExists(temp);
        }
      }
    }

    @Override
    public void abort() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        awaitSync();
      } catch (IOException ignored) {
        // the file is discarded anyway
      } finally {
        channel.close();
        Files.deleteIfExists(temp);
      }
    }
  }
}
