package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.serde.AvroDecodeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import dev.webhookpipeline.failure.RecordFailure;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic on a thread of its own (no consumer group) and hands each
 * record, decoded, to a handler, in order. It keeps reading whatever happens that it can survive:
 *
 * <ul>
 *   <li>A record's content is never a reason to stop: a record without a key, one that cannot be
 *       decoded (whatever the decoder throws: {@link AvroDecodeException} or any other runtime
 *       exception, e.g. Avro's own on hostile bytes), one the check refuses, or one whose handler
 *       throws, is skipped with a warning that names where it is, never what it holds.</li>
 *   <li>A schema registry outage (what {@link RecordFailure#classify} calls an outage, not an
 *       {@link AvroDecodeException}) is waited out on the same record, so nothing after it is
 *       skipped.</li>
 *   <li>A transient broker error ({@link RetriableException}, e.g. a timeout while the broker is
 *       unreachable) is retried with the same consumer, which keeps its positions.</li>
 * </ul>
 *
 * <p>Anything else stops the reader for good, logged as an error; {@link #isReading()} then says
 * so, and the owner must treat its instance as unhealthy (its data no longer changes).
 */
public final class TopicReader<V> implements AutoCloseable {

    /** Where reading starts. */
    public enum From {
        /** Everything the topic holds; ready once the end it had at start is read. */
        BEGINNING,
        /** Only what is written from now on; ready once the current end is known. */
        END
    }

    /** What is done with each decoded record, in order; {@code value} null is a tombstone. */
    @FunctionalInterface
    public interface Handler<V> {
        void accept(String key, V value);
    }

    /** Why a decoded (non-null) value must not be applied, in words without its content; empty when it may. */
    @FunctionalInterface
    public interface Check<V> {
        Optional<String> problem(String key, V value);
    }

    private static final Logger log = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private final String name;
    private final String topic;
    private final From from;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<V> deserializer;
    private final Check<V> check;
    private final Handler<V> handler;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Throwable failure;
    private boolean outage; // reader thread only: a transient broker error is being retried

    /**
     * @param name what it reads, for logs and health (e.g. "tenant configs")
     * @param kafkaProperties client properties; a group id is ignored, offsets are never committed.
     *     Calls that wait on the broker use {@code default.api.timeout.ms}, then retry.
     */
    public TopicReader(String name, Map<String, Object> kafkaProperties, Deserializer<V> deserializer, String topic,
                       String clientId, From from, Check<V> check, Handler<V> handler) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.name = name;
        this.topic = topic;
        this.from = from;
        this.deserializer = deserializer;
        this.check = check;
        this.handler = handler;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public void start() {
        started = true;
        thread.start();
    }

    /** Waits until the reader is positioned (and, from the beginning, has read what was there); false on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this reader is started and still reading (or waiting out an outage to read on).
     * False once it stopped on an error it cannot survive, or was closed: what it feeds no longer changes.
     */
    public boolean isReading() {
        return started && running && thread.isAlive();
    }

    /** Why the reader stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public String name() {
        return name;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> end = position();
            if (from == From.END && running) {
                ready.countDown();
            }
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        apply(record);
                    }
                    if (ready.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        log.info("{} from {} read up to where they were at start", name, topic);
                        ready.countDown();
                    }
                } catch (RetriableException e) {
                    transientError("reading", e);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                stopped(e);
            }
        } catch (RuntimeException | Error e) {
            if (running) {
                stopped(e);
            }
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void stopped(Throwable e) {
        // Logged before it shows in isReading(): whoever sees it stopped finds the reason in the log.
        log.error("reader of {} ({}) stopped: what it reads no longer changes on this instance until it restarts", name,
                topic, e);
        failure = e;
        running = false;
    }

    /** Assigns every partition and seeks, retrying while the broker cannot answer; the offsets that make it ready. */
    private Map<TopicPartition, Long> position() {
        while (running) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    if (!outage) {
                        log.warn("topic {} ({}) not found; waiting for it", topic, name);
                        outage = true;
                    }
                    pause();
                    continue;
                }
                consumer.assign(partitions);
                Map<TopicPartition, Long> end;
                if (from == From.BEGINNING) {
                    consumer.seekToBeginning(partitions);
                    end = consumer.endOffsets(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                    partitions.forEach(consumer::position); // resolve now: what is written from here on is read
                    end = Map.of();
                }
                if (outage) {
                    log.info("reading {} from {} at last", name, topic);
                    outage = false;
                }
                return end;
            } catch (RetriableException e) {
                transientError("finding the partitions of", e);
            }
        }
        return Map.of();
    }

    private void transientError(String doing, RuntimeException e) {
        if (!outage) {
            log.warn("transient error {} {} ({}), retrying every {} s: {}", doing, topic, name, RETRY_EVERY.toSeconds(), e.toString());
            outage = true;
        } else {
            log.debug("still failing {} {}: {}", doing, topic, e.toString());
        }
        pause();
    }

    /** Waits a retry interval; returns early when closing. */
    private void pause() {
        try {
            closing.await(RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Applies one record, or skips it with a warning. A registry outage is waited out here, on this
     * reader's own thread, retrying the same record: the rest of the polled batch (other partitions
     * too) is already past the consumer's position, so skipping ahead would lose it.
     */
    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (key == null) {
            log.warn("skipping a record without a key at {}", where);
            return;
        }
        boolean registryDown = false;
        while (running) {
            V value;
            try {
                value = deserializer.deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                if (RecordFailure.classify(e) instanceof RecordFailure.BadInput bad) { // the pipeline's one rule
                    log.warn("skipping an undecodable record for {} at {} ({}: {})", key, where, bad.reason(), bad.message());
                    return;
                }
                if (!registryDown) {
                    log.warn("schema registry unavailable while reading {} at {}, retrying every {} s: {}", name, where,
                            RETRY_EVERY.toSeconds(), e.getMessage());
                    registryDown = true;
                }
                pause();
                continue;
            }
            if (registryDown) {
                log.info("schema registry reachable again: reading {} on", name);
            }
            try {
                Optional<String> problem = value == null ? Optional.empty() : check.problem(key, value);
                if (problem.isPresent()) {
                    log.warn("refusing the record for {} at {}: {}", key, where, problem.get());
                    return;
                }
                handler.accept(key, value);
            } catch (RuntimeException e) {
                log.warn("skipping a record for {} at {} that could not be applied ({})", key, where, e.toString());
            }
            return;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (closed.getAndSet(true)) {
            return;
        }
        running = false;
        closing.countDown();
        if (started) {
            consumer.wakeup();
            thread.join(10_000);
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
