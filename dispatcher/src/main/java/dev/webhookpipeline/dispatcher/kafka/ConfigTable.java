package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDecodeException;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * Every tenant's current webhook config, kept up to date from the compacted config topic by a
 * reader thread of its own. The dispatcher reads it at send time, so a changed endpoint, secret,
 * batching or enabled flag applies to webhooks already queued. Changed tenants are announced
 * through {@link #changes()} so a resumed tenant is looked at at once.
 */
public final class ConfigTable implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigTable.class);

    private final Map<String, WebhookConfig> configs = new ConcurrentHashMap<>();
    private final Queue<String> changes = new ConcurrentLinkedQueue<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<WebhookConfig> deserializer;
    private final String topic;
    private final Thread reader;
    private volatile boolean running = true;

    public ConfigTable(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // every instance reads all of it: no group
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "dispatcher-config-table");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.deserializer = new AvroDeserializer<>(WebhookConfig.class, registry);
        this.topic = topic;
        this.reader = new Thread(this::run, "config-table");
        this.reader.setDaemon(true);
    }

    public void start() {
        reader.start();
    }

    /** Waits until the table holds every config written before it started; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<WebhookConfig> get(String tenantId) {
        return Optional.ofNullable(configs.get(tenantId));
    }

    public int size() {
        return configs.size();
    }

    /** Tenants whose config changed; drained by the dispatcher loop. */
    public Queue<String> changes() {
        return changes;
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
                    if (!apply(record)) {
                        break; // registry outage: position was reset to this record, poll again
                    }
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    log.info("config table caught up: {} tenant configs", configs.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("config table reader woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("config table reader stopped: configs will no longer change until restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean apply(ConsumerRecord<String, byte[]> record) {
        String tenant = record.key();
        if (tenant == null) {
            log.warn("ignoring a config record without a key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return true;
        }
        try {
            WebhookConfig config = deserializer.deserialize(record.topic(), record.value());
            if (config == null) {
                configs.remove(tenant);
            } else {
                configs.put(tenant, config);
            }
            changes.add(tenant);
            return true;
        } catch (AvroDecodeException e) {
            log.warn("ignoring an undecodable config for tenant {} at offset {} ({}): the previous config stays",
                    tenant, record.offset(), e.reason());
            return true;
        } catch (SerializationException e) {
            log.warn("schema registry unavailable while reading configs, retrying: {}", e.getMessage());
            consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
            try {
                Thread.sleep(1000); // own thread, not the poll thread of delivery: waiting out an outage
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                running = false;
            }
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(10_000);
    }
}
