package dev.lancelet.io.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Test helper: records every HTTP attempt the SDK sends, as "Operation" or "Operation Range". */
public final class RequestLog implements ExecutionInterceptor {
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    String range = context.httpRequest().firstMatchingHeader("Range").orElse(null);
    requests.add(range == null ? op : op + " " + range);
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  public long count(String operation) {
    return requests.stream().filter(r -> r.equals(operation) || r.startsWith(operation + " ")).count();
  }

  public void clear() {
    requests.clear();
  }
}
