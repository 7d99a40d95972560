package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.BufferBudget;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.FailedAttempt;
import java.time.Instant;

/** A tenant queue's state as the Avro record of the delivery-state topic, and back. Holds no secret. */
public final class ProgressRecords {

    private ProgressRecords() {}

    public static DeliveryProgress of(TenantQueue queue, Instant now) {
        return DeliveryProgress.newBuilder()
                .setTenantId(queue.tenantId())
                .setLastDeliveredWebhookId(queue.lastDeliveredId())
                .setLastDeliveredAt(queue.lastDeliveredAt())
                .setLastDeliveredOffset(queue.lastDeliveredOffset())
                .setHighestKnownWebhookId(queue.highestKnownId())
                .setFailedAttempts(queue.failedAttempts())
                .setFailingSince(queue.failingSince())
                .setNextAttemptAt(queue.nextAttemptAt())
                .setHeld(queue.held())
                .setRecentFailures(queue.recentFailures().stream().map(a -> FailedAttempt.newBuilder()
                        .setAt(a.at()).setFirstWebhookId(a.firstWebhookId()).setLastWebhookId(a.lastWebhookId())
                        .setAttempt(a.attemptNumber()).setStatus(a.status())
                        .setError(a.error() == null ? "" : a.error()).build()).toList())
                .setUpdatedAt(now)
                .build();
    }

    /** A queue for a tenant whose last recorded state is {@code progress} (from the previous owner). */
    public static TenantQueue queueFrom(DeliveryProgress progress, int capacity, BufferBudget budget) {
        TenantQueue queue = new TenantQueue(progress.getTenantId(), progress.getLastDeliveredWebhookId(), capacity, budget);
        queue.restore(progress.getHighestKnownWebhookId(), progress.getLastDeliveredOffset(), progress.getLastDeliveredAt(),
                progress.getFailedAttempts(),
                progress.getFailingSince(), progress.getNextAttemptAt(), progress.getRecentFailures().stream()
                        .map(f -> new Attempt(false, f.getStatus(), f.getError(), f.getAt(), 0, f.getFirstWebhookId(),
                                f.getLastWebhookId(), f.getAttempt())).toList());
        return queue;
    }
}
