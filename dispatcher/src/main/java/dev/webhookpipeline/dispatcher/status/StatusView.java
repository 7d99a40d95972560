package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's delivery state, read from the delivery-state topic that all dispatcher instances
 * write to: so any instance answers for every tenant, whichever instance owns it.
 */
public final class StatusView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusView.class);

    private final Map<String, DeliveryProgress> states = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<DeliveryProgress> deserializer;
    private final String topic;
    private final Thread reader;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    public StatusView(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dispatcher-status-view");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.deserializer = new AvroDeserializer<>(DeliveryProgress.class, registry);
        this.topic = topic;
        this.reader = new Thread(this::run, "status-view");
        this.reader.setDaemon(true);
    }

    public void start() {
        reader.start();
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<DeliveryProgress> get(String tenantId) {
        return Optional.ofNullable(states.get(tenantId));
    }

    public Collection<DeliveryProgress> all() {
        return states.values();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("status view stopped: the status API will show stale data until restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        try {
            DeliveryProgress state = deserializer.deserialize(record.topic(), record.value());
            if (state == null) {
                states.remove(record.key());
            } else {
                states.put(record.key(), state);
            }
        } catch (SerializationException e) { // bad bytes or a registry outage: skip, the next update replaces it
            log.warn("skipping an unreadable delivery state of tenant {} at offset {}: {}", record.key(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(10_000);
    }
}
