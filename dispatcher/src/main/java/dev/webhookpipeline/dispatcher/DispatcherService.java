package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.admin.AdminServer;
import dev.webhookpipeline.dispatcher.admin.SessionPolicy;
import dev.webhookpipeline.dispatcher.status.ControlChannel;
import dev.webhookpipeline.dispatcher.status.RedeliveryLog;
import dev.webhookpipeline.dispatcher.status.StatusView;
import dev.webhookpipeline.dispatcher.status.TenantQueueStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One dispatcher instance with its operator surface: the delivery loop, the status view of every
 * tenant, the control channel for Retry/Refresh, and (when configured) the admin HTTP API with
 * Prometheus metrics. One start, one stop.
 */
public final class DispatcherService implements AutoCloseable {

    /** Where the admin API listens, the token it requires, and how long its browser sessions last. */
    public record Admin(String host, int port, OperatorAuth auth, SessionPolicy sessions) {
        public Admin(String host, int port, OperatorAuth auth) {
            this(host, port, auth, SessionPolicy.DEFAULT);
        }
    }

    private final Dispatcher dispatcher;
    private final StatusView status;
    private final ControlChannel control;
    private final RedeliveryLog redeliveries;
    private final AdminServer admin;

    /** @param config built with {@link #metricsRegistry()} as its meter registry when metrics are wanted */
    public DispatcherService(DispatcherConfig config, Optional<Admin> admin, PrometheusMeterRegistry metrics) {
        this.dispatcher = new Dispatcher(config);
        this.status = new StatusView(config.kafkaProperties(), config.registry(), config.topics().deliveryState().name());
        this.control = new ControlChannel(config.kafkaProperties(), config.registry(), config.topics().control().name(),
                dispatcher, config.clock());
        this.redeliveries = new RedeliveryLog(config.kafkaProperties(), config.registry(),
                config.topics().operatorLog().name());
        this.admin = admin.map(a -> new AdminServer(a.auth(), status, control, metrics, this::stopped,
                a.sessions(), Clock.systemUTC(), redeliveries::recent)).orElse(null);
        // Over every tenant of the platform (the delivery states all instances write), so alerts take max() across instances.
        for (TenantQueueStatus.State state : TenantQueueStatus.State.values()) {
            Gauge.builder("webhook.tenants", status, s -> s.index().counts().get(state))
                    .description("Tenants by queue state, over every instance").tag("state", state.name()).register(metrics);
        }
        Gauge.builder("webhook.backlog", status, s -> s.index().waiting()).baseUnit("webhooks")
                .description("Webhooks read and not yet delivered, over every tenant and instance").register(metrics);
    }

    /** A Prometheus registry with the JVM's own memory, thread, CPU and uptime metrics bound. */
    public static PrometheusMeterRegistry metricsRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    public DispatcherService start(Optional<Admin> where) throws InterruptedException {
        status.start();
        control.start();
        redeliveries.start();
        dispatcher.start();
        if (!status.awaitCaughtUp(Duration.ofSeconds(60))) {
            throw new IllegalStateException("could not read the delivery states within 60 s");
        }
        if (!control.awaitReady(Duration.ofSeconds(60))) {
            throw new IllegalStateException("could not position the reader of operator commands within 60 s");
        }
        if (!redeliveries.awaitCaughtUp(Duration.ofSeconds(60))) {
            throw new IllegalStateException("could not read the re-delivery requests on the operator log within 60 s");
        }
        if (admin != null && where.isPresent()) {
            admin.start(where.get().host(), where.get().port());
        }
        return this;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public StatusView status() {
        return status;
    }

    /** The admin API's port, or -1 when it is off. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /**
     * Whether every part of this instance is still working: the delivery loop (which also stops
     * when its config reader stopped) and the readers of delivery states and operator commands.
     * False once any of them stopped on its own: the instance is unhealthy and should be restarted.
     */
    public boolean isRunning() {
        return stopped().isEmpty();
    }

    /** The parts of this instance that are not running, in words; empty while it is healthy. */
    public List<String> stopped() {
        List<String> stopped = new ArrayList<>();
        if (!dispatcher.isRunning()) {
            stopped.add("delivery loop");
        }
        if (!status.isReading()) {
            stopped.add("delivery-state reader");
        }
        if (!control.isReading()) {
            stopped.add("operator-command reader");
        }
        if (!redeliveries.isReading()) {
            stopped.add("re-delivery request reader");
        }
        return stopped;
    }

    @Override
    public void close() throws Exception {
        if (admin != null) {
            admin.close();
        }
        dispatcher.close();
        control.close();
        redeliveries.close();
        status.close();
    }
}
