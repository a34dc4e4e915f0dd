package dev.lancelet.io.s3;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A real S3 server on loopback for tests: S3Proxy with its in-memory backend, run as a child
 * process from its self-contained jar (its bundled libraries would clash with ours on one
 * classpath). Started once per JVM and per flavour, on a free port; stopped by a shutdown hook,
 * and by itself if this JVM dies (it watches its stdin pipe). The in-memory backend keeps objects
 * on the server's heap: 256 MB unless the system property {@code lancelet.s3proxy.xmx} says
 * otherwise (the store benchmarks raise it for large datasets).
 */
public final class S3ProxyServer {
  public static final String ACCESS_KEY = "lancelet-test-key";
  public static final String SECRET_KEY = "lancelet-test-secret";
  public static final String BUCKET = "lancelet-test";

  private static final Map<Boolean, S3ProxyServer> SERVERS = new ConcurrentHashMap<>();

  private final Process process;
  private final int port;
  private final boolean authenticated;
  private final Path logFile;

  private S3ProxyServer(Process process, int port, boolean authenticated, Path logFile) {
    this.process = process;
    this.port = port;
    this.authenticated = authenticated;
    this.logFile = logFile;
  }

  /** The shared server checking AWS v2/v4 signatures with {@link #ACCESS_KEY}/{@link #SECRET_KEY}. */
  public static S3ProxyServer get() {
    return get(true);
  }

  /**
   * The shared server that checks no signatures: for tests whose proxy rewrites signed headers.
   */
  public static S3ProxyServer anonymous() {
    return get(false);
  }

  private static S3ProxyServer get(boolean authenticated) {
    return SERVERS.computeIfAbsent(authenticated, S3ProxyServer::start);
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Options reaching this server (endpoint, credentials, http allowed, few retries). */
  public Map<String, String> options() {
    return Map.of(
        "aws_endpoint", endpoint().toString(),
        "aws_access_key_id", ACCESS_KEY,
        "aws_secret_access_key", SECRET_KEY,
        "aws_region", "us-east-1",
        "allow_http", "true",
        "client_max_retries", "3");
  }

  private static S3ProxyServer start(boolean authenticated) {
    try {
      String jar = locateJar();
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("s3proxy");
      Path conf = dir.resolve("s3proxy.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=" + (authenticated ? "aws-v2-or-v4" : "none"),
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=transient-nio2",
              "jclouds.identity=unused",
              "jclouds.credential=unused",
              ""));
      String javaBin = ProcessHandle.current().info().command().orElse("java");
      Path testClasses = Path.of(S3ProxyLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path log = dir.resolve("s3proxy.log");
      Process p =
          new ProcessBuilder(
                  List.of(
                      javaBin, "-Xmx" + System.getProperty("lancelet.s3proxy.xmx", "256m"), "-XX:+UseSerialGC",
                      "-cp", jar + File.pathSeparator + testClasses,
                      S3ProxyLauncher.class.getName(), "--properties", conf.toString()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      S3ProxyServer server = new S3ProxyServer(p, port, authenticated, log);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "s3proxy-stop"));
      server.awaitReady(Duration.ofSeconds(90));
      server.createBucket(BUCKET);
      return server;
    } catch (Exception e) {
      throw new IllegalStateException("Could not start S3Proxy: " + e, e);
    }
  }

  /**
   * The S3Proxy jar: the system property {@code lancelet.s3proxy.jar} (set by object-store's build),
   * else the newest {@code jar-with-dependencies} in the local Maven repository, so other modules
   * can use this fixture through object-store's test-jar.
   */
  private static String locateJar() throws IOException {
    String jar = System.getProperty("lancelet.s3proxy.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      return jar;
    }
    Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy");
    if (Files.isDirectory(repo)) {
      try (var versions = Files.list(repo)) {
        var found =
            versions
                .map(v -> v.resolve("s3proxy-" + v.getFileName() + "-jar-with-dependencies.jar"))
                .filter(Files::isRegularFile)
                .max(java.util.Comparator.comparing(p -> p.getParent().getFileName().toString()));
        if (found.isPresent()) {
          return found.get().toString();
        }
      }
    }
    throw new IllegalStateException(
        "S3Proxy jar not found (system property lancelet.s3proxy.jar=" + jar + ", nor in " + repo
            + "); run the object-store build once to fetch it");
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited early: " + Files.readString(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        s.setSoTimeout(2000);
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (s.getInputStream().read() >= 0) {
          return;
        }
      } catch (IOException notYet) {
        // retry
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("S3Proxy did not start within " + timeout + ": " + Files.readString(logFile));
  }

  /** A raw SDK client for set-up and inspection (not the code under test). */
  public S3AsyncClient newClient() {
    return S3AsyncClient.builder()
        .httpClient(NettyNioAsyncHttpClient.builder().build())
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  public void createBucket(String bucket) {
    try (S3AsyncClient c = newClient()) {
      c.createBucket(b -> b.bucket(bucket)).join();
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "S3Proxy[" + endpoint() + (authenticated ? ", signed" : ", anonymous") + "]";
  }
}
