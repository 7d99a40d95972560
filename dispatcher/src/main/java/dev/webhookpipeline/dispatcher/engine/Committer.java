package dev.webhookpipeline.dispatcher.engine;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Commits each partition up to its safe offset ({@link PartitionState#safeCommitOffset()}), never backwards. */
final class Committer {

    private static final Logger log = LoggerFactory.getLogger(Committer.class);

    private final Consumer<String, byte[]> consumer;

    Committer(Consumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    void commitAsync(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = advance(states);
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("offset commit failed (retried on the next one): {}", error.getMessage());
                }
            });
        }
    }

    /** Before giving partitions away or stopping: waits for the commit; a failure only means re-sends. */
    void commitSync(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = advance(states);
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("could not commit {} (the next owner re-sends from the last commit): {}", offsets.keySet(),
                        e.getMessage());
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> advance(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : states) {
            if (state.position() < 0) {
                continue;
            }
            long safe = state.safeCommitOffset();
            if (safe > state.committed()) {
                offsets.put(state.partition(), new OffsetAndMetadata(safe));
                state.committed(safe);
            }
        }
        return offsets;
    }
}
