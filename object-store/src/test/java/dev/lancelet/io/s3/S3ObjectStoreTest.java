package dev.lancelet.io.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lancelet.io.ByteRange;
import dev.lancelet.io.ConditionalPutProbe;
import dev.lancelet.io.ObjectAlreadyExistsException;
import dev.lancelet.io.ObjectInfo;
import dev.lancelet.io.ObjectNotFoundException;
import dev.lancelet.io.ObjectStore;
import dev.lancelet.io.ObjectStores;
import dev.lancelet.io.ObjectWriter;
import dev.lancelet.io.ReadableObject;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** S3-specific behaviour, against S3Proxy on loopback (plus a fault-injecting proxy). */
class S3ObjectStoreTest {
  private static final S3ProxyServer S3 = S3ProxyServer.get();

  private static String freshRoot() {
    return "s3://" + S3ProxyServer.BUCKET + "/s3test/" + UUID.randomUUID();
  }

  private static S3ObjectStore store(String root, Map<String, String> extra, RequestLog log) {
    Map<String, String> opts = new HashMap<>(S3.options());
    opts.putAll(extra);
    S3ObjectStore.Builder b = S3ObjectStore.builder(root).options(S3Options.fromMap(opts, Map.of()));
    if (log != null) {
      b.addExecutionInterceptor(log);
    }
    return b.build();
  }

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void openPlusFooterReadIsOneRequest() throws Exception {
    RequestLog log = new RequestLog();
    try (S3ObjectStore store = store(freshRoot(), Map.of(), log)) {
      byte[] data = bytes(1, 1 << 20);
      store.put("big.lance", data);
      log.clear();
      try (ReadableObject o = store.open("big.lance")) {
        assertThat(o.size()).isEqualTo(data.length);
        assertThat(toArray(o.readTail(4096))).isEqualTo(Arrays.copyOfRange(data, data.length - 4096, data.length));
        assertThat(toArray(o.read(data.length - 100_000 + 50_000, 10))).isEqualTo(Arrays.copyOfRange(data, data.length - 50_000, data.length - 49_990));
        assertThat(log.requests()).containsExactly("GetObject bytes=-" + S3ObjectStore.OPEN_PREFETCH_BYTES);
        // A tail longer than the prefetch costs exactly one more ranged GET.
        assertThat(toArray(o.readTail(200_000))).isEqualTo(Arrays.copyOfRange(data, data.length - 200_000, data.length));
        assertThat(log.count("GetObject")).isEqualTo(2);
      }
      // An object smaller than the prefetch is read whole by the open.
      store.put("small", bytes(2, 300));
      log.clear();
      assertThat(store.readAll("small")).isEqualTo(bytes(2, 300));
      assertThat(log.requests()).hasSize(1);
      // Empty objects: the suffix range is unsatisfiable, the store falls back to HEAD.
      store.put("empty", new byte[0]);
      try (ReadableObject o = store.open("empty")) {
        assertThat(o.size()).isZero();
        assertThat(o.readTail(10).remaining()).isZero();
      }
    }
  }

  @Test
  void rangesAreCoalescedAndFetchedInParallel() throws Exception {
    RequestLog log = new RequestLog();
    try (S3ObjectStore store = store(freshRoot(), Map.of(), log)) {
      byte[] data = bytes(3, 4 << 20);
      store.put("r.bin", data);
      List<ByteRange> ranges = new ArrayList<>();
      // Three clusters far apart (more than the gap), each of many small nearby ranges, given out of order.
      for (long base : new long[] {2_000_000, 0, 1_000_000}) {
        for (int i = 0; i < 20; i++) {
          ranges.add(new ByteRange(base + i * 2_000L, 500));
        }
      }
      try (ReadableObject o = store.open("r.bin")) {
        log.clear();
        List<ByteBuffer> got = o.readRanges(ranges);
        for (int i = 0; i < ranges.size(); i++) {
          ByteRange r = ranges.get(i);
          assertThat(toArray(got.get(i))).isEqualTo(Arrays.copyOfRange(data, (int) r.offset(), (int) r.end()));
        }
        assertThat(log.requests())
            .containsExactlyInAnyOrder(
                "GetObject bytes=0-38499", "GetObject bytes=1000000-1038499", "GetObject bytes=2000000-2038499");
      }
    }
  }

