package dev.webhookpipeline.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineTopicsTest {

    @Test
    void defaultsAreTheProductionLayout() {
        PipelineTopics topics = PipelineTopics.defaults();
        assertThat(topics.all()).extracting(TopicSpec::name)
                .containsExactly("webhooks.events", "webhooks.tenant-config", "webhooks.outbound", "webhooks.dead-letter",
                        "webhooks.delivery-state", "webhooks.control", "webhooks.operator-log");
        assertThat(topics.all()).allSatisfy(t -> assertThat(t.partitions()).isEqualTo(12));
        assertThat(topics.tenantConfig().cleanupPolicy()).isEqualTo(TopicSpec.CleanupPolicy.COMPACT);
        assertThat(topics.tenantConfig().configs()).containsEntry("retention.ms", "-1");
        assertThat(topics.deliveryState().cleanupPolicy()).isEqualTo(TopicSpec.CleanupPolicy.COMPACT);
        assertThat(topics.operatorLog().configs()).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "-1");
        assertThat(topics.events().configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()));
    }

    @Test
    void eventsAndOutboundAreCoPartitionedWhateverTheCount() {
        PipelineTopics topics = PipelineTopics.builder().partitions(5).build();
        assertThat(topics.events().partitions()).isEqualTo(topics.outbound().partitions()).isEqualTo(5);
    }

    @Test
    void badSettingsAreRefusedClearly() {
        assertThatThrownBy(() -> PipelineTopics.builder().partitions(0))
                .hasMessageContaining("partitions must be at least 1");
        assertThatThrownBy(() -> PipelineTopics.builder().prefix("bad prefix/"))
                .hasMessageContaining("topic prefix may only hold");
        assertThatThrownBy(() -> PipelineTopics.builder().eventsRetention(Duration.ZERO))
                .hasMessageContaining("events retention must be positive");
    }
}
