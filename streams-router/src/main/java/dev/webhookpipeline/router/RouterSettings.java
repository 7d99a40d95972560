package dev.webhookpipeline.router;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;

/** The router's view of {@link PipelineSettings}: its own {@code pipeline.router.*} keys and its Streams config. */
public record RouterSettings(PipelineTopics topics, RoutingRules rules, Duration statsInterval,
        Duration startupTimeout, Properties streamsProperties) {

    /** ISO-8601 instant, e.g. {@code 2026-03-01T00:00:00Z}; see {@link RoutingRules}. */
    public static final String CUTOVER = "pipeline.router.collected-data-cutover";
    /** How often the router logs its counters. */
    public static final String STATS_INTERVAL = "pipeline.router.stats-interval";
    /** Port of the router's Prometheus endpoint (off unless set); it requires the operator token. */
    public static final String METRICS_PORT = "pipeline.router.metrics-port";
    /** How long start-up waits for Kafka and the registry before giving up. */
    public static final String STARTUP_TIMEOUT = "pipeline.router.startup-timeout";

    /** The router's exactly-once commit interval unless {@code commit.interval.ms} is set. */
    public static final String DEFAULT_COMMIT_INTERVAL_MS = "25";

    public static RouterSettings from(PipelineSettings settings) {
        PipelineTopics topics = settings.topics();
        Optional<Instant> cutover = settings.get(CUTOVER).map(RouterSettings::instant);
        Properties props = new Properties();
        props.putAll(settings.kafkaProperties());
        // One router application per topic set, so test runs and environments sharing a cluster stay apart.
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(topics));
        Object guarantee = props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (guarantee != null && !StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
            throw new SettingsException(StreamsConfig.PROCESSING_GUARANTEE_CONFIG + "=" + guarantee
                    + " is not allowed: the router's webhook ids need " + StreamsConfig.EXACTLY_ONCE_V2);
        }
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Webhooks become visible to the dispatcher (read_committed) only when the router's transaction
        // commits: the commit interval is most of the pipeline's latency. Streams' exactly-once default of
        // 100 ms made p99 publish → receipt ~170 ms; 25 ms keeps it under 100 ms for ~40 commits/s per thread.
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        // A record with a broken timestamp keeps its partition's time instead of failing the app or being skipped.
        props.putIfAbsent(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                UsePartitionTimeOnInvalidTimestamp.class.getName());
        // 0 (the default, stated here because docs/router.md relies on it): an event waits only until the
        // config partition's fetched lag is known, never for config records not yet written.
        props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
        return new RouterSettings(topics, new RoutingRules(cutover),
                settings.duration(STATS_INTERVAL, Duration.ofMinutes(1)),
                settings.duration(STARTUP_TIMEOUT, Duration.ofSeconds(30)), props);
    }

    public static String applicationId(PipelineTopics topics) {
        return topics.prefix() + "router";
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new SettingsException(CUTOVER + " must be an ISO-8601 instant such as 2026-03-01T00:00:00Z, got '"
                    + value + "'");
        }
    }
}
