package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.dispatcher.engine.ProgressStore;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each tenant's delivery state (last webhook id answered 200, backoff, recent failures) on the
 * compacted, co-partitioned delivery-state topic. The commit of an outbound partition can only
 * move up to its slowest tenant, so after a restart or rebalance the new owner re-reads records
 * that faster tenants already got; this store lets it skip them instead of sending them twice, and
 * keeps a failing tenant's backoff where it was. The status API reads the same topic.
 *
 * <p>Writes are coalesced (the latest state per tenant) and flushed by the poll loop every 200 ms:
 * a crash in between only means those webhooks are sent again, with the same ids. What is pending
 * for a partition lost to another instance is dropped, so a stale owner never overwrites the new
 * owner's record.
 */
public final class DeliveryProgressStore implements ProgressStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProgressStore.class);

    private final Map<String, Object> kafkaProperties;
    private final SchemaRegistryClient registry;
    private final String topic;
    private final KafkaProducer<String, DeliveryProgress> producer;
    /** Published and not yet written, the latest per tenant, by partition number (so a lost partition's can be dropped). */
    private final Map<Integer, Map<String, DeliveryProgress>> pending = new HashMap<>();

    public DeliveryProgressStore(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.registry = registry;
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "dispatcher-progress");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, true));
    }

    @Override
    public void publish(int partition, DeliveryProgress progress) {
        pending.computeIfAbsent(partition, p -> new LinkedHashMap<>()).put(progress.getTenantId(), progress);
    }

    @Override
    public void flush() {
        for (Map<String, DeliveryProgress> states : pending.values()) {
            for (DeliveryProgress progress : states.values()) {
                producer.send(new ProducerRecord<>(topic, progress.getTenantId(), progress), (metadata, error) -> {
                    if (error != null) {
                        log.warn("could not record delivery progress of tenant {} (it may get duplicates after a restart): {}",
                                progress.getTenantId(), error.getMessage());
                    }
                });
            }
        }
        pending.clear();
    }

    @Override
    public void flushAndWait() {
        flush();
        producer.flush();
    }

    @Override
    public void forget(Collection<Integer> partitions) {
        partitions.forEach(pending::remove);
    }

    /** The recorded state of every tenant on these partition numbers, read to the end of the topic. */
    @Override
    public Map<Integer, Map<String, DeliveryProgress>> load(Collection<Integer> partitions) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dispatcher-progress-loader");
        Map<Integer, Map<String, DeliveryProgress>> delivered = new HashMap<>();
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
        tps.forEach(tp -> delivered.put(tp.partition(), new HashMap<>()));
        if (tps.isEmpty()) {
            return delivered;
        }
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new AvroDeserializer<>(DeliveryProgress.class, registry))) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<String, DeliveryProgress> record : consumer.poll(Duration.ofMillis(100))) {
                    Map<String, DeliveryProgress> states = delivered.get(record.partition());
                    if (record.value() == null) {
                        states.remove(record.key());
                    } else {
                        states.put(record.key(), record.value()); // compacted: the latest is the truth
                    }
                }
            }
        }
        return delivered;
    }

    @Override
    public void close() {
        flush();
        producer.close(Duration.ofSeconds(10));
    }
}
