package dev.webhookpipeline.webhookctl.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.topics.PipelineTopics;
import org.junit.jupiter.api.Test;

class TopicChoiceTest {

    final PipelineTopics topics = PipelineTopics.builder().prefix("acme.").build();

    @Test
    void shortAndFullNamesNameTheSameTopic() {
        assertThat(TopicChoice.resolve(topics, "events")).isEqualTo(topics.events());
        assertThat(TopicChoice.resolve(topics, "acme.events")).isEqualTo(topics.events());
        assertThat(TopicChoice.resolve(topics, "config")).isEqualTo(topics.tenantConfig());
        assertThat(TopicChoice.resolve(topics, "tenant-config")).isEqualTo(topics.tenantConfig());
        assertThat(TopicChoice.resolve(topics, "operator-log")).isEqualTo(topics.operatorLog());
        assertThat(TopicChoice.byShortName(topics)).containsKeys("events", "outbound", "dead-letter", "delivery-state",
                "control");
    }

    @Test
    void anUnknownNameIsRefusedListingTheNamesAndThePrefix() {
        assertThatThrownBy(() -> TopicChoice.resolve(topics, "webhooks.events"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown topic 'webhooks.events': one of events, tenant-config, outbound")
                .hasMessageContaining("prefix 'acme.'");
    }
}
