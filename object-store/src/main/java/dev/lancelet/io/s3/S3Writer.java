package dev.lancelet.io.s3;

import dev.lancelet.io.ObjectWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A streaming write: objects of at most the multipart threshold go up with one PUT on close;
 * larger ones as a multipart upload whose parts leave while the caller keeps writing. Memory held: the threshold before the switch, then at most {@link
 * S3ObjectStore#MAX_INFLIGHT_PARTS} + 1 parts.
 */
final class S3Writer implements ObjectWriter {
  private static final int FIRST_CHUNK = 64 << 10;

  private final S3ObjectStore store;
  private final String key;
  private final String loc;
  private final long threshold;
  private final int partSize;

  /** Full parts not yet sent (before the upload starts). */
  private final List<byte[]> pending = new ArrayList<>();
  private byte[] current = new byte[0];
  private int currentLength;
  private long position;

  private String uploadId;
  private int nextPart = 1;
  private final ArrayDeque<CompletableFuture<CompletedPart>> inFlight = new ArrayDeque<>();
  private final List<CompletedPart> done = new ArrayList<>();
  private boolean finished;

  S3Writer(S3ObjectStore store, String key, String loc) {
    this.store = store;
    this.key = key;
    this.loc = loc;
    this.threshold = store.options().multipartThreshold();
    this.partSize = (int) Math.min(store.options().multipartPartSize(), Integer.MAX_VALUE - 16);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    if (finished) {
      throw new IllegalStateException("Cannot write: the writer of " + loc + " is closed or aborted");
    }
    Objects.checkFromIndexSize(offset, length, bytes.length);
    try {
      while (length > 0) {
        if (currentLength == current.length) {
          if (currentLength == partSize) {
            partFull();
          } else {
            current = Arrays.copyOf(current, (int) Math.min(partSize, Math.max(FIRST_CHUNK, (long) current.length * 2)));
          }
        }
        int n = Math.min(length, current.length - currentLength);
        System.arraycopy(bytes, offset, current, currentLength, n);
        currentLength += n;
        position += n;
        offset += n;
        length -= n;
      }
      if (currentLength == partSize) {
        partFull();
      }
    } catch (IOException | RuntimeException e) {
      abortAfterFailure(e);
      throw e;
    }
  }

  /** The current buffer holds a whole part. */
  private void partFull() throws IOException {
    byte[] part = current;
    current = new byte[0];
    currentLength = 0;
    if (uploadId == null) {
      pending.add(part);
      if (position > threshold) {
        startUpload();
      }
    } else {
      sendPart(part, part.length);
    }
  }

  private void startUpload() throws IOException {
    uploadId =
        store
            .await(store.client().createMultipartUpload(c -> c.bucket(store.bucket()).key(key)), "CreateMultipartUpload", loc)
            .uploadId();
    for (byte[] p : pending) {
      sendPart(p, p.length);
    }
    pending.clear();
  }

  private void sendPart(byte[] data, int length) throws IOException {
    if (nextPart > S3ObjectStore.MAX_PARTS) {
      throw new IOException(
          "Object " + loc + " needs more than " + S3ObjectStore.MAX_PARTS + " parts of " + partSize
              + " bytes; raise multipart_part_size");
    }
    while (inFlight.size() >= S3ObjectStore.MAX_INFLIGHT_PARTS) {
      done.add(store.await(inFlight.removeFirst(), "UploadPart", loc));
    }
    int number = nextPart++;
    AsyncRequestBody body = AsyncRequestBody.fromRemainingByteBufferUnsafe(ByteBuffer.wrap(data, 0, length)); // the part array is never touched again
    String id = uploadId;
    inFlight.addLast(
        store
            .client()
            .uploadPart(
                u -> u.bucket(store.bucket()).key(key).uploadId(id).partNumber(number).contentLength((long) length),
                body)
            .thenApply(r -> CompletedPart.builder().partNumber(number).eTag(r.eTag()).build()));
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      if (uploadId == null && position > threshold) {
        startUpload(); // more than the threshold but less than a full part beyond it
      }
      if (uploadId == null) {
        putWhole();
      } else {
        if (currentLength > 0) {
          sendPart(current, currentLength);
        }
        while (!inFlight.isEmpty()) {
          done.add(store.await(inFlight.removeFirst(), "UploadPart", loc));
        }
        done.sort(Comparator.comparingInt(CompletedPart::partNumber));
        complete();
      }
    } catch (IOException | RuntimeException e) {
      abortAfterFailure(e);
      throw e;
    } finally {
      current = null;
      pending.clear();
    }
  }

  private void putWhole() throws IOException {
    ByteBuffer[] buffers = new ByteBuffer[pending.size() + 1];
    for (int i = 0; i < pending.size(); i++) {
      buffers[i] = ByteBuffer.wrap(pending.get(i));
    }
    buffers[pending.size()] = ByteBuffer.wrap(current, 0, currentLength);
    long length = position;
    store.await(
        store.client().putObject(p -> p.bucket(store.bucket()).key(key).contentLength(length), AsyncRequestBody.fromRemainingByteBuffersUnsafe(buffers)),
        "PUT",
        loc);
  }

  private void complete() throws IOException {
    String id = uploadId;
    try {
      store.await(
          store
              .client()
              .completeMultipartUpload(
                  c -> c.bucket(store.bucket()).key(key).uploadId(id).multipartUpload(m -> m.parts(done))),
          "CompleteMultipartUpload",
          loc);
    } catch (S3RequestException e) {
      // A retried Complete whose first answer was lost finds the upload gone: the object is there.
      if ("NoSuchUpload".equals(e.errorCode()) && attempts(e) > 1 && sizeIs(position)) {
        uploadId = null;
        return;
      }
      throw e;
    }
    uploadId = null;
  }

  private static int attempts(S3RequestException e) {
    return e.getCause() instanceof SdkException s && s.numAttempts() != null
        ? s.numAttempts()
        : 1;
  }

  private boolean sizeIs(long expected) {
    try {
      return store.await(store.client().headObject(h -> h.bucket(store.bucket()).key(key)), "HEAD", loc).contentLength()
          == expected;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void abort() throws IOException {
    if (finished && uploadId == null) {
      return;
    }
    finished = true;
    current = null;
    pending.clear();
    abortUpload();
  }

  private void abortAfterFailure(Exception e) {
    finished = true;
    try {
      abortUpload();
    } catch (IOException | RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  private void abortUpload() throws IOException {
    for (CompletableFuture<CompletedPart> f : inFlight) {
      f.cancel(true);
    }
    inFlight.clear();
    String id = uploadId;
    if (id == null) {
      return;
    }
    uploadId = null;
    try {
      store.await(
          store.client().abortMultipartUpload(a -> a.bucket(store.bucket()).key(key).uploadId(id)), "AbortMultipartUpload", loc);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      if (!(e instanceof S3RequestException r && "NoSuchUpload".equals(r.errorCode()))) {
        throw new IOException("Could not abort the multipart upload " + id + " of " + loc + " (its parts may linger)", e);
      }
    }
  }
}
