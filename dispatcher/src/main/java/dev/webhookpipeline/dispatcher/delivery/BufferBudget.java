package dev.webhookpipeline.dispatcher.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The memory of one partition's tenant queues, in bytes, shared fairly.
 *
 * <p>Each tenant's first queued webhook is free (so every tenant can always make progress); what
 * it holds beyond that counts. The counted bytes of all tenants stay within {@code limit}. When
 * the partition is full, a tenant still under its fair share ({@code limit} / tenants holding
 * webhooks) gets room by trimming the tails of the tenants above their share, largest first;
 * trimmed webhooks are re-read from Kafka later, like any overflow. So slow tenants holding a
 * large backlog never stop a tenant with room, and the partition is never paused for memory.
 *
 * <p>Not thread-safe: owned by the dispatcher's poll thread.
 */
public final class BufferBudget {

    /** No limit: for queues that are not part of a partition (unit tests). */
    public static BufferBudget unlimited() {
        return new BufferBudget(Long.MAX_VALUE / 4, List::of);
    }

    private final long limit;
    private final Supplier<Collection<TenantQueue>> tenants;
    private long counted;
    private int holders;

    public BufferBudget(long limit, Supplier<Collection<TenantQueue>> tenants) {
        if (limit < 1) {
            throw new IllegalArgumentException("a partition buffer must be at least 1 byte, got " + limit);
        }
        this.limit = limit;
        this.tenants = tenants;
    }

    public long limit() {
        return limit;
    }

    /** Bytes counted against the limit (every tenant's webhooks beyond its first). */
    public long counted() {
        return counted;
    }

    /** Tenants holding at least one webhook. */
    public int holders() {
        return holders;
    }

    long fairShare() {
        return limit / Math.max(1, holders);
    }

    void changed(long countedDelta, int holdersDelta) {
        counted += countedDelta;
        holders += holdersDelta;
    }

    /** True when {@code queue} may take {@code bytes} more, after trimming tenants above their share if needed. */
    boolean makeRoom(TenantQueue queue, long bytes) {
        if (counted + bytes <= limit) {
            return true;
        }
        long fair = fairShare();
        if (queue.countedBytes() + bytes > fair) {
            return false; // it has its share already: the rest waits in Kafka
        }
        List<TenantQueue> above = new ArrayList<>();
        for (TenantQueue other : tenants.get()) {
            if (other != queue && other.countedBytes() > fair) {
                above.add(other);
            }
        }
        above.sort(Comparator.comparingLong(TenantQueue::countedBytes).reversed());
        for (TenantQueue other : above) {
            if (counted + bytes <= limit) {
                break;
            }
            other.trimCountedTo(Math.max(fair, other.countedBytes() - (counted + bytes - limit)));
        }
        return counted + bytes <= limit;
    }

    /** Whether a tenant that let webhooks go should read them again now: it has half its share free. */
    boolean hasRoomFor(TenantQueue queue) {
        return counted <= limit / 2 || queue.countedBytes() <= fairShare() / 2;
    }
}
