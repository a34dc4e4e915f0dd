package dev.lancelet.io.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.paging.Page;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test server against the real client and raw HTTP: it must answer as GCS does, or tests
 * built on it prove nothing.
 */
class FakeGcsServerTest {
  private static FakeGcsServer server;
  private static Storage storage;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = FakeGcsServer.start();
    server.createBucket("fb");
    storage =
        StorageOptions.newBuilder()
            .setHost(server.endpoint())
            .setProjectId("test")
            .setCredentials(NoCredentials.getInstance())
            .build()
            .getService();
  }

  @AfterAll
  static void stop() throws Exception {
    storage.close();
    server.close();
  }

  private static HttpResponse<byte[]> get(String pathAndQuery, String range) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.endpoint() + pathAndQuery));
    if (range != null) {
      b.header("Range", range);
    }
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonObject error(HttpResponse<byte[]> r) {
    return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("error");
  }

  @Test
  void rangesAnswer206WithContentRangeIncludingSuffixRanges() throws Exception {
    storage.create(BlobInfo.newBuilder(BlobId.of("fb", "dir/r.bin")).build(), "0123456789".getBytes(StandardCharsets.US_ASCII));
    String media = "/storage/v1/b/fb/o/dir%2Fr.bin?alt=media";
    HttpResponse<byte[]> r = get(media, "bytes=2-4");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("234");
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 2-4/10");

    r = get(media, "bytes=-3");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("789");
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 7-9/10");

    r = get(media, "bytes=8-");
    assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("89");

    r = get(media, "bytes=8-100");
    assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 8-9/10");

    r = get(media, "bytes=10-12");
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(error(r).get("code").getAsInt()).isEqualTo(416);

    r = get(media, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize(10);
    assertThat(r.headers().allValues("x-goog-hash")).anyMatch(h -> h.startsWith("crc32c="));
  }

  @Test
  void errorsAreJsonWithCodeAndReason() throws Exception {
    HttpResponse<byte[]> r = get("/storage/v1/b/fb/o/missing", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r).get("code").getAsInt()).isEqualTo(404);
    assertThat(error(r).getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString()).isEqualTo("notFound");

    r = get("/storage/v1/b/no-such-bucket/o", null);
    assertThat(r.statusCode()).isEqualTo(404);

    r = get("/storage/v1/b/fb/o?maxResults=zero", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).get("code").getAsInt()).isEqualTo(400);
  }

  @Test
  void generationsGrowAndPreconditionsAreEnforced() throws Exception {
    BlobId id = BlobId.of("fb", "p/obj");
    Blob first = storage.create(BlobInfo.newBuilder(id).build(), new byte[] {1}, Storage.BlobTargetOption.doesNotExist());
    assertThatThrownBy(() -> storage.create(BlobInfo.newBuilder(id).build(), new byte[] {2}, Storage.BlobTargetOption.doesNotExist()))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(412));
    Blob second =
        storage.create(
            BlobInfo.newBuilder(BlobId.of("fb", "p/obj", first.getGeneration())).build(), new byte[] {3},
            Storage.BlobTargetOption.generationMatch());
    assertThat(second.getGeneration()).isGreaterThan(first.getGeneration());
    assertThatThrownBy(
            () -> storage.create(
                BlobInfo.newBuilder(BlobId.of("fb", "p/obj", first.getGeneration())).build(), new byte[] {4},
                Storage.BlobTargetOption.generationMatch()))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(412));
    assertThat(storage.readAllBytes(id)).containsExactly(3);
    // An old generation is gone; the current one reads back.
    assertThatThrownBy(() -> storage.readAllBytes(BlobId.of("fb", "p/obj", first.getGeneration())))
        .isInstanceOf(StorageException.class);
    assertThat(storage.readAllBytes(BlobId.of("fb", "p/obj", second.getGeneration()))).containsExactly(3);
    // Delete with a wrong generation precondition is refused.
    assertThatThrownBy(() -> storage.delete(BlobId.of("fb", "p/obj"), Storage.BlobSourceOption.generationMatch(first.getGeneration())))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(412));
    assertThat(storage.readAllBytes(id)).containsExactly(3);
  }

  @Test
  void deleteWithStaleGenerationPreconditionIs412() throws Exception {
    BlobId id = BlobId.of("fb", "d/obj");
    Blob b = storage.create(BlobInfo.newBuilder(id).build(), new byte[] {1});
    storage.create(BlobInfo.newBuilder(id).build(), new byte[] {2});
    // Addressing the replaced generation finds nothing; the precondition on the live one fails.
    assertThat(storage.delete(BlobId.of("fb", "d/obj", b.getGeneration()))).isFalse();
    assertThatThrownBy(() -> storage.delete(id, Storage.BlobSourceOption.generationMatch(b.getGeneration())))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(412));
    assertThat(storage.delete(id)).isTrue();
    assertThat(storage.delete(id)).isFalse();
  }

  @Test
  void listHonoursPrefixDelimiterAndPages() throws Exception {
    for (String n : List.of("l/a", "l/b/1", "l/b/2", "l/c", "l/d/x", "l/e", "lz")) {
      server.seed("fb", n, new byte[] {1});
    }
    List<String> names = new ArrayList<>();
    Page<Blob> page = storage.list("fb", Storage.BlobListOption.prefix("l/"), Storage.BlobListOption.pageSize(2));
    int pages = 0;
    while (page != null) {
      pages++;
      page.getValues().forEach(b -> names.add(b.getName()));
      page = page.hasNextPage() ? page.getNextPage() : null;
    }
    assertThat(names).containsExactly("l/a", "l/b/1", "l/b/2", "l/c", "l/d/x", "l/e");
    assertThat(pages).isEqualTo(3);

    List<String> top = new ArrayList<>();
    for (Blob b : storage.list("fb", Storage.BlobListOption.prefix("l/"), Storage.BlobListOption.currentDirectory(),
        Storage.BlobListOption.pageSize(2)).iterateAll()) {
      top.add(b.isDirectory() ? "dir:" + b.getName() : b.getName());
    }
    // Items and common prefixes share the page size; the client yields each page's items, then its prefixes.
    assertThat(top).containsExactly("l/a", "dir:l/b/", "l/c", "dir:l/d/", "l/e");
  }

  @Test
  void resumableSessionsAnswer308UntilComplete() throws Exception {
    HttpRequest init =
        HttpRequest.newBuilder(URI.create(server.endpoint() + "/upload/storage/v1/b/fb/o?uploadType=resumable&ifGenerationMatch=0"))
            .header("Content-Type", "application/json; charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"res/obj\",\"metadata\":{\"k\":\"v\"}}"))
            .build();
    HttpResponse<byte[]> r = HTTP.send(init, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    String session = r.headers().firstValue("Location").orElseThrow();
    int chunk = 256 * 1024;
    byte[] data = new byte[chunk + 7];
    new java.util.Random(1).nextBytes(data);

    // A non-final chunk that does not end on a 256 KiB boundary is refused.
    r = put(session, java.util.Arrays.copyOfRange(data, 0, 1000), "bytes 0-999/*");
    assertThat(r.statusCode()).isEqualTo(400);

    r = put(session, java.util.Arrays.copyOfRange(data, 0, chunk), "bytes 0-" + (chunk - 1) + "/*");
    assertThat(r.statusCode()).isEqualTo(308);
    assertThat(r.headers().firstValue("Range")).hasValue("bytes=0-" + (chunk - 1));
    assertThat(server.object("fb", "res/obj")).isNull();

    r = put(session, new byte[0], "bytes */*");
    assertThat(r.statusCode()).isEqualTo(308);
    assertThat(r.headers().firstValue("Range")).hasValue("bytes=0-" + (chunk - 1));

    r = put(session, java.util.Arrays.copyOfRange(data, chunk, data.length), "bytes " + chunk + "-" + (data.length - 1) + "/" + data.length);
    assertThat(r.statusCode()).isEqualTo(200);
    FakeGcsServer.StoredObject o = server.object("fb", "res/obj");
    assertThat(o.data()).isEqualTo(data);
    assertThat(o.metadata()).isEqualTo(Map.of("k", "v"));

    // Asking again returns the finished object.
    r = put(session, new byte[0], "bytes */" + data.length);
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private static HttpResponse<byte[]> put(String url, byte[] body, String contentRange) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Range", contentRange)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void uploadHashesAreVerified() throws Exception {
    String boundary = "xyz";
    String body = "--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        + "{\"name\":\"h/obj\",\"crc32c\":\"AAAAAA==\"}\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\n\r\n"
        + "hello\r\n--" + boundary + "--\r\n";
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.endpoint() + "/upload/storage/v1/b/fb/o?uploadType=multipart"))
        .header("Content-Type", "multipart/related; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<byte[]> r = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(server.object("fb", "h/obj")).isNull();
  }

  @Test
  void mediaUploadsHonourIfGenerationMatchZero() throws Exception {
    String url = server.endpoint() + "/upload/storage/v1/b/fb/o?uploadType=media&name=m%2Fobj&ifGenerationMatch=0";
    HttpRequest req = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("one"))
        .build();
    HttpResponse<byte[]> r = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject created = JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject();
    assertThat(created.get("name").getAsString()).isEqualTo("m/obj");
    assertThat(created.get("size").getAsString()).isEqualTo("3");
    r = HTTP.send(req, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(412);
    assertThat(error(r).getAsJsonArray("errors").get(0).getAsJsonObject().get("reason").getAsString()).isEqualTo("conditionNotMet");
    assertThat(server.object("fb", "m/obj").data()).isEqualTo("one".getBytes(StandardCharsets.UTF_8));
    assertThat(server.object("fb", "m/obj").contentType()).isEqualTo("text/plain");
  }
}
