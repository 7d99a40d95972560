package dev.webhookpipeline.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testing.HostileRecords;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile records written straight to the outbound topic of a running dispatcher, between good
 * webhooks of the same and other tenants: the dispatcher stays up, every bad record lands in the
 * dead-letter topic with its reason, every good webhook is delivered in order, and the commit
 * reaches the end of the topic. Seeded; replay with {@code -Ddispatcher.badinput.seed=N}.
 */
@ExtendWith(RealServicesExtension.class)
class DispatcherBadInputIT {

    private static final Logger log = LoggerFactory.getLogger(DispatcherBadInputIT.class);
    static final Duration WAIT = Duration.ofSeconds(60);
    static final int KINDS = 12;

    @Test
    void hostileOutboundRecordsAreDeadLetteredWithAReasonAndEveryGoodWebhookIsDeliveredInOrder(TestServices services)
            throws Exception {
        long seed = Long.getLong("dispatcher.badinput.seed", new Random().nextLong());
        log.warn("DispatcherBadInputIT seed {} (replay: -Ddispatcher.badinput.seed={})", seed, seed);
        Random random = new Random(seed);
        try (var t = new DispatcherTestHelper(services, "bad-input")) {
            List<String> tenants = new ArrayList<>(DispatcherTestHelper.samePartition("hostile", 3));
            tenants.addAll(List.of("other-a", "other-b", "other-c"));
            for (int i = 0; i < tenants.size(); i++) {
                t.configure(tenants.get(i), i % 2 == 0, true);
            }
            Dispatcher dispatcher = t.start();
            AvroSerializer<OutboundWebhook> serializer = new AvroSerializer<>(t.registry, true);
            String topic = t.topics.outbound().name();
            int bad = 0;
            Map<Integer, Integer> kinds = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                String tenant = tenants.get(random.nextInt(tenants.size()));
                if (random.nextInt(4) > 0) {
                    long id = t.nextId(tenant);
                    t.sendRaw(tenant, serializer.serialize(topic, SampleRecords.outbound(tenant, id, EventType.TASK_CREATED)));
                    continue;
                }
                int kind = random.nextInt(KINDS);
                kinds.merge(kind, 1, Integer::sum);
                byte[] valid = serializer.serialize(topic, SampleRecords.outbound(tenant, 1_000_000 + i, EventType.TASK_CREATED));
                t.sendRaw(kind == 8 ? "not-" + tenant : tenant, hostile(kind, valid, tenant, random));
                bad++;
            }
            t.flushRaw();
            log.info("seed {}: {} bad records of kinds {}", seed, bad, kinds);

            for (String tenant : tenants) {
                DispatcherTestHelper.await(tenant + " receives all its webhooks (seed " + seed + ")", WAIT,
                        () -> t.firstReceipts(tenant).size() == t.produced(tenant));
            }
            assertThat(dispatcher.isRunning()).as("the dispatcher is still running").isTrue();
            for (String tenant : tenants) {
                t.assertDeliveredInOrder(tenant);
            }

            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            int expected = bad;
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, services.bootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + seed), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(t.topics.deadLetter().name()));
                DispatcherTestHelper.await(expected + " dead letters (seed " + seed + ")", WAIT, () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                    return letters.size() >= expected;
                });
            }
            assertThat(letters).as("seed %d: one dead letter per bad record", seed).hasSize(bad);
            assertThat(letters).allSatisfy(letter -> {
                assertThat(DeadLetterHeaders.header(letter.headers(), DeadLetterHeaders.REASON)).isNotBlank();
                assertThat(DeadLetterHeaders.header(letter.headers(), DeadLetterHeaders.COMPONENT)).isEqualTo("dispatcher");
                assertThat(DeadLetterHeaders.header(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
            });
            log.info("seed {}: dead-letter reasons {}", seed, letters.stream().collect(Collectors.groupingBy(
                    l -> DeadLetterHeaders.header(l.headers(), DeadLetterHeaders.REASON), Collectors.counting())));

            try (Admin admin = services.kafka().admin()) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < DispatcherTestHelper.PARTITIONS; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                Map<TopicPartition, Long> ends = new HashMap<>();
                admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
                DispatcherTestHelper.await("the commit reaches the end of every partition (seed " + seed + ")", WAIT, () -> {
                    try {
                        var committed = admin.listConsumerGroupOffsets(t.config().build().groupId())
                                .partitionsToOffsetAndMetadata().get();
                        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                                || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() == e.getValue()));
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }

    /** A record no decoder may accept as a webhook, made from a valid one. */
    static byte[] hostile(int kind, byte[] valid, String tenant, Random random) {
        byte[] avro = Arrays.copyOfRange(valid, 5, valid.length);
        int schemaId = ByteBuffer.wrap(valid, 1, 4).getInt();
        return switch (kind) {
            case 0 -> Arrays.copyOf(valid, 5 + random.nextInt(avro.length)); // truncated
            case 1 -> HostileRecords.framed(schemaId, HostileRecords.concat(HostileRecords.varint(-1 - random.nextInt(1000)),
                    avro)); // negative string length
            case 2 -> HostileRecords.framed(schemaId, HostileRecords.concat(HostileRecords.varint(Integer.MAX_VALUE),
                    avro)); // huge string length
            case 3 -> { // wrong magic byte
                byte[] copy = valid.clone();
                copy[0] = (byte) (1 + random.nextInt(255));
                yield copy;
            }
            case 4 -> HostileRecords.framed(900_000 + random.nextInt(1000), avro); // unknown schema id
            case 5 -> new byte[0]; // empty
            case 6 -> null; // a tombstone
            case 7 -> HostileRecords.concat(valid, new byte[] {1, 2, 3}); // trailing bytes
            case 8 -> valid; // under another key than its tenant_id (see the caller)
            case 9 -> HostileRecords.framed(schemaId, HostileRecords.avro(OutboundWebhook.getClassSchema(), tenant, 5L,
                    "not-a-uuid", new GenericData.EnumSymbol(EventType.getClassSchema(), "TASK_CREATED"),
                    Instant.now().toEpochMilli(), Instant.now().toEpochMilli(), "{}")); // event_id is not a UUID
            case 10 -> HostileRecords.framed(schemaId, HostileRecords.avro(OutboundWebhook.getClassSchema(), tenant, 0L,
                    HostileRecords.uuid(), new GenericData.EnumSymbol(EventType.getClassSchema(), "TASK_CREATED"),
                    Instant.now().toEpochMilli(), Instant.now().toEpochMilli(), "{}")); // webhook id 0
            default -> "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8); // JSON where Avro belongs
        };
    }
}
