package dev.lancelet.io.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Collects a GET body into one array sized from the response's Content-Length, refusing a body
 * larger than the caller asked for (a server that ignores the Range header must not make us
 * buffer a whole object) or one whose length does not match what was announced.
 */
final class BoundedBytesTransformer
    implements AsyncResponseTransformer<GetObjectResponse, BoundedBytesTransformer.Result> {

  /** The response headers and the body. */
  record Result(GetObjectResponse response, byte[] body) {}

  /** The server announced or sent more bytes than the request allows. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  private final long maxBytes;
  private final String location;
  private volatile CompletableFuture<Result> future;
  private volatile GetObjectResponse response;

  BoundedBytesTransformer(long maxBytes, String location) {
    this.maxBytes = maxBytes;
    this.location = location;
  }

  @Override
  public CompletableFuture<Result> prepare() {
    future = new CompletableFuture<>();
    return future;
  }

  @Override
  public void onResponse(GetObjectResponse r) {
    this.response = r;
  }

  @Override
  public void onStream(SdkPublisher<ByteBuffer> publisher) {
    Long announced = response.contentLength();
    if (announced == null || announced < 0) {
      announced = -1L;
    }
    if (announced > maxBytes) {
      future.completeExceptionally(
          new TooLargeException(
              "S3 answered " + announced + " bytes for a request of at most " + maxBytes + " bytes: " + location
                  + " (does the server ignore Range headers?)"));
      publisher.subscribe(new Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Subscription s) {
          s.cancel();
        }

        @Override
        public void onNext(ByteBuffer b) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
      });
      return;
    }
    final int expected = announced < 0 ? -1 : (int) (long) announced;
    publisher.subscribe(new Subscriber<ByteBuffer>() {
      private byte[] buf = new byte[expected < 0 ? 8192 : expected];
      private int pos;
      private Subscription sub;
      private boolean failed;

      @Override
      public void onSubscribe(Subscription s) {
        sub = s;
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer b) {
        if (failed) {
          return;
        }
        int n = b.remaining();
        if ((long) pos + n > (expected < 0 ? maxBytes : expected)) {
          failed = true;
          sub.cancel();
          future.completeExceptionally(
              new TooLargeException("S3 sent more bytes than announced or asked for: " + location));
          return;
        }
        if (pos + n > buf.length) {
          buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max((long) buf.length * 2, (long) pos + n)));
        }
        b.get(buf, pos, n);
        pos += n;
      }

      @Override
      public void onError(Throwable t) {
        if (!failed) {
          failed = true;
          future.completeExceptionally(t);
        }
      }

      @Override
      public void onComplete() {
        if (failed) {
          return;
        }
        if (expected >= 0 && pos != expected) {
          future.completeExceptionally(
              new IOException(
                  "S3 response body was cut short: " + pos + " of " + expected + " bytes: " + location));
          return;
        }
        future.complete(new Result(response, pos == buf.length ? buf : Arrays.copyOf(buf, pos)));
      }
    });
  }

  @Override
  public void exceptionOccurred(Throwable error) {
    CompletableFuture<Result> f = future;
    if (f != null) {
      f.completeExceptionally(error);
    }
  }
}
