package dev.webhookpipeline.launcher;

import dev.webhookpipeline.producer.EventPublisher;
import dev.webhookpipeline.producer.NewEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.secrets.KeyRing;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.webhookctl.cli.WebhookCtl;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code demo} mode's traffic: a tenant whose endpoint is the in-process {@link DemoReceiver}, and a
 * trickle of sample events of several types — including one type the tenant did not enable, which the
 * router drops, so the receiver shows the filter at work.
 */
final class DemoTraffic implements AutoCloseable {

    static final String TENANT = "demo";
    static final List<EventType> ENABLED = List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED,
            EventType.CHECK_COMPLETED, EventType.PRODUCT_STATUS_CHANGED);
    /** Samples in the order they are published; FORM_STATE_CHANGED is not enabled and never delivered. */
    private static final List<NewEvent> SAMPLES = List.of(
            NewEvent.of(TENANT, EventType.RISK_LEVEL_CHANGED, "{\"profile_id\":\"p-1\",\"new_risk_level\":\"HIGH\"}"),
            NewEvent.of(TENANT, EventType.TASK_CREATED, "{\"profile_id\":\"p-1\",\"task_type\":\"IDENTITY_CHECK\"}"),
            NewEvent.of(TENANT, EventType.FORM_STATE_CHANGED, "{\"profile_id\":\"p-1\",\"state\":\"SUBMITTED\"}"),
            NewEvent.of(TENANT, EventType.CHECK_COMPLETED, "{\"profile_id\":\"p-1\",\"result\":\"PASS\"}"),
            NewEvent.of(TENANT, EventType.PRODUCT_STATUS_CHANGED, "{\"profile_id\":\"p-1\",\"new_status\":\"APPROVED\"}"));

    private final EventPublisher publisher;
    private final Thread trickle;

    private DemoTraffic(EventPublisher publisher, Duration every, PrintStream progress) {
        this.publisher = publisher;
        this.trickle = Thread.ofPlatform().name("demo-events").daemon().unstarted(() -> {
            for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
                NewEvent sample = SAMPLES.get((int) (n % SAMPLES.size()));
                try {
                    publisher.publish(sample).join();
                    Thread.sleep(every.toMillis()); // the demo's pace, not a synchronisation
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!Thread.currentThread().isInterrupted()) {
                        progress.println("demo: could not publish a sample event: " + e.getMessage());
                    }
                    return;
                }
            }
        });
    }

    /**
     * Registers the demo tenant with {@code webhookctl config set} (the same command a user types) and starts
     * publishing one sample event every {@code every}.
     */
    static DemoTraffic start(PipelineSettings settings, String endpoint, String secret, Duration every,
            PrintStream progress) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", settings.bootstrapServers(),
                "--schema-registry-url", settings.schemaRegistryUrl()));
        settings.get(KeyRing.KEYS_FILE).ifPresent(file -> args.addAll(List.of("-X", KeyRing.KEYS_FILE + "=" + file)));
        args.addAll(List.of("config", "set", "--tenant", TENANT,
                "--endpoint", endpoint, "--secret", secret, "--enabled", "true", "--batching", "false",
                "--events", String.join(",", ENABLED.stream().map(Enum::name).toList()),
                "--allow-http", "--allow-cidr", "127.0.0.0/8"));
        int code = WebhookCtl.run(args.toArray(String[]::new),
                new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        if (code != 0) {
            throw new LaunchException("could not register the demo tenant: " + err.toString().strip());
        }
        DemoTraffic traffic = new DemoTraffic(EventPublisher.fromSettings(settings), every, progress);
        traffic.trickle.start();
        return traffic;
    }

    @Override
    public void close() {
        trickle.interrupt();
        try {
            trickle.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
