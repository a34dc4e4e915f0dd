package dev.lancelet.file.blob;

import dev.lancelet.file.LanceFormatException;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.io.ReadableObject;
import java.io.IOException;
import java.util.Objects;

/**
 * Finds the bytes of blob v2 values that do not live in the data file: sidecar {@code .blob}
 * files next to the data files, and external objects named by URI.
 *
 * <p>The store is rooted at a dataset's {@code data/} folder. The values of data file {@code
 * data/<stem>.lance} with sidecar id {@code n} live in {@code <stem>/<name(n)>.blob}, where
 * {@code name(n)} is the 32 bits of {@code n} written as binary digits from the least significant
 * bit to the most (id 1 is {@code 1000…0}, id 2 is {@code 0100…0}); see {@link #sidecarPath}.
 *
 * <p>Resolving validates before any byte is read: a missing sidecar, or a range past the end of
 * the sidecar, is a {@link LanceFormatException} naming the sidecar (the descriptor is corrupt or
 * the file was lost). The store holds no open files; each {@link BlobHandle} channel opens and
 * closes its own.
 */
public final class BlobStore {
  private final ObjectStore dataDir;

  private BlobStore(ObjectStore dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
  }

  /** A store over {@code dataDir}, an object store rooted at the dataset's {@code data/} folder. */
  public static BlobStore of(ObjectStore dataDir) {
    return new BlobStore(dataDir);
  }

  /** The object store rooted at the data folder. */
  public ObjectStore dataDir() {
    return dataDir;
  }

  /** Path, relative to the data folder, of sidecar {@code blobId} of the data file {@code stem}. */
  public static String sidecarPath(String stem, long blobId) {
    if (blobId < 0 || blobId > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("Blob ids are unsigned 32-bit numbers, got " + blobId);
    }
    StringBuilder b = new StringBuilder(stem.length() + 39).append(stem).append('/');
    for (int bit = 0; bit < 32; bit++) {
      b.append((blobId >>> bit & 1) == 0 ? '0' : '1');
    }
    return b.append(".blob").toString();
  }

  /**
   * A handle on {@code size} bytes at {@code position} of sidecar {@code blobId} of data file
   * {@code stem}; {@code dedicated} requires the sidecar to be exactly {@code size} bytes.
   *
   * @throws LanceFormatException if the sidecar is missing or shorter than the range
   */
  public BlobHandle sidecar(String stem, long blobId, long position, long size, boolean dedicated) throws IOException {
    String path = sidecarPath(stem, blobId);
    long objectSize;
    try {
      objectSize = dataDir.size(path);
    } catch (ObjectNotFoundException e) {
      throw new LanceFormatException(where(path) + ": blob sidecar file is missing (blob id " + blobId + " of data file " + stem + ")", e);
    }
    if (position < 0 || size < 0 || position > objectSize || size > objectSize - position) {
      throw new LanceFormatException(where(path) + ": blob range [" + Long.toUnsignedString(position) + ", +" + Long.toUnsignedString(size)
          + ") runs past the end of the " + objectSize + "-byte sidecar (corrupt descriptor or truncated sidecar?)");
    }
    if (dedicated && (position != 0 || size != objectSize)) {
      throw new LanceFormatException(where(path) + ": dedicated blob of " + size + " bytes at " + position + " does not match its " + objectSize + "-byte sidecar");
    }
    return BlobHandle.lazy(where(path), () -> dataDir.open(path), position, size);
  }

  /**
   * A handle on an external blob: {@code size} bytes at {@code position} of the object at {@code
   * uri}, or the whole object when both are 0. Local paths, {@code file://} and {@code memory://}
   * URIs are resolved with {@link ObjectStores#forObject}.
   */
  public static BlobHandle external(String uri, long position, long size) throws IOException {
    ObjectStores.Location loc;
    try {
      loc = ObjectStores.forObject(uri);
    } catch (IllegalArgumentException e) {
      throw new LanceFormatException("External blob URI '" + uri + "' is not valid: " + e.getMessage(), e);
    }
    long objectSize;
    try {
      objectSize = loc.store().size(loc.path());
    } catch (ObjectNotFoundException e) {
      throw new LanceFormatException(uri + ": external blob object is missing", e);
    }
    long len = position == 0 && size == 0 ? objectSize : size;
    if (position < 0 || len < 0 || position > objectSize || len > objectSize - position) {
      throw new LanceFormatException(uri + ": external blob range [" + position + ", +" + len + ") runs past the end of the " + objectSize + "-byte object");
    }
    return BlobHandle.lazy(uri, () -> loc.store().open(loc.path()), position, len);
  }

  private String where(String path) {
    String root = dataDir.uri();
    return root.endsWith("/") ? root + path : root + "/" + path;
  }

  @Override
  public String toString() {
    return "BlobStore[" + dataDir.uri() + "]";
  }
}
