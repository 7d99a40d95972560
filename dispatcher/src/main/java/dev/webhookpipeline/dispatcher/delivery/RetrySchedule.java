package dev.webhookpipeline.dispatcher.delivery;

import java.time.Duration;

/**
 * The one retry schedule: after failed attempt n (n = 1..12) a tenant waits 30 s × 2^(n−1)
 * (30 s, 1 min, 2 min, … 17 h 4 min); after the 12th, once a day.
 */
public final class RetrySchedule {

    public static final RetrySchedule STANDARD = new RetrySchedule(Duration.ofSeconds(30), 12, Duration.ofDays(1));

    private final Duration first;
    private final int doublings;
    private final Duration thereafter;

    public RetrySchedule(Duration first, int doublings, Duration thereafter) {
        this.first = first;
        this.doublings = doublings;
        this.thereafter = thereafter;
    }

    /** How long to wait after the {@code failedAttempts}-th consecutive failure (1-based). */
    public Duration delayAfter(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts starts at 1, got " + failedAttempts);
        }
        return failedAttempts <= doublings ? first.multipliedBy(1L << (failedAttempts - 1)) : thereafter;
    }
}
