package dev.webhookpipeline.dispatcher.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The latest value per key of a whole compacted topic, kept up to date by a reader thread of its
 * own (every instance reads every partition: no consumer group). A tombstone removes the key. A
 * record that cannot be decoded, or that the check refuses, is skipped: the key keeps its previous
 * value. A registry outage or a transient broker error is waited out (see {@link TopicReader}).
 * Should the reader still stop, {@link #isReading()} turns false: the table no longer changes, and
 * its owner must report itself unhealthy.
 */
public final class CompactedTable<V> implements AutoCloseable {

    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final TopicReader<V> reader;

    /** Told every change of a key, on the reader thread: its value before (null: none) and after (null: removed). */
    @FunctionalInterface
    public interface Changes<V> {
        void changed(String key, V before, V after);
    }

    /** @param onChange told the key of every change, on the reader thread */
    public CompactedTable(Map<String, Object> kafkaProperties, Deserializer<V> deserializer, String topic,
                          String clientId, Consumer<String> onChange) {
        this(kafkaProperties, deserializer, topic, clientId, (key, value) -> Optional.empty(), onChange);
    }

    /**
     * @param check why a decoded value must not be applied (in words without its content), or empty
     * @param onChange told the key of every change, on the reader thread
     */
    public CompactedTable(Map<String, Object> kafkaProperties, Deserializer<V> deserializer, String topic,
                          String clientId, TopicReader.Check<V> check, Consumer<String> onChange) {
        this(kafkaProperties, deserializer, topic, clientId, check, (Changes<V>) (key, before, after) -> onChange.accept(key));
    }

    /**
     * @param check why a decoded value must not be applied (in words without its content), or empty
     * @param onChange told every change with the values before and after, on the reader thread
     */
    public CompactedTable(Map<String, Object> kafkaProperties, Deserializer<V> deserializer, String topic,
                          String clientId, TopicReader.Check<V> check, Changes<V> onChange) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.reader = new TopicReader<>(clientId, props, deserializer, topic, clientId, TopicReader.From.BEGINNING, check,
                (key, value) -> {
                    V before = value == null ? values.remove(key) : values.put(key, value);
                    onChange.changed(key, before, value);
                });
    }

    public void start() {
        reader.start();
    }

    /** Waits until the table holds everything written before it started; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitReady(timeout);
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

    /** Whether the reader is started and still reading; false once it stopped (the table no longer changes). */
    public boolean isReading() {
        return reader.isReading();
    }

    /** Why the reader stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return reader.failure();
    }

    @Override
    public void close() throws InterruptedException {
        reader.close();
    }
}
