package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.TenantStatus;
import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this instance tells the world about its tenants: the in-memory status (read by the status
 * API from any thread), the metrics, the counters, and the tenants' recorded states on the
 * delivery-state topic (changed tenants, written at most every {@code publishEveryNanos}).
 */
final class StatusBoard {

    private final Map<String, TenantStatus> statuses = new ConcurrentHashMap<>();
    private final Set<TenantRef> changed = new HashSet<>();
    private final DeliveryMetrics metrics;
    private final ProgressStore progress;
    private final Clock clock;
    private final AtomicLong deliveredWebhooks = new AtomicLong();
    private final AtomicLong deliveredRequests = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();

    StatusBoard(DeliveryMetrics metrics, ProgressStore progress, Clock clock) {
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
    }

    void changed(TenantRef ref) {
        changed.add(ref);
    }

    /** @param requests how many requests carried {@code sent}: one batch, or one per webhook of a run */
    void delivered(TenantRef ref, TenantQueue queue, Attempt attempt, List<QueuedWebhook> sent, int requests,
                   Instant now) {
        deliveredWebhooks.addAndGet(sent.size());
        deliveredRequests.addAndGet(requests);
        metrics.delivered(ref.tenantId(), attempt.status(), sent, now);
        statuses.put(ref.tenantId(), status(queue, null));
        changed.add(ref);
    }

    void failed(TenantRef ref, TenantQueue queue, Attempt attempt) {
        failedAttempts.incrementAndGet();
        metrics.failed(ref.tenantId(), attempt);
        statuses.put(ref.tenantId(), status(queue, attempt));
        changed.add(ref);
    }

    /** Writes the changed tenants' states: to the status map at once, to the delivery-state topic on the next flush. */
    void publish(Map<?, PartitionState> partitions, Instant now) {
        if (changed.isEmpty()) {
            return;
        }
        for (TenantRef ref : changed) {
            PartitionState state = partitions.get(ref.partition());
            DeliveryProgress snapshot = state == null ? null : state.snapshot(ref.tenantId(), now);
            if (snapshot == null) {
                continue;
            }
            progress.publish(ref.partition().partition(), snapshot);
            TenantQueue queue = state.existing(ref.tenantId());
            TenantStatus previous = statuses.get(ref.tenantId());
            statuses.put(ref.tenantId(), queue != null ? status(queue, previous == null ? null : previous.lastFailure())
                    : new TenantStatus(ref.tenantId(), 0, 0, null, null, snapshot.getLastDeliveredWebhookId(),
                            snapshot.getLastDeliveredAt(), null, 0, null));
            String tenant = ref.tenantId();
            metrics.watch(tenant, statuses, m -> m.containsKey(tenant) ? m.get(tenant).waiting() : 0, m -> {
                TenantStatus s = m.get(tenant);
                return s == null || s.oldestUndelivered() == null ? 0
                        : Duration.between(s.oldestUndelivered(), clock.instant()).toMillis() / 1000.0;
            });
        }
        changed.clear();
    }

    /** Every tenant of these partitions, recorded as it is now (before they are given away or on shutdown). */
    void publishAll(Iterable<PartitionState> states, Instant now) {
        for (PartitionState state : states) {
            for (String tenant : state.tenants().keySet()) {
                progress.publish(state.partition().partition(), state.snapshot(tenant, now));
            }
        }
    }

    private static TenantStatus status(TenantQueue queue, Attempt lastFailure) {
        return new TenantStatus(queue.tenantId(), queue.size(), queue.failedAttempts(), queue.nextAttemptAt(),
                queue.failingSince(), queue.lastDeliveredId(), queue.lastDeliveredAt(), lastFailure, queue.waiting(),
                queue.oldestQueuedAt());
    }

    Optional<TenantStatus> status(String tenantId) {
        return Optional.ofNullable(statuses.get(tenantId));
    }

    long deliveredWebhooks() {
        return deliveredWebhooks.get();
    }

    long deliveredRequests() {
        return deliveredRequests.get();
    }

    long failedAttempts() {
        return failedAttempts.get();
    }
}
