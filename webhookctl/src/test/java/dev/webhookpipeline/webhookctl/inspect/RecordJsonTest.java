package dev.webhookpipeline.webhookctl.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookpipeline.topics.PipelineTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    @Test
    void avroValuesBecomePlainJsonWithTheSecretMasked() {
        WebhookConfig config = WebhookConfig.newBuilder().setTenantId("acme").setEnabled(true).setBatching(false)
                .setEndpoint("https://x.example/h").setSecret("a-long-shared-secret-123")
                .setEnabledEvents(List.of(EventType.TASK_CREATED)).setSecretHeader("X-Secret")
                .setCreatedAt(Instant.parse("2026-12-01T00:00:00Z")).setUpdatedAt(Instant.parse("2026-12-02T00:00:00Z"))
                .setPreviousSecret("an-older-shared-secret-456").setRotationEndsAt(Instant.parse("2026-12-03T00:00:00Z"))
                .build();
        String json = RecordJson.toJson(config).toString();
        assertThat(json).isEqualTo("{\"tenant_id\":\"acme\",\"enabled\":true,\"batching\":false,"
                + "\"endpoint\":\"https://x.example/h\",\"secret\":\"********\",\"enabled_events\":[\"TASK_CREATED\"],"
                + "\"secret_header\":\"X-Secret\",\"created_at\":\"2026-12-01T00:00:00Z\",\"updated_at\":\"2026-12-02T00:00:00Z\","
                + "\"previous_secret\":\"********\",\"rotation_ends_at\":\"2026-12-03T00:00:00Z\"}");
    }

    static final PipelineTopics TOPICS = PipelineTopics.defaults();
    static final byte[] CORRUPT_CONFIG = "\0\0\0\0\1a-long-shared-secret-123".getBytes(StandardCharsets.UTF_8);
    // Building JSON from a record needs no registry: only decoding does.
    final RecordJson json = new RecordJson(TOPICS, null);

    @Test
    void undecodableBytesArePrintedInBase64ExceptAConfigsWhichMayHoldItsSecret() {
        RecordJson.Decoded bad = new RecordJson.Decoded.Undecodable("MALFORMED_AVRO", "truncated");
        JsonNode event = json.toJson(TOPICS.events(), record(TOPICS.events().name(), "acme".getBytes(StandardCharsets.UTF_8),
                CORRUPT_CONFIG, new RecordHeaders()), bad);
        assertThat(event.get("value_base64").asText()).isEqualTo(Base64.getEncoder().encodeToString(CORRUPT_CONFIG));
        assertThat(event.get("undecodable").get("reason").asText()).isEqualTo("MALFORMED_AVRO");

        JsonNode config = json.toJson(TOPICS.tenantConfig(), record(TOPICS.tenantConfig().name(),
                "acme".getBytes(StandardCharsets.UTF_8), CORRUPT_CONFIG, new RecordHeaders()), bad);
        assertThat(config.get("value_base64").isNull()).isTrue();
        assertThat(config.get("value_withheld").asText()).contains("may hold its secret");

        var fromConfig = DeadLetterHeaders.describe(new RecordHeaders(), "MALFORMED_AVRO", "truncated",
                TOPICS.tenantConfig().name(), 0, 1, "streams-router");
        JsonNode deadLetter = json.toJson(TOPICS.deadLetter(), record(TOPICS.deadLetter().name(),
                "acme".getBytes(StandardCharsets.UTF_8), CORRUPT_CONFIG, fromConfig), bad);
        assertThat(deadLetter.get("value_base64").isNull()).isTrue();
        assertThat(deadLetter.get("headers").get("dlq.source.topic").asText()).isEqualTo(TOPICS.tenantConfig().name());
        assertThat(event.toString() + config + deadLetter).doesNotContain("a-long-shared-secret-123");
    }

    @Test
    void secretHeadersAreMaskedAndKeysThatAreNotTextAreBase64() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-webhook-secret", "a-long-shared-secret-123".getBytes(StandardCharsets.UTF_8));
        headers.add("trace", new byte[] {(byte) 0xff, 0});
        JsonNode node = json.toJson(TOPICS.control(), record(TOPICS.control().name(), new byte[] {(byte) 0xfe},
                null, headers), new RecordJson.Decoded.Value(null));
        assertThat(node.get("headers").get("x-webhook-secret").asText()).isEqualTo(RecordJson.MASK);
        assertThat(node.get("headers").get("trace").asText()).isEqualTo("base64:/wA=");
        assertThat(node.get("key_base64").asText()).isEqualTo("/g==");
        assertThat(node.get("value").isNull()).isTrue();
    }

    static ConsumerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, Headers headers) {
        return new ConsumerRecord<>(topic, 2, 7, 1_764_666_000_000L, TimestampType.CREATE_TIME, key == null ? -1 : key.length,
                value == null ? -1 : value.length, key, value, headers, Optional.empty());
    }
}
