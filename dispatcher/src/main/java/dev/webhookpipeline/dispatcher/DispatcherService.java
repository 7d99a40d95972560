package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.dispatcher.admin.AdminServer;
import dev.webhookpipeline.dispatcher.status.ControlChannel;
import dev.webhookpipeline.dispatcher.status.StatusView;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * One dispatcher instance with its operator surface: the delivery loop, the status view of every
 * tenant, the control channel for Retry/Refresh, and (when configured) the admin HTTP API with
 * Prometheus metrics. One start, one stop.
 */
public final class DispatcherService implements AutoCloseable {

    /** Where the admin API listens and the token it requires. */
    public record Admin(String host, int port, dev.webhookpipeline.admin.OperatorAuth auth) {}

    private final Dispatcher dispatcher;
    private final StatusView status;
    private final ControlChannel control;
    private final AdminServer admin;

    /** @param config built with {@link #metricsRegistry()} as its meter registry when metrics are wanted */
    public DispatcherService(DispatcherConfig config, Optional<Admin> admin, PrometheusMeterRegistry metrics) {
        this.dispatcher = new Dispatcher(config);
        this.status = new StatusView(config.kafkaProperties(), config.registry(), config.topics().deliveryState().name());
        this.control = new ControlChannel(config.kafkaProperties(), config.registry(), config.topics().control().name(),
                dispatcher, config.clock());
        this.admin = admin.map(a -> new AdminServer(a.auth(), status, control, metrics)).orElse(null);
    }

    public static PrometheusMeterRegistry metricsRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public DispatcherService start(Optional<Admin> where) throws InterruptedException {
        status.start();
        control.start();
        dispatcher.start();
        if (!status.awaitCaughtUp(Duration.ofSeconds(60))) {
            throw new IllegalStateException("could not read the delivery states within 60 s");
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

    public boolean isRunning() {
        return dispatcher.isRunning();
    }

    @Override
    public void close() throws Exception {
        if (admin != null) {
            admin.close();
        }
        dispatcher.close();
        control.close();
        status.close();
    }
}
