package dev.webhookpipeline.producer;

import dev.webhookpipeline.schema.EventSubject;
import dev.webhookpipeline.schema.EventType;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to publish, before it gets its defaults.
 *
 * @param eventId    the event's own UUID; null = a new random one
 * @param occurredAt when it happened; null = now
 * @param subject    ids of what it is about; null = none
 * @param data       the event's data, a JSON object of at most {@code DomainEventRules.MAX_DATA_BYTES}
 */
public record NewEvent(String tenantId, EventType type, String data, UUID eventId, Instant occurredAt,
                       EventSubject subject) {

    public static NewEvent of(String tenantId, EventType type, String data) {
        return new NewEvent(tenantId, type, data, null, null, null);
    }

    public NewEvent withEventId(UUID id) {
        return new NewEvent(tenantId, type, data, Objects.requireNonNull(id), occurredAt, subject);
    }

    public NewEvent withOccurredAt(Instant at) {
        return new NewEvent(tenantId, type, data, eventId, Objects.requireNonNull(at), subject);
    }

    public NewEvent withSubject(EventSubject s) {
        return new NewEvent(tenantId, type, data, eventId, occurredAt, Objects.requireNonNull(s));
    }
}
