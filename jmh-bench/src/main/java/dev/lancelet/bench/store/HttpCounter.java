package dev.lancelet.bench.store;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Counts the HTTP requests the S3 client sends (every attempt, retries included) and the body
 * bytes of the object GET answers (not listings), from each answer's {@code Content-Length}.
 */
final class HttpCounter implements ExecutionInterceptor {
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();
  private final AtomicLong getBytes = new AtomicLong();

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    requests.incrementAndGet();
    if (context.httpRequest().method().name().equals("GET") && !context.httpRequest().rawQueryParameters().containsKey("list-type")) {
      gets.incrementAndGet();
      SdkHttpResponse response = context.httpResponse();
      if (response.isSuccessful()) {
        response.firstMatchingHeader("Content-Length").ifPresent(v -> getBytes.addAndGet(Long.parseLong(v.trim())));
      }
    }
  }

  /** Requests of any kind sent so far. */
  long requests() {
    return requests.get();
  }

  /** GET requests sent so far. */
  long gets() {
    return gets.get();
  }

  /** Body bytes of successful GET answers so far. */
  long getBytes() {
    return getBytes.get();
  }
}