  @Test
  void largeStreamingWriteUsesMultipartUpload() throws Exception {
    RequestLog log = new RequestLog();
    String root = freshRoot();
    Map<String, String> small = Map.of("multipart_threshold", "6MiB", "multipart_part_size", "5MiB");
    try (S3ObjectStore store = store(root, small, log)) {
      byte[] data = bytes(4, 11 << 20);
      try (ObjectWriter w = store.create("mp/data.lance")) {
        for (int off = 0; off < data.length; off += 777_777) {
          w.write(data, off, Math.min(777_777, data.length - off));
        }
        assertThat(store.exists("mp/data.lance")).isFalse();
      }
      assertThat(log.count("CreateMultipartUpload")).isEqualTo(1);
      assertThat(log.count("UploadPart")).isEqualTo(3); // 5MiB + 5MiB + 1MiB
      assertThat(log.count("CompleteMultipartUpload")).isEqualTo(1);
      assertThat(log.count("PutObject")).isZero();
      assertThat(store.readAll("mp/data.lance")).isEqualTo(data);

      // Below the threshold: one plain PUT.
      log.clear();
      try (ObjectWriter w = store.create("mp/small")) {
        w.write(data, 0, 6 << 20);
      }
      assertThat(log.requests()).containsExactly("PutObject");
      assertThat(store.readAll("mp/small")).isEqualTo(Arrays.copyOf(data, 6 << 20));

      // Just above the threshold but short of a second full part: still a multipart upload.
      log.clear();
      store.put("mp/edge", Arrays.copyOf(data, (6 << 20) + 1));
      assertThat(log.count("UploadPart")).isEqualTo(2);
      assertThat(log.count("PutObject")).isZero();
      assertThat(store.readAll("mp/edge")).isEqualTo(Arrays.copyOf(data, (6 << 20) + 1));

      // Aborting after parts went up aborts the upload: no object, no upload left behind.
      ObjectWriter w = store.create("mp/aborted");
      w.write(data, 0, data.length);
      w.abort();
      w.close();
      assertThat(log.count("AbortMultipartUpload")).isEqualTo(1);
      assertThat(store.exists("mp/aborted")).isFalse();
      try (S3AsyncClient raw = S3.newClient()) {
        var uploads = raw.listMultipartUploads(l -> l.bucket(S3ProxyServer.BUCKET).prefix(store.root().key("mp/"))).join();
        assertThat(uploads.uploads()).isEmpty();
      }
      // put() of a large array goes through the same multipart path.
      log.clear();
      store.put("mp/put", data);
      assertThat(log.count("UploadPart")).isEqualTo(3);
      assertThat(store.readAll("mp/put")).isEqualTo(data);
    }
  }

