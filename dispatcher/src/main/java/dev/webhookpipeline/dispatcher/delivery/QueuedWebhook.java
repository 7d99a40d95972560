package dev.webhookpipeline.dispatcher.delivery;

import java.time.Instant;

/**
 * One webhook waiting in a tenant's queue: where it is in the outbound topic, its id, the body
 * without the secret, when it was queued (for the batch window) and produced (for latency), and
 * the re-delivery request it belongs to ({@code null} for a webhook sent for the first time).
 */
public record QueuedWebhook(long offset, long webhookId, String body, Instant queuedAt, Instant occurredAt,
                            String redelivery) {

    /** A webhook sent for the first time. */
    public QueuedWebhook(long offset, long webhookId, String body, Instant queuedAt, Instant occurredAt) {
        this(offset, webhookId, body, queuedAt, occurredAt, null);
    }

    /** The same webhook at another offset (a copy written again). */
    public QueuedWebhook withOffset(long otherOffset) {
        return new QueuedWebhook(otherOffset, webhookId, body, queuedAt, occurredAt, redelivery);
    }

    public boolean isRedelivery() {
        return redelivery != null;
    }

    /** Whether the two may share a request: a request carries first-time webhooks or one re-delivery's, never a mix. */
    public boolean sameRequestAs(QueuedWebhook other) {
        return redelivery == null ? other.redelivery == null : redelivery.equals(other.redelivery);
    }

    /** What one queued webhook costs on the heap, at most: two bytes per char plus the objects around it. */
    public long bytes() {
        return 2L * body.length() + 96;
    }
}
