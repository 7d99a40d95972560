package dev.webhookpipeline.dispatcher.engine;

import java.time.Duration;

/**
 * Doubling waits, {@code first}, 2 × {@code first}, … up to {@code max}: how the engine retries its
 * own dependencies. (A tenant's endpoint follows the delivery contract's {@code RetrySchedule}.)
 */
record Backoff(Duration first, Duration max) {

    /** A partition waiting for the schema registry: 100 ms, 200 ms, … 5 s. */
    static final Backoff REGISTRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** A dead-letter write that failed: 1 s, 2 s, … 30 s. */
    static final Backoff DEAD_LETTER = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** The wait after the {@code failures}-th consecutive failure (1-based), in nanoseconds. */
    long nanosAfter(int failures) {
        long doubled = first.toNanos() << Math.min(Math.max(failures - 1, 0), 20);
        return Math.min(max.toNanos(), doubled);
    }
}
