package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.FailedAttempt;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A tenant's webhook queue as the status API shows it, derived from its recorded state:
 * {@code STALLED} when the head is failing (in backoff), {@code WAITING} with the number of
 * undelivered webhooks, or {@code EMPTY}. Holds no secret.
 */
public record TenantQueueStatus(String tenant, State queue, long waiting, boolean paused, Instant stalledSince,
                                Instant lastProcessed, long lastDeliveredId, int failedAttempts, Instant nextRetry,
                                List<Failure> recentFailures, Instant updatedAt) {

    public enum State { STALLED, WAITING, EMPTY }

    public record Failure(Instant at, long firstWebhookId, long lastWebhookId, int attempt, int status, String error) {}

    /** Stalled first (longest stalled first), then the biggest backlogs, then the rest by name. */
    public static final Comparator<TenantQueueStatus> OPERATOR_ORDER = Comparator
            .comparing(TenantQueueStatus::queue)
            .thenComparing(s -> s.stalledSince() == null ? Instant.MAX : s.stalledSince())
            .thenComparing(Comparator.comparingLong(TenantQueueStatus::waiting).reversed())
            .thenComparing(TenantQueueStatus::tenant);

    public static TenantQueueStatus of(DeliveryProgress p) {
        long waiting = Math.max(0, p.getHighestKnownWebhookId() - p.getLastDeliveredWebhookId());
        State state = p.getFailedAttempts() > 0 ? State.STALLED : waiting > 0 ? State.WAITING : State.EMPTY;
        return new TenantQueueStatus(p.getTenantId(), state, waiting, p.getHeld(), p.getFailingSince(),
                p.getLastDeliveredAt(), p.getLastDeliveredWebhookId(), p.getFailedAttempts(), p.getNextAttemptAt(),
                p.getRecentFailures().stream().map(TenantQueueStatus::failure).toList(), p.getUpdatedAt());
    }

    private static Failure failure(FailedAttempt f) {
        return new Failure(f.getAt(), f.getFirstWebhookId(), f.getLastWebhookId(), f.getAttempt(), f.getStatus(), f.getError());
    }
}
