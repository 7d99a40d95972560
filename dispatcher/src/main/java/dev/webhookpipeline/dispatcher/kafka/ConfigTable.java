package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every tenant's current webhook config, from the compacted config topic. The dispatcher reads it
 * at send time, so a changed endpoint, secret, batching or enabled flag applies to webhooks already
 * queued. Changed tenants are announced through {@link #changes()} so a resumed tenant is looked
 * at at once.
 */
public final class ConfigTable implements AutoCloseable {

    private final Queue<String> changes = new ConcurrentLinkedQueue<>();
    private final CompactedTable<WebhookConfig> table;

    public ConfigTable(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        this.table = new CompactedTable<>(kafkaProperties, new AvroDeserializer<>(WebhookConfig.class, registry), topic,
                "dispatcher-config-table", changes::add);
    }

    public void start() {
        table.start();
    }

    /** Waits until the table holds every config written before it started; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return table.awaitCaughtUp(timeout);
    }

    public Optional<WebhookConfig> get(String tenantId) {
        return table.get(tenantId);
    }

    public int size() {
        return table.size();
    }

    /** Tenants whose config changed; drained by the dispatcher loop. */
    public Queue<String> changes() {
        return changes;
    }

    /**
     * Whether the configs are still being read. False once the reader stopped on an error it could
     * not survive: from then on disables, secret rotations and endpoint changes no longer apply, so
     * the instance must stop delivering and report itself unhealthy.
     */
    public boolean isReading() {
        return table.isReading();
    }

    @Override
    public void close() throws InterruptedException {
        table.close();
    }
}
