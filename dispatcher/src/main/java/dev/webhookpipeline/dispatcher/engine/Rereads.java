package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a partition again from the first webhook a tenant let go, once it has room for it. Never
 * seeks forward: a mark at or after what has been read needs no seek (those records are still to
 * come), and seeking past them would skip other tenants' webhooks.
 */
final class Rereads {

    private static final Logger log = LoggerFactory.getLogger(Rereads.class);

    private final Consumer<String, byte[]> consumer;

    Rereads(Consumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    /** @return true when it sought back (the next poll should fetch at once) */
    boolean rereadWhereNeeded(PartitionState state) {
        long target = Long.MAX_VALUE;
        for (TenantQueue queue : state.tenants().values()) {
            if (queue.needsReread()) {
                target = Math.min(target, queue.overflowFrom());
            }
        }
        if (target == Long.MAX_VALUE) {
            return false;
        }
        if (state.waitingForRegistry()) {
            return false; // the partition is already sought back and paused; try again after the wait
        }
        long position = state.position();
        long from = Math.min(target, position < 0 ? target : position);
        for (TenantQueue queue : state.tenants().values()) {
            if (queue.overflowFrom() >= from) {
                queue.rereadStarted(); // all of them are read (again) from `from`
            }
        }
        if (position >= 0 && target >= position) {
            return false; // not read that far yet: the records are still to come, in order
        }
        log.debug("re-reading {} from offset {} for tenants that had no room", state.partition(), from);
        consumer.seek(state.partition(), from);
        state.position(from);
        return true;
    }
}
