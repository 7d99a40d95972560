package dev.webhookpipeline.producer.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    @Test
    void avroValuesBecomePlainJsonWithTheSecretMasked() {
        WebhookConfig config = WebhookConfig.newBuilder().setTenantId("acme").setEnabled(true).setBatching(false)
                .setEndpoint("https://x.example/h").setSecret("a-long-shared-secret-123")
                .setEnabledEvents(List.of(EventType.TASK_CREATED)).setSecretHeader("X-Secret")
                .setCreatedAt(Instant.parse("2026-12-01T00:00:00Z")).setUpdatedAt(Instant.parse("2026-12-02T00:00:00Z"))
                .build();
        String json = RecordJson.toJson(config).toString();
        assertThat(json).isEqualTo("{\"tenant_id\":\"acme\",\"enabled\":true,\"batching\":false,"
                + "\"endpoint\":\"https://x.example/h\",\"secret\":\"********\",\"enabled_events\":[\"TASK_CREATED\"],"
                + "\"secret_header\":\"X-Secret\",\"created_at\":\"2026-12-01T00:00:00Z\",\"updated_at\":\"2026-12-02T00:00:00Z\"}");
    }
}
