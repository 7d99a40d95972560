package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.RetrySchedule;
import java.time.Duration;

/**
 * The delivery rules and limits the engine applies.
 *
 * @param partitionBufferBytes memory for queued webhooks per partition, shared fairly by its tenants
 * @param progressInterval     how often changed tenants' states are written to the delivery-state topic
 * @param unbatchedRun         how many webhooks of an unbatched tenant one request thread sends, one after another
 */
public record EngineSettings(String outboundTopic, Duration batchWindow, int maxInFlight, int tenantCapacity,
                             long partitionBufferBytes, RetrySchedule retrySchedule, Duration commitInterval,
                             Duration progressInterval, int unbatchedRun) {}
