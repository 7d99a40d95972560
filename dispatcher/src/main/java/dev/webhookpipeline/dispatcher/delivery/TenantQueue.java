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
 * <p>Memory is bounded: at most {@code capacity} webhooks (one batch while failing or held), and
 * bytes within the partition's {@link BufferBudget}. Webhooks it cannot hold are not lost: the
 * queue remembers the offset of the first one it let go ({@link #overflowFrom()}), the partition
 * is re-read from there when there is room again, and webhook ids (which only grow) tell which
 * re-read records are already queued.
 *
 * <p>Re-deliveries (copies of webhooks the tenant already received, written to the outbound topic
 * by an operator, {@link QueuedWebhook#isRedelivery()}) take their place in offset order like any
 * other webhook; only their ids are old, so they are told apart from re-read records by offset
 * instead, and they never move the tenant's delivered id. A request never mixes first-time
 * webhooks with re-deliveries, nor two re-delivery requests.
 *
 * <p>Not thread-safe: owned by the dispatcher's poll thread.
 */
public final class TenantQueue {

    public static final int MAX_BATCH = 100;
    public static final int RECENT_FAILURES = 10;

    /** What happened to an offered record. */
    public enum Offer { QUEUED, ALREADY_SEEN, OVERFLOWED }

    private final String tenantId;
    private final int capacity;
    private final BufferBudget budget;
    private final Deque<QueuedWebhook> queue = new ArrayDeque<>();
    private long bytes;
    /** What this queue counts against the budget: its bytes beyond the head webhook. */
    private long counted;
    private boolean holding;
    /** Highest id of a first-time webhook queued or delivered: first-time records at or below it are skipped. */
    private long lastSeenId;
    /** Highest offset queued or delivered (either kind): re-deliveries at or below it are skipped; -1 = none known. */
    private long lastSeenOffset = -1;
    /**
     * Highest offset of a record this queue took or skipped as seen since it was created (not
     * restored: a re-created topic starts its offsets again); -1 = none. A record of the tenant at
     * or below it is one this queue already judged, so a re-read passes over it without decoding.
     */
    private long readThroughOffset = -1;
    /** Offset of the last webhook answered 200 (either kind); -1 = none known. */
    private long lastDeliveredOffset = -1;
    /** Re-deliveries in the queue: while 0, every queued webhook may share a request. */
    private int redeliveriesQueued;
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
        this(tenantId, lastDeliveredId, capacity, BufferBudget.unlimited());
    }

    public TenantQueue(String tenantId, long lastDeliveredId, int capacity, BufferBudget budget) {
        if (capacity < MAX_BATCH) {
            throw new IllegalArgumentException("a tenant queue must hold at least one full batch (" + MAX_BATCH + ")");
        }
        this.tenantId = tenantId;
        this.capacity = capacity;
        this.budget = budget;
        this.lastSeenId = lastDeliveredId;
        this.lastDeliveredId = lastDeliveredId;
        this.highestKnownId = lastDeliveredId;
    }

    /**
     * Restores the state recorded by the previous owner of the partition, so a restart or
     * rebalance neither resets the tenant's backoff nor repeats what it delivered.
     */
    public void restore(long highestKnownId, long lastDeliveredOffset, Instant lastDeliveredAt, int failedAttempts,
                        Instant failingSince, Instant nextAttemptAt, List<Attempt> failures) {
        this.highestKnownId = Math.max(this.highestKnownId, highestKnownId);
        this.lastDeliveredOffset = Math.max(this.lastDeliveredOffset, lastDeliveredOffset);
        this.lastSeenOffset = Math.max(this.lastSeenOffset, lastDeliveredOffset);
        this.lastDeliveredAt = lastDeliveredAt;
        this.failedAttempts = failedAttempts;
        this.failingSince = failedAttempts > 0 ? failingSince : null;
        this.nextAttemptAt = failedAttempts > 0 ? nextAttemptAt : null;
        failures.stream().limit(RECENT_FAILURES).forEach(recentFailures::addLast);
    }

    public String tenantId() {
        return tenantId;
    }

    /** Takes the next record of the tenant's partition, in offset order. */
    public Offer offer(QueuedWebhook webhook) {
        boolean redelivery = webhook.isRedelivery();
        if (!redelivery) {
            highestKnownId = Math.max(highestKnownId, webhook.webhookId());
        }
        // Delivered before a restart, or re-read after an overflow. First-time webhooks are told by
        // id (which survives a re-created topic), re-deliveries by offset (their ids are old).
        if (redelivery ? webhook.offset() <= lastSeenOffset : webhook.webhookId() <= lastSeenId) {
            readThroughOffset = Math.max(readThroughOffset, webhook.offset());
            return Offer.ALREADY_SEEN;
        }
        if (overflowFrom >= 0 || queue.size() >= roomFor()
                || (!queue.isEmpty() && !budget.makeRoom(this, webhook.bytes()))) {
            if (overflowFrom < 0) {
                overflowFrom = webhook.offset();
            }
            return Offer.OVERFLOWED;
        }
        queue.addLast(webhook);
        bytes += webhook.bytes();
        if (redelivery) {
            redeliveriesQueued++;
        } else {
            lastSeenId = webhook.webhookId();
        }
        lastSeenOffset = Math.max(lastSeenOffset, webhook.offset());
        readThroughOffset = Math.max(readThroughOffset, webhook.offset());
        recount();
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
            trimTo(Math.max(inFlight, MAX_BATCH), Long.MAX_VALUE);
        }
        held = hold;
    }

    public boolean held() {
        return held;
    }

    /** Lets go of tail webhooks (never those in flight, never the head) until the counted bytes fit. */
    void trimCountedTo(long maxCounted) {
        trimTo(Integer.MAX_VALUE, maxCounted);
    }

    private void trimTo(int keep, long maxCounted) {
        int floor = Math.max(inFlight, 1);
        boolean dropped = false;
        while (queue.size() > floor && (queue.size() > keep || counted > maxCounted)) {
            QueuedWebhook last = queue.removeLast(); // re-read from Kafka when there is room again
            bytes -= last.bytes();
            if (last.isRedelivery()) {
                redeliveriesQueued--;
            }
            overflowFrom = last.offset();
            dropped = true;
            recount();
        }
        if (dropped) { // what is left is all that counts as seen: the rest comes again with the re-read
            lastSeenOffset = queue.peekLast().offset();
            readThroughOffset = lastSeenOffset;
            lastSeenId = lastDeliveredId;
            for (var it = queue.descendingIterator(); it.hasNext(); ) {
                QueuedWebhook kept = it.next();
                if (!kept.isRedelivery()) {
                    lastSeenId = kept.webhookId();
                    break;
                }
            }
        }
    }

    /** How many webhooks from the head may share one request: all of them, unless re-deliveries are queued. */
    private int sameRequestRun(int atMost) {
        if (redeliveriesQueued == 0) {
            return Math.min(atMost, queue.size());
        }
        var it = queue.iterator();
        QueuedWebhook head = it.next();
        int run = 1;
        while (run < atMost && it.hasNext() && it.next().sameRequestAs(head)) {
            run++;
        }
        return run;
    }

    /** Keeps {@link #counted} and the budget's totals in step with the queue. */
    private void recount() {
        long nowCounted = queue.isEmpty() ? 0 : bytes - queue.peekFirst().bytes();
        boolean nowHolding = !queue.isEmpty();
        budget.changed(nowCounted - counted, (nowHolding ? 1 : 0) - (holding ? 1 : 0));
        counted = nowCounted;
        holding = nowHolding;
    }

    public long countedBytes() {
        return counted;
    }

    public long bytes() {
        return bytes;
    }

    /** Records that a wake-up at {@code at} is scheduled; false when one for that instant already is. */
    public boolean scheduleWake(Instant at) {
        if (at.equals(scheduledWake)) {
            return false;
        }
        scheduledWake = at;
        return true;
    }

    /** How many webhooks the next request would carry if it went now; 0 when the tenant must wait. */
    public int readyToSend(Instant now, boolean batching, Duration batchWindow) {
        if (held || inFlight > 0 || queue.isEmpty() || (nextAttemptAt != null && now.isBefore(nextAttemptAt))) {
            return 0;
        }
        int size = batching ? sameRequestRun(MAX_BATCH) : 1;
        boolean retry = failedAttempts > 0;
        if (batching && !retry && size < MAX_BATCH && size == queue.size()
                && now.isBefore(queue.peekFirst().queuedAt().plus(batchWindow))) {
            return 0; // let the batch fill until the window closes (unless what follows may not join it)
        }
        return size;
    }

    /**
     * The webhooks to send now, marked in flight, or an empty list when the tenant must wait
     * (request in flight, nothing queued, held, backing off, or the batch window still open).
     */
    public List<QueuedWebhook> nextRequest(Instant now, boolean batching, Duration batchWindow) {
        return nextRequest(now, batching, batchWindow, 1);
    }

    /**
     * As {@link #nextRequest(Instant, boolean, Duration)}, but an unbatched tenant hands over a run
     * of up to {@code unbatchedRun} webhooks, to be sent one per request, in order, each only after
     * the previous one got its 200 (so its next webhook does not wait for the dispatcher's loop).
     */
    public List<QueuedWebhook> nextRequest(Instant now, boolean batching, Duration batchWindow, int unbatchedRun) {
        int size = readyToSend(now, batching, batchWindow);
        if (size == 0) {
            return List.of();
        }
        if (!batching) {
            size = sameRequestRun(Math.max(1, unbatchedRun));
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
        delivered(inFlight, at);
    }

    /**
     * The first {@code count} webhooks in flight were answered with success and leave the queue;
     * the rest of a run (not sent, or failed: then {@link #failed} follows) stay at the head.
     */
    public void delivered(int count, Instant at) {
        if (count < 0 || count > inFlight) {
            throw new IllegalArgumentException("delivered " + count + " of " + inFlight + " in flight");
        }
        for (int i = 0; i < count; i++) {
            QueuedWebhook sent = queue.removeFirst();
            bytes -= sent.bytes();
            if (sent.isRedelivery()) {
                redeliveriesQueued--;
            } else {
                lastDeliveredId = sent.webhookId();
            }
            lastDeliveredOffset = sent.offset();
        }
        recount();
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
        trimTo(Math.max(attempted, 1), Long.MAX_VALUE);
    }

    /** Refresh: forget the recent failures shown in the status (the backoff itself is unchanged). */
    public void refresh() {
        recentFailures.clear();
    }

    /** Retry now: ignore the backoff (the failure count stays, for the schedule that follows). */
    public void retryNow(Instant now) {
        if (nextAttemptAt != null) {
            nextAttemptAt = now;
        }
    }

    /**
     * True when webhooks were let go and the queue has room again — half of it, so that a busy
     * tenant's next webhooks are on their way while it still sends the rest. Never while failing
     * or held: then the queue keeps only one batch. The partition should be re-read from
     * {@link #overflowFrom()}; {@link #rereadStarted()} then clears the mark.
     */
    public boolean needsReread() {
        return overflowFrom >= 0 && failedAttempts == 0 && !held && queue.size() <= capacity / 2
                && budget.hasRoomFor(this);
    }

    /**
     * Whether a record of this tenant at {@code offset} can be passed over without decoding it: the
     * queue already judged it (taken, or skipped as seen) on an earlier read, or it let a webhook go
     * and takes nothing more until the partition is re-read from there (this record comes again).
     * Decoding is most of the poll thread's work, and a re-read for one tenant brings back every
     * other tenant's records of the partition.
     */
    public boolean passesOver(long offset) {
        return overflowFrom >= 0 || offset <= readThroughOffset;
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

    public long lastDeliveredOffset() {
        return lastDeliveredOffset;
    }

    /** Re-delivered webhooks queued here, not yet answered 200. */
    public int redeliveriesQueued() {
        return redeliveriesQueued;
    }

    public Instant lastDeliveredAt() {
        return lastDeliveredAt;
    }

    public long highestKnownId() {
        return highestKnownId;
    }

    /** Webhooks read for the tenant and not yet answered 200. */
    public long waiting() {
        return Math.max(0, highestKnownId - lastDeliveredId);
    }

    /** When the oldest webhook still queued here was produced; null when none is. */
    public Instant oldestQueuedAt() {
        return queue.isEmpty() ? null : queue.peekFirst().occurredAt();
    }

    public List<Attempt> recentFailures() {
        return List.copyOf(recentFailures);
    }

    public long overflowFrom() {
        return overflowFrom;
    }
}
