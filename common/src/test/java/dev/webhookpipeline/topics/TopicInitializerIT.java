package dev.webhookpipeline.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServicesExtension.class)
class TopicInitializerIT {

    static Admin admin;

    @BeforeAll
    static void setUp(TestServices services) {
        admin = services.kafka().admin();
    }

    @AfterAll
    static void tearDown() {
        admin.close();
    }

    @Test
    void createsEveryMissingTopicWithItsLayoutAndIsIdempotent() throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("ensure"))
                .partitions(6).eventsRetention(Duration.ofDays(90)).build();

        var first = new TopicInitializer(admin).ensure(topics.all());
        assertThat(first.created()).containsExactlyInAnyOrderElementsOf(topics.all().stream().map(TopicSpec::name).toList());

        var description = admin.describeTopics(List.of(topics.events().name())).allTopicNames().get()
                .get(topics.events().name());
        assertThat(description.partitions()).hasSize(6);
        var configResource = new ConfigResource(ConfigResource.Type.TOPIC, topics.tenantConfig().name());
        var eventsResource = new ConfigResource(ConfigResource.Type.TOPIC, topics.events().name());
        var configs = admin.describeConfigs(List.of(configResource, eventsResource)).all().get();
        assertThat(configs.get(configResource).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(configs.get(eventsResource).get("retention.ms").value())
                .isEqualTo(Long.toString(Duration.ofDays(90).toMillis()));

        var second = new TopicInitializer(admin).ensure(topics.all());
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).hasSize(topics.all().size());
        assertThat(second.warnings()).isEmpty();
    }

    @Test
    void refusesAnExistingTopicWithTheWrongPartitionCountOrCleanupPolicy() throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("mismatch")).build();
        admin.createTopics(List.of(
                new NewTopic(topics.outbound().name(), Optional.of(3), Optional.empty()),
                new NewTopic(topics.tenantConfig().name(), Optional.of(12), Optional.empty())
                        .configs(Map.of("cleanup.policy", "delete")))).all().get();

        assertThatThrownBy(() -> new TopicInitializer(admin).ensure(topics.all()))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        topics.outbound().name() + " has 3 partitions, the pipeline needs 12"
                                + " (all its topics must have the same count to stay co-partitioned)",
                        topics.tenantConfig().name() + " has cleanup.policy=delete, the pipeline needs compact"))
                .hasMessageContaining("does not change existing topics");
    }

    @Test
    void aDefaultedPartitionCountGivesWayToTheExistingTopicsAndAChosenOneMustMatch() throws Exception {
        String prefix = TestServices.uniquePrefix("adopt");
        // Created by `webhookctl topics ensure --partitions 6`, say: two of the topics exist with 6 partitions.
        PipelineTopics six = PipelineTopics.builder().prefix(prefix).partitions(6).build();
        new TopicInitializer(admin).ensure(List.of(six.events(), six.outbound()));
        Await.until("the new topics listed", Duration.ofSeconds(30), () -> listed(six.events(), six.outbound()));

        PipelineTopics defaulted = PipelineTopics.builder().prefix(prefix).build(); // no count chosen
        assertThat(defaulted.partitionsGiven()).isFalse();
        var report = new TopicInitializer(admin).ensure(defaulted);
        assertThat(report.partitions()).isEqualTo(6);
        assertThat(report.created()).contains(defaulted.tenantConfig().name());
        assertThat(admin.describeTopics(List.of(defaulted.tenantConfig().name())).allTopicNames().get()
                .get(defaulted.tenantConfig().name()).partitions()).as("created with the existing count").hasSize(6);

        PipelineTopics twelve = PipelineTopics.builder().prefix(prefix).partitions(12).build();
        assertThatThrownBy(() -> new TopicInitializer(admin).ensure(twelve))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> assertThat(e.problems())
                        .contains(twelve.events().name() + " has 6 partitions, the pipeline needs 12"
                                + " (all its topics must have the same count to stay co-partitioned)"));
    }

    @Test
    void existingTopicsThatDisagreeAreRefusedEvenWithoutAChosenCount() throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("disagree")).build();
        admin.createTopics(List.of(new NewTopic(topics.events().name(), Optional.of(6), Optional.empty()),
                new NewTopic(topics.outbound().name(), Optional.of(3), Optional.empty()))).all().get();
        // Listed by every broker before the services start, as topics made with `webhookctl topics ensure` are.
        Await.until("the new topics listed", Duration.ofSeconds(30), () -> listed(topics.events(), topics.outbound()));
        assertThatThrownBy(() -> new TopicInitializer(admin).ensure(topics))
                .isInstanceOfSatisfying(TopicMismatchException.class, e -> assertThat(e.problems()).containsExactly(
                        "the pipeline's topics have different partition counts (" + topics.events().name() + " 6, "
                                + topics.outbound().name() + " 3): they must all have the same count to stay co-partitioned"));
    }

    @Test
    void aDifferentRetentionIsOnlyAWarning() throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("retention")).build();
        admin.createTopics(List.of(new NewTopic(topics.events().name(), Optional.of(12), Optional.empty())
                .configs(Map.of("retention.ms", "3600000")))).all().get();

        var report = new TopicInitializer(admin).ensure(topics.all());
        assertThat(report.warnings()).singleElement().asString()
                .contains(topics.events().name()).contains("retention.ms=3600000");
    }

    private static boolean listed(TopicSpec<?, ?>... topics) {
        try {
            return admin.listTopics().names().get().containsAll(Arrays.stream(topics).map(TopicSpec::name).toList());
        } catch (Exception e) {
            return false; // asked again until the deadline
        }
    }

}