  @Test
  void listingPaginatesAndBulkDeleteBatches() throws Exception {
    RequestLog log = new RequestLog();
    try (S3ObjectStore store = store(freshRoot(), Map.of(), log)) {
      int n = 1_005;
      List<String> paths = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String p = "many/" + i;
          paths.add(p);
          puts.add(pool.submit(() -> {
            store.put(p, new byte[] {1});
            return null;
          }));
        }
        for (Future<?> f : puts) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      store.put("other/keep", new byte[] {2});
      log.clear();
      List<ObjectInfo> listed = store.list("many/");
      assertThat(listed).hasSize(n);
      assertThat(listed).extracting(ObjectInfo::path).isSorted().containsExactlyInAnyOrderElementsOf(paths);
      assertThat(log.count("ListObjectsV2")).isEqualTo(2); // 1000 per page
      log.clear();
      List<String> toDelete = new ArrayList<>(paths);
      toDelete.add("many/never-existed");
      store.deleteAll(toDelete);
      assertThat(log.count("DeleteObjects")).isEqualTo(2);
      assertThat(store.list("many/")).isEmpty();
      assertThat(store.list("")).extracting(ObjectInfo::path).containsExactly("other/keep");
    }
  }

  @Test
  void errorsAreTypedAndNameTheS3Location() throws Exception {
    String root = freshRoot();
    try (S3ObjectStore store = store(root, Map.of(), null)) {
      assertThatThrownBy(() -> store.open("missing/file.lance"))
          .isInstanceOf(ObjectNotFoundException.class)
          .hasMessageContaining(root + "/missing/file.lance");
      assertThatThrownBy(() -> store.size("missing")).isInstanceOf(ObjectNotFoundException.class);
      store.delete("missing"); // not an error
      store.putIfAbsent("m", new byte[] {1});
      assertThatThrownBy(() -> store.putIfAbsent("m", new byte[] {2}))
          .isInstanceOf(ObjectAlreadyExistsException.class)
          .hasMessageContaining(root + "/m");
    }
    Map<String, String> wrong = new HashMap<>(S3.options());
    wrong.put("aws_secret_access_key", "not-the-secret");
    try (S3ObjectStore store = S3ObjectStore.connect(root, wrong)) {
      assertThatThrownBy(() -> store.put("x", new byte[] {1}))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(root + "/x");
    }
    try (S3ObjectStore store = S3ObjectStore.connect("s3://no-such-bucket-lancelet/x", S3.options())) {
      assertThatThrownBy(() -> store.put("x", new byte[] {1}))
          .isInstanceOfSatisfying(S3RequestException.class, e -> assertThat(e.errorCode()).isEqualTo("NoSuchBucket"))
          .hasMessageContaining("s3://no-such-bucket-lancelet/x/x");
    }
  }

  @Test
  void readsOfAReplacedObjectFailInsteadOfMixingVersions() throws Exception {
    try (S3ObjectStore store = store(freshRoot(), Map.of(), null)) {
      store.put("v", bytes(5, 500_000));
      try (ReadableObject o = store.open("v")) {
        store.put("v", bytes(6, 500_000));
        assertThatThrownBy(() -> o.read(0, 100)).hasMessageContaining("replaced after it was opened");
      }
    }
  }

  @Test
  void throttlingAndServerErrorsAreRetried() throws Exception {
    try (FaultProxy proxy = new FaultProxy(S3.port())) {
      String root = freshRoot();
      Map<String, String> viaProxy = Map.of("aws_endpoint", proxy.endpoint().toString(), "client_max_retries", "4");
      try (S3ObjectStore store = store(root, viaProxy, null)) {
        proxy.inject(FaultProxy.method("PUT"), FaultProxy.Fault.SLOW_DOWN, 2);
        proxy.inject(FaultProxy.method("PUT"), FaultProxy.Fault.INTERNAL_ERROR, 1);
        store.put("r", bytes(7, 1000));
        assertThat(proxy.injected()).hasSize(3);
        assertThat(proxy.requests().stream().filter(r -> r.method().equals("PUT"))).hasSize(4);

        proxy.inject(FaultProxy.method("GET"), FaultProxy.Fault.SLOW_DOWN, 3);
        assertThat(store.readAll("r")).isEqualTo(bytes(7, 1000));
        assertThat(proxy.injected()).hasSize(6);
      }
      // Bounded: more failures than retries surface as a typed error naming the object.
      Map<String, String> fewRetries = Map.of("aws_endpoint", proxy.endpoint().toString(), "client_max_retries", "1");
      try (S3ObjectStore store = store(root, fewRetries, null)) {
        proxy.inject(FaultProxy.method("GET"), FaultProxy.Fault.SLOW_DOWN, 2);
        assertThatThrownBy(() -> store.open("r"))
            .isInstanceOfSatisfying(S3RequestException.class, e -> {
              assertThat(e.statusCode()).isEqualTo(503);
              assertThat(e.errorCode()).isEqualTo("SlowDown");
            })
            .hasMessageContaining(root + "/r");
      }
    }
  }

  @Test
  void multipartUploadSurvivesAFailedPartAndALostCompleteAnswer() throws Exception {
    try (FaultProxy proxy = new FaultProxy(S3.port())) {
      Map<String, String> viaProxy =
          Map.of("aws_endpoint", proxy.endpoint().toString(), "multipart_threshold", "5MiB", "multipart_part_size", "5MiB");
      try (S3ObjectStore store = store(freshRoot(), viaProxy, null)) {
        byte[] data = bytes(12, 11 << 20);
        proxy.inject(r -> r.method().equals("PUT") && r.target().contains("partNumber=2"), FaultProxy.Fault.SLOW_DOWN, 1);
        proxy.inject(r -> r.method().equals("POST") && r.target().contains("uploadId="), FaultProxy.Fault.DROP_RESPONSE, 1);
        try (ObjectWriter w = store.create("m.bin")) {
          w.write(data, 0, data.length);
        }
        assertThat(proxy.injected()).containsExactlyInAnyOrder(FaultProxy.Fault.SLOW_DOWN, FaultProxy.Fault.DROP_RESPONSE);
        assertThat(store.readAll("m.bin")).isEqualTo(data);

        // The retried Complete may also find the upload gone (NoSuchUpload): the object is checked instead.
        byte[] more = bytes(13, 11 << 20);
        Predicate<FaultProxy.Request> complete = r -> r.method().equals("POST") && r.target().contains("uploadId=");
        proxy.inject(complete, FaultProxy.Fault.DROP_RESPONSE, 1);
        proxy.inject(complete, FaultProxy.Fault.NO_SUCH_UPLOAD, 1);
        try (ObjectWriter w = store.create("n.bin")) {
          w.write(more, 0, more.length);
        }
        assertThat(proxy.injected()).endsWith(FaultProxy.Fault.DROP_RESPONSE, FaultProxy.Fault.NO_SUCH_UPLOAD);
        assertThat(store.readAll("n.bin")).isEqualTo(more);
      }
    }
  }

  @Test
  void aStalledRequestTimesOutAndIsRetried() throws Exception {
    try (FaultProxy proxy = new FaultProxy(S3.port())) {
      Map<String, String> viaProxy = Map.of("aws_endpoint", proxy.endpoint().toString(), "timeout", "500ms");
      try (S3ObjectStore store = store(freshRoot(), viaProxy, null)) {
        store.put("t", bytes(11, 100));
        proxy.inject(FaultProxy.method("GET"), FaultProxy.Fault.STALL, 1);
        long t0 = System.nanoTime();
        assertThat(store.readAll("t")).isEqualTo(bytes(11, 100));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(500_000_000L);
        assertThat(proxy.injected()).containsExactly(FaultProxy.Fault.STALL);
      }
      Map<String, String> noRetry = Map.of("aws_endpoint", proxy.endpoint().toString(), "timeout", "300ms", "client_max_retries", "0");
      try (S3ObjectStore store = store(freshRoot(), noRetry, null)) {
        store.put("t", bytes(11, 100));
        proxy.inject(FaultProxy.method("HEAD"), FaultProxy.Fault.STALL, 1);
        assertThatThrownBy(() -> store.size("t")).isInstanceOf(java.io.IOException.class).hasMessageContaining("/t");
      }
    }
  }

  @Test
  void keysWithSpacesPlusSignsAndNonAsciiRoundTrip() throws Exception {
    try (S3ObjectStore store = store(freshRoot(), Map.of(), null)) {
      List<String> names = List.of("a b/c+d.lance", "x/é漢字.bin", "q/?&=%20#.txt");
      for (int i = 0; i < names.size(); i++) {
        store.put(names.get(i), new byte[] {(byte) i});
      }
      for (int i = 0; i < names.size(); i++) {
        assertThat(store.readAll(names.get(i))).containsExactly((byte) i);
      }
      assertThat(store.list("")).extracting(ObjectInfo::path).containsExactlyElementsOf(names.stream().sorted().toList());
    }
  }

  @Test
  void conditionalPutWhoseAnswerWasLostIsSettledByReadingBack() throws Exception {
    try (FaultProxy proxy = new FaultProxy(S3.port())) {
      String root = freshRoot();
      Map<String, String> viaProxy = Map.of("aws_endpoint", proxy.endpoint().toString());
      try (S3ObjectStore store = store(root, viaProxy, null)) {
        // Our PUT lands, its answer is lost; the retry meets our own object (412) and must count as success.
        byte[] ours = bytes(8, 2_000);
        proxy.inject(r -> r.method().equals("PUT") && "*".equals(r.header("If-None-Match")), FaultProxy.Fault.DROP_RESPONSE, 1);
        store.putIfAbsent("_versions/1.manifest", ours);
        assertThat(proxy.injected()).containsExactly(FaultProxy.Fault.DROP_RESPONSE);
        assertThat(proxy.requests().stream().filter(r -> r.method().equals("PUT"))).hasSize(2);
        assertThat(store.readAll("_versions/1.manifest")).isEqualTo(ours);

        // Another writer holds the name; our first attempt's 412 is lost and the retry's 412 is real.
        byte[] theirs = bytes(9, 2_000);
        store.putIfAbsent("_versions/2.manifest", theirs);
        proxy.inject(r -> r.method().equals("PUT") && "*".equals(r.header("If-None-Match")), FaultProxy.Fault.DROP_RESPONSE, 1);
        assertThatThrownBy(() -> store.putIfAbsent("_versions/2.manifest", bytes(10, 2_000)))
            .isInstanceOf(ObjectAlreadyExistsException.class)
            .hasMessageContaining(root + "/_versions/2.manifest");
        assertThat(store.readAll("_versions/2.manifest")).isEqualTo(theirs);

        // The same when the other writer's object is larger than ours (the read-back stops early).
        byte[] larger = bytes(14, 50_000);
        store.putIfAbsent("_versions/3.manifest", larger);
        proxy.inject(r -> r.method().equals("PUT") && "*".equals(r.header("If-None-Match")), FaultProxy.Fault.DROP_RESPONSE, 1);
        assertThatThrownBy(() -> store.putIfAbsent("_versions/3.manifest", bytes(15, 2_000)))
            .isInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(store.readAll("_versions/3.manifest")).isEqualTo(larger);
      }
    }
  }

  @Test
  void probeAcceptsARealConditionalPutAndRefusesAStoreThatIgnoresIt() throws Exception {
    try (S3ObjectStore store = store(freshRoot(), Map.of(), null)) {
      assertThat(ConditionalPutProbe.probe(store).enforced()).isTrue();
      ConditionalPutProbe.requireEnforced(store);
      assertThat(store.list("")).isEmpty(); // the probe cleans up
    }
    S3ProxyServer open = S3ProxyServer.anonymous();
    try (FaultProxy stripping = new FaultProxy(open.port())) {
      stripping.inject(r -> true, FaultProxy.Fault.STRIP_IF_NONE_MATCH, Integer.MAX_VALUE);
      Map<String, String> opts = new HashMap<>(open.options());
      opts.put("aws_endpoint", stripping.endpoint().toString());
      String root = "s3://" + S3ProxyServer.BUCKET + "/ignores/" + UUID.randomUUID();
      try (S3ObjectStore store = S3ObjectStore.connect(root, opts)) {
        ConditionalPutProbe.Result r = ConditionalPutProbe.probe(store);
        assertThat(r.enforced()).isFalse();
        assertThat(r.store()).isEqualTo(root);
        assertThatThrownBy(() -> ConditionalPutProbe.requireEnforced(store))
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining(root)
            .hasMessageContaining("does not enforce put-if-absent");
        assertThat(store.list("")).isEmpty();
      }
    }
  }

  @Test
  void objectStoresResolvesS3Uris() throws Exception {
    String root = freshRoot();
    try (ObjectStore folder = ObjectStores.forFolder(root + "/", S3.options())) {
      assertThat(folder.uri()).isEqualTo(root);
      folder.put("data/a.lance", new byte[] {4, 5});
    }
    ObjectStores.Location loc = ObjectStores.forObject(root + "/data/a.lance", S3.options());
    try (ObjectStore store = loc.store()) {
      assertThat(store.uri()).isEqualTo(root + "/data");
      assertThat(loc.path()).isEqualTo("a.lance");
      assertThat(store.readAll(loc.path())).containsExactly(4, 5);
    }
    assertThatThrownBy(() -> ObjectStores.forFolder(root, Map.of("aws_regoin", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aws_regoin");
    assertThatThrownBy(() -> ObjectStores.forFolder("/tmp/x", Map.of("aws_region", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not apply");
    assertThatThrownBy(() -> ObjectStores.forObject("s3://bucket-only", S3.options()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
