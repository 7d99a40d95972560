package dev.webhookpipeline.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline: how the tests wait for the pipeline (never a bare sleep). */
public final class Await {

    private static final Duration INTERVAL = Duration.ofMillis(20);

    private Await() {}

    /** Returns once {@code condition} holds; fails, naming {@code what}, after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            pause();
        }
    }

    /** One polling interval of a deadline loop. */
    public static void pause() {
        try {
            Thread.sleep(INTERVAL.toMillis()); // the polling interval, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
