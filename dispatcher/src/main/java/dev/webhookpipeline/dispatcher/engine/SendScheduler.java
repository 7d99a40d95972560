package dev.webhookpipeline.dispatcher.engine;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Which tenants to look at next, and who gets a request slot.
 *
 * <p>Tenants are looked at when something changed for them (dirty) or when a timer they asked for
 * fires (batch window, backoff). Slots are fair: when all {@code maxInFlight} are taken, a tenant
 * that is ready joins a FIFO line, and a freed slot goes to the head of the line before any other
 * tenant — so a tenant waits for at most one request of each tenant ahead of it, however busy
 * they are.
 */
final class SendScheduler {

    private record Timer(Instant at, TenantRef ref) {}

    private final int maxInFlight;
    private final Set<TenantRef> dirty = new LinkedHashSet<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private final LinkedHashSet<TenantRef> waitingForSlot = new LinkedHashSet<>();
    private int inFlight;

    SendScheduler(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    void markDirty(TenantRef ref) {
        dirty.add(ref);
    }

    void wakeAt(Instant at, TenantRef ref) {
        timers.add(new Timer(at, ref));
    }

    Instant nextTimer() {
        Timer next = timers.peek();
        return next == null ? null : next.at();
    }

    void fireTimers(Instant now) {
        while (!timers.isEmpty() && !timers.peek().at().isAfter(now)) {
            dirty.add(timers.poll().ref());
        }
    }

    boolean hasWork() {
        return inFlight > 0 || !dirty.isEmpty();
    }

    /** The next tenant in line for a free slot, or null when no slot is free or nobody waits. */
    TenantRef nextInLine() {
        if (inFlight >= maxInFlight || waitingForSlot.isEmpty()) {
            return null;
        }
        var it = waitingForSlot.iterator();
        TenantRef head = it.next();
        it.remove();
        return head;
    }

    List<TenantRef> drainDirty() {
        if (dirty.isEmpty()) {
            return List.of();
        }
        List<TenantRef> batch = List.copyOf(dirty);
        dirty.clear();
        return batch;
    }

    /**
     * Whether {@code ref}, ready to send, may take a slot now. A tenant served from the line may
     * take any free slot; any other only when nobody is in line, else it joins the line's tail
     * (keeping its place if already in it).
     */
    boolean trySlot(TenantRef ref, boolean fromLine) {
        if (inFlight < maxInFlight && (fromLine || waitingForSlot.isEmpty())) {
            inFlight++;
            return true;
        }
        waitingForSlot.add(ref);
        return false;
    }

    void requestDone() {
        inFlight--;
    }

    int inFlight() {
        return inFlight;
    }
}
