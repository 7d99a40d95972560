package dev.webhookpipeline.router;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.SubjectInitializer;
import dev.webhookpipeline.topics.TopicInitializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One isolated set of pipeline topics on the real broker and registry, with the clients the router
 * ITs need: a producer of raw records (so tests can write bad bytes too) and read_committed readers.
 */
final class TestPipeline implements AutoCloseable {

    final TestServices services;
    final PipelineTopics topics;
    final SchemaRegistryClient registry;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<DomainEvent> events;
    private final AvroSerializer<WebhookConfig> configs;

    TestPipeline(TestServices services, String name, int partitions) {
        this.services = services;
        this.topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix(name)).partitions(partitions).build();
        this.registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        try (Admin admin = services.kafka().admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        new SubjectInitializer(registry).ensure(topics.all());
        Properties props = services.kafka().clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // keeps each partition's order across retries
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.events = new AvroSerializer<>(registry, true);
        this.configs = new AvroSerializer<>(registry, true);
    }

    /** The settings a router for these topics needs, with quick commits and failure detection for tests. */
    Map<String, String> routerSettings() {
        return Map.of(
                "bootstrap.servers", services.bootstrapServers(),
                "schema.registry.url", services.schemaRegistryUrl(),
                "pipeline.topic.prefix", topics.prefix(),
                "pipeline.partitions", Integer.toString(topics.events().partitions()),
                "commit.interval.ms", "100",
                // The broker's minimum: a killed member is noticed after 6 s instead of 45 s.
                "session.timeout.ms", "6000",
                "heartbeat.interval.ms", "1000",
                "pipeline.router.stats-interval", "PT5S");
    }

    byte[] encode(DomainEvent event) {
        return events.serialize(topics.events().name(), event);
    }

    void sendEvent(DomainEvent event) {
        sendEvent(event.getTenantId(), encode(event), null);
    }

    void sendEvent(String key, byte[] value, Long timestamp) {
        producer.send(new ProducerRecord<>(topics.events().name(), null, timestamp, key, value));
    }

    void sendConfig(WebhookConfig config, Long timestamp) {
        producer.send(new ProducerRecord<>(topics.tenantConfig().name(), null, timestamp, config.getTenantId(),
                configs.serialize(topics.tenantConfig().name(), config)));
    }

    /** Any bytes (or none) to the config topic, as a foreign client could write them. */
    void sendConfig(String key, byte[] value, Long timestamp) {
        producer.send(new ProducerRecord<>(topics.tenantConfig().name(), null, timestamp, key, value));
    }

    byte[] encode(WebhookConfig config) {
        return configs.serialize(topics.tenantConfig().name(), config);
    }

    void flush() {
        producer.flush();
    }

    /** A read_committed reader of the outbound topic from its beginning. */
    Reader<OutboundWebhook> outbound() {
        return new Reader<>(services, topics.outbound().name(), topics.outbound().partitions(),
                new AvroDeserializer<>(OutboundWebhook.class, registry));
    }

    Reader<byte[]> deadLetters() {
        return new Reader<>(services, topics.deadLetter().name(), topics.deadLetter().partitions(),
                new ByteArrayDeserializer());
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Accumulates every committed record of a topic; tests poll it with a deadline. */
    static final class Reader<V> implements AutoCloseable {
        private final KafkaConsumer<String, V> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();
        final List<ConsumerRecord<String, V>> records = new ArrayList<>();

        Reader(TestServices services, String topic, int partitionCount, Deserializer<V> values) {
            Properties props = services.kafka().clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls until {@code done} holds for what was read so far; fails after {@code timeout}. */
        List<ConsumerRecord<String, V>> until(Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not met within " + timeout + "; read " + records.size()
                            + " records");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }

        /** Reads up to the end of every partition (for read_committed: the last stable offset). */
        List<ConsumerRecord<String, V>> toEnd(Duration timeout) {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return until(r -> end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
                    timeout);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
