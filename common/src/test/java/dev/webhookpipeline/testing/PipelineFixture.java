package dev.webhookpipeline.testing;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.SubjectInitializer;
import dev.webhookpipeline.topics.TopicInitializer;
import dev.webhookpipeline.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One isolated set of the pipeline's topics on the shared real broker and registry, set up as the
 * services set them up at start: every topic created ({@link TopicInitializer}) and every subject's
 * schema registered ({@link SubjectInitializer}), under a prefix of its own so tests never share
 * topics. It hands out the clients tests write and read those topics with, and closes what it
 * handed out. The role-specific fixtures (the router's, the dispatcher's, the end-to-end one) build
 * on it.
 */
public final class PipelineFixture implements AutoCloseable {

    public final TestServices services;
    public final PipelineTopics topics;
    public final SchemaRegistryClient registry;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private PipelineFixture(TestServices services, PipelineTopics topics) {
        this.services = services;
        this.topics = topics;
        this.registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        try (Admin admin = services.kafka().admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        new SubjectInitializer(registry).ensure(topics.all());
    }

    /** The pipeline's topics, {@code partitions} each, under a prefix unique to this JVM run made from {@code name}. */
    public static PipelineFixture create(TestServices services, String name, int partitions) {
        return new PipelineFixture(services,
                PipelineTopics.builder().prefix(TestServices.uniquePrefix(name)).partitions(partitions).build());
    }

    /** Kafka client properties pointing at the broker (a fresh, mutable copy, to add settings to). */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> props = new HashMap<>();
        services.kafka().clientProperties().forEach((k, v) -> props.put((String) k, v));
        return props;
    }

    /**
     * The settings a router for these topics needs (a mutable copy), with quick commits and failure
     * detection for tests.
     */
    public Map<String, String> routerSettings() {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", services.bootstrapServers());
        s.put("schema.registry.url", services.schemaRegistryUrl());
        s.put("pipeline.topic.prefix", topics.prefix());
        s.put("pipeline.partitions", Integer.toString(topics.events().partitions()));
        s.put("commit.interval.ms", "100");
        // The broker's minimum: a killed member is noticed after 6 s instead of 45 s.
        s.put("session.timeout.ms", "6000");
        s.put("heartbeat.interval.ms", "1000");
        s.put("pipeline.router.stats-interval", "PT5S");
        return s;
    }

    /**
     * The options every command line of the pipeline (its services' mains, webhookctl) needs to
     * reach these topics: broker, registry, prefix and partitions.
     */
    public List<String> commandLine(String registryUrl) {
        return new ArrayList<>(List.of("--bootstrap-servers", services.bootstrapServers(),
                "--schema-registry-url", registryUrl, "--topic-prefix", topics.prefix(),
                "-X", "pipeline.partitions=" + topics.events().partitions()));
    }

    public List<String> commandLine() {
        return commandLine(services.schemaRegistryUrl());
    }

    /** A serializer writing the registry's wire format, registering schemas as needed. */
    public <T extends SpecificRecord> AvroSerializer<T> avroSerializer() {
        return new AvroSerializer<>(registry, true);
    }

    public <T extends SpecificRecord> AvroDeserializer<T> avroDeserializer(Class<T> type) {
        return new AvroDeserializer<>(type, registry);
    }

    /**
     * A producer keyed by tenant with the pipeline's own settings (acks=all, idempotent: each
     * partition keeps its order across retries), closed with the fixture.
     */
    public <V> KafkaProducer<String, V> producer(Serializer<V> values) {
        Map<String, Object> props = kafkaProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return closedWithFixture(new KafkaProducer<>(props, new StringSerializer(), values));
    }

    /** A producer of any bytes (or none), as a buggy or hostile writer would write them. */
    public KafkaProducer<String, byte[]> rawProducer() {
        return producer(new ByteArraySerializer());
    }

    /** A read_committed reader of every partition of {@code topic} from its beginning; the caller closes it. */
    public <V> Reader<V> reader(TopicSpec<?, ?> topic, Deserializer<V> values) {
        return reader(topic.name(), topic.partitions(), values);
    }

    public <V> Reader<V> reader(String topic, int partitions, Deserializer<V> values) {
        return new Reader<>(kafkaProperties(), topic, partitions, values);
    }

    /** Closes {@code closeable} when the fixture closes (in reverse order of registration). */
    public <T extends AutoCloseable> T closedWithFixture(T closeable) {
        synchronized (closeables) {
            closeables.add(closeable);
        }
        return closeable;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        List<AutoCloseable> all;
        synchronized (closeables) {
            all = new ArrayList<>(closeables);
            closeables.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Accumulates every committed record of a topic; tests poll it with a deadline. */
    public static final class Reader<V> implements AutoCloseable {
        private final KafkaConsumer<String, V> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();
        public final List<ConsumerRecord<String, V>> records = new ArrayList<>();

        Reader(Map<String, Object> kafka, String topic, int partitionCount, Deserializer<V> values) {
            Map<String, Object> props = new HashMap<>(kafka);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
            for (int p = 0; p < partitionCount; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls until {@code done} holds for what was read so far; fails after {@code timeout}. */
        public List<ConsumerRecord<String, V>> until(Predicate<List<ConsumerRecord<String, V>>> done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not met within " + timeout + "; read " + records.size()
                            + " records of " + partitions.get(0).topic());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }

        /** Reads up to the end of every partition (for read_committed: the last stable offset). */
        public List<ConsumerRecord<String, V>> toEnd(Duration timeout) {
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
