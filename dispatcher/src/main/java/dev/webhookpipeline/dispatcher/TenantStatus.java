package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import java.time.Instant;

/**
 * A tenant's delivery state as last seen by this dispatcher instance, published by the poll
 * thread after every attempt. Holds no secret.
 */
public record TenantStatus(String tenantId, int queued, int failedAttempts, Instant nextAttemptAt,
                           Instant failingSince, long lastDeliveredId, Instant lastDeliveredAt, Attempt lastFailure,
                           long waiting, Instant oldestUndelivered) {}
