package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.schema.DeliveryProgress;
import java.util.Collection;
import java.util.Map;

/** Each tenant's recorded delivery state (the compacted delivery-state topic), keyed by partition number. */
public interface ProgressStore {

    /** Records the tenant's new state; written, the latest per tenant, on a later flush. */
    void publish(int partition, DeliveryProgress progress);

    /** Writes what was published since the last flush (without waiting for the acknowledgement). */
    void flush();

    /** Writes and waits for the acknowledgement: before a partition is given away. */
    void flushAndWait();

    /** Drops what was published for these partitions and not yet written: they belong to another instance now. */
    void forget(Collection<Integer> partitions);

    /** The recorded state of every tenant on these partitions. */
    Map<Integer, Map<String, DeliveryProgress>> load(Collection<Integer> partitions);
}
