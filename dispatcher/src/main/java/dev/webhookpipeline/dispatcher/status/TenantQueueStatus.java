package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.FailedAttempt;
import java.time.Instant;
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

    /** A queue's state and the webhooks read and not yet answered 200. */
    public record Queue(State state, long waiting) {}

    /** The one rule that turns a recorded delivery state into a queue state. */
    public static Queue queueOf(DeliveryProgress p) {
        long waiting = Math.max(0, p.getHighestKnownWebhookId() - p.getLastDeliveredWebhookId());
        return new Queue(p.getFailedAttempts() > 0 ? State.STALLED : waiting > 0 ? State.WAITING : State.EMPTY, waiting);
    }

    public static TenantQueueStatus of(DeliveryProgress p) {
        Queue queue = queueOf(p);
        return new TenantQueueStatus(p.getTenantId(), queue.state(), queue.waiting(), p.getHeld(), p.getFailingSince(),
                p.getLastDeliveredAt(), p.getLastDeliveredWebhookId(), p.getFailedAttempts(), p.getNextAttemptAt(),
                p.getRecentFailures().stream().map(TenantQueueStatus::failure).toList(), p.getUpdatedAt());
    }

    private static Failure failure(FailedAttempt f) {
        return new Failure(f.getAt(), f.getFirstWebhookId(), f.getLastWebhookId(), f.getAttempt(), f.getStatus(), f.getError());
    }
}
