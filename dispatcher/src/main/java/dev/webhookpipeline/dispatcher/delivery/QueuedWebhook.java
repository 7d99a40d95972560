package dev.webhookpipeline.dispatcher.delivery;

import java.time.Instant;

/**
 * One webhook waiting in a tenant's queue: where it is in the outbound topic, its id, the body
 * without the secret, and when it was queued (for the batch window) and produced (for latency).
 */
public record QueuedWebhook(long offset, long webhookId, String body, Instant queuedAt, Instant occurredAt) {}
