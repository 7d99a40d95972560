package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantConfigLineTest {

    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final String SECRET = "a-long-shared-secret-123";

    @Test
    void aCompleteLineIsAConfigWithDefaults() {
        WebhookConfig config = TenantConfigLine.parse("{\"tenant_id\":\"acme\",\"endpoint\":\" https://x.example/h \","
                + "\"secret\":\"" + SECRET + "\",\"events\":[\"RISK_LEVEL_CHANGED\",\"task-created\"]}", null, NOW);
        assertThat(config.getTenantId()).isEqualTo("acme");
        assertThat(config.getEndpoint()).isEqualTo("https://x.example/h");
        assertThat(config.getEnabledEvents()).containsExactly(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED);
        assertThat(config.getEnabled()).isTrue();
        assertThat(config.getBatching()).isTrue();
        assertThat(config.getSecretHeader()).isNull();
        assertThat(config.getCreatedAt()).isEqualTo(NOW);
    }

    @Test
    void replacingKeepsTheCreationTimeTheCutOverRuleDependsOn() {
        WebhookConfig existing = TenantConfigLine.parse(line("acme"), null, Instant.parse("2020-01-01T00:00:00Z"));
        WebhookConfig next = TenantConfigLine.parse("{\"tenant_id\":\"acme\",\"endpoint\":\"https://y.example/h\","
                + "\"secret\":\"" + SECRET + "\",\"events\":\"TASK_CREATED\",\"batching\":false,\"enabled\":false,"
                + "\"secret_header\":\"X-Secret\"}", existing, NOW);
        assertThat(next.getCreatedAt()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(next.getUpdatedAt()).isEqualTo(NOW);
        assertThat(next.getBatching()).isFalse();
        assertThat(next.getEnabled()).isFalse();
        assertThat(next.getSecretHeader()).isEqualTo("X-Secret");
    }

    @Test
    void eachProblemIsNamedWithoutQuotingTheSecret() {
        for (var bad : List.of(
                List.of("{\"tenant_id\":\"acme\",\"secret\":\"" + SECRET + "\" oops}", "not valid JSON (column"),
                List.of("[1]", "expected a JSON object"),
                List.of("{\"tenant_id\":\"acme\",\"endpoint\":\"https://x\",\"secret\":\"" + SECRET + "\",\"events\":[\"NOPE\"]}",
                        "unknown event type NOPE"),
                List.of("{\"tenant_id\":\"acme\",\"endpoint\":\"https://x\",\"events\":[\"TASK_CREATED\"]}", "secret is missing"),
                List.of("{\"tenant_id\":\"acme\",\"secret\":\"" + SECRET + "\",\"events\":[\"TASK_CREATED\"]}", "endpoint is missing"),
                List.of("{\"tenant_id\":\"a b\",\"endpoint\":\"https://x\",\"secret\":\"" + SECRET + "\",\"events\":[]}", "tenant id"),
                List.of("{\"tenant_id\":\"acme\",\"endpoint\":\"https://x\",\"secret\":\"" + SECRET + "\"}", "events is missing"),
                List.of("{\"tenant_id\":\"acme\",\"endpoint\":\"https://x\",\"secret\":\"" + SECRET + "\",\"events\":[\"TASK_CREATED\"],"
                        + "\"batching\":\"yes\"}", "batching must be true or false"),
                List.of("{\"tenant_id\":\"acme\",\"sekret\":\"" + SECRET + "\"}", "unknown field 'sekret'"))) {
            assertThatThrownBy(() -> TenantConfigLine.parse(bad.get(0), null, NOW)).as(bad.get(1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.get(1))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        }
    }

    static String line(String tenant) {
        return "{\"tenant_id\":\"" + tenant + "\",\"endpoint\":\"https://x.example/h\",\"secret\":\"" + SECRET
                + "\",\"events\":[\"TASK_CREATED\"]}";
    }
}
