package dev.webhookpipeline.router;

import dev.webhookpipeline.registry.SchemaRegistryException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a stream thread dies. Bad data never gets here (it is dead-lettered), so an
 * escaping exception is either an outage — the registry or a broker unreachable — or a bug.
 * Outages are waited out: the thread is replaced and resumes from the last commit, as often as it
 * takes (the registry client's backoff paces it). Anything else is replaced a few times, in case it
 * was a fluke; failing {@code maxFailures} times within {@code window} shuts the router down (exit
 * 1), so that an orchestrator restarts it and someone is told, instead of a silent loop.
 */
final class ThreadFailurePolicy {

    static final int MAX_FAILURES = 3;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final Deque<Instant> failures = new ArrayDeque<>();

    ThreadFailurePolicy(Clock clock, int maxFailures, Duration window) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
    }

    static ThreadFailurePolicy standard() {
        return new ThreadFailurePolicy(Clock.systemUTC(), MAX_FAILURES, WINDOW);
    }

    synchronized StreamThreadExceptionResponse onFailure(Throwable error) {
        if (isOutage(error)) {
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        Instant now = clock.instant();
        failures.addLast(now);
        while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(window))) {
            failures.removeFirst();
        }
        return failures.size() >= maxFailures ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT
                : StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** A registry or broker that cannot be reached right now, anywhere in the cause chain. */
    static boolean isOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException registry) {
                return registry.isUnavailable(); // not an incompatible schema or an unknown id: those do not pass
            }
            if (t instanceof RetriableException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
