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

    /**
     * Jackson's stream constraints (nesting deeper than 1,000, a number longer than 1,000 digits)
     * fail without a location: a ~1 KB event once made the rules throw a NullPointerException
     * instead of listing a problem, which crashed the router on every restart.
     */
    @Test
    void dataBeyondTheParserLimitsIsAProblemNotACrash() {
        String deep = "{\"a\":" + "[".repeat(1_200) + "]".repeat(1_200) + "}";
        String longNumber = "{\"n\":" + "9".repeat(1_200) + "}";
        String longDecimal = "{\"n\":0." + "1".repeat(1_200) + "}";

        assertThat(DomainEventRules.problems(with("acme", deep))).singleElement().asString()
                .startsWith("event data is not valid JSON").contains("nesting depth");
        assertThat(DomainEventRules.problems(with("acme", longNumber))).singleElement().asString()
                .startsWith("event data is not valid JSON").contains("Number value length");
        assertThat(DomainEventRules.problems(with("acme", longDecimal))).singleElement().asString()
                .startsWith("event data is not valid JSON");
    }

    @Test
    void aMissingOrBrokenValueIsAProblem() {
        DomainEvent noType = DomainEvent.newBuilder(with("acme", "{}")).build();
        noType.put("type", null);
        assertThat(DomainEventRules.problems(noType)).containsExactly("event type is missing");
        DomainEvent noData = with("acme", "{}");
        noData.put("data", null);
        assertThat(DomainEventRules.problems(noData)).containsExactly("event data must be a JSON object, got nothing");
        assertThat(DomainEventRules.problems(with("acme", "{\"s\":\"\\ud800\"}"))).isEmpty(); // lone surrogate, escaped
    }
}
