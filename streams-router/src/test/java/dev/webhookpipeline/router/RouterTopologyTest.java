package dev.webhookpipeline.router;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testing.FakeSchemaRegistry;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every routing rule, id sequencing and dead-lettering on {@link TopologyTestDriver}, with an
 * in-memory schema registry for the Avro frames (a unit test: no broker, no registry process). The
 * driver processes records in the order they are piped (arrival order); the timestamp-ordered choice
 * between the two topics is covered by {@link RouterIT} on the real broker.
 */
class RouterTopologyTest {

    private static final Instant CUTOVER = Instant.parse("2026-06-01T00:00:00Z");
    private static SchemaRegistryClient registry;
    private static PipelineTopics topics;

    private TopologyTestDriver driver;
    private RouterCounters counters;
    private TestInputTopic<String, byte[]> events;
    private TestInputTopic<String, byte[]> configs;
    private TestOutputTopic<String, OutboundWebhook> outbound;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private final AvroSerializer<DomainEvent> eventSerializer = new AvroSerializer<>(registry, true);
    private final AvroSerializer<WebhookConfig> configSerializer = new AvroSerializer<>(registry, true);
    private Path stateDir;

    private static FakeSchemaRegistry fakeRegistry;

    @BeforeAll
    static void registry() {
        fakeRegistry = FakeSchemaRegistry.start();
        registry = fakeRegistry.client();
        topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("topology")).partitions(1).build();
    }

    @AfterAll
    static void stopRegistry() {
        fakeRegistry.close();
    }

    @BeforeEach
    void start() throws Exception {
        startWith(RoutingRules.cutoverAt(CUTOVER));
    }

    private void startWith(RoutingRules rules) throws Exception {
        if (driver != null) {
            driver.close();
        }
        stateDir = Files.createTempDirectory("router-ttd");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, RouterSettings.applicationId(topics));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        counters = new RouterCounters();
        driver = new TopologyTestDriver(RouterTopology.build(topics, registry, rules, counters), props);
        events = driver.createInputTopic(topics.events().name(), new StringSerializer(), new ByteArraySerializer());
        configs = driver.createInputTopic(topics.tenantConfig().name(), new StringSerializer(), new ByteArraySerializer());
        outbound = driver.createOutputTopic(topics.outbound().name(), new StringDeserializer(),
                new AvroDeserializer<>(OutboundWebhook.class, registry));
        deadLetters = driver.createOutputTopic(topics.deadLetter().name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    // ---- helpers ----

    private DomainEvent send(String tenant, EventType type) {
        DomainEvent event = SampleRecords.event(tenant, type, 1);
        events.pipeInput(tenant, eventSerializer.serialize(topics.events().name(), event));
        return event;
    }

    private void configure(String tenant, boolean enabled, Instant createdAt, EventType... types) {
        WebhookConfig config = WebhookConfig.newBuilder(
                        SampleRecords.config(tenant, "https://example.com/hook", List.of(types)))
                .setEnabled(enabled).setCreatedAt(createdAt).setUpdatedAt(createdAt).build();
        configs.pipeInput(tenant, configSerializer.serialize(topics.tenantConfig().name(), config));
    }

    private void configure(String tenant, EventType... types) {
        configure(tenant, true, CUTOVER.minusSeconds(86_400), types);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return DeadLetterHeaders.header(record.headers(), name);
    }

    // ---- filter rules ----

    @Test
    void anEventOfATenantWithoutConfigIsDroppedAndCounted() {
        send("acme", EventType.RISK_LEVEL_CHANGED);

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(counters.count(Outcome.DROPPED_NO_CONFIG)).isEqualTo(1);
    }

    @Test
    void anEnabledTypeIsRoutedWithTheBodyTenantsReceiveAndNoSecret() {
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        DomainEvent event = send("acme", EventType.RISK_LEVEL_CHANGED);

        TestRecord<String, OutboundWebhook> out = outbound.readRecord();
        assertThat(out.key()).isEqualTo("acme");
        OutboundWebhook webhook = out.value();
        assertThat(webhook.getWebhookId()).isEqualTo(1);
        assertThat(webhook.getEventId()).isEqualTo(event.getEventId());
        assertThat(webhook.getEventType()).isEqualTo(EventType.RISK_LEVEL_CHANGED);
        assertThat(webhook.getOccurredAt()).isEqualTo(event.getOccurredAt());
        assertThat(webhook.getBody()).isEqualTo(WebhookPayload.body(1, event.getEventId(), event.getType(),
                event.getOccurredAt(), event.getData()));
        assertThat(webhook.getBody()).doesNotContain("secret").doesNotContain("s3cret");
        assertThat(counters.count(Outcome.ROUTED)).isEqualTo(1);
    }

    @Test
    void aTypeTheTenantDidNotEnableIsDropped() {
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        send("acme", EventType.TASK_CREATED);

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(counters.count(Outcome.DROPPED_TYPE_NOT_ENABLED)).isEqualTo(1);
    }

    @Test
    void aDisabledTenantGetsNothing() {
        configure("acme", false, CUTOVER.minusSeconds(60), EventType.RISK_LEVEL_CHANGED);
        send("acme", EventType.RISK_LEVEL_CHANGED);

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(counters.count(Outcome.DROPPED_DISABLED)).isEqualTo(1);
    }

    @Test
    void aDeletedConfigDropsAndARecreatedOneContinuesTheIds() {
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        send("acme", EventType.RISK_LEVEL_CHANGED);
        configs.pipeInput("acme", (byte[]) null);
        send("acme", EventType.RISK_LEVEL_CHANGED);
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        send("acme", EventType.RISK_LEVEL_CHANGED);

        assertThat(counters.count(Outcome.DROPPED_CONFIG_DELETED)).isEqualTo(1);
        // The id only grows: a receiver that kept "last id 1" must accept the next webhook.
        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getWebhookId).containsExactly(1L, 2L);
    }

    @Test
    void aConfigChangeAppliesToTheEventsThatFollowIt() {
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        DomainEvent first = send("acme", EventType.RISK_LEVEL_CHANGED);
        configure("acme", false, CUTOVER.minusSeconds(86_400), EventType.RISK_LEVEL_CHANGED);
        send("acme", EventType.RISK_LEVEL_CHANGED);
        configure("acme", EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED);
        DomainEvent third = send("acme", EventType.TASK_CREATED);

        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getEventId, OutboundWebhook::getWebhookId)
                .containsExactly(Tuple.tuple(first.getEventId(), 1L),
                        Tuple.tuple(third.getEventId(), 2L));
        assertThat(counters.count(Outcome.DROPPED_DISABLED)).isEqualTo(1);
    }

    // ---- cut-over rule ----

    @Test
    void aTenantConfiguredAtTheCutoverGetsChangedInsteadOfUpdated() {
        configure("new", true, CUTOVER, EventType.COLLECTED_DATA_UPDATED);
        send("new", EventType.COLLECTED_DATA_UPDATED);
        DomainEvent changed = send("new", EventType.COLLECTED_DATA_CHANGED);

        List<OutboundWebhook> out = outbound.readValuesToList();
        assertThat(out).extracting(OutboundWebhook::getEventId).containsExactly(changed.getEventId());
        assertThat(out.get(0).getEventType()).isEqualTo(EventType.COLLECTED_DATA_CHANGED);
        assertThat(out.get(0).getBody()).contains("\"event\":\"COLLECTED_DATA_CHANGED\"");
        assertThat(counters.count(Outcome.DROPPED_DEPRECATED_AFTER_CUTOVER)).isEqualTo(1);
    }

    @Test
    void aTenantConfiguredAfterTheCutoverNeverGetsUpdatedEvenWhenItEnabledBoth() {
        configure("new", true, CUTOVER.plusSeconds(1), EventType.COLLECTED_DATA_UPDATED, EventType.COLLECTED_DATA_CHANGED);
        send("new", EventType.COLLECTED_DATA_UPDATED);
        send("new", EventType.COLLECTED_DATA_CHANGED);

        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getEventType)
                .containsExactly(EventType.COLLECTED_DATA_CHANGED);
        assertThat(counters.count(Outcome.DROPPED_DEPRECATED_AFTER_CUTOVER)).isEqualTo(1);
    }

    @Test
    void aTenantConfiguredBeforeTheCutoverKeepsUpdated() {
        configure("old", true, CUTOVER.minusMillis(1), EventType.COLLECTED_DATA_UPDATED);
        DomainEvent updated = send("old", EventType.COLLECTED_DATA_UPDATED);
        send("old", EventType.COLLECTED_DATA_CHANGED);

        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getEventId, OutboundWebhook::getEventType)
                .containsExactly(Tuple.tuple(updated.getEventId(), EventType.COLLECTED_DATA_UPDATED));
        assertThat(counters.count(Outcome.DROPPED_TYPE_NOT_ENABLED)).isEqualTo(1);
    }

    @Test
    void withoutACutoverEveryTenantKeepsUpdated() throws Exception {
        startWith(RoutingRules.withoutCutover());
        configure("new", true, Instant.now(), EventType.COLLECTED_DATA_UPDATED);
        send("new", EventType.COLLECTED_DATA_UPDATED);

        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getEventType)
                .containsExactly(EventType.COLLECTED_DATA_UPDATED);
    }

    // ---- ids ----

    @Test
    void idsAreOneToNPerTenantInEventOrderAcrossManyInterleavedTenants() {
        Random random = new Random(42);
        Map<String, List<UUID>> expected = new HashMap<>();
        for (int t = 0; t < 40; t++) {
            configure("tenant-" + t, EventType.RISK_LEVEL_CHANGED);
        }
        for (int i = 0; i < 1_000; i++) {
            String tenant = "tenant-" + random.nextInt(40);
            boolean kept = random.nextInt(4) != 0;
            DomainEvent event = send(tenant, kept ? EventType.RISK_LEVEL_CHANGED : EventType.TASK_CREATED);
            if (kept) {
                expected.computeIfAbsent(tenant, k -> new ArrayList<>()).add(event.getEventId());
            }
        }

        Map<String, List<OutboundWebhook>> byTenant = new HashMap<>();
        outbound.readRecordsToList().forEach(r -> byTenant.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
        assertThat(byTenant.keySet()).isEqualTo(expected.keySet());
        expected.forEach((tenant, eventIds) -> {
            List<OutboundWebhook> got = byTenant.get(tenant);
            assertThat(got).extracting(OutboundWebhook::getEventId).as(tenant).containsExactlyElementsOf(eventIds);
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).getWebhookId()).as(tenant + " #" + i).isEqualTo(i + 1);
                assertThat(got.get(i).getTenantId()).isEqualTo(tenant);
            }
        });
        assertThat(counters.count(Outcome.ROUTED) + counters.count(Outcome.DROPPED_TYPE_NOT_ENABLED)).isEqualTo(1_000);
    }

    // ---- dead letters ----

    @Test
    void badRecordsAreDeadLetteredWithTheirBytesAndReasonAndTheGoodOnesAroundThemFlowInOrder() {
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        DomainEvent before = send("acme", EventType.RISK_LEVEL_CHANGED);

        byte[] badMagic = {1, 0, 0, 0, 1, 2, 3};
        byte[] tooShort = {0, 0};
        byte[] unknownId = {0, 0x7f, (byte) 0xff, (byte) 0xfe, 0x01, 0x02};
        DomainEvent otherTenant = SampleRecords.event("other", EventType.RISK_LEVEL_CHANGED, 2);
        byte[] keyMismatch = eventSerializer.serialize(topics.events().name(), otherTenant);
        DomainEvent notAnObject = DomainEvent.newBuilder(SampleRecords.event("acme", EventType.RISK_LEVEL_CHANGED, 3))
                .setData("[1,2]").build();
        byte[] notObject = eventSerializer.serialize(topics.events().name(), notAnObject);
        RecordHeaders traced = new RecordHeaders();
        traced.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        events.pipeInput(new TestRecord<>("acme", badMagic, traced, Instant.ofEpochMilli(1_000)));
        events.pipeInput("acme", tooShort);
        events.pipeInput("acme", unknownId);
        events.pipeInput("acme", keyMismatch);
        events.pipeInput("acme", notObject);
        events.pipeInput("acme", (byte[]) null);

        DomainEvent after = send("acme", EventType.RISK_LEVEL_CHANGED);

        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getEventId, OutboundWebhook::getWebhookId)
                .containsExactly(Tuple.tuple(before.getEventId(), 1L),
                        Tuple.tuple(after.getEventId(), 2L));
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("BAD_MAGIC_BYTE", "TOO_SHORT",
                "UNKNOWN_SCHEMA_ID", "INVALID_CONTENT", "INVALID_CONTENT", "INVALID_CONTENT");
        assertThat(dead).extracting(TestRecord::value).containsExactly(badMagic, tooShort, unknownId, keyMismatch,
                notObject, null);
        assertThat(dead).allSatisfy(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
            assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topics.events().name());
            assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(r, DeadLetterHeaders.MESSAGE)).isNotBlank();
        });
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.SOURCE_OFFSET)).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(header(dead.get(0), "trace-id")).isEqualTo("abc");
        assertThat(dead.get(0).timestamp()).isEqualTo(1_000);
        assertThat(header(dead.get(3), DeadLetterHeaders.MESSAGE)).contains("differs from the record key");
        assertThat(header(dead.get(4), DeadLetterHeaders.MESSAGE)).contains("JSON object");
        assertThat(counters.count(Outcome.DEAD_LETTERED)).isEqualTo(6);
    }

    @Test
    void aBrokenConfigIsDeadLetteredWithoutItsSecretAndThePreviousConfigStays() {
        configure("acme", EventType.RISK_LEVEL_CHANGED);
        configs.pipeInput("acme", new byte[] {9, 9, 9, 9, 9, 9});
        WebhookConfig foreign = WebhookConfig.newBuilder(
                SampleRecords.config("intruder", "https://example.com/x", List.of(EventType.TASK_CREATED)))
                .setEnabled(false).build();
        configs.pipeInput("acme", configSerializer.serialize(topics.tenantConfig().name(), foreign));
        DomainEvent event = send("acme", EventType.RISK_LEVEL_CHANGED);

        assertThat(outbound.readValuesToList()).extracting(OutboundWebhook::getEventId).containsExactly(event.getEventId());
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("BAD_MAGIC_BYTE", "INVALID_CONTENT");
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.SOURCE_TOPIC)).containsOnly(topics.tenantConfig().name());
        assertThat(header(dead.get(1), DeadLetterHeaders.MESSAGE)).contains("intruder").doesNotContain(foreign.getSecret());
        // The dead letter's value is the config with its secret masked (analysts read that topic).
        assertThat(new String(dead.get(1).value(), StandardCharsets.ISO_8859_1)).contains("intruder")
                .doesNotContain(foreign.getSecret());
        assertThat(header(dead.get(1), DeadLetterHeaders.VALUE)).isEqualTo("secret masked");
    }
}
