package dev.webhookpipeline.router;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running router: the {@link KafkaStreams} instance of {@link RouterTopology} with its logging.
 * {@link RouterMain} runs one per process; integration tests run it in their own JVM too.
 */
public final class Router implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final RouterSettings settings;
    private final RouterCounters counters = new RouterCounters();
    private final KafkaStreams streams;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PrometheusMeterRegistry metrics =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService stats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "router-stats");
        t.setDaemon(true);
        return t;
    });

    public Router(RouterSettings settings, SchemaRegistryClient registry) {
        this.settings = settings;
        this.streams = new KafkaStreams(
                RouterTopology.build(settings.topics(), registry, settings.rules(), counters),
                settings.streamsProperties());
        // Prometheus: what happened to each input record (drops by reason), and Streams' own metrics.
        for (Outcome outcome : Outcome.values()) {
            FunctionCounter.builder("router.records", counters, c -> c.count(outcome))
                    .description("Input records by what the router did with them").tag("outcome", outcome.metricName())
                    .register(metrics);
        }
        new KafkaStreamsMetrics(streams).bindTo(metrics);
        streams.setStateListener((now, before) -> {
            log.info("router state {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                logAssignment();
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        // An exception that escapes a processor is never bad data (that is dead-lettered): an outage
        // (the registry unreachable), waited out, or a bug, which stops the router after a few tries
        // (ThreadFailurePolicy). EOS aborts the open transaction; a fresh thread resumes from the last
        // commit, so retrying loses and duplicates nothing.
        ThreadFailurePolicy policy = ThreadFailurePolicy.standard();
        streams.setUncaughtExceptionHandler(e -> {
            StreamThreadExceptionResponse response = policy.onFailure(e);
            if (response == StreamThreadExceptionResponse.SHUTDOWN_CLIENT) {
                log.error("stream thread failed {} times within {} on something other than an outage: stopping the "
                        + "router (exit 1) rather than looping; the last error", ThreadFailurePolicy.MAX_FAILURES,
                        ThreadFailurePolicy.WINDOW, e);
            } else {
                log.error("stream thread failed, replacing it to retry from the last commit", e);
            }
            return response;
        });
    }

    public void start() {
        log.info("starting router {} (events {} + {} -> {}, dead letters to {}; {})",
                settings.streamsProperties().get("application.id"), settings.topics().events().name(),
                settings.topics().tenantConfig().name(), settings.topics().outbound().name(),
                settings.topics().deadLetter().name(), settings.rules().cutover()
                        .map(c -> "collected-data cut-over at " + c)
                        .orElse("no collected-data cut-over configured: every tenant keeps COLLECTED_DATA_UPDATED"));
        streams.start();
        long every = settings.statsInterval().toMillis();
        stats.scheduleAtFixedRate(() -> log.info("router counts: {}", counters.summary()), every, every,
                TimeUnit.MILLISECONDS);
    }

    private void logAssignment() {
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            List<String> partitions = thread.activeTasks().stream()
                    .flatMap(task -> task.topicPartitions().stream()).map(Object::toString).sorted().toList();
            log.info("thread {} owns {} active tasks, partitions {}", thread.threadName(), thread.activeTasks().size(),
                    partitions);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The router's metrics in Prometheus text format. */
    public String scrape() {
        return metrics.scrape();
    }

    public RouterCounters counters() {
        return counters;
    }

    /** Blocks until the router stops (closed, or failed for good). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Closes Kafka Streams, committing what was processed, and leaves the group so the partitions
     * move at once (Streams otherwise keeps the membership until the session times out); gives up
     * after {@code timeout}.
     */
    public boolean close(Duration timeout) {
        stats.shutdownNow();
        boolean clean = streams.close(CloseOptions
                .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
        log.info("router {} (final counts: {})", clean ? "stopped" : "did not stop within " + timeout,
                counters.summary());
        return clean;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
