package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
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
    /** Last delivered id per tenant, loaded from the delivery-state topic, updated on each 200. */
    private final Map<String, Long> deliveredIds;
    private final Map<String, TenantQueue> tenants = new HashMap<>();
    private long committed = -1;
    /** Next offset to read, as far as this state has seen; -1 until the first record. */
    private long position = -1;
    private boolean paused;

    public PartitionState(TopicPartition partition, Map<String, Long> deliveredIds, int tenantCapacity) {
        this.partition = partition;
        this.deliveredIds = new HashMap<>(deliveredIds);
        this.tenantCapacity = tenantCapacity;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** The tenant's queue, created on first use with its delivered id. */
    public TenantQueue tenant(String tenantId) {
        return tenants.computeIfAbsent(tenantId,
                id -> new TenantQueue(id, deliveredIds.getOrDefault(id, 0L), tenantCapacity));
    }

    public TenantQueue existing(String tenantId) {
        return tenants.get(tenantId);
    }

    public Map<String, TenantQueue> tenants() {
        return tenants;
    }

    public void delivered(String tenantId, long webhookId) {
        deliveredIds.merge(tenantId, webhookId, Math::max);
    }

    /** Drops the state of a tenant with nothing left to do (its delivered id is kept). */
    public void forgetIfIdle(TenantQueue queue) {
        if (queue.idle()) {
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
