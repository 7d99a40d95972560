package dev.webhookpipeline.router;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.settings.ConnectionOptions;
import dev.webhookpipeline.settings.JarVersion;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.topics.SubjectInitializer;
import dev.webhookpipeline.topics.TopicInitializer;
import dev.webhookpipeline.topics.TopicMismatchException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The router process: {@code java -jar streams-router.jar --bootstrap-servers ... --schema-registry-url ...}. */
@Command(name = "streams-router", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = JarVersion.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start, or stopped on an error (the message says why)",
            "2:invalid command line", "143:stopped by SIGTERM (after a clean shutdown)"},
        description = {
            "Routes domain events to tenants' outbound webhooks: drops what a tenant did not enable, numbers the rest"
                    + " 1, 2, 3... per tenant, exactly once (Kafka Streams, exactly_once_v2).",
            "Settings, highest first: these options, environment (KAFKA_*, SCHEMA_REGISTRY_URL, PIPELINE_*), the --config"
                    + " file, defaults. Any Kafka Streams/client property can go in the file or in -X KEY=VALUE.",
            "Router keys: " + RouterSettings.CUTOVER + " (ISO-8601 instant), " + RouterSettings.STATS_INTERVAL
                    + ", " + RouterSettings.STARTUP_TIMEOUT + ", " + RouterSettings.METRICS_PORT
                    + " (Prometheus /metrics; needs pipeline.admin.token). See docs/router.md."})
public final class RouterMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RouterMain.class);
    /** Could not start: bad settings, topics of another layout, Kafka or the registry unreachable. */
    static final int EXIT_CANNOT_START = 1;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (state.dir)")
    Path stateDir;

    public static void main(String[] args) {
        SchemaClasses.trust();
        System.exit(new CommandLine(new RouterMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        PipelineSettings settings;
        RouterSettings router;
        SchemaRegistryClient registry;
        try {
            settings = connection.settings(stateDir == null ? Map.of()
                    : Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
            router = RouterSettings.from(settings);
            registry = settings.registryClient();
        } catch (SettingsException e) {
            System.err.println("streams-router: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        log.info("settings: {}", settings.describe()); // secret-looking values are masked

        try {
            ensureTopicsAndSubjects(settings, router, registry);
        } catch (TopicMismatchException e) {
            System.err.println("streams-router: " + e.getMessage());
            return EXIT_CANNOT_START;
        } catch (RuntimeException e) {
            System.err.println("streams-router: cannot start: " + e.getMessage());
            log.error("start-up check failed", e);
            return EXIT_CANNOT_START;
        }

        Router running = new Router(router, registry);
        dev.webhookpipeline.admin.MetricsServer metricsServer;
        try {
            metricsServer = metricsServer(settings, running);
        } catch (SettingsException | java.io.UncheckedIOException e) {
            System.err.println("streams-router: " + e.getMessage());
            return EXIT_CANNOT_START;
        }
        Thread hook = new Thread(() -> {
            running.close(Duration.ofSeconds(30));
            if (metricsServer != null) {
                metricsServer.close();
            }
        }, "router-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // SIGTERM / Ctrl-C: commit and leave the group cleanly
        running.start();
        running.awaitStop();
        return running.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    /** Prometheus metrics behind the operator token, when {@code pipeline.router.metrics-port} is set. */
    private static dev.webhookpipeline.admin.MetricsServer metricsServer(PipelineSettings settings, Router router) {
        if (settings.get(RouterSettings.METRICS_PORT).isEmpty()) {
            return null;
        }
        var server = new dev.webhookpipeline.admin.MetricsServer(settings.get("pipeline.admin.host").orElse("127.0.0.1"),
                settings.integer(RouterSettings.METRICS_PORT, 0), dev.webhookpipeline.admin.OperatorAuth.from(settings),
                router::scrape).start();
        log.info("metrics at http://{}:{}/metrics (operator token required)",
                settings.get("pipeline.admin.host").orElse("127.0.0.1"), server.port());
        return server;
    }

    /** Fails fast, with the reason, when Kafka or the registry cannot be reached. */
    private static void ensureTopicsAndSubjects(PipelineSettings settings, RouterSettings router,
            SchemaRegistryClient registry) {
        Map<String, Object> adminProps = new HashMap<>(settings.kafkaProperties());
        int timeoutMs = (int) router.startupTimeout().toMillis();
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 30_000));
        adminProps.keySet().retainAll(AdminClientConfig.configNames()); // no "unknown config" noise from Streams keys
        try (Admin admin = Admin.create(adminProps)) {
            TopicInitializer.Report report = new TopicInitializer(admin, timeoutMs).ensure(router.topics());
            log.info("topics ({} partitions each) created {}, existing {}", report.partitions(), report.created(),
                    report.existing());
            report.warnings().forEach(w -> log.warn("{}", w));
        }
        registry.checkReachable();
        log.info("schema subjects: {}", new SubjectInitializer(registry).ensure(router.topics().all()));
    }
}
