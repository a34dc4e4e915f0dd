package dev.lancelet.io.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 proxy on loopback in front of a real S3 server, injecting faults into real
 * HTTP exchanges: canned 503 SlowDown answers, requests applied upstream whose answer is then
 * dropped, and stripped request headers. It serves one exchange per connection (it asks upstream
 * for {@code Connection: close}), which the SDK handles by reconnecting.
 */
public final class FaultProxy implements AutoCloseable {

  /** What the proxy saw of one request. */
  public record Request(String method, String target, List<String> headers) {
    /** Value of a header, or null. */
    public String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return h.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** The kinds of fault. */
  public enum Fault {
    /** Answer 503 SlowDown without forwarding. */
    SLOW_DOWN,
    /** Answer 500 InternalError without forwarding. */
    INTERNAL_ERROR,
    /** Answer 404 NoSuchUpload without forwarding (what S3 may say to a repeated Complete). */
    NO_SUCH_UPLOAD,
    /** Forward, let upstream apply it, then close the connection without answering. */
    DROP_RESPONSE,
    /** Forward without any If-None-Match header. */
    STRIP_IF_NONE_MATCH,
    /** Read the request and never answer (until the client gives up and closes). */
    STALL
  }

  private record Rule(Predicate<Request> match, Fault fault, AtomicInteger remaining) {}

  private final int upstreamPort;
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Request> seen = new CopyOnWriteArrayList<>();
  private final List<Fault> injected = new CopyOnWriteArrayList<>();
  private final List<String> answers = new CopyOnWriteArrayList<>();
  private volatile Predicate<Request> holdMatch = r -> false;
  private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  public FaultProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Injects {@code fault} into the next {@code times} requests matching {@code match}. */
  public FaultProxy inject(Predicate<Request> match, Fault fault, int times) {
    rules.add(new Rule(match, fault, new AtomicInteger(times)));
    return this;
  }

  /** Every request seen, in arrival order. */
  public List<Request> requests() {
    return List.copyOf(seen);
  }

  /** Upstream status lines, as "METHOD target -> status", in completion order (dropped ones too). */
  public List<String> answers() {
    return List.copyOf(answers);
  }

  /** Faults injected so far. */
  public List<Fault> injected() {
    return List.copyOf(injected);
  }

  /** Holds every request matching {@code match} (before forwarding it) until {@link #releaseHeld()}. */
  public FaultProxy hold(Predicate<Request> match) {
    held = new java.util.concurrent.CountDownLatch(1);
    holdMatch = match;
    return this;
  }

  /** Lets the held requests, and later matching ones, through. */
  public void releaseHeld() {
    held.countDown();
  }

  /** The most exchanges (one per connection) ever open at once, each counted until its answer starts. */
  public int peakConcurrentRequests() {
    return peakInFlight.get();
  }

  public static Predicate<Request> method(String method) {
    return r -> r.method().equals(method);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private Fault faultFor(Request r) {
    for (Rule rule : rules) {
      if (rule.match.test(r) && rule.remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        injected.add(rule.fault);
        return rule.fault;
      }
    }
    return null;
  }

  private void serve(Socket client) {
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      List<String> lines = readHead(in);
      if (lines == null) {
        return;
      }
      String[] requestLine = lines.get(0).split(" ");
      List<String> headers = new ArrayList<>(lines.subList(1, lines.size()));
      Request req = new Request(requestLine[0], requestLine[1], List.copyOf(headers));
      seen.add(req);
      if (holdMatch.test(req)) {
        try {
          held.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if ("100-continue".equalsIgnoreCase(req.header("Expect"))) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      byte[] body = readBody(in, req);
      Fault fault = faultFor(req);
      if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR || fault == Fault.NO_SUCH_UPLOAD) {
        String code = switch (fault) {
          case SLOW_DOWN -> "SlowDown";
          case INTERNAL_ERROR -> "InternalError";
          default -> "NoSuchUpload";
        };
        int status = switch (fault) {
          case SLOW_DOWN -> 503;
          case INTERNAL_ERROR -> 500;
          default -> 404;
        };
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
            + "</Code><Message>injected</Message><RequestId>fault</RequestId></Error>";
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " Injected\r\nContent-Type: application/xml\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!req.method().equals("HEAD")) {
          out.write(b);
        }
        out.flush();
        return;
      }
      if (fault == Fault.STALL) {
        while (in.read() >= 0) {
          // wait for the client to time out and close
        }
        return;
      }
      StringBuilder head = new StringBuilder(lines.get(0)).append("\r\n");
      for (String h : headers) {
        String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
        if (name.equals("expect") || name.equals("connection")
            || (fault == Fault.STRIP_IF_NONE_MATCH && name.equals("if-none-match"))) {
          continue;
        }
        head.append(h).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        OutputStream upOut = up.getOutputStream();
        upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        upOut.write(body);
        upOut.flush();
        byte[] response = up.getInputStream().readAllBytes();
        String status = new String(response, 0, Math.min(response.length, 12), StandardCharsets.ISO_8859_1);
        answers.add(req.method() + " " + req.target() + " -> " + (status.length() >= 12 ? status.substring(9, 12) : "?"));
        if (fault == Fault.DROP_RESPONSE) {
          return; // applied upstream, answer lost
        }
        if (counted.getAndSet(false)) {
          // Counted until the answer starts: the client cannot have it (and send its next request) before.
          inFlight.decrementAndGet();
        }
        out.write(response);
        out.flush();
      }
    } catch (IOException e) {
      // the client went away; nothing to do
    } finally {
      if (counted.getAndSet(false)) {
        inFlight.decrementAndGet();
      }
    }
  }


  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (b == '\n' && prev == '\r') {
        byte[] l = line.toByteArray();
        String s = new String(l, 0, l.length - 1, StandardCharsets.ISO_8859_1);
        if (s.isEmpty()) {
          return lines;
        }
        lines.add(s);
        line.reset();
      } else {
        line.write(b);
      }
      prev = b;
    }
  }

  private static byte[] readBody(InputStream in, Request req) throws IOException {
    String length = req.header("Content-Length");
    if (length != null) {
      return in.readNBytes(Integer.parseInt(length));
    }
    if ("chunked".equalsIgnoreCase(req.header("Transfer-Encoding"))) {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine(in, raw);
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          String trailer;
          do {
            trailer = readLine(in, raw);
          } while (!trailer.isEmpty());
          return raw.toByteArray();
        }
        raw.write(in.readNBytes(size));
        readLine(in, raw);
      }
    }
    return new byte[0];
  }

  private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("unexpected end of chunked body");
      }
      copy.write(b);
      if (b == '\n' && prev == '\r') {
        byte[] l = line.toByteArray();
        return new String(l, 0, l.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      prev = b;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
