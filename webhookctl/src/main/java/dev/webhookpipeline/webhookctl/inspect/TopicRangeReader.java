package dev.webhookpipeline.webhookctl.inspect;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a range of a topic's records, partition by partition, without a consumer group (nothing is
 * committed, no pipeline consumer is disturbed). Only committed records are read
 * ({@code read_committed}), as the pipeline's own readers see them.
 */
public final class TopicRangeReader implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /**
     * What to read.
     *
     * @param partition only this partition, or null
     * @param tenant    only records keyed by this tenant id (and only its partition), or null
     * @param follow    keep reading new records after the end (until {@code to}, or until stopped)
     */
    public record Range(RangeBound from, RangeBound to, Integer partition, String tenant, boolean follow) {}

    /** Receives each record of the range; returns false to stop reading. */
    public interface Sink {
        boolean accept(ConsumerRecord<byte[], byte[]> record);
    }

    /** Where each partition's read stands. */
    public record Progress(long recordsRead, Map<Integer, Long> positions) {}

    private final KafkaConsumer<byte[], byte[]> consumer;

    public TopicRangeReader(Map<String, Object> kafkaProperties) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: no group, no commits
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false); // reading never creates a topic
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The partition the default partitioner gives this tenant's records, as on every pipeline topic. */
    public static int partitionOf(String tenant, int partitions) {
        return BuiltInPartitioner.partitionForKey(tenant.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** The topic's partition count. @throws IllegalStateException when the topic does not exist */
    public int partitions(String topic) {
        int count = consumer.partitionsFor(topic, TIMEOUT).size();
        if (count == 0) {
            throw new IllegalStateException("topic " + topic + " does not exist on this cluster: check --topic-prefix,"
                    + " or create the pipeline's topics with `webhookctl topics ensure`");
        }
        return count;
    }

    /**
     * Reads the range, handing each record to {@code sink} in offset order per partition.
     *
     * @param progress called about every 5 s with how far the read has got
     * @param stopped  checked between polls: true ends a {@code --follow} read
     * @return how far it got
     * @throws IllegalArgumentException when the range does not fit the topic (a partition it does not have)
     */
    public Progress read(String topic, Range range, Sink sink, Consumer<Progress> progress, BooleanSupplier stopped) {
        int count = partitions(topic);
        List<TopicPartition> partitions = choose(topic, count, range);
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> from = positions(range.from(), false, partitions, begin, end);
        Map<TopicPartition, Long> to = new LinkedHashMap<>();
        Map<TopicPartition, Long> toFound = range.to() == null ? Map.of() : positions(range.to(), true, partitions, begin, end);
        Instant toTime = range.to() == null ? null : range.to().time();
        for (TopicPartition p : partitions) {
            long stop = range.to() == null ? Long.MAX_VALUE : toFound.get(p);
            if (toTime != null && stop >= end.get(p)) {
                stop = Long.MAX_VALUE; // no record at or after that time yet: stop at the first one that comes (follow)
            }
            if (range.to() instanceof RangeBound.End) {
                stop = end.get(p);
            }
            to.put(p, range.follow() ? stop : Math.min(stop, end.get(p)));
            consumer.seek(p, from.get(p));
        }
        List<TopicPartition> active = new ArrayList<>(partitions);
        long read = 0;
        long lastProgress = System.nanoTime();
        while (true) {
            active.removeIf(p -> consumer.position(p, TIMEOUT) >= to.get(p));
            consumer.pause(partitions.stream().filter(p -> !active.contains(p)).toList());
            if (active.isEmpty() || stopped.getAsBoolean()) {
                break;
            }
            boolean keepGoing = true;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition p = new TopicPartition(record.topic(), record.partition());
                if (!keepGoing || !active.contains(p)) {
                    continue;
                }
                if (record.offset() >= to.get(p) || toTime != null && to.get(p) == Long.MAX_VALUE
                        && record.timestamp() >= toTime.toEpochMilli()) {
                    active.remove(p);
                    continue;
                }
                read++;
                if (range.tenant() != null && !range.tenant().equals(keyText(record.key()))) {
                    continue;
                }
                keepGoing = sink.accept(record);
            }
            if (!keepGoing) {
                break;
            }
            if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
                progress.accept(progress(read, partitions));
                lastProgress = System.nanoTime();
            }
        }
        return progress(read, partitions);
    }

    /** The record at this offset, if there is one (not deleted by retention, not a transaction marker). */
    public Optional<ConsumerRecord<byte[], byte[]>> fetch(String topic, int partition, long offset) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        read(topic, new Range(new RangeBound.AtOffset(offset), new RangeBound.AtOffset(offset + 1), partition, null, false),
                record -> {
                    found.add(record);
                    return false;
                }, progress -> {}, () -> false);
        return found.stream().filter(r -> r.offset() == offset).findFirst();
    }

    private Progress progress(long read, List<TopicPartition> partitions) {
        Map<Integer, Long> positions = new LinkedHashMap<>();
        partitions.forEach(p -> positions.put(p.partition(), consumer.position(p, TIMEOUT)));
        return new Progress(read, positions);
    }

    private static List<TopicPartition> choose(String topic, int count, Range range) {
        if (range.partition() != null && (range.partition() < 0 || range.partition() >= count)) {
            throw new IllegalArgumentException("--partition " + range.partition() + ": topic " + topic + " has partitions 0-"
                    + (count - 1));
        }
        if (range.tenant() != null) {
            int own = partitionOf(range.tenant(), count);
            if (range.partition() != null && range.partition() != own) {
                throw new IllegalArgumentException("tenant " + range.tenant() + " is on partition " + own + ", not "
                        + range.partition());
            }
            return List.of(new TopicPartition(topic, own));
        }
        if (range.partition() != null) {
            return List.of(new TopicPartition(topic, range.partition()));
        }
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    /**
     * Each partition's offset for the bound, within [beginning, end]; a stop offset may lie beyond the
     * end (a follow read stops there).
     */
    private Map<TopicPartition, Long> positions(RangeBound bound, boolean stop, List<TopicPartition> partitions,
                                                Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, OffsetAndTimestamp> byTime = bound instanceof RangeBound.AtTime at
                ? consumer.offsetsForTimes(timestamps(partitions, at.time()), TIMEOUT) : Map.of();
        for (TopicPartition p : partitions) {
            long offset = switch (bound) {
                case RangeBound.Beginning b -> begin.get(p);
                case RangeBound.End e -> end.get(p);
                case RangeBound.AtOffset at -> at.offset();
                // No record at or after the time: the end.
                case RangeBound.AtTime at -> byTime.get(p) == null ? end.get(p) : byTime.get(p).offset();
            };
            long upper = stop && bound instanceof RangeBound.AtOffset ? Long.MAX_VALUE : end.get(p);
            offsets.put(p, Math.max(begin.get(p), Math.min(offset, upper)));
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> timestamps(List<TopicPartition> partitions, Instant time) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, time.toEpochMilli()));
        return query;
    }

    private static String keyText(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
