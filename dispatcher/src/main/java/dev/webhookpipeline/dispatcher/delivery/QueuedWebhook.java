package dev.webhookpipeline.dispatcher.delivery;

import java.time.Instant;

/**
 * One webhook waiting in a tenant's queue: where it is in the outbound topic, its id, the body
 * without the secret, and when it was queued (for the batch window) and produced (for latency).
 */
public record QueuedWebhook(long offset, long webhookId, String body, Instant queuedAt, Instant occurredAt) {

    /** What one queued webhook costs on the heap, at most: two bytes per char plus the objects around it. */
    public long bytes() {
        return 2L * body.length() + 96;
    }
}
