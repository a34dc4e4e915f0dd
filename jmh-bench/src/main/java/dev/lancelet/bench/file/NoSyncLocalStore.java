package dev.lancelet.bench.file;

import dev.lancelet.io.ConditionalPut;
import dev.lancelet.io.LocalObjectStore;
import dev.lancelet.io.ObjectAlreadyExistsException;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@link LocalObjectStore} without durability: a write goes to a staging file that is renamed on
 * close, with no fsync, which is what lance-core's local object store does (checked with strace:
 * it issues no fsync or fdatasync). Used to compare the writers' encoding work on equal terms;
 * never use it for real data. Its put-if-absent (for dataset commits) writes a temporary file and
 * hard-links it into place, as {@link LocalObjectStore} does, but without fsync.
 */
public final class NoSyncLocalStore implements ObjectStore, ConditionalPut {
  private final LocalObjectStore delegate;

  public NoSyncLocalStore(Path root) {
    this.delegate = new LocalObjectStore(root);
  }

  @Override
  public String uri() {
    return delegate.uri();
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    return delegate.open(path);
  }

  @Override
  public boolean exists(String path) throws IOException {
    return delegate.exists(path);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return delegate.list(prefix);
  }

  @Override
  public void delete(String path) throws IOException {
    delegate.delete(path);
  }

  @Override
  public ObjectWriter create(String path) throws IOException {
    Path target = delegate.resolve(path);
    Files.createDirectories(target.getParent());
    Path staging = target.resolveSibling(target.getFileName() + ".staging");
    FileChannel channel = FileChannel.open(staging, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    return new ObjectWriter() {
      private long position;
      private boolean done;

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
        while (b.hasRemaining()) {
          channel.write(b);
        }
        position += length;
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public void close() throws IOException {
        if (!done) {
          done = true;
          channel.close();
          Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }

      @Override
      public void abort() throws IOException {
        if (!done) {
          done = true;
          channel.close();
          Files.deleteIfExists(staging);
        }
      }
    };
  }

  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    Path target = delegate.resolve(path);
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(target.getFileName() + ".put-" + System.nanoTime());
    try {
      Files.write(temp, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new ObjectAlreadyExistsException(target.toString());
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
