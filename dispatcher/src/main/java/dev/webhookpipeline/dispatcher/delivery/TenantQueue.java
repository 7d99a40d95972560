package dev.webhookpipeline.dispatcher.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One tenant's webhooks on one dispatcher, and the rules of when the next request may go:
 * strictly one request at a time, the head first; after a failure the whole queue waits for the
 * retry schedule; batches fill up to 100 or wait out the batch window.
 *
 * <p>Memory is bounded: the queue holds at most {@code capacity} webhooks, and while the tenant
 * is failing only the webhooks of its failed attempt. Webhooks it cannot hold are not lost: the
 * queue remembers the offset of the first one it let go ({@link #overflowFrom()}), the partition
 * is re-read from there when there is room again, and webhook ids (which only grow) tell which
 * re-read records are already queued.
 *
 * <p>Not thread-safe: owned by the dispatcher's poll thread.
 */
public final class TenantQueue {

    public static final int MAX_BATCH = 100;

    private final String tenantId;
    private final int capacity;
    private final Deque<QueuedWebhook> queue = new ArrayDeque<>();
    /** Highest webhook id queued or delivered: records at or below it are skipped. */
    private long lastSeenId;
    /** Highest webhook id read for the tenant, queued or not: minus lastDeliveredId = webhooks waiting. */
    private long highestKnownId;
    /** The most recent failed attempts still waiting, newest first; cleared by a success or {@link #refresh()}. */
    private final Deque<Attempt> recentFailures = new ArrayDeque<>();
    private long lastDeliveredId;
    private Instant lastDeliveredAt;
    /** Offset of the first webhook let go for lack of room; -1 when none. */
    private long overflowFrom = -1;
    private int inFlight;
    private int failedAttempts;
    private Instant nextAttemptAt;
    private Instant failingSince;
    /** Webhooks disabled or config deleted: nothing is sent, and only one batch is kept in memory. */
    private boolean held;
    /** The wake-up the scheduler already has for this tenant, to avoid duplicate timers. */
    private Instant scheduledWake;

    public TenantQueue(String tenantId, long lastDeliveredId, int capacity) {
        if (capacity < MAX_BATCH) {
            throw new IllegalArgumentException("a tenant queue must hold at least one full batch (" + MAX_BATCH + ")");
        }
        this.tenantId = tenantId;
        this.capacity = capacity;
        this.lastSeenId = lastDeliveredId;
        this.lastDeliveredId = lastDeliveredId;
        this.highestKnownId = lastDeliveredId;
    }

    public static final int RECENT_FAILURES = 10;

    /**
     * Restores a failure state recorded by the previous owner of the partition, so a restart or
     * rebalance does not reset the tenant's backoff.
     */
    public void restore(Instant lastDeliveredAt, int failedAttempts, Instant failingSince, Instant nextAttemptAt,
                        List<Attempt> failures) {
        this.lastDeliveredAt = lastDeliveredAt;
        this.failedAttempts = failedAttempts;
        this.failingSince = failedAttempts > 0 ? failingSince : null;
        this.nextAttemptAt = failedAttempts > 0 ? nextAttemptAt : null;
        failures.stream().limit(RECENT_FAILURES).forEach(recentFailures::addLast);
    }

    public String tenantId() {
        return tenantId;
    }

    /** What happened to an offered record. */
    public enum Offer { QUEUED, ALREADY_SEEN, OVERFLOWED }

    /** Takes the next record of the tenant's partition, in offset order. */
    public Offer offer(QueuedWebhook webhook) {
        highestKnownId = Math.max(highestKnownId, webhook.webhookId());
        if (webhook.webhookId() <= lastSeenId) {
            return Offer.ALREADY_SEEN; // delivered before a restart, or re-read after an overflow
        }
        if (overflowFrom >= 0 || queue.size() >= roomFor()) {
            if (overflowFrom < 0) {
                overflowFrom = webhook.offset();
            }
            return Offer.OVERFLOWED;
        }
        queue.addLast(webhook);
        lastSeenId = webhook.webhookId();
        return Offer.QUEUED;
    }

    private int roomFor() {
        return failedAttempts > 0 || held ? MAX_BATCH : capacity;
    }

    /**
     * Holds the tenant (webhooks disabled or config deleted) or releases it. Holding keeps at most
     * one batch in memory; the rest is re-read from Kafka once released.
     */
    public void hold(boolean hold) {
        if (hold && !held) {
            trimTo(Math.max(inFlight, MAX_BATCH));
        }
        held = hold;
    }

    public boolean held() {
        return held;
    }

    private void trimTo(int keep) {
        while (queue.size() > keep) {
            QueuedWebhook dropped = queue.removeLast(); // re-read from Kafka when there is room again
            overflowFrom = dropped.offset();
            lastSeenId = queue.isEmpty() ? lastDeliveredId : queue.peekLast().webhookId();
        }
    }

    /** Records that a wake-up at {@code at} is scheduled; false when one for that instant already is. */
    public boolean scheduleWake(Instant at) {
        if (at.equals(scheduledWake)) {
            return false;
        }
        scheduledWake = at;
        return true;
    }

    /**
     * The webhooks to send now, or an empty list when the tenant must wait (request in flight,
     * nothing queued, backing off, or the batch window still open).
     */
    public List<QueuedWebhook> nextRequest(Instant now, boolean batching, Duration batchWindow) {
        if (inFlight > 0 || queue.isEmpty() || (nextAttemptAt != null && now.isBefore(nextAttemptAt))) {
            return List.of();
        }
        int size = batching ? Math.min(MAX_BATCH, queue.size()) : 1;
        boolean retry = failedAttempts > 0;
        if (batching && !retry && size < MAX_BATCH && now.isBefore(queue.peekFirst().queuedAt().plus(batchWindow))) {
            return List.of(); // let the batch fill until the window closes
        }
        List<QueuedWebhook> request = new ArrayList<>(size);
        var it = queue.iterator();
        for (int i = 0; i < size; i++) {
            request.add(it.next());
        }
        inFlight = size;
        return request;
    }

    /** When this tenant next needs looking at without new input; null = only on new input. */
    public Instant wakeAt(boolean batching, Duration batchWindow) {
        if (inFlight > 0 || queue.isEmpty()) {
            return null;
        }
        if (nextAttemptAt != null) {
            return nextAttemptAt;
        }
        if (batching && queue.size() < MAX_BATCH) {
            return queue.peekFirst().queuedAt().plus(batchWindow);
        }
        return null;
    }

    /** The request in flight was answered with success: its webhooks leave the queue. */
    public void delivered(Instant at) {
        for (int i = 0; i < inFlight; i++) {
            lastDeliveredId = queue.removeFirst().webhookId();
        }
        lastDeliveredAt = at;
        inFlight = 0;
        recentFailures.clear(); // nothing of theirs is waiting any more
        failedAttempts = 0;
        nextAttemptAt = null;
        failingSince = null;
    }

    /** The request in flight failed: back off, and keep only the failed attempt's webhooks. */
    public void failed(Attempt attempt, Instant at, RetrySchedule schedule) {
        recentFailures.addFirst(attempt);
        while (recentFailures.size() > RECENT_FAILURES) {
            recentFailures.removeLast();
        }
        int attempted = inFlight;
        inFlight = 0;
        failedAttempts++;
        if (failingSince == null) {
            failingSince = at;
        }
        nextAttemptAt = at.plus(schedule.delayAfter(failedAttempts));
        trimTo(Math.max(attempted, 1));
    }

    /** The request in flight will never complete here (partition revoked): forget it was sent. */
    public void abandonInFlight() {
        inFlight = 0;
    }

    /** Refresh: forget the recent failures shown in the status (the backoff itself is unchanged). */
    public void refresh() {
        recentFailures.clear();
    }

    public List<Attempt> recentFailures() {
        return List.copyOf(recentFailures);
    }

    public long highestKnownId() {
        return highestKnownId;
    }

    /** Webhooks read for the tenant and not yet answered 200. */
    public long waiting() {
        return Math.max(0, highestKnownId - lastDeliveredId);
    }

    /** When the oldest webhook still queued here was queued; null when none is. */
    public Instant oldestQueuedAt() {
        return queue.isEmpty() ? null : queue.peekFirst().occurredAt();
    }

    /** The tenant's state as recorded on the delivery-state topic. Holds no secret. */
    public dev.webhookpipeline.schema.DeliveryProgress toProgress(Instant now) {
        return dev.webhookpipeline.schema.DeliveryProgress.newBuilder()
                .setTenantId(tenantId)
                .setLastDeliveredWebhookId(lastDeliveredId)
                .setLastDeliveredAt(lastDeliveredAt)
                .setHighestKnownWebhookId(highestKnownId)
                .setFailedAttempts(failedAttempts)
                .setFailingSince(failingSince)
                .setNextAttemptAt(nextAttemptAt)
                .setHeld(held)
                .setRecentFailures(recentFailures.stream().map(a -> dev.webhookpipeline.schema.FailedAttempt.newBuilder()
                        .setAt(a.at()).setFirstWebhookId(a.firstWebhookId()).setLastWebhookId(a.lastWebhookId())
                        .setAttempt(a.attemptNumber()).setStatus(a.status())
                        .setError(a.error() == null ? "" : a.error()).build()).toList())
                .setUpdatedAt(now)
                .build();
    }

    /** A queue for a tenant whose last recorded state is {@code progress} (from the previous owner). */
    public static TenantQueue from(dev.webhookpipeline.schema.DeliveryProgress progress, int capacity) {
        TenantQueue queue = new TenantQueue(progress.getTenantId(), progress.getLastDeliveredWebhookId(), capacity);
        queue.highestKnownId = Math.max(queue.highestKnownId, progress.getHighestKnownWebhookId());
        queue.restore(progress.getLastDeliveredAt(), progress.getFailedAttempts(), progress.getFailingSince(),
                progress.getNextAttemptAt(), progress.getRecentFailures().stream()
                        .map(f -> new Attempt(false, f.getStatus(), f.getError(), f.getAt(), 0, f.getFirstWebhookId(),
                                f.getLastWebhookId(), f.getAttempt())).toList());
        return queue;
    }

    /** Retry now: ignore the backoff (the failure count stays, for the schedule that follows). */
    public void retryNow(Instant now) {
        if (nextAttemptAt != null) {
            nextAttemptAt = now;
        }
    }

    /**
     * True when webhooks were let go and the queue has room again — half of it, so that a busy
     * tenant's next webhooks are on their way while it still sends the rest (re-reading only once
     * it ran dry would stall it once per {@code capacity} webhooks). Never while failing or held:
     * then the queue keeps only one batch. The partition should be re-read from
     * {@link #overflowFrom()}; calling {@link #rereadStarted()} then clears the mark.
     */
    public boolean needsReread() {
        return overflowFrom >= 0 && failedAttempts == 0 && !held && queue.size() <= capacity / 2;
    }

    public void rereadStarted() {
        overflowFrom = -1;
    }

    /** Lowest offset this tenant still needs: the commit of its partition must not pass it; -1 = none. */
    public long lowestNeededOffset() {
        long head = queue.isEmpty() ? -1 : queue.peekFirst().offset();
        if (head < 0) {
            return overflowFrom;
        }
        return overflowFrom < 0 ? head : Math.min(head, overflowFrom);
    }

    /** Nothing queued, in flight, let go or pending a retry: the state can be dropped. */
    public boolean idle() {
        return queue.isEmpty() && inFlight == 0 && overflowFrom < 0 && failedAttempts == 0;
    }

    public int size() {
        return queue.size();
    }

    public boolean inFlight() {
        return inFlight > 0;
    }

    public boolean failing() {
        return failedAttempts > 0;
    }

    public int failedAttempts() {
        return failedAttempts;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    public Instant failingSince() {
        return failingSince;
    }

    public long lastDeliveredId() {
        return lastDeliveredId;
    }

    public Instant lastDeliveredAt() {
        return lastDeliveredAt;
    }

    public long overflowFrom() {
        return overflowFrom;
    }
}
