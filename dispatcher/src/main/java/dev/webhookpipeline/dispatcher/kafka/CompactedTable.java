package dev.webhookpipeline.dispatcher.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value per key of a whole compacted topic, kept up to date by a reader thread of its
 * own (every instance reads every partition: no consumer group). A tombstone removes the key. An
 * undecodable record is skipped (the key keeps its previous value); a registry outage makes the
 * reader wait and read the record again.
 */
public final class CompactedTable<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTable.class);

    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<V> deserializer;
    private final String topic;
    private final Consumer<String> onChange;
    private final Thread reader;
    private volatile boolean running = true;

    /** @param onChange told the key of every change, on the reader thread */
    public CompactedTable(Map<String, Object> kafkaProperties, Deserializer<V> deserializer, String topic,
                          String clientId, Consumer<String> onChange) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.deserializer = deserializer;
        this.topic = topic;
        this.onChange = onChange;
        this.reader = new Thread(this::run, clientId);
        this.reader.setDaemon(true);
    }

    public void start() {
        reader.start();
    }

    /** Waits until the table holds everything written before it started; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<V> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Collection<V> values() {
        return values.values();
    }

    public int size() {
        return values.size();
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
                    log.info("{} caught up: {} keys", topic, values.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("reader of {} woken unexpectedly", topic, e);
            }
        } catch (RuntimeException e) {
            log.error("reader of {} stopped: its table no longer changes until restart", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Applies one record, in order. A registry outage is waited out here, on this reader's own
     * thread, retrying the same record: the rest of the polled batch (other partitions too) is
     * already past the consumer's position, so skipping ahead would lose it.
     */
    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            log.warn("ignoring a record without a key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        while (running) {
            try {
                V value = deserializer.deserialize(record.topic(), record.value());
                if (value == null) {
                    values.remove(key);
                } else {
                    values.put(key, value);
                }
                onChange.accept(key);
                return;
            } catch (dev.webhookpipeline.serde.AvroDecodeException e) {
                log.warn("ignoring an undecodable record for {} at {}-{}@{} ({}): its previous value stays", key,
                        record.topic(), record.partition(), record.offset(), e.reason());
                return;
            } catch (SerializationException e) {
                log.warn("schema registry unavailable while reading {}, retrying: {}", topic, e.getMessage());
                try {
                    Thread.sleep(1000); // own thread, not the delivery loop: waiting out an outage
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(10_000);
    }
}
