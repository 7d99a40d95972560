package dev.webhookpipeline.webhookctl.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.deadletter.ConfigDeadLetters;
import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicSpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a record of a pipeline topic into one JSON object for analysts: where it is, its key, its
 * headers, and its value decoded through the registry — or, when the value does not decode, the
 * reason and its bytes in base64. Secrets never appear: any field or header named like a secret is
 * masked, and undecodable bytes of a tenant config (which may hold a secret in plain text) are
 * withheld.
 */
public final class RecordJson {

    public static final String MASK = "********";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PipelineTopics topics;
    private final SchemaRegistryClient registry;
    private final Map<Class<?>, AvroDeserializer<?>> decoders = new HashMap<>();

    public RecordJson(PipelineTopics topics, SchemaRegistryClient registry) {
        this.topics = topics;
        this.registry = registry;
    }

    /** A record's value, decoded, or why it is not. */
    public sealed interface Decoded {
        /** The value (null for a tombstone or a dead letter without one). */
        record Value(Object value) implements Decoded {}

        /** Bad bytes: the reason is a {@code dlq.reason}-style code. */
        record Undecodable(String reason, String message) implements Decoded {}
    }

    /**
     * Decodes a record's value with the type of its topic; a dead letter's with the type of the topic
     * it came from ({@code dlq.source.topic}), when that is an Avro topic of this pipeline.
     *
     * @throws RuntimeException only for an outage ({@link RecordFailure.Outage}): the registry cannot be used
     */
    public Decoded decode(TopicSpec<?, ?> spec, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return new Decoded.Value(null);
        }
        Class<?> type = valueType(spec, record).orElse(null);
        if (type == null) {
            return new Decoded.Undecodable("NOT_AVRO", topics.deadLetter().equals(spec)
                    ? "dead letter from " + sourceTopic(record) + ", not an Avro topic of this pipeline" : "not an Avro topic");
        }
        try {
            return new Decoded.Value(decoder(type).deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            RecordFailure failure = RecordFailure.classify(e);
            if (failure instanceof RecordFailure.Outage) {
                throw e;
            }
            return new Decoded.Undecodable(failure.reason(), failure.message());
        }
    }

    /** The whole record as JSON: {@code topic, partition, offset, timestamp, key, headers} and {@code value} or {@code undecodable}. */
    public ObjectNode toJson(TopicSpec<?, ?> spec, ConsumerRecord<byte[], byte[]> record, Decoded decoded) {
        ObjectNode node = NODES.objectNode();
        node.put("topic", record.topic());
        node.put("partition", record.partition());
        node.put("offset", record.offset());
        node.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        putBytes(node, "key", record.key());
        ObjectNode headers = node.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), ConfigDeadLetters.isSecret(header.key()) ? MASK : text(header.value()));
        }
        switch (decoded) {
            case Decoded.Value value -> node.set("value", toJson(value.value()));
            case Decoded.Undecodable bad -> {
                node.putObject("undecodable").put("reason", bad.reason()).put("message", bad.message());
                if (mayHoldSecret(spec, record)) {
                    node.putNull("value_base64");
                    node.put("value_withheld", "the " + record.value().length + " bytes of a tenant config may hold its"
                            + " secret in plain text");
                } else {
                    node.put("value_base64", Base64.getEncoder().encodeToString(record.value()));
                }
            }
        }
        return node;
    }

    /** The event type of a decoded events or outbound value. */
    public static Optional<EventType> eventType(Object value) {
        if (value instanceof DomainEvent event) {
            return Optional.of(event.getType());
        }
        if (value instanceof OutboundWebhook webhook) {
            return Optional.of(webhook.getEventType());
        }
        return Optional.empty();
    }

    /** An Avro value as plain JSON: records as objects (secret fields masked), enums as names, times as ISO-8601. */
    public static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof IndexedRecord record) {
            ObjectNode node = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                Object fieldValue = record.get(field.pos());
                node.set(field.name(), ConfigDeadLetters.isSecret(field.name()) && fieldValue != null
                        ? NODES.textNode(MASK) : toJson(fieldValue));
            }
            return node;
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = NODES.arrayNode();
            items.forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set(k.toString(), ConfigDeadLetters.isSecret(k.toString()) ? NODES.textNode(MASK) : toJson(v)));
            return node;
        }
        return switch (value) {
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Float f -> NODES.numberNode(f);
            case Double d -> NODES.numberNode(d);
            case ByteBuffer bytes -> NODES.textNode(Base64.getEncoder().encodeToString(toArray(bytes)));
            case Enum<?> e -> NODES.textNode(e.name());
            case GenericEnumSymbol<?> e -> NODES.textNode(e.toString());
            default -> NODES.textNode(value.toString()); // strings, Instant (ISO-8601), UUID
        };
    }

    /** The text of a dead letter's source topic header, or "an unknown topic". */
    public static String sourceTopic(ConsumerRecord<byte[], byte[]> record) {
        String source = DeadLetterHeaders.header(record.headers(), DeadLetterHeaders.SOURCE_TOPIC);
        return source == null ? "an unknown topic" : source;
    }

    private Optional<Class<?>> valueType(TopicSpec<?, ?> spec, ConsumerRecord<byte[], byte[]> record) {
        TopicSpec<?, ?> typed = topics.deadLetter().equals(spec)
                ? TopicChoice.byName(topics, sourceTopic(record)).orElse(null) : spec;
        return typed == null || !SpecificRecord.class.isAssignableFrom(typed.valueType())
                ? Optional.empty() : Optional.of(typed.valueType());
    }

    private boolean mayHoldSecret(TopicSpec<?, ?> spec, ConsumerRecord<byte[], byte[]> record) {
        return topics.tenantConfig().equals(spec)
                || topics.deadLetter().equals(spec) && topics.tenantConfig().name().equals(sourceTopic(record));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private AvroDeserializer<?> decoder(Class<?> type) {
        return decoders.computeIfAbsent(type, t -> new AvroDeserializer(t, registry));
    }

    private static void putBytes(ObjectNode node, String field, byte[] bytes) {
        if (bytes == null) {
            node.putNull(field);
            return;
        }
        String text = utf8(bytes);
        if (text != null) {
            node.put(field, text);
        } else {
            node.put(field + "_base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** UTF-8 text, or {@code base64:...} for bytes that are not. */
    private static String text(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String text = utf8(bytes);
        return text != null ? text : "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    private static String utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
