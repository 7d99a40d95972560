package dev.webhookpipeline.router;

import dev.webhookpipeline.admin.MetricsServer;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.service.PipelineStartupChecks;
import dev.webhookpipeline.service.ServiceLauncher;
import dev.webhookpipeline.settings.ConnectionOptions;
import dev.webhookpipeline.settings.JarVersion;
import dev.webhookpipeline.settings.PipelineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
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
    static final int EXIT_CANNOT_START = ServiceLauncher.EXIT_CANNOT_START;

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
        return new ServiceLauncher("streams-router").run(() -> {
            PipelineSettings settings = connection.settings(stateDir == null ? Map.of()
                    : Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
            RouterSettings router = RouterSettings.from(settings);
            SchemaRegistryClient registry = settings.registryClient();
            log.info("settings: {}", settings.describe()); // secret-looking values are masked
            return new ServiceLauncher.Plan(new PipelineStartupChecks(settings.kafkaProperties(), registry,
                    router.topics(), router.startupTimeout()), () -> service(settings, router, registry));
        });
    }

    /** The router and, when configured, its metrics endpoint; stopping commits and leaves the group. */
    private static ServiceLauncher.Service service(PipelineSettings settings, RouterSettings routerSettings,
                                                   SchemaRegistryClient registry) {
        Router router = new Router(routerSettings, registry);
        MetricsServer metricsServer;
        try {
            metricsServer = metricsServer(settings, router);
        } catch (RuntimeException e) {
            router.close(); // a busy metrics port: release the Streams client that never started
            throw e;
        }
        return new ServiceLauncher.Service() {
            @Override
            public void start() {
                router.start();
            }

            @Override
            public void stop() {
                router.close(Duration.ofSeconds(30));
                if (metricsServer != null) {
                    metricsServer.close();
                }
            }

            @Override
            public int awaitStop() throws InterruptedException {
                router.awaitStop();
                return router.state() == KafkaStreams.State.ERROR ? 1 : 0;
            }
        };
    }

    /** Prometheus metrics behind the operator token, when {@code pipeline.router.metrics-port} is set. */
    private static MetricsServer metricsServer(PipelineSettings settings, Router router) {
        if (settings.get(RouterSettings.METRICS_PORT).isEmpty()) {
            return null;
        }
        var server = new MetricsServer(settings.get("pipeline.admin.host").orElse("127.0.0.1"),
                settings.integer(RouterSettings.METRICS_PORT, 0), OperatorAuth.from(settings),
                router::scrape).start();
        log.info("metrics at http://{}:{}/metrics (operator token required)",
                settings.get("pipeline.admin.host").orElse("127.0.0.1"), server.port());
        return server;
    }
}
