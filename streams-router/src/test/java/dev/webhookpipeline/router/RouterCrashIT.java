package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The id guarantee end to end: thousands of events for dozens of tenants flow while the router
 * process is SIGKILLed twice mid-stream and restarted; read_committed, every tenant's webhooks are
 * then exactly ids 1..n, in the production order of its kept events.
 */
@ExtendWith(RealServicesExtension.class)
class RouterCrashIT {

    private static final int TENANTS = 30;
    private static final int EVENTS = 3_000;
    private static final int BATCH = 100;
    private static final Instant CUTOVER = Instant.parse("2026-06-01T00:00:00Z");
    private static final List<EventType> TYPES = List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED,
            EventType.CHECK_COMPLETED, EventType.COLLECTED_DATA_UPDATED, EventType.COLLECTED_DATA_CHANGED);

    /** Tenant kinds, by index mod 10, each with the types it must receive (written out, not computed by the router's code). */
    private static List<EventType> keptTypes(int tenant) {
        return switch (tenant % 10) {
            case 0, 1 -> List.of(); // 0: disabled, 1: never configured
            // configured after the cut-over with UPDATED enabled: reads as CHANGED, and UPDATED is never delivered
            case 2 -> List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED, EventType.COLLECTED_DATA_CHANGED);
            default -> List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED, EventType.COLLECTED_DATA_UPDATED);
        };
    }

    private static WebhookConfig config(int tenant) {
        WebhookConfig base = SampleRecords.config(name(tenant), "https://example.com/hooks",
                List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED, EventType.COLLECTED_DATA_UPDATED));
        Instant created = tenant % 10 == 2 ? CUTOVER.plusSeconds(3600) : CUTOVER.minusSeconds(3600);
        return WebhookConfig.newBuilder(base).setEnabled(tenant % 10 != 0).setCreatedAt(created).setUpdatedAt(created)
                .build();
    }

    private static String name(int tenant) {
        return String.format("tenant-%02d", tenant);
    }

    @Test
    void idsStayOneToNInProductionOrderAcrossTwoSigkills(TestServices services) throws Exception {
        Path dir = Files.createTempDirectory("router-crash");
        try (TestPipeline pipeline = new TestPipeline(services, "crash", 6);
                PipelineFixture.Reader<OutboundWebhook> outbound = pipeline.outbound()) {
            Path config = writeConfig(pipeline, dir);
            for (int t = 0; t < TENANTS; t++) {
                if (t % 10 != 1) {
                    pipeline.sendConfig(config(t), null);
                }
            }
            pipeline.flush();

            // What each tenant must get, in production order; filled as the producer sends.
            Map<String, List<UUID>> expected = new LinkedHashMap<>();
            int expectedTotal = plan(expected);
            List<DomainEvent> toSend = plannedEvents;
            Path log = Path.of("target", "test-logs", "router-crash-" + pipeline.topics.prefix() + "log");
            JavaProcess.Builder routerCommand = JavaProcess.builder(RouterMain.class.getName(), log)
                    .jvmArgs("-Xmx384m", "-Dlogback.configurationFile=logback.xml")
                    .args("--config", config.toString(), "--state-dir", dir.resolve("state").toString());

            JavaProcess router = routerCommand.start();
            try {
                // Paced like live traffic, so the kills land while events are still arriving.
                CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(pipeline, toSend));

                for (double fraction : new double[] {0.2, 0.55}) {
                    int target = (int) (expectedTotal * fraction);
                    outbound.until(r -> r.size() >= target, Duration.ofSeconds(90));
                    int routed = outbound.records.size();
                    router.kill();
                    assertThat(routed).as("killed mid-stream").isLessThan(expectedTotal);
                    router = routerCommand.start();
                }
                producing.get();
                outbound.until(r -> r.size() >= expectedTotal, Duration.ofSeconds(120));

                int exit = router.stop(Duration.ofSeconds(60));
                // 143 = 128 + SIGTERM: the JVM's exit status after a signal, once the shutdown hook has closed Streams.
                assertThat(exit).as("exit code after SIGTERM").isEqualTo(143);
                String output = router.output();
                assertThat(output).contains("router stopped").contains("owns").contains("REBALANCING -> RUNNING");
                assertThat(output).doesNotContain("s3cret-for-");
            } finally {
                router.close();
            }

            List<ConsumerRecord<String, OutboundWebhook>> all = outbound.toEnd(Duration.ofSeconds(30));
            Map<String, List<OutboundWebhook>> byTenant = new LinkedHashMap<>();
            for (ConsumerRecord<String, OutboundWebhook> r : all) {
                assertThat(r.value().getTenantId()).isEqualTo(r.key());
                byTenant.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            }
            assertThat(byTenant.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            StringBuilder diagnosis = new StringBuilder();
            expected.forEach((tenant, eventIds) -> {
                List<OutboundWebhook> got = byTenant.get(tenant);
                long distinct = got.stream().map(OutboundWebhook::getEventId).distinct().count();
                if (got.size() != eventIds.size()) {
                    diagnosis.append(String.format("%n%s: expected %d, got %d (%d distinct events), ids %s", tenant,
                            eventIds.size(), got.size(), distinct,
                            got.stream().map(w -> w.getWebhookId() + ":" + w.getEventType()
                                    + "@" + w.getRoutedAt().toEpochMilli() % 100_000).toList()));
                }
            });
            assertThat(all).as(diagnosis.toString()).hasSize(expectedTotal);
            expected.forEach((tenant, eventIds) -> {
                List<OutboundWebhook> got = byTenant.get(tenant);
                assertThat(got).extracting(OutboundWebhook::getEventId).as("order of %s", tenant)
                        .containsExactlyElementsOf(eventIds);
                assertThat(got).extracting(OutboundWebhook::getWebhookId).as("ids of %s", tenant)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, eventIds.size())
                                .boxed().toList());
            });
        }
    }

    private List<DomainEvent> plannedEvents;

    /** Plans the events (fixed seed) and returns how many webhooks they must produce. */
    private int plan(Map<String, List<UUID>> expected) {
        Random random = new Random(7);
        plannedEvents = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < EVENTS; i++) {
            int tenant = random.nextInt(TENANTS);
            EventType type = TYPES.get(random.nextInt(TYPES.size()));
            DomainEvent event = DomainEvent.newBuilder(SampleRecords.event(name(tenant), type, i)).build();
            plannedEvents.add(event);
            if (keptTypes(tenant).contains(type)) {
                expected.computeIfAbsent(name(tenant), k -> new ArrayList<>()).add(event.getEventId());
                total++;
            }
        }
        return total;
    }

    private static void produce(TestPipeline pipeline, List<DomainEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            pipeline.sendEvent(events.get(i));
            if ((i + 1) % BATCH == 0) {
                pipeline.flush();
                try {
                    Thread.sleep(150); // pacing the load (not synchronisation): ~20 batches/3 s of live traffic
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        pipeline.flush();
    }

    private static Path writeConfig(TestPipeline pipeline, Path dir) throws IOException {
        Properties props = new Properties();
        pipeline.routerSettings().forEach(props::setProperty);
        props.setProperty(RouterSettings.CUTOVER, CUTOVER.toString());
        Path file = dir.resolve("router.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "router under test");
        }
        return file;
    }
}
