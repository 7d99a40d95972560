package dev.webhookpipeline.router;

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
 * marks the tenant deleted. An undecodable or inconsistent config is dead-lettered and the tenant's
 * previous config stays in force (we cannot know what the broken one meant).
 */
final class ConfigProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(ConfigProcessor.class);

    private final AvroDeserializer<WebhookConfig> deserializer;
    private final RouterCounters counters;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, TenantRouting> routing;

    ConfigProcessor(SchemaRegistryClient registry, RouterCounters counters) {
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
        WebhookConfig config;
        try {
            config = deserializer.deserialize(context.recordMetadata().orElseThrow().topic(), record.value());
        } catch (AvroDecodeException e) {
            deadLetter(record, e.reason().name(), e.getMessage());
            return;
        }
        // Any other exception (registry unreachable) propagates: an outage is retried, never dead-lettered.
        if (!tenant.equals(config.getTenantId())) {
            // Message names the ids only: the config holds a secret, which must not reach headers or logs.
            deadLetter(record, AvroDecodeException.Reason.INVALID_CONTENT.name(), "config tenant_id '"
                    + config.getTenantId() + "' differs from the record key '" + tenant + "'");
            return;
        }
        TenantRouting next = TenantRouting.of(config);
        routing.put(tenant, next);
        log.debug("tenant {}: config applied (enabled={}, {} event types)", tenant, next.enabled(),
                next.enabledEvents().size());
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, String message) {
        var source = context.recordMetadata().orElseThrow();
        log.warn("dead-lettering config record {}-{}@{}: {} {}", source.topic(), source.partition(), source.offset(),
                reason, message);
        context.forward(DeadLetters.of(record, source, reason, message), RouterTopology.DEAD_LETTER_SINK);
        counters.record(Outcome.DEAD_LETTERED);
    }
}
