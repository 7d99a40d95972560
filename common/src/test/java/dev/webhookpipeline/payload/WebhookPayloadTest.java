package dev.webhookpipeline.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.schema.EventType;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WebhookPayloadTest {

    static final UUID EVENT = UUID.fromString("5b1e0c1e-0000-4000-8000-000000000001");

    @Test
    void bodyHasThePlatformShapeWithoutTheSecret() {
        String body = WebhookPayload.body(42, EVENT, EventType.RISK_LEVEL_CHANGED, Instant.ofEpochSecond(1764096000, 999),
                "{\"profile_id\":\"p1\",\"new_risk_level\":\"HIGH\"}");
        assertThat(body).isEqualTo("{\"id\":42,\"event_id\":\"5b1e0c1e-0000-4000-8000-000000000001\","
                + "\"event\":\"RISK_LEVEL_CHANGED\",\"timestamp\":1764096000,"
                + "\"data\":{\"profile_id\":\"p1\",\"new_risk_level\":\"HIGH\"}}");
    }

    @Test
    void secretIsInsertedBeforeDataAndReplacesAnyOld() {
        String body = WebhookPayload.body(1, EVENT, EventType.TASK_CREATED, Instant.ofEpochSecond(5), "{}");
        String sent = WebhookPayload.withSecret(body, "new\"secret");
        assertThat(sent).isEqualTo("{\"id\":1,\"event_id\":\"" + EVENT + "\",\"event\":\"TASK_CREATED\","
                + "\"timestamp\":5,\"secret\":\"new\\\"secret\",\"data\":{}}");
        assertThat(WebhookPayload.withSecret(sent, "rotated")).contains("\"secret\":\"rotated\"").doesNotContain("new\\\"secret");
    }

    @Test
    void theFastPathGivesExactlyWhatAFullParseGives() {
        String body = WebhookPayload.body(7, EVENT, EventType.RISK_SCORE_CHANGED, Instant.ofEpochSecond(9),
                "{\"note\":\"has ,\\\"data\\\": inside\",\"secret\":\"not ours\",\"n\":[1,{\"data\":2}]}");
        String secret = "s\"e\\c\u0001ret";
        String fast = WebhookPayload.withSecret(body, secret);
        // The slow path: parse and rebuild (forced by a body the fast path does not take).
        String slow = WebhookPayload.withSecret(" " + body, secret);
        assertThat(fast).isEqualTo(slow);
        assertThat(fast).contains("\"timestamp\":9,\"secret\":\"s\\\"e\\\\c\\u0001ret\",\"data\":{\"note\"");
    }

    @Test
    void oneInserterGivesEachBodyOfABatchWhatWithSecretGives() {
        String secret = "s\"e\\c\u0001ret";
        WebhookPayload.SecretInserter inserter = WebhookPayload.inserting(secret);
        for (long id = 1; id <= 3; id++) {
            String body = WebhookPayload.body(id, EVENT, EventType.TASK_CREATED, Instant.ofEpochSecond(id), "{\"n\":" + id + "}");
            assertThat(inserter.into(body)).isEqualTo(WebhookPayload.withSecret(body, secret));
            assertThat(inserter.into(" " + body)).isEqualTo(WebhookPayload.withSecret(" " + body, secret)); // parse path
        }
        assertThat(inserter.toString()).doesNotContain("s\\\"e").doesNotContain(secret).contains("***");
    }

    @Test
    void dataMustBeAJsonObject() {
        assertThatThrownBy(() -> WebhookPayload.body(1, EVENT, EventType.TASK_CREATED, Instant.EPOCH, "[1,2]"))
                .hasMessageContaining("must be a JSON object, got ARRAY");
        assertThatThrownBy(() -> WebhookPayload.body(1, EVENT, EventType.TASK_CREATED, Instant.EPOCH, "{\"a\":"))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> WebhookPayload.body(1, EVENT, EventType.TASK_CREATED, Instant.EPOCH, " "))
                .hasMessageContaining("got nothing");
    }

    @Test
    void aRedeliveryKeepsTheOriginalBytesAndAddsItsMarkerLast() {
        String original = "{\"id\":40,\"event_id\":\"e\",\"event\":\"TASK_CREATED\",\"timestamp\":1,"
                + "\"data\":{\"amount\":0.1000000000000000055511151231257827,\"big\":12345678901234567890123}}";
        String again = WebhookPayload.withRedelivery(original, "req-1", Instant.ofEpochSecond(1764662400));
        assertThat(again).isEqualTo(original.substring(0, original.length() - 1)
                + ",\"redelivery\":{\"request_id\":\"req-1\",\"requested_at\":1764662400}}");
        // The secret still goes before data, and a copy of a copy carries only the newest marker.
        assertThat(WebhookPayload.withSecret(again, "s")).contains(",\"secret\":\"s\",\"data\":");
        String twice = WebhookPayload.withRedelivery(again, "req-2", Instant.ofEpochSecond(1764662401));
        assertThat(twice).contains("req-2").doesNotContain("req-1");
        assertThat(WebhookPayload.withRedelivery("{}", "r", Instant.EPOCH))
                .isEqualTo("{\"redelivery\":{\"request_id\":\"r\",\"requested_at\":0}}");
        assertThatThrownBy(() -> WebhookPayload.withRedelivery("[1]", "r", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
