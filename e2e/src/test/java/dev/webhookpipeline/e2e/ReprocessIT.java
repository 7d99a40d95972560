package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.router.Router;
import dev.webhookpipeline.router.RouterSettings;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reprocessing from a time, as docs/replay.md tells operators to do it: stop the routers, reset their
 * consumer group on the events topic with Kafka's own {@code kafka-consumer-groups --reset-offsets
 * --to-datetime}, start them again. The events from that time are routed again under new webhook ids —
 * ids never go back or repeat — and the receiver gets them as new webhooks carrying the same event ids.
 */
@ExtendWith(RealServicesExtension.class)
class ReprocessIT {

    static final DateTimeFormatter TOOL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Test
    void resettingTheRoutersGroupToATimeRoutesTheLaterEventsAgainUnderNewIds(TestServices services) throws Exception {
        try (E2ePipeline pipeline = new E2ePipeline(services, "reprocess", 13L)) {
            RecordingReceiver receiver = pipeline.receiver;
            Router router = pipeline.startRouter();
            pipeline.startDispatcher();
            pipeline.configure("acme", false, Set.copyOf(E2ePipeline.TYPES));
            produce(pipeline, 3);
            Await.until("the first three webhooks delivered", Duration.ofSeconds(90),
                    () -> receiver.acceptedIds("acme").size() == 3);
            Instant resetTo = Instant.now();
            Await.until("the clock passed the reset time", Duration.ofSeconds(5),
                    () -> Instant.now().toEpochMilli() > resetTo.toEpochMilli());
            produce(pipeline, 2);
            Await.until("webhooks 4 and 5 delivered", Duration.ofSeconds(60), () -> receiver.acceptedIds("acme").size() == 5);
            List<String> laterEventIds = eventIds(receiver).subList(3, 5);

            router.close();
            String group = RouterSettings.applicationId(pipeline.topics);
            try (Admin admin = services.kafka().admin()) {
                Await.until("the router's group is empty (the tool refuses to reset an active group)", Duration.ofSeconds(60),
                        () -> groupState(admin, group) == GroupState.EMPTY);
            }
            try (JavaProcess tool = JavaProcess.builder(ConsumerGroupCommand.class.getName(),
                    Path.of("target", "test-logs", "reprocess-kafka-consumer-groups.log")).args(
                    "--bootstrap-server", services.bootstrapServers(), "--group", group,
                    "--topic", pipeline.topics.events().name(),
                    "--reset-offsets", "--to-datetime", TOOL_TIME.format(resetTo), "--execute").start()) {
                assertThat(tool.waitForExit(Duration.ofSeconds(60))).as(tool.output()).isZero();
                assertThat(tool.output()).contains(pipeline.topics.events().name()).contains("NEW-OFFSET");
            }
            pipeline.startRouter();

            Await.until("the two later events routed again and delivered", Duration.ofSeconds(90),
                    () -> receiver.acceptedIds("acme").size() == 7);
            // Ids only grow: the re-routed events are webhooks 6 and 7, never 4 and 5 again.
            assertThat(receiver.acceptedIds("acme")).containsExactlyElementsOf(LongStream.rangeClosed(1, 7).boxed().toList());
            assertThat(receiver.received("acme").stream().flatMap(r -> r.ids().stream()).toList())
                    .doesNotHaveDuplicates();
            // The same events: a receiver that keeps event ids can tell; one that keeps the last id sees only new ones.
            assertThat(eventIds(receiver).subList(5, 7)).containsExactlyElementsOf(laterEventIds);
            assertThat(eventIds(receiver).subList(0, 3)).doesNotContainAnyElementsOf(laterEventIds);
        }
    }

    private static void produce(E2ePipeline pipeline, int count) {
        for (int i = 0; i < count; i++) {
            pipeline.produce("acme", EventType.TASK_CREATED);
        }
        pipeline.flush();
    }

    private static List<String> eventIds(RecordingReceiver receiver) {
        return receiver.received("acme").stream().flatMap(r -> r.webhooks().stream())
                .map(w -> w.get("event_id").asText()).toList();
    }

    private static GroupState groupState(Admin admin, String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState();
        } catch (Exception e) {
            throw new AssertionError("cannot describe group " + group, e);
        }
    }
}
