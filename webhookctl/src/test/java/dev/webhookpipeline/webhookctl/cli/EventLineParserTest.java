package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.producer.NewEvent;
import dev.webhookpipeline.schema.EventType;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EventLineParserTest {

    @Test
    void readsEveryField() {
        NewEvent event = EventLineParser.parse("{\"tenant_id\":\"acme\",\"type\":\"risk-level-changed\","
                + "\"data\":{\"new_risk_level\":\"HIGH\"},\"event_id\":\"5b1e0c1e-0000-4000-8000-000000000001\","
                + "\"occurred_at\":\"2026-11-25T10:15:30Z\",\"subject\":{\"profile_id\":\"p-1\"}}");
        assertThat(event.tenantId()).isEqualTo("acme");
        assertThat(event.type()).isEqualTo(EventType.RISK_LEVEL_CHANGED);
        assertThat(event.data()).isEqualTo("{\"new_risk_level\":\"HIGH\"}");
        assertThat(event.eventId()).isEqualTo(UUID.fromString("5b1e0c1e-0000-4000-8000-000000000001"));
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-25T10:15:30Z"));
        assertThat(event.subject().getProfileId()).isEqualTo("p-1");
        assertThat(EventLineParser.parse("{\"tenant_id\":\"a\",\"type\":\"TASK_CREATED\",\"occurred_at\":1000}").occurredAt())
                .isEqualTo(Instant.ofEpochMilli(1000));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{oops                                                         | not valid JSON",
            "[1,2]                                                         | expected a JSON object",
            "{\"tenant_id\":\"a\"}                                         | event type is missing",
            "{\"tenant_id\":\"a\",\"type\":\"NOPE\"}                       | unknown event type 'NOPE' (known: PRODUCT_STATUS_CHANGED",
            "{\"tenant_id\":7,\"type\":\"TASK_CREATED\"}                   | tenant_id must be a string",
            "{\"tenant_id\":\"a\",\"type\":\"TASK_CREATED\",\"extra\":1}   | unknown field 'extra'",
            "{\"tenant_id\":\"a\",\"type\":\"TASK_CREATED\",\"event_id\":\"x\"}     | event_id 'x' is not a UUID",
            "{\"tenant_id\":\"a\",\"type\":\"TASK_CREATED\",\"occurred_at\":\"yesterday\"} | neither ISO-8601",
            "{\"tenant_id\":\"a\",\"type\":\"TASK_CREATED\",\"subject\":{\"user_id\":\"u\"}} | unknown subject id 'user_id'",
    })
    void badLinesSayWhy(String line, String reason) {
        assertThatThrownBy(() -> EventLineParser.parse(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
