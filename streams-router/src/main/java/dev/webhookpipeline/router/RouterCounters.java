package dev.webhookpipeline.router;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The one place the router counts what it did with each input record, per {@link Outcome}. Shared
 * by all stream threads and tasks of a process; read by the periodic stats log line and, later, by
 * the metrics exporter.
 *
 * <p>These are process-local counters of work done, not exactly-once facts: after a crash the
 * records of an aborted transaction are processed again and counted again (the outbound topic,
 * not these counts, is exactly-once).
 */
public final class RouterCounters {

    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

    public RouterCounters() {
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, new LongAdder());
        }
    }

    void record(Outcome outcome) {
        counts.get(outcome).increment();
    }

    public long count(Outcome outcome) {
        return counts.get(outcome).sum();
    }

    /** Every outcome with its count, in enum order. */
    public Map<Outcome, Long> snapshot() {
        Map<Outcome, Long> snapshot = new EnumMap<>(Outcome.class);
        counts.forEach((outcome, adder) -> snapshot.put(outcome, adder.sum()));
        return snapshot;
    }

    /** One log-friendly line, e.g. {@code routed=120 dead-lettered=1 dropped-disabled=3 ...}. */
    public String summary() {
        return snapshot().entrySet().stream().map(e -> e.getKey().metricName() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
