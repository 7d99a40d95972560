package dev.webhookpipeline.payload;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.schema.EventType;
import java.time.Instant;
import java.util.UUID;

/**
 * The JSON a tenant receives, in the platform's shape:
 * {@code {"id", "event_id", "event", "timestamp", "secret", "data"}}. The router builds it without
 * the secret ({@link #body}); the dispatcher adds the tenant's current secret at send time
 * ({@link #withSecret}), so a rotated secret applies to webhooks already queued.
 */
public final class WebhookPayload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonStringEncoder JSON_ESCAPER =
            JsonStringEncoder.getInstance();

    private WebhookPayload() {}

    /**
     * @param dataJson the event's data, a JSON object
     * @throws IllegalArgumentException when {@code dataJson} is not a JSON object
     */
    public static String body(long webhookId, UUID eventId, EventType type, Instant occurredAt, String dataJson) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", webhookId);
        body.put("event_id", eventId.toString());
        body.put("event", type.name());
        body.put("timestamp", occurredAt.getEpochSecond());
        body.set("data", parseObject(dataJson));
        return body.toString();
    }

    /**
     * A delivered webhook's body as it is sent again: every field as before, plus
     * {@code "redelivery": {"request_id", "requested_at"}} at the end, so a receiver that
     * deduplicates by {@code id} can tell a re-delivery it asked for from a retry.
     *
     * @throws IllegalArgumentException when {@code body} is not a JSON object
     */
    public static String withRedelivery(String body, String requestId, Instant requestedAt) {
        ObjectNode parsed = parseObject(body);
        ObjectNode marker = JSON.createObjectNode().put("request_id", requestId).put("requested_at", requestedAt.getEpochSecond());
        String trimmed = body.strip();
        if (parsed.has("redelivery") || !trimmed.endsWith("}")) { // a copy of a copy: replace its marker
            parsed.set("redelivery", marker);
            return parsed.toString();
        }
        // Appended as text: every byte of the original stays as it was (a parse and re-print could
        // change how a number is written).
        String open = trimmed.substring(0, trimmed.length() - 1).stripTrailing();
        return open + (parsed.isEmpty() ? "" : ",") + "\"redelivery\":" + marker + "}";
    }

    /** The body with {@code secret} inserted before {@code data}, as the platform's samples show it. */
    public static String withSecret(String body, String secret) {
        return inserting(secret).into(body);
    }

    /** Inserts one secret into many bodies (a batch), escaping it once. */
    public static SecretInserter inserting(String secret) {
        return new SecretInserter(secret, ",\"secret\":\"" + new String(JSON_ESCAPER.quoteAsString(secret)) + "\"");
    }

    /** {@link #withSecret} for one secret, its JSON field built once. */
    public record SecretInserter(String secret, String field) {
        @Override
        public String toString() {
            return "SecretInserter[secret=***]";
        }

        public String into(String body) {
            return insert(body, secret, field);
        }
    }

    private static String insert(String body, String secret, String secretField) {
        // Fast path for bodies built by body(): every field before "data" is a number, a UUID or an
        // enum name, so the first ,"data": is the data field. Saves a parse per webhook sent.
        int data = body.indexOf(",\"data\":");
        if (body.startsWith("{\"id\":") && data > 0 && !body.regionMatches(0, "{\"secret\"", 0, 10)
                && body.lastIndexOf("\"secret\"", data) < 0) {
            return new StringBuilder(body.length() + secretField.length()).append(body, 0, data).append(secretField)
                    .append(body, data, body.length()).toString();
        }
        JsonNode parsed = parse(body);
        ObjectNode out = JSON.createObjectNode();
        parsed.properties().forEach(field -> {
            if (field.getKey().equals("data")) {
                out.put("secret", secret);
            }
            if (!field.getKey().equals("secret")) {
                out.set(field.getKey(), field.getValue());
            }
        });
        if (!out.has("secret")) {
            out.put("secret", secret);
        }
        return out.toString();
    }

    /**
     * Parses a JSON object, with a clear message when it is anything else.
     *
     * @throws IllegalArgumentException for anything that is not a JSON object within the parser's limits
     */
    public static ObjectNode parseObject(String json) {
        JsonNode node = parse(json);
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("event data must be a JSON object, got " + node.getNodeType());
        }
        return object;
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("event data must be a JSON object, got nothing");
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Limits of the parser (StreamConstraintsException: nesting deeper than 1,000, a number
            // longer than 1,000 digits) fail without a location.
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException("event data is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        }
    }
}
