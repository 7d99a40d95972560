package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.dispatcher.egress.Egress;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.admin.SessionPolicy;
import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.settings.ConnectionOptions;
import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.SubjectInitializer;
import dev.webhookpipeline.topics.TopicInitializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dispatcher as a process: one member of the delivery consumer group. */
@Command(name = "dispatcher", mixinStandardHelpOptions = true, version = "dispatcher 0.1.0",
        description = {"Delivers the outbound topic's webhooks to tenants' endpoints, in order per tenant,"
                + " committing offsets only after HTTP 200. Start more instances (up to the partition count) to scale."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start, or a part stopped on its own (the message says which)",
                "2:invalid command line"},
        footer = {"", "Settings, highest first: options, environment (KAFKA_<PROPERTY>, SCHEMA_REGISTRY_URL, PIPELINE_<SETTING>),"
                + " the --config file. Dispatcher settings: pipeline.dispatcher.group-id, .batch-window (0-10s),"
                + " .batch-timeout (5s), .single-timeout (10s), .max-in-flight (256), .success-any-2xx (false), .progress-interval (1s), .unbatched-run (8),"
                + " .tenant-capacity (1000), .partition-buffer-bytes (8388608); endpoints: pipeline.endpoints.allow-http,"
                + " pipeline.endpoints.allow-cidrs; egress: pipeline.egress.proxy (host:port of an HTTP CONNECT proxy),"
                + " pipeline.egress.local-address (an IP of this machine); admin API: pipeline.admin.port (off unless set), pipeline.admin.host"
                + " (127.0.0.1), pipeline.admin.token (required with the port; env PIPELINE_ADMIN_TOKEN),"
                + " pipeline.admin.session-idle (30m), pipeline.admin.session-lifetime (8h), pipeline.admin.https"
                + " (false; true gives the session cookie Secure);"
                + " pipeline.metrics.max-tenant-series (200)."})
public final class DispatcherMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DispatcherMain.class);
    static final String PREFIX = "pipeline.dispatcher.";

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--batch-window", paramLabel = "DURATION", description = "How long a batch may fill, 0-10s (default 1s).")
    String batchWindow;

    public static void main(String[] args) {
        SchemaClasses.trust();
        System.exit(new CommandLine(new DispatcherMain())
                .setExecutionExceptionHandler((e, cli, parsed) -> {
                    cli.getErr().println("dispatcher: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PipelineSettings settings = connection.settings(
                batchWindow == null ? Map.of() : Map.of(PREFIX + "batch-window", batchWindow));
        var metrics = DispatcherService.metricsRegistry();
        DispatcherConfig config = config(settings, metrics);
        log.info("starting with settings {}", settings.describe());
        log.info("webhooks leave {}", config.egress());
        if (config.secretCodec().keys().isEmpty()) {
            log.warn("{}; an encrypted one cannot be read", config.secretCodec().describe());
        } else {
            log.info("{}", config.secretCodec().describe());
        }
        Connectivity.requireKafka(settings.kafkaProperties(), Duration.ofSeconds(15));
        Connectivity.requireRegistry(settings.registryClient());
        PipelineTopics topics = settings.topics();
        try (Admin admin = Admin.create(settings.kafkaProperties())) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        new SubjectInitializer(config.registry()).ensure(topics.all());

        Optional<DispatcherService.Admin> admin = admin(settings);
        DispatcherService dispatcher = new DispatcherService(config, admin, metrics);
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            log.info("stopping: finishing requests in flight and committing");
            try {
                dispatcher.close();
            } catch (Exception e) {
                log.warn("unclean stop", e);
            }
            stopped.countDown();
        }, "dispatcher-shutdown"));
        dispatcher.start(admin);
        log.info("dispatcher ready: group {}, topic {}{}", config.groupId(), topics.outbound().name(),
                admin.isPresent() ? ", status API and metrics at http://" + admin.get().host() + ":" + dispatcher.adminPort()
                        + "/api/tenants and /metrics" : " (admin API off: set pipeline.admin.port to enable)");
        return supervise(dispatcher, stopping, stopped, Duration.ofSeconds(1));
    }

    /**
     * Waits until the process is asked to stop (0), or until a part of the instance stops on its
     * own (1, naming it): a dead delivery loop or reader must not leave a process that looks alive
     * while it sends with stale configs or ignores operators, so it exits and its supervisor
     * restarts it.
     */
    static int supervise(DispatcherService dispatcher, java.util.concurrent.atomic.AtomicBoolean stopping,
                         CountDownLatch stopped, Duration every) throws InterruptedException {
        while (dispatcher.isRunning() || stopping.get()) {
            if (stopped.await(every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return 0;
            }
        }
        if (!stopping.get()) {
            String message = "stopped on its own: " + String.join(", ", dispatcher.stopped())
                    + "; exiting with code 1 so a supervisor restarts the dispatcher";
            log.error(message);
            System.err.println("dispatcher: " + message);
            return 1;
        }
        return 0;
    }

    /** The admin API, when {@code pipeline.admin.port} is set; it then needs {@code pipeline.admin.token}. */
    static Optional<DispatcherService.Admin> admin(PipelineSettings settings) {
        if (settings.get("pipeline.admin.port").isEmpty()) {
            return Optional.empty();
        }
        SessionPolicy sessions;
        try {
            sessions = new SessionPolicy(settings.duration("pipeline.admin.session-idle", SessionPolicy.DEFAULT_IDLE),
                    settings.duration("pipeline.admin.session-lifetime", SessionPolicy.DEFAULT_LIFETIME),
                    settings.bool("pipeline.admin.https", false));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
        return Optional.of(new DispatcherService.Admin(settings.get("pipeline.admin.host").orElse("127.0.0.1"),
                settings.integer("pipeline.admin.port", 8090), OperatorAuth.from(settings), sessions));
    }

    /** The dispatcher settings these pipeline settings describe. */
    static DispatcherConfig config(PipelineSettings settings, io.micrometer.core.instrument.MeterRegistry metrics) {
        var builder = DispatcherConfig.builder(settings.kafkaProperties(), settings.registryClient(), settings.topics())
                .meterRegistry(metrics)
                .maxTenantSeries(settings.integer("pipeline.metrics.max-tenant-series", 200))
                .endpointPolicy(EndpointPolicy.from(settings))
                .egress(Egress.from(settings))
                .secretCodec(SecretCodec.from(settings))
                .batchWindow(settings.duration(PREFIX + "batch-window", Duration.ofSeconds(1)))
                .batchTimeout(settings.duration(PREFIX + "batch-timeout", Duration.ofSeconds(5)))
                .singleTimeout(settings.duration(PREFIX + "single-timeout", Duration.ofSeconds(10)))
                .successAny2xx(settings.bool(PREFIX + "success-any-2xx", false))
                .maxInFlight(settings.integer(PREFIX + "max-in-flight", 256))
                .progressInterval(settings.duration(PREFIX + "progress-interval", DispatcherConfig.DEFAULT_PROGRESS_INTERVAL))
                .unbatchedRun(settings.integer(PREFIX + "unbatched-run", DispatcherConfig.DEFAULT_UNBATCHED_RUN))
                .tenantCapacity(settings.integer(PREFIX + "tenant-capacity", 1_000))
                .partitionBufferBytes(settings.integer(PREFIX + "partition-buffer-bytes",
                        (int) DispatcherConfig.DEFAULT_PARTITION_BUFFER_BYTES));
        settings.get(PREFIX + "group-id").ifPresent(builder::groupId);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new dev.webhookpipeline.settings.SettingsException(e.getMessage());
        }
    }
}
