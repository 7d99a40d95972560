package dev.webhookpipeline.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.testsupport.SampleRecords;
import org.junit.jupiter.api.Test;

class DomainEventRulesTest {

    static DomainEvent with(String tenant, String data) {
        return DomainEvent.newBuilder(SampleRecords.event("t", EventType.TASK_CREATED, 1)).setTenantId(tenant).setData(data).build();
    }

    @Test
    void validEventHasNoProblems() {
        assertThat(DomainEventRules.problems(with("acme", "{\"a\":1}"))).isEmpty();
    }

    @Test
    void everyProblemIsListed() {
        assertThat(DomainEventRules.problems(with(" ", "[]")))
                .containsExactly("tenant id is missing", "event data must be a JSON object, got ARRAY");
        String big = "{\"x\":\"" + "a".repeat(DomainEventRules.MAX_DATA_BYTES) + "\"}";
        assertThat(DomainEventRules.problems(with("acme", big))).singleElement().asString()
                .contains("more than the limit of 65536");
    }
}
