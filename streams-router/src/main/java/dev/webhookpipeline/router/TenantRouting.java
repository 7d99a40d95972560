package dev.webhookpipeline.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.EventTypes;
import dev.webhookpipeline.schema.WebhookConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The part of a tenant's webhook config the router needs, as kept in its state store. Only these
 * fields are stored: the endpoint and above all the secret never reach the router's state or its
 * changelog topic.
 *
 * @param deleted true after a tombstone: kept (instead of removing the entry) so that drops can say
 *                "config deleted" rather than "never configured"
 */
public record TenantRouting(boolean deleted, boolean enabled, Instant createdAt, Set<EventType> enabledEvents) {

    public static final TenantRouting DELETED = new TenantRouting(true, false, Instant.EPOCH, Set.of());

    public TenantRouting {
        enabledEvents = enabledEvents.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(enabledEvents));
    }

    public static TenantRouting of(WebhookConfig config) {
        return new TenantRouting(false, config.getEnabled(), config.getCreatedAt(), Set.copyOf(config.getEnabledEvents()));
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Store serde: small JSON with type names (not ordinals), so a reordered enum cannot corrupt it. */
    public static Serde<TenantRouting> serde() {
        Serializer<TenantRouting> serializer = (topic, routing) -> {
            if (routing == null) {
                return null;
            }
            ObjectNode node = JSON.createObjectNode()
                    .put("deleted", routing.deleted())
                    .put("enabled", routing.enabled())
                    .put("created_at", routing.createdAt().toEpochMilli());
            routing.enabledEvents().stream().sorted().forEach(t -> node.withArray("events").add(t.name()));
            return node.toString().getBytes(StandardCharsets.UTF_8);
        };
        // The router reads a tenant's entry for every event: the same few bytes, parsed once (by content,
        // so a changed entry is parsed again). Bounded by clearing: entries are tiny, tenants many.
        Map<ByteBuffer, TenantRouting> parsed = new ConcurrentHashMap<>();
        Deserializer<TenantRouting> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            TenantRouting known = parsed.get(ByteBuffer.wrap(bytes));
            if (known != null) {
                return known;
            }
            TenantRouting routing = parse(bytes);
            if (parsed.size() >= PARSED_CACHE) {
                parsed.clear();
            }
            parsed.put(ByteBuffer.wrap(bytes.clone()), routing);
            return routing;
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /** Entries kept parsed per serde (a few hundred bytes each). */
    static final int PARSED_CACHE = 10_000;

    private static TenantRouting parse(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            Set<EventType> events = EnumSet.noneOf(EventType.class);
            // A name this build does not know (written by a newer router) cannot match any event it reads.
            node.path("events").forEach(name -> EventTypes.parse(name.asText()).ifPresent(events::add));
            return new TenantRouting(node.path("deleted").asBoolean(), node.path("enabled").asBoolean(),
                    Instant.ofEpochMilli(node.path("created_at").asLong()), events);
        } catch (IOException e) {
            throw new SerializationException("corrupt tenant-routing entry in the router's state store", e);
        }
    }
}
