package dev.webhookpipeline.dispatcher.metrics;

import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.webhookpipeline.dispatcher.delivery.Attempt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The dispatcher's Prometheus metrics. Per-tenant series are bounded: the first
 * {@code maxTenantSeries} tenants an instance sees get their own {@code tenant} label, all later
 * ones share {@code tenant="_other"} — so a platform with 100,000 tenants cannot explode the
 * metrics store, while small and medium deployments see every tenant. Never carries a secret.
 */
public final class DeliveryMetrics {

    public static final String OTHER = "_other";

    private final MeterRegistry registry;
    private final int maxTenantSeries;
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> gauged = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer latency;
    private final DistributionSummary batchSizes;

    public DeliveryMetrics(MeterRegistry registry, int maxTenantSeries) {
        this.registry = registry;
        this.maxTenantSeries = maxTenantSeries;
        this.latency = Timer.builder("webhook.delivery.latency")
                .description("From the event's time to the 200 of its webhook")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        this.batchSizes = DistributionSummary.builder("webhook.batch.size")
                .description("Webhooks per delivered request").baseUnit("webhooks")
                .serviceLevelObjectives(1, 10, 50, 100)
                .register(registry);
    }

    /** The label a tenant's series carry: its id, or {@value #OTHER} beyond the series limit. */
    public String tenantLabel(String tenant) {
        if (labelled.contains(tenant)) {
            return tenant;
        }
        if (labelled.size() < maxTenantSeries && labelled.add(tenant)) {
            return tenant;
        }
        return labelled.contains(tenant) ? tenant : OTHER;
    }

    public void delivered(String tenant, int status, List<QueuedWebhook> sent, Instant now) {
        counter("webhooks.delivered", "Webhooks answered with success", tenant, "status_class", status / 100 + "xx")
                .increment(sent.size());
        long nowMillis = now.toEpochMilli();
        for (QueuedWebhook webhook : sent) {
            if (webhook.isRedelivery()) {
                continue; // its event is old by design: it would only blur the pipeline's latency
            }
            latency.record(Math.max(0, nowMillis - webhook.occurredAt().toEpochMilli()), TimeUnit.MILLISECONDS);
        }
        batchSizes.record(sent.size());
    }

    public void failed(String tenant, Attempt attempt) {
        counter("webhook.attempts.failed", "Failed delivery attempts", tenant, "reason", reason(attempt)).increment();
    }

    /** An undeliverable outbound record whose dead letter was written; reasons are a short fixed set. */
    public void deadLettered(String reason) {
        counters.computeIfAbsent("webhook.dead.letters\n" + reason, k -> Counter.builder("webhook.dead.letters")
                .description("Outbound records moved to the dead-letter topic").tag("reason", reason).register(registry))
                .increment();
    }

    /** A per-tenant counter, looked up once per series: registering a meter on every call costs more than the call. */
    private Counter counter(String name, String description, String tenant, String tag, String value) {
        String label = tenantLabel(tenant);
        return counters.computeIfAbsent(name + '\n' + label + '\n' + value, k -> Counter.builder(name)
                .description(description).tag("tenant", label).tag(tag, value).register(registry));
    }

    /** Queue depth and oldest-undelivered age of a tenant this instance serves, read from {@code source}. */
    public <T> void watch(String tenant, T source, ToDoubleFunction<T> depth, ToDoubleFunction<T> oldestAgeSeconds) {
        String label = tenantLabel(tenant);
        if (label.equals(OTHER) || gauged.putIfAbsent(tenant, true) != null) {
            return;
        }
        Gauge.builder("webhook.queue.depth", source, depth).description("Webhooks read and not yet delivered")
                .tag("tenant", label).register(registry);
        Gauge.builder("webhook.oldest.undelivered.age", source, oldestAgeSeconds).baseUnit("seconds")
                .description("Age of the oldest undelivered webhook (from its event's time)")
                .tag("tenant", label).register(registry);
    }

    static String reason(Attempt attempt) {
        if (attempt.status() > 0) {
            return attempt.status() / 100 + "xx";
        }
        String error = attempt.error() == null ? "" : attempt.error();
        if (error.startsWith("timeout")) {
            return "timeout";
        }
        if (error.startsWith("endpoint refused")) {
            return "refused_by_policy";
        }
        return "connection";
    }
}
