package dev.webhookpipeline.router;

import dev.webhookpipeline.deadletter.ConfigDeadLetters;
import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDecodeException;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link RouterTopology#ROUTING_STORE} in step with the tenant-config topic. A tombstone
 * marks the tenant deleted. An undecodable or inconsistent config is dead-lettered — its secret masked,
 * or its bytes removed when they cannot be decoded — and the tenant's previous config stays in force
 * (we cannot know what the broken one meant). Only an outage (registry unavailable) escapes.
 */
final class ConfigProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(ConfigProcessor.class);

    private final SchemaRegistryClient registry;
    private final AvroDeserializer<WebhookConfig> deserializer;
    private final RouterCounters counters;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, TenantRouting> routing;

    ConfigProcessor(SchemaRegistryClient registry, RouterCounters counters) {
        this.registry = registry;
        this.deserializer = new AvroDeserializer<>(WebhookConfig.class, registry);
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.routing = context.getStateStore(RouterTopology.ROUTING_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            deadLetter(record, AvroDecodeException.Reason.INVALID_CONTENT.name(),
                    "config record has no key: the key must be the tenant id");
            return;
        }
        String tenant = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            routing.put(tenant, TenantRouting.DELETED);
            log.info("tenant {}: config deleted", tenant);
            return;
        }
        TenantRouting next;
        try {
            WebhookConfig config = deserializer.deserialize(context.recordMetadata().orElseThrow().topic(),
                    record.value());
            if (!tenant.equals(config.getTenantId())) {
                // Message names the ids only: the config holds a secret, which must not reach headers or logs.
                deadLetter(record, AvroDecodeException.Reason.INVALID_CONTENT.name(), "config tenant_id '"
                        + config.getTenantId() + "' differs from the record key '" + tenant + "'");
                return;
            }
            next = TenantRouting.of(config);
        } catch (RuntimeException | StackOverflowError e) {
            // The one rule (RecordFailure): an outage propagates and is waited out; anything else is bad input.
            switch (RecordFailure.classify(e)) {
                case RecordFailure.Outage outage -> throw e;
                case RecordFailure.BadInput bad -> {
                    if (!(e instanceof AvroDecodeException)) {
                        // The class only: an unforeseen exception's message could quote the config.
                        log.warn("config record for tenant {} made the router fail with {}: dead-lettered", tenant,
                                e.getClass().getName());
                    }
                    deadLetter(record, bad.reason(), bad.error() instanceof AvroDecodeException ? bad.message()
                            : e.getClass().getSimpleName());
                }
            }
            return;
        }
        routing.put(tenant, next);
        log.debug("tenant {}: config applied (enabled={}, {} event types)", tenant, next.enabled(),
                next.enabledEvents().size());
    }

    /**
     * Dead-letters the record with its secret masked, or without its value when it cannot be decoded
     * ({@link ConfigDeadLetters}): analysts read the dead-letter topic.
     */
    private void deadLetter(Record<byte[], byte[]> record, String reason, String message) {
        var source = context.recordMetadata().orElseThrow();
        ConfigDeadLetters.Redacted value = ConfigDeadLetters.redact(record.value(), registry);
        log.warn("dead-lettering config record {}-{}@{}: {} {}", source.topic(), source.partition(), source.offset(),
                reason, message);
        Record<byte[], byte[]> dead = DeadLetters.of(record, source, reason, message);
        DeadLetterHeaders.noteValue(dead.headers(), value.note());
        context.forward(dead.withValue(value.value()), RouterTopology.DEAD_LETTER_SINK);
        counters.record(Outcome.DEAD_LETTERED);
    }
}
