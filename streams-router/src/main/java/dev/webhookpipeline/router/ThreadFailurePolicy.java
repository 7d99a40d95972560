package dev.webhookpipeline.router;

import dev.webhookpipeline.failure.RecordFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a stream thread dies. A record's content never gets here: the processors apply
 * {@link RecordFailure} to every exception a record makes them throw and dead-letter all but
 * outages. So an escaping exception is either an outage — the registry or a broker unreachable —
 * or a failure outside any record (state store, commit, an Error such as running out of memory).
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

    /**
     * A registry or broker that cannot be reached right now, anywhere in the cause chain: the same
     * rule the processors apply to each record ({@link RecordFailure}).
     */
    static boolean isOutage(Throwable error) {
        return RecordFailure.isOutage(error);
    }
}
