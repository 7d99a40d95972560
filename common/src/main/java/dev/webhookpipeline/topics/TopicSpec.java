package dev.webhookpipeline.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic of the pipeline: its name, what its keys and values are, and how it must be laid out.
 *
 * @param retention how long records are kept; empty = forever (compacted topics)
 */
public record TopicSpec<K, V>(
        String name,
        String purpose,
        Class<K> keyType,
        Class<V> valueType,
        int partitions,
        CleanupPolicy cleanupPolicy,
        Optional<Duration> retention) {

    public enum CleanupPolicy {
        DELETE, COMPACT;

        public String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least 1 partition, got " + partitions);
        }
    }

    /** Topic-level configs to create it with. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.configValue());
        configs.put(TopicConfig.RETENTION_MS_CONFIG, retention.map(d -> Long.toString(d.toMillis())).orElse("-1"));
        return configs;
    }

    /** Subject of the value schema in the registry (Confluent's TopicNameStrategy). */
    public String valueSubject() {
        return name + "-value";
    }
}
