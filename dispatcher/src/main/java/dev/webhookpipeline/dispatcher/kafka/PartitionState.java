package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The webhooks of one assigned outbound partition, grouped by tenant, and where its commit may go.
 *
 * <p>Invariant: the committed offset is at most the lowest offset any tenant of the partition
 * still needs (queued, in flight, or let go for lack of room) and at most the consumer's position,
 * so a commit never passes a webhook that was not answered 200.
 */
public final class PartitionState {

    private final TopicPartition partition;
    private final int tenantCapacity;
    /**
     * Last recorded state of tenants without a queue here: loaded from the delivery-state topic,
     * and updated when a tenant's queue goes idle and is dropped.
     */
    private final Map<String, DeliveryProgress> recorded;
    private final Map<String, TenantQueue> tenants = new HashMap<>();
    private long committed = -1;
    /** Next offset to read, as far as this state has seen; -1 until the first record. */
    private long position = -1;
    private boolean paused;

    public PartitionState(TopicPartition partition, Map<String, DeliveryProgress> recorded, int tenantCapacity) {
        this.partition = partition;
        this.recorded = new HashMap<>(recorded);
        this.tenantCapacity = tenantCapacity;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** The tenant's queue, created on first use from its recorded state (delivered id, backoff). */
    public TenantQueue tenant(String tenantId) {
        return tenants.computeIfAbsent(tenantId, id -> {
            DeliveryProgress progress = recorded.remove(id);
            return progress == null ? new TenantQueue(id, 0, tenantCapacity) : TenantQueue.from(progress, tenantCapacity);
        });
    }

    /** The tenant's current state, to publish; null when this partition knows nothing of it. */
    public DeliveryProgress snapshot(String tenantId, Instant now) {
        TenantQueue queue = tenants.get(tenantId);
        return queue != null ? queue.toProgress(now) : recorded.get(tenantId);
    }

    public TenantQueue existing(String tenantId) {
        return tenants.get(tenantId);
    }

    public Map<String, TenantQueue> tenants() {
        return tenants;
    }

    /** Drops the queue of a tenant with nothing left to do, keeping its recorded state. */
    public void forgetIfIdle(TenantQueue queue, Instant now) {
        if (queue.idle() && !queue.held()) {
            recorded.put(queue.tenantId(), queue.toProgress(now));
            tenants.remove(queue.tenantId());
        }
    }

    /** Webhooks held in memory for tenants that are not backing off: what the partition's pause counts. */
    public int bufferedForActiveTenants() {
        int sum = 0;
        for (TenantQueue q : tenants.values()) {
            if (!q.failing() && !q.held()) {
                sum += q.size();
            }
        }
        return sum;
    }

    /** The offset it is safe to commit given the consumer's position: see the class invariant. */
    public long safeCommitOffset(long position) {
        long low = position;
        for (TenantQueue q : tenants.values()) {
            long needed = q.lowestNeededOffset();
            if (needed >= 0 && needed < low) {
                low = needed;
            }
        }
        return low;
    }

    public long position() {
        return position;
    }

    public void position(long next) {
        position = next;
    }

    public long committed() {
        return committed;
    }

    public void committed(long offset) {
        committed = offset;
    }

    public boolean paused() {
        return paused;
    }

    public void paused(boolean value) {
        paused = value;
    }
}
