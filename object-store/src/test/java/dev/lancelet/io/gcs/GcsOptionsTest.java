package dev.lancelet.io.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcsOptionsTest {
  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  void defaults() {
    GcsOptions o = GcsOptions.fromMap(Map.of(), NO_ENV);
    assertThat(o.anonymous()).isFalse();
    assertThat(o.endpoint()).isEmpty();
    assertThat(o.maxRetries()).isEqualTo(10);
    assertThat(o.retryTimeout()).isEqualTo(Duration.ofSeconds(180));
    assertThat(o.uploadChunkSize()).isEqualTo(16 << 20);
    assertThat(o.toString()).contains("application default credentials");
  }

  @Test
  void lanceStyleKeysAndAliases() {
    GcsOptions o = GcsOptions.fromMap(
        Map.of(
            "google_service_account", "/keys/sa.json",
            "project_id", "p1",
            "google_storage_endpoint", "http://127.0.0.1:4443/",
            "timeout", "45s",
            "connect_timeout", "500ms",
            "client_max_retries", "3",
            "client_retry_timeout", "20",
            "upload_chunk_size", "524288"),
        NO_ENV);
    assertThat(o.serviceAccountPath()).hasValue("/keys/sa.json");
    assertThat(o.projectId()).hasValue("p1");
    assertThat(o.endpoint()).hasValue("http://127.0.0.1:4443");
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.maxRetries()).isEqualTo(3);
    assertThat(o.retryTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.uploadChunkSize()).isEqualTo(524288);

    assertThat(GcsOptions.fromMap(Map.of("SERVICE_ACCOUNT_KEY", "{}"), NO_ENV).serviceAccountKey()).hasValue("{}");
    assertThat(GcsOptions.fromMap(Map.of("google_skip_signature", "true"), NO_ENV).anonymous()).isTrue();
    assertThat(GcsOptions.fromMap(Map.of("google_storage_token", "tok"), NO_ENV).bearerToken()).hasValue("tok");
    assertThat(GcsOptions.fromMap(Map.of("timeout", "2m"), NO_ENV).timeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void unknownKeysAndBadValuesAreRefusedByName() {
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("aws_region", "x"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'aws_region'");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("timeout", "soon"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("client_max_retries", "-1"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("client_max_retries");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("upload_chunk_size", "1000"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("262144");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("endpoint", "ftp://x"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://x");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("endpoint", "http://x", "allow_http", "false"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allow_http");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("anonymous", "maybe"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("google_skip_signature");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("service_account", "a", "google_service_account", "b"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("google_service_account");
  }

  @Test
  void schedulerLimitsAreOptions() {
    assertThat(GcsOptions.fromMap(Map.of(), NO_ENV).ioLimits()).isEqualTo(dev.lancelet.io.IoScheduler.Limits.DEFAULT);
    GcsOptions o = GcsOptions.fromMap(Map.of("max_inflight_requests", "4", "MAX_INFLIGHT_BYTES", "1GiB"), NO_ENV);
    assertThat(o.ioLimits().maxRequests()).isEqualTo(4);
    assertThat(o.ioLimits().maxBytes()).isEqualTo(1L << 30);
    assertThat(GcsOptions.fromMap(Map.of("max_inflight_bytes", "4096"), NO_ENV).ioLimits().maxBytes()).isEqualTo(4096);
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("max_inflight_requests", "0"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_inflight_requests");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("max_inflight_bytes", "-5"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_inflight_bytes");
    assertThatThrownBy(() -> GcsOptions.fromMap(Map.of("max_inflight", "4"), NO_ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_inflight");
  }

  @Test
  void environmentFallbacks() {
    GcsOptions emu = GcsOptions.fromMap(Map.of(), Map.of("STORAGE_EMULATOR_HOST", "localhost:9023"));
    assertThat(emu.endpoint()).hasValue("http://localhost:9023");
    assertThat(emu.anonymous()).isTrue();

    GcsOptions adc = GcsOptions.fromMap(Map.of(), Map.of("GOOGLE_APPLICATION_CREDENTIALS", "/adc.json", "GOOGLE_CLOUD_PROJECT", "pp"));
    assertThat(adc.applicationCredentialsPath()).hasValue("/adc.json");
    assertThat(adc.projectId()).hasValue("pp");

    // An explicit option wins over the environment.
    GcsOptions explicit =
        GcsOptions.fromMap(Map.of("google_service_account", "/sa.json"), Map.of("GOOGLE_APPLICATION_CREDENTIALS", "/adc.json"));
    assertThat(explicit.serviceAccountPath()).hasValue("/sa.json");
    assertThat(explicit.applicationCredentialsPath()).isEmpty();
  }

  @Test
  void storeUrisAreChecked() {
    GcsOptions o = GcsOptions.builder().anonymous(true).endpoint("http://127.0.0.1:1").build();
    assertThatThrownBy(() -> GcsObjectStore.open("s3://b/x", o)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gs://");
    assertThatThrownBy(() -> GcsObjectStore.open("gs:///x", o)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucket");
    assertThatThrownBy(() -> GcsObjectStore.open("gs://b//x", o)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingCredentialFilesAreNamed() {
    assertThatThrownBy(() -> GcsObjectStore.open("gs://b", Map.of("google_service_account", "/nonexistent/sa.json")))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("/nonexistent/sa.json")
        .hasMessageContaining("google_service_account");
    assertThatThrownBy(() -> GcsObjectStore.open("gs://b", Map.of("google_service_account_key", "{not json")))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("google_service_account_key");
  }
}
