package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.dispatcher.engine.Decoded;
import dev.webhookpipeline.dispatcher.engine.OutboundDecoder;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.registry.SchemaRegistryException;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.AvroDecodeException;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.WireFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes outbound records without ever blocking the poll thread on the schema registry: the
 * writer's schema of an id not seen before is fetched on a background thread, and until it is
 * known the record is {@link Decoded.Unavailable} (its partition waits; the others go on). An id
 * the registry does not know, bytes that are not Confluent Avro, Avro that does not decode, and a
 * webhook that breaks the outbound rules are {@link Decoded.Bad}.
 */
public final class RegistryOutboundDecoder implements OutboundDecoder, AutoCloseable {

    private enum SchemaState { FETCHING, KNOWN, UNKNOWN, UNREACHABLE }

    private final SchemaRegistryClient registry;
    private final AvroDeserializer<OutboundWebhook> deserializer;
    private final Map<Integer, SchemaState> schemas = new ConcurrentHashMap<>();
    private final Map<Integer, String> lastError = new ConcurrentHashMap<>();
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dispatcher-schema-fetch");
        t.setDaemon(true);
        return t;
    });

    public RegistryOutboundDecoder(SchemaRegistryClient registry) {
        this.registry = registry;
        this.deserializer = new AvroDeserializer<>(OutboundWebhook.class, registry);
    }

    @Override
    public Decoded decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || record.key() == null) {
            return new Decoded.Bad(AvroDecodeException.Reason.INVALID_CONTENT.name(), "outbound record without a key or value");
        }
        int id;
        try {
            id = WireFormat.schemaId(record.value());
        } catch (AvroDecodeException e) {
            return new Decoded.Bad(e.reason().name(), e.getMessage());
        }
        SchemaState state = schemas.get(id);
        if (state != SchemaState.KNOWN) {
            state = stateAfterAsking(id);
        }
        switch (state) {
            case FETCHING -> {
                String error = lastError.get(id);
                return new Decoded.Unavailable("the writer's schema (id " + id + ") is being fetched from the schema registry"
                        + (error == null ? "" : "; last try: " + error));
            }
            case UNKNOWN -> {
                return new Decoded.Bad(AvroDecodeException.Reason.UNKNOWN_SCHEMA_ID.name(), "schema id " + id
                        + " is unknown to the schema registry " + registry.url());
            }
            default -> { }
        }
        return decodeKnown(record);
    }

    /** Starts a background fetch of a schema id not known yet (or whose last fetch failed); its state now. */
    private SchemaState stateAfterAsking(int id) {
        boolean[] startFetch = {false};
        SchemaState state = schemas.compute(id, (k, s) -> {
            if (s == null || s == SchemaState.UNREACHABLE) {
                startFetch[0] = true;
                return SchemaState.FETCHING;
            }
            return s;
        });
        if (startFetch[0]) {
            fetcher.execute(() -> fetch(id));
        }
        return state;
    }

    private Decoded decodeKnown(ConsumerRecord<String, byte[]> record) {
        OutboundWebhook webhook;
        try {
            webhook = deserializer.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) { // the pipeline's one rule: a dependency's failure waits, anything else is bad input
            return switch (RecordFailure.classify(e)) {
                case RecordFailure.Outage outage -> new Decoded.Unavailable(outage.message());
                case RecordFailure.BadInput bad -> new Decoded.Bad(bad.reason(), bad.message());
            };
        }
        if (!record.key().equals(webhook.getTenantId())) {
            return new Decoded.Bad(AvroDecodeException.Reason.INVALID_CONTENT.name(),
                    "the record's key is not its tenant_id");
        }
        if (webhook.getWebhookId() < 1) {
            return new Decoded.Bad(AvroDecodeException.Reason.INVALID_CONTENT.name(),
                    "webhook_id " + webhook.getWebhookId() + " is not positive");
        }
        return new Decoded.Webhook(webhook);
    }

    /** On the fetch thread: the schema is cached by the registry client, so decoding it later does not block. */
    private void fetch(int id) {
        try {
            registry.schemaById(id);
            schemas.put(id, SchemaState.KNOWN);
            lastError.remove(id);
        } catch (RuntimeException e) {
            if (e instanceof SchemaRegistryException notFound && notFound.isNotFound()
                    || RecordFailure.classify(e) instanceof RecordFailure.BadInput) {
                schemas.put(id, SchemaState.UNKNOWN); // the registry answered: this id is not one it can give
                lastError.remove(id);
            } else {
                lastError.put(id, RecordFailure.classify(e).message());
                schemas.put(id, SchemaState.UNREACHABLE); // the next record with this id asks again
            }
        }
    }

    @Override
    public void close() {
        fetcher.shutdownNow();
    }
}
