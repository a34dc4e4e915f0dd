package dev.lancelet.io.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3OptionsTest {

  @Test
  void lanceStyleKeysAndAliasesAreParsed() {
    S3Options o =
        S3Options.fromMap(
            Map.of(
                "aws_region", "eu-west-1",
                "endpoint", "http://localhost:9000",
                "allow_http", "true",
                "access_key_id", "AK",
                "aws_secret_access_key", "SK",
                "aws_session_token", "TOK",
                "connect_timeout", "250ms",
                "timeout", "2m",
                "client_max_retries", "7",
                "multipart_part_size", "16MiB"),
            Map.of());
    assertThat(o.region()).isEqualTo("eu-west-1");
    assertThat(o.endpoint()).isEqualTo(URI.create("http://localhost:9000"));
    assertThat(o.accessKeyId()).isEqualTo("AK");
    assertThat(o.secretAccessKey()).isEqualTo("SK");
    assertThat(o.sessionToken()).isEqualTo("TOK");
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.requestTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.maxRetries()).isEqualTo(7);
    assertThat(o.multipartPartSize()).isEqualTo(16L << 20);
    assertThat(o.pathStyle()).as("custom endpoints default to path style").isTrue();
    assertThat(o.toString()).doesNotContain("SK").doesNotContain("TOK");
  }

  @Test
  void schedulerLimitsAreOptions() {
    S3Options d = S3Options.fromMap(Map.of(), Map.of());
    assertThat(d.ioLimits()).isEqualTo(dev.lancelet.io.IoScheduler.Limits.DEFAULT);
    S3Options o = S3Options.fromMap(Map.of("max_inflight_requests", "8", "max_inflight_bytes", "32MiB"), Map.of());
    assertThat(o.ioLimits().maxRequests()).isEqualTo(8);
    assertThat(o.ioLimits().maxBytes()).isEqualTo(32L << 20);
    assertThat(o.toString()).contains("maxInflightRequests=8");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("max_inflight_requests", "0"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_inflight_requests");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("max_inflight_bytes", "lots"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_inflight_bytes");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("max_inflight_request", "8"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown S3 storage option 'max_inflight_request'");
  }

  @Test
  void environmentFillsWhatTheMapLacks() {
    Map<String, String> env =
        Map.of(
            "AWS_REGION", "ap-south-1",
            "AWS_ENDPOINT_URL", "https://s3.example.com",
            "AWS_ACCESS_KEY_ID", "ENVKEY",
            "AWS_SECRET_ACCESS_KEY", "ENVSECRET");
    S3Options o = S3Options.fromMap(Map.of(), env);
    assertThat(o.region()).isEqualTo("ap-south-1");
    assertThat(o.endpoint()).isEqualTo(URI.create("https://s3.example.com"));
    assertThat(o.accessKeyId()).isEqualTo("ENVKEY");
    // An explicit key pair replaces the environment's as a whole.
    S3Options explicit = S3Options.fromMap(Map.of("aws_access_key_id", "K", "aws_secret_access_key", "S", "aws_region", "us-west-2"), env);
    assertThat(explicit.accessKeyId()).isEqualTo("K");
    assertThat(explicit.region()).isEqualTo("us-west-2");
    S3Options none = S3Options.fromMap(Map.of(), Map.of());
    assertThat(none.accessKeyId()).isNull();
    assertThat(none.pathStyle()).as("AWS itself defaults to virtual-hosted style").isFalse();
    assertThat(S3Options.fromMap(Map.of("aws_virtual_hosted_style_request", "false"), Map.of()).pathStyle()).isTrue();
  }

  @Test
  void badOptionsAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("aws_regio", "x"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'aws_regio'");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("aws_endpoint", "http://localhost:9000"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allow_http");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("timeout", "soon"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("allow_http", "maybe"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allow_http");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("aws_access_key_id", "K"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aws_secret_access_key");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("multipart_part_size", "1MiB"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multipart_part_size");
    assertThatThrownBy(() -> S3Options.fromMap(Map.of("region", "a", "aws_region", "b"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aws_region");
  }

  @Test
  void urisParse() {
    assertThat(S3Uri.parse("s3://b")).isEqualTo(new S3Uri("b", ""));
    assertThat(S3Uri.parse("s3://b/x//y/")).isEqualTo(new S3Uri("b", "x/y/"));
    assertThat(S3Uri.parse("s3://b/x/y").toString()).isEqualTo("s3://b/x/y");
    assertThat(S3Uri.parse("s3://b/x").location("k/1")).isEqualTo("s3://b/x/k/1");
    assertThatThrownBy(() -> S3Uri.parse("s3:///x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3Uri.parse("gs://b/x")).isInstanceOf(IllegalArgumentException.class);
  }
}
