package dev.webhookpipeline.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline: the only way these tests wait for the pipeline. */
final class Waits {
    private Waits() {}

    static void until(String what, Duration timeout, long seed, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("[seed=" + seed + "] timed out after " + timeout + " waiting for: " + what);
            }
            pause();
        }
    }

    /** One polling interval. */
    static void pause() {
        try {
            Thread.sleep(50); // the polling interval of a deadline loop, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
