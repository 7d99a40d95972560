package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.dispatcher.engine.TenantConfigs;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Every tenant's current webhook config, from the compacted config topic. The dispatcher reads it
 * at send time, so a changed endpoint, secret, batching or enabled flag applies to webhooks already
 * queued. Changed tenants are announced through {@link #nextChange()} so a resumed tenant is looked
 * at at once.
 *
 * <p>A config whose {@code tenant_id} differs from its record key is refused, as the router refuses
 * it (it dead-letters it): a warning names both ids (never the secret), and the key keeps its
 * previous config, or stays without one. It does not remove a previous valid config: we cannot know
 * what the broken record meant, and the router keeps routing with the previous one too. The same
 * holds for a config whose secret cannot be decrypted with the configured keys.
 */
public final class ConfigTable implements TenantConfigs, AutoCloseable {

    private final Queue<String> changes = new ConcurrentLinkedQueue<>();
    private final CompactedTable<WebhookConfig> table;

    /** @param secrets decrypts each config's secrets as it is read: the table holds them in plaintext */
    public ConfigTable(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic,
                       SecretCodec secrets) {
        this.table = new CompactedTable<>(kafkaProperties, decrypting(new AvroDeserializer<>(WebhookConfig.class, registry),
                secrets), topic, "dispatcher-config-table", ConfigTable::problem, changes::add);
    }

    /**
     * Decodes, then decrypts. A secret that cannot be decrypted (unknown key id, altered, moved from
     * another tenant) fails as bad input, like an undecodable record: the tenant keeps its previous
     * config, and the warning names the tenant and the key id only.
     */
    private static Deserializer<WebhookConfig> decrypting(Deserializer<WebhookConfig> avro, SecretCodec secrets) {
        return (topic, bytes) -> {
            WebhookConfig stored = avro.deserialize(topic, bytes);
            return stored == null ? null : secrets.decrypt(stored);
        };
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
