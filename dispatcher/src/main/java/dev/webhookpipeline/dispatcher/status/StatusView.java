package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.kafka.CompactedTable;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Every tenant's delivery state, read from the delivery-state topic that all dispatcher instances
 * write to: so any instance answers for every tenant, whichever instance owns it.
 */
public final class StatusView implements AutoCloseable {

    private final CompactedTable<DeliveryProgress> table;

    public StatusView(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        this.table = new CompactedTable<>(kafkaProperties, new AvroDeserializer<>(DeliveryProgress.class, registry), topic,
                "dispatcher-status-view", tenant -> { });
    }

    public void start() {
        table.start();
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return table.awaitCaughtUp(timeout);
    }

    public Optional<DeliveryProgress> get(String tenantId) {
        return table.get(tenantId);
    }

    public Collection<DeliveryProgress> all() {
        return table.values();
    }

    /** Whether the delivery states are still being read; false once the reader stopped (the status goes stale). */
    public boolean isReading() {
        return table.isReading();
    }

    @Override
    public void close() throws InterruptedException {
        table.close();
    }
}
