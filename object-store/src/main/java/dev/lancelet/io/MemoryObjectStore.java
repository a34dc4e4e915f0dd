package dev.lancelet.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Objects held in memory, for tests and scratch work. Stores are named; {@link #named(String)}
 * returns the same store for the same name within one JVM, so {@code memory://name} URIs resolve
 * consistently.
 */
public final class MemoryObjectStore implements ObjectStore, ConditionalPut {
  private static final Map<String, MemoryObjectStore> NAMED = new ConcurrentHashMap<>();

  private record Entry(byte[] data, long modifiedMillis) {}

  private final String name;
  private final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();

  public MemoryObjectStore(String name) {
    this.name = name;
  }

  /** The JVM-wide store of this name, created on first use. */
  public static MemoryObjectStore named(String name) {
    return NAMED.computeIfAbsent(name, MemoryObjectStore::new);
  }

  @Override
  public String uri() {
    return "memory://" + name;
  }

  @Override
  public ReadableObject open(String path) throws IOException {
    Entry e = objects.get(path);
    if (e == null) {
      throw new ObjectNotFoundException(uri() + "/" + path);
    }
    String location = uri() + "/" + path;
    byte[] data = e.data;
    return new ReadableObject() {
      @Override
      public String location() {
        return location;
      }

      @Override
      public long size() {
        return data.length;
      }

      @Override
      public ByteBuffer read(long offset, int length) throws IOException {
        ReadableObject.checkRange(location, data.length, offset, length);
        byte[] copy = new byte[length];
        System.arraycopy(data, (int) offset, copy, 0, length);
        return ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public boolean exists(String path) {
    return objects.containsKey(path);
  }

  @Override
  public void put(String path, byte[] data) {
    objects.put(path, new Entry(data.clone(), System.currentTimeMillis()));
  }

  @Override
  public void putIfAbsent(String path, byte[] data) throws IOException {
    if (objects.putIfAbsent(path, new Entry(data.clone(), System.currentTimeMillis())) != null) {
      throw new ObjectAlreadyExistsException(uri() + "/" + path);
    }
  }

  @Override
  public ObjectWriter create(String path) {
    return new ObjectWriter() {
      private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
      private boolean done;

      @Override
      public void write(byte[] bytes, int offset, int length) {
        if (done) {
          throw new IllegalStateException("Cannot write: already closed: " + path);
        }
        buf.write(bytes, offset, length);
      }

      @Override
      public long position() {
        return buf.size();
      }

      @Override
      public void close() {
        if (!done) {
          done = true;
          objects.put(path, new Entry(buf.toByteArray(), System.currentTimeMillis()));
        }
      }

      @Override
      public void abort() {
        done = true;
      }
    };
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> out = new ArrayList<>();
    for (Map.Entry<String, Entry> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      out.add(new ObjectInfo(e.getKey(), e.getValue().data.length, e.getValue().modifiedMillis));
    }
    return out;
  }

  @Override
  public void delete(String path) {
    objects.remove(path);
  }

  @Override
  public String toString() {
    return "MemoryObjectStore[" + name + "]";
  }
}
