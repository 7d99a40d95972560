package dev.webhookpipeline.testsupport;

import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventSubject;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Valid records of each schema, for tests to vary. */
public final class SampleRecords {
    private SampleRecords() {}

    public static DomainEvent event(String tenant, EventType type, int n) {
        return DomainEvent.newBuilder()
                .setEventId(UUID.randomUUID())
                .setTenantId(tenant)
                .setType(type)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setSubject(EventSubject.newBuilder().setProfileId("profile-" + n).build())
                .setData("{\"n\":" + n + ",\"profile_id\":\"profile-" + n + "\"}")
                .build();
    }

    public static WebhookConfig config(String tenant, String endpoint, List<EventType> types) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return WebhookConfig.newBuilder()
                .setTenantId(tenant)
                .setEnabled(true)
                .setBatching(false)
                .setEndpoint(endpoint)
                .setSecret(TestSecrets.remember("tenant " + tenant, "s3cret-for-" + tenant + "-0123456789"))
                .setEnabledEvents(types)
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .build();
    }

    public static OutboundWebhook outbound(String tenant, long webhookId, EventType type) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID eventId = UUID.randomUUID();
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
