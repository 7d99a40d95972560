package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.BufferBudget;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The webhooks of one assigned outbound partition, grouped by tenant, and where its commit may go.
 *
 * <p>Invariant: the committed offset is at most the lowest offset any tenant of the partition
 * still needs (queued, in flight, or let go for lack of room), at most the lowest record whose
 * dead letter is not yet acknowledged, and at most the position read so far, so a commit never
 * passes a webhook that was not answered 200 nor a bad record that is not in the dead-letter topic.
 */
public final class PartitionState {

    private final TopicPartition partition;
    private final int tenantCapacity;
    private final BufferBudget budget;
    /**
     * Last recorded state of tenants without a queue here: loaded from the delivery-state topic,
     * and updated when a tenant's queue goes idle and is dropped.
     */
    private final Map<String, DeliveryProgress> recorded;
    private final Map<String, TenantQueue> tenants = new HashMap<>();
    /** Dead letters written and not yet acknowledged, by source offset. */
    private final TreeMap<Long, DeadLetters.Pending> deadLetters = new TreeMap<>();
    private long committed = -1;
    /** Next offset to read, as far as this state has seen; -1 until the first record. */
    private long position = -1;
    /** Ticker time until which the partition is paused, waiting for the schema registry; 0 = not waiting. */
    private long registryWaitUntil;
    private int registryWaits;

    public PartitionState(TopicPartition partition, Map<String, DeliveryProgress> recorded, int tenantCapacity,
                          long bufferBytes) {
        this.partition = partition;
        this.recorded = new HashMap<>(recorded);
        this.tenantCapacity = tenantCapacity;
        this.budget = new BufferBudget(bufferBytes, tenants::values);
    }

    public TopicPartition partition() {
        return partition;
    }

    public BufferBudget budget() {
        return budget;
    }

    /** The tenant's queue, created on first use from its recorded state (delivered id, backoff). */
    public TenantQueue tenant(String tenantId) {
        TenantQueue queue = tenants.get(tenantId);
        if (queue == null) {
            DeliveryProgress progress = recorded.remove(tenantId);
            queue = progress == null ? new TenantQueue(tenantId, 0, tenantCapacity, budget)
                    : ProgressRecords.queueFrom(progress, tenantCapacity, budget);
            tenants.put(tenantId, queue);
        }
        return queue;
    }

    /** The tenant's current state, to publish; null when this partition knows nothing of it. */
    public DeliveryProgress snapshot(String tenantId, Instant now) {
        TenantQueue queue = tenants.get(tenantId);
        return queue != null ? ProgressRecords.of(queue, now) : recorded.get(tenantId);
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
            recorded.put(queue.tenantId(), ProgressRecords.of(queue, now));
            tenants.remove(queue.tenantId());
        }
    }

    /** The offset it is safe to commit: see the class invariant. */
    public long safeCommitOffset() {
        long low = position;
        for (TenantQueue q : tenants.values()) {
            long needed = q.lowestNeededOffset();
            if (needed >= 0 && needed < low) {
                low = needed;
            }
        }
        if (!deadLetters.isEmpty()) {
            low = Math.min(low, deadLetters.firstKey());
        }
        return low;
    }

    Map<Long, DeadLetters.Pending> deadLetters() {
        return deadLetters;
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

    boolean waitingForRegistry() {
        return registryWaitUntil != 0;
    }

    /** Waits longer after each consecutive failure ({@link Backoff#REGISTRY}). */
    void waitForRegistry(long tickNow) {
        registryWaits++;
        registryWaitUntil = tickNow + Backoff.REGISTRY.nanosAfter(registryWaits);
    }

    boolean registryWaitOver(long tickNow) {
        return registryWaitUntil != 0 && tickNow - registryWaitUntil >= 0;
    }

    void registryWaitEnded() {
        registryWaitUntil = 0;
    }

    void decodedOne() {
        registryWaits = 0;
    }
}
