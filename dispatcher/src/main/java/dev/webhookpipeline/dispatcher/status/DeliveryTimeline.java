package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.schema.DeliveryProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Webhooks delivered and attempts failed per minute over the last hour, over all tenants, and the
 * webhooks waiting at the end of each minute: the status page's chart. Counted from the changes of
 * the delivery states this instance reads (every instance reads them all, so every instance draws
 * the same chart): a tenant's delivered count is the rise of its last delivered webhook id, its
 * failures the rise of its failed attempts (a new failing streak counts from its first). A tenant's
 * first state seen since start-up only sets its baseline, so a restart shows no false burst.
 */
public final class DeliveryTimeline {

    public static final int MINUTES = 60;

    /** One minute: when it starts, webhooks delivered, attempts failed, and webhooks waiting at its end (-1: not seen). */
    public record Minute(Instant start, long delivered, long failed, long waiting) {}

    private final Clock clock;
    private final long[] minuteOf = new long[MINUTES]; // which epoch minute each slot holds
    private final long[] delivered = new long[MINUTES];
    private final long[] failed = new long[MINUTES];
    private final long[] waitingAtEnd = new long[MINUTES];
    private long waitingNow;

    public DeliveryTimeline(Clock clock) {
        this.clock = clock;
        Arrays.fill(minuteOf, Long.MIN_VALUE);
    }

    /** A tenant's delivery state changed from {@code before} (null: first seen) to {@code after} (null: removed). */
    public synchronized void record(DeliveryProgress before, DeliveryProgress after) {
        waitingNow += waiting(after) - waiting(before);
        long nowMinute = epochMinute(clock.instant());
        waitingAtEnd[slot(nowMinute)] = waitingNow;
        if (before == null || after == null) {
            return; // a baseline, or a tenant removed: nothing was delivered or failed
        }
        Instant at = after.getUpdatedAt() != null ? after.getUpdatedAt() : clock.instant();
        long minute = epochMinute(at);
        if (minute > nowMinute || minute <= nowMinute - MINUTES) {
            return; // outside the hour shown (or a clock ahead of ours)
        }
        int slot = slot(minute);
        delivered[slot] += Math.max(0, after.getLastDeliveredWebhookId() - before.getLastDeliveredWebhookId());
        failed[slot] += newFailures(before, after);
    }

    /** The last {@value #MINUTES} minutes, oldest first, the current one last. */
    public synchronized List<Minute> minutes() {
        long nowMinute = epochMinute(clock.instant());
        waitingAtEnd[slot(nowMinute)] = waitingNow;
        List<Minute> minutes = new ArrayList<>(MINUTES);
        for (long m = nowMinute - MINUTES + 1; m <= nowMinute; m++) {
            int slot = (int) Math.floorMod(m, MINUTES);
            Instant start = Instant.ofEpochSecond(m * 60);
            minutes.add(minuteOf[slot] == m ? new Minute(start, delivered[slot], failed[slot], waitingAtEnd[slot])
                    : new Minute(start, 0, 0, -1));
        }
        return minutes;
    }

    /** The slot of an epoch minute, cleared first if it still holds an older minute. */
    private int slot(long minute) {
        int slot = (int) Math.floorMod(minute, MINUTES);
        if (minuteOf[slot] != minute) {
            minuteOf[slot] = minute;
            delivered[slot] = 0;
            failed[slot] = 0;
            waitingAtEnd[slot] = -1;
        }
        return slot;
    }

    private static long newFailures(DeliveryProgress before, DeliveryProgress after) {
        int was = before.getFailedAttempts();
        int is = after.getFailedAttempts();
        if (is > was) {
            return is - was;
        }
        boolean newStreak = is > 0 && !Objects.equals(before.getFailingSince(), after.getFailingSince());
        return newStreak ? is : 0;
    }

    private static long waiting(DeliveryProgress p) {
        return p == null ? 0 : TenantQueueStatus.queueOf(p).waiting();
    }

    private static long epochMinute(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), Duration.ofMinutes(1).toSeconds());
    }
}
