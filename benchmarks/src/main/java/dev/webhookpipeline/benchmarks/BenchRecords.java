package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's workload: tenant configs and outbound webhooks. Its own, not the tests'
 * SampleRecords, which note every secret for the suite's log scan.
 */
final class BenchRecords {
    private BenchRecords() {}

    /** Every event type enabled, sent to {@code endpoint}. */
    static WebhookConfig config(String tenant, String endpoint, boolean batching) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return WebhookConfig.newBuilder()
                .setTenantId(tenant)
                .setEnabled(true)
                .setBatching(batching)
                .setEndpoint(endpoint)
                .setSecret("s3cret-for-" + tenant + "-0123456789")
                .setEnabledEvents(List.of(EventType.values()))
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .build();
    }

    /** A RISK_LEVEL_CHANGED webhook with a small JSON body. */
    static OutboundWebhook outbound(String tenant, long webhookId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID eventId = UUID.randomUUID();
        EventType type = EventType.RISK_LEVEL_CHANGED;
        return OutboundWebhook.newBuilder()
                .setTenantId(tenant)
                .setWebhookId(webhookId)
                .setEventId(eventId)
                .setEventType(type)
                .setOccurredAt(now)
                .setRoutedAt(now)
                .setBody("{\"id\":" + webhookId + ",\"event_id\":\"" + eventId + "\",\"event\":\"" + type
                        + "\",\"timestamp\":" + now.getEpochSecond() + ",\"data\":{}}")
                .build();
    }
}
