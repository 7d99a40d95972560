package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.producer.NewEvent;
import dev.webhookpipeline.schema.EventSubject;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.EventTypes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;

/**
 * Reads one event from a JSON line:
 * <pre>{"tenant_id":"acme","type":"RISK_LEVEL_CHANGED","data":{...},
 *  "event_id":"(optional UUID)","occurred_at":"(optional ISO-8601 or epoch millis)",
 *  "subject":{"profile_id":"(optional)", ...}}</pre>
 */
final class EventLineParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("tenant_id", "type", "data", "event_id", "occurred_at", "subject");

    private EventLineParser() {}

    /** @throws IllegalArgumentException with the reason when the line is not a usable event */
    static NewEvent parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object per line");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "' (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String tenant = text(node, "tenant_id");
        EventType type = eventType(text(node, "type"));
        JsonNode data = node.get("data");
        NewEvent event = NewEvent.of(tenant, type, data == null ? "{}" : data.isTextual() ? data.asText() : data.toString());
        if (node.hasNonNull("event_id")) {
            try {
                event = event.withEventId(UUID.fromString(node.get("event_id").asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("event_id '" + node.get("event_id").asText() + "' is not a UUID");
            }
        }
        if (node.hasNonNull("occurred_at")) {
            event = event.withOccurredAt(instant(node.get("occurred_at")));
        }
        if (node.hasNonNull("subject")) {
            event = event.withSubject(subject(node.get("subject")));
        }
        return event;
    }

    static EventType eventType(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("event type is missing");
        }
        return EventTypes.parse(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown event type '" + name + "' (known: " + String.join(", ", EventTypes.wireNames()) + ")"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode value) {
        if (value.isIntegralNumber()) {
            return Instant.ofEpochMilli(value.asLong());
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurred_at '" + value.asText()
                    + "' is neither ISO-8601 (2026-11-25T10:15:30Z) nor epoch milliseconds");
        }
    }

    private static EventSubject subject(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("subject must be a JSON object of ids");
        }
        EventSubject.Builder subject = EventSubject.newBuilder();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String id = text(node, name);
            switch (name) {
                case "profile_id" -> subject.setProfileId(id);
                case "product_id" -> subject.setProductId(id);
                case "task_id" -> subject.setTaskId(id);
                case "check_id" -> subject.setCheckId(id);
                case "form_id" -> subject.setFormId(id);
                case "customer_request_id" -> subject.setCustomerRequestId(id);
                default -> throw new IllegalArgumentException("unknown subject id '" + name + "' (known: profile_id,"
                        + " product_id, task_id, check_id, form_id, customer_request_id)");
            }
        }
        return subject.build();
    }
}
