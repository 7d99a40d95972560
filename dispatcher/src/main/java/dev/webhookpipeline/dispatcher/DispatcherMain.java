package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherSetting.BATCH_TIMEOUT;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.BATCH_WINDOW;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.GROUP_ID;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.MAX_IN_FLIGHT;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.MAX_TENANT_SERIES;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.PARTITION_BUFFER_BYTES;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.PROGRESS_INTERVAL;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.SINGLE_TIMEOUT;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.SUCCESS_ANY_2XX;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.TENANT_CAPACITY;
import static dev.webhookpipeline.dispatcher.DispatcherSetting.UNBATCHED_RUN;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.admin.SessionPolicy;
import dev.webhookpipeline.dispatcher.egress.Egress;
import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.service.PipelineStartupChecks;
import dev.webhookpipeline.service.ServiceLauncher;
import dev.webhookpipeline.settings.ConnectionOptions;
import dev.webhookpipeline.settings.EndpointAllowOptions;
import dev.webhookpipeline.settings.JarVersion;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.tenant.EndpointPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The dispatcher as a process: one member of the delivery consumer group. */
@Command(name = "dispatcher", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {"Delivers the outbound topic's webhooks to tenants' endpoints, in order per tenant,"
                + " committing offsets only after HTTP 200. Start more instances (up to the partition count) to scale."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start, or a part stopped on its own (the message says which)",
                "2:invalid command line"},
        footer = {"", "Settings, highest first: options, environment (KAFKA_<PROPERTY>, SCHEMA_REGISTRY_URL, PIPELINE_<SETTING>),"
                + " the --config file. Dispatcher settings (key, default, meaning) are listed below; endpoints: pipeline.endpoints.allow-http,"
                + " pipeline.endpoints.allow-cidrs; egress: pipeline.egress.proxy (host:port of an HTTP CONNECT proxy),"
                + " pipeline.egress.local-address (an IP of this machine); admin API: pipeline.admin.port (off unless set), pipeline.admin.host"
                + " (127.0.0.1), pipeline.admin.token (required with the port; env PIPELINE_ADMIN_TOKEN),"
                + " pipeline.admin.session-idle (30m), pipeline.admin.session-lifetime (8h), pipeline.admin.https"
                + " (false; true gives the session cookie Secure).", ""})
public final class DispatcherMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DispatcherMain.class);

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--batch-window", paramLabel = "DURATION",
            description = "How long a batch may fill, 0-10s (pipeline.dispatcher.batch-window, below).")
    String batchWindow;

    @Mixin
    EndpointAllowOptions endpoints;

    public static void main(String[] args) {
        SchemaClasses.trust();
        CommandLine command = new CommandLine(new DispatcherMain());
        // The settings table comes from DispatcherSetting, where the defaults are kept.
        String[] footer = command.getCommandSpec().usageMessage().footer();
        String[] settings = DispatcherSetting.help();
        String[] withSettings = Arrays.copyOf(footer, footer.length + settings.length);
        System.arraycopy(settings, 0, withSettings, footer.length, settings.length);
        command.getCommandSpec().usageMessage().footer(withSettings);
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new ServiceLauncher("dispatcher").run(() -> {
            Map<String, String> options = new HashMap<>(endpoints.settings());
            if (batchWindow != null) {
                options.put(BATCH_WINDOW.key, batchWindow);
            }
            PipelineSettings settings = connection.settings(options);
            var metrics = DispatcherService.metricsRegistry();
            DispatcherConfig config = config(settings, metrics);
            log.info("starting with settings {}", settings.describe());
            log.info("webhooks leave {}", config.egress());
            if (config.secretCodec().keys().isEmpty()) {
                log.warn("{}; an encrypted one cannot be read", config.secretCodec().describe());
            } else {
                log.info("{}", config.secretCodec().describe());
            }
            return new ServiceLauncher.Plan(new PipelineStartupChecks(settings.kafkaProperties(), config.registry(),
                    settings.topics(), Duration.ofSeconds(15)), () -> service(config, admin(settings), metrics));
        });
    }

    /** The dispatcher instance; it exits 1 when a part of it stops on its own ({@link #supervise}). */
    private static ServiceLauncher.Service service(DispatcherConfig config, Optional<DispatcherService.Admin> admin,
                                                   PrometheusMeterRegistry metrics) {
        DispatcherService dispatcher = new DispatcherService(config, admin, metrics);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        return new ServiceLauncher.Service() {
            @Override
            public void start() throws InterruptedException {
                dispatcher.start(admin);
                log.info("dispatcher ready: group {}, topic {}{}", config.groupId(), config.topics().outbound().name(),
                        admin.isPresent() ? ", status API and metrics at http://" + admin.get().host() + ":"
                                + dispatcher.adminPort() + "/api/tenants and /metrics"
                                : " (admin API off: set pipeline.admin.port to enable)");
            }

            @Override
            public void stop() {
                stopping.set(true);
                log.info("stopping: finishing requests in flight and committing");
                try {
                    dispatcher.close();
                } catch (Exception e) {
                    log.warn("unclean stop", e);
                }
                stopped.countDown();
            }

            @Override
            public int awaitStop() throws InterruptedException {
                return supervise(dispatcher, stopping, stopped, Duration.ofSeconds(1));
            }
        };
    }

    /**
     * Waits until the process is asked to stop (0), or until a part of the instance stops on its
     * own (1, naming it): a dead delivery loop or reader must not leave a process that looks alive
     * while it sends with stale configs or ignores operators, so it exits and its supervisor
     * restarts it.
     */
    static int supervise(DispatcherService dispatcher, AtomicBoolean stopping,
                         CountDownLatch stopped, Duration every) throws InterruptedException {
        while (dispatcher.isRunning() || stopping.get()) {
            if (stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
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
    static DispatcherConfig config(PipelineSettings settings, MeterRegistry metrics) {
        var builder = DispatcherConfig.builder(settings.kafkaProperties(), settings.registryClient(), settings.topics())
                .meterRegistry(metrics)
                .maxTenantSeries(integer(settings, MAX_TENANT_SERIES))
                .endpointPolicy(EndpointPolicy.from(settings))
                .egress(Egress.from(settings))
                .secretCodec(SecretCodec.from(settings))
                .batchWindow(duration(settings, BATCH_WINDOW))
                .batchTimeout(duration(settings, BATCH_TIMEOUT))
                .singleTimeout(duration(settings, SINGLE_TIMEOUT))
                .successAny2xx(settings.bool(SUCCESS_ANY_2XX.key, SUCCESS_ANY_2XX.defaultBoolean()))
                .maxInFlight(integer(settings, MAX_IN_FLIGHT))
                .progressInterval(duration(settings, PROGRESS_INTERVAL))
                .unbatchedRun(integer(settings, UNBATCHED_RUN))
                .tenantCapacity(integer(settings, TENANT_CAPACITY))
                .partitionBufferBytes(integer(settings, PARTITION_BUFFER_BYTES));
        settings.get(GROUP_ID.key).ifPresent(builder::groupId);
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
    }

    private static Duration duration(PipelineSettings settings, DispatcherSetting setting) {
        return settings.duration(setting.key, setting.defaultDuration());
    }

    private static int integer(PipelineSettings settings, DispatcherSetting setting) {
        return settings.integer(setting.key, setting.defaultInt());
    }
}
