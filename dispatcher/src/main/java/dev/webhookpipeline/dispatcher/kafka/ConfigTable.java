package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.dispatcher.engine.TenantConfigs;
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
 * queued. Changed tenants are announced through {@link #nextChange()} so a resumed tenant is looked
 * at at once.
 *
 * <p>A config whose {@code tenant_id} differs from its record key is refused, as the router refuses
 * it (it dead-letters it): a warning names both ids (never the secret), and the key keeps its
 * previous config, or stays without one. It does not remove a previous valid config: we cannot know
 * what the broken record meant, and the router keeps routing with the previous one too.
 */
public final class ConfigTable implements TenantConfigs, AutoCloseable {

    private final Queue<String> changes = new ConcurrentLinkedQueue<>();
    private final CompactedTable<WebhookConfig> table;

    public ConfigTable(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        this.table = new CompactedTable<>(kafkaProperties, new AvroDeserializer<>(WebhookConfig.class, registry), topic,
                "dispatcher-config-table", ConfigTable::problem, changes::add);
    }

    /** The router's rule (ConfigProcessor): the key is the tenant id. Names the ids only. */
    static Optional<String> problem(String key, WebhookConfig config) {
        if (key.equals(config.getTenantId())) {
            return Optional.empty();
        }
        return Optional.of("config tenant_id '" + config.getTenantId() + "' differs from the record key '" + key
                + "'; the key keeps its previous config");
    }

    public void start() {
        table.start();
    }

    /** Waits until the table holds every config written before it started; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return table.awaitCaughtUp(timeout);
    }

    @Override
    public Optional<WebhookConfig> get(String tenantId) {
        return table.get(tenantId);
    }

    public int size() {
        return table.size();
    }

    /** The next tenant whose config changed; drained by the dispatcher loop. */
    @Override
    public String nextChange() {
        return changes.poll();
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
