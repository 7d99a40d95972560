package dev.webhookpipeline.dispatcher.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's {@link MockConsumer} (assignment, positions, pauses, seeks) over the simulation's shared
 * log: unlike the plain mock, records stay in the log, so seeking back reads them again, and
 * commits go to the group's shared offsets, so a new instance starts where the last commit left.
 */
final class SimConsumer extends MockConsumer<String, byte[]> {

    private final SimCluster cluster;
    final int instance;
    private final int maxPollRecords;
    private ConsumerRebalanceListener listener;
    private boolean muteRevoke;
    private final Set<TopicPartition> needsPosition = new HashSet<>();

    SimConsumer(SimCluster cluster, int instance, int maxPollRecords) {
        super("earliest");
        this.cluster = cluster;
        this.instance = instance;
        this.maxPollRecords = maxPollRecords;
        Map<TopicPartition, Long> beginning = new HashMap<>();
        for (TopicPartition tp : cluster.partitions()) {
            beginning.put(tp, 0L);
        }
        updateBeginningOffsets(beginning);
    }

    @Override
    public synchronized void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        this.listener = listener;
        super.subscribe(topics, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!muteRevoke) {
                    listener.onPartitionsRevoked(partitions);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                needsPosition.addAll(partitions);
                listener.onPartitionsAssigned(partitions);
            }
        });
    }

    /** A clean hand-over: the engine's revoke callback runs for what leaves. */
    void handOver(Collection<TopicPartition> newAssignment) {
        rebalance(newAssignment);
    }

    /** Partitions taken away without a revoke (session expired): the engine hears onPartitionsLost. */
    void lose(Collection<TopicPartition> lost) {
        List<TopicPartition> remaining = new ArrayList<>(assignment());
        remaining.removeAll(lost);
        listener.onPartitionsLost(lost);
        muteRevoke = true;
        try {
            rebalance(remaining);
        } finally {
            muteRevoke = false;
        }
    }

    @Override
    public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        int budget = maxPollRecords;
        for (TopicPartition tp : assignment()) {
            if (needsPosition.remove(tp)) {
                seek(tp, cluster.committed(tp.partition()));
            }
            if (paused().contains(tp)) {
                continue;
            }
            long position = position(tp);
            List<ConsumerRecord<String, byte[]>> log = cluster.log(tp.partition());
            List<ConsumerRecord<String, byte[]>> taken = new ArrayList<>();
            for (long offset = position; offset < log.size() && budget > 0; offset++, budget--) {
                taken.add(log.get((int) offset));
            }
            if (!taken.isEmpty()) {
                out.put(tp, taken);
                long after = taken.get(taken.size() - 1).offset() + 1;
                seek(tp, after);
                next.put(tp, new OffsetAndMetadata(after));
            }
        }
        return new ConsumerRecords<>(out, next);
    }

    @Override
    public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        cluster.commit(this, offsets);
        if (callback != null) {
            callback.onComplete(offsets, null);
        }
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        cluster.commit(this, offsets);
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        cluster.commit(this, offsets);
    }
}
