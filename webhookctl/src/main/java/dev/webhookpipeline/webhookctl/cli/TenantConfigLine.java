package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One tenant's complete webhook config from a JSON line of {@code config import}:
 * <pre>{"tenant_id":"acme","endpoint":"https://...","secret":"...","events":["RISK_LEVEL_CHANGED"],
 *  "enabled":true,"batching":true,"secret_header":null}</pre>
 * {@code enabled} and {@code batching} default to true, {@code secret_header} to none. A line
 * replaces the tenant's config; only {@code created_at} is kept from an existing one, because the
 * event-type cut-over rule depends on it. Error messages never quote the line (it holds a secret).
 */
final class TenantConfigLine {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("tenant_id", "endpoint", "secret", "events", "enabled", "batching",
            "secret_header");

    private TenantConfigLine() {}

    /** @throws IllegalArgumentException with the reason when the line is not a complete config */
    static WebhookConfig parse(String line, WebhookConfig existing, Instant now) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            // The location only: the parser's own message may quote the text around it, a secret included.
            throw new IllegalArgumentException("not valid JSON (column " + e.getLocation().getColumnNr() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object per line");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "' (known: "
                        + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String tenant = text(node, "tenant_id", true);
        WebhookConfigRules.tenantIdProblem(tenant).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return WebhookConfig.newBuilder()
                .setTenantId(tenant)
                .setEndpoint(text(node, "endpoint", true).strip())
                .setSecret(text(node, "secret", true).strip())
                .setEnabledEvents(events(node.get("events")))
                .setEnabled(bool(node, "enabled"))
                .setBatching(bool(node, "batching"))
                .setSecretHeader(blankToNull(text(node, "secret_header", false)))
                .setCreatedAt(existing == null ? now : existing.getCreatedAt())
                .setUpdatedAt(now)
                .build();
    }

    private static List<EventType> events(JsonNode events) {
        if (events == null || events.isNull()) {
            throw new IllegalArgumentException("events is missing (a JSON array of event types)");
        }
        List<String> names = new ArrayList<>();
        if (events.isTextual()) {
            names.addAll(List.of(events.asText().split(",")));
        } else if (events.isArray()) {
            for (JsonNode item : events) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException("events must hold event type names");
                }
                names.add(item.asText());
            }
        } else {
            throw new IllegalArgumentException("events must be a JSON array of event types");
        }
        return ConfigCommand.Set.parseTypes(names);
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return true;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false");
        }
        return value.asBoolean();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
