package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound records that cannot be delivered, on their way to the dead-letter topic. A record stays
 * pending — and holds its partition's commit below it — until the write is acknowledged; a failed
 * write is retried ({@link Backoff#DEAD_LETTER}) for as long as the partition is owned here.
 */
final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    static final class Pending {
        final ConsumerRecord<String, byte[]> record;
        final String reason;
        final String message;
        int failures;
        /** Ticker time of the next try after a failure; 0 while a write is in flight. */
        long retryAt;

        Pending(ConsumerRecord<String, byte[]> record, String reason, String message) {
            this.record = record;
            this.reason = reason;
            this.message = message;
        }
    }

    private record Result(PartitionState state, long offset, Exception error) {}

    private final DeadLetterWriter writer;
    private final Runnable wake;
    private final DeliveryMetrics metrics;
    private final Queue<Result> results = new ConcurrentLinkedQueue<>();

    DeadLetters(DeadLetterWriter writer, Runnable wake, DeliveryMetrics metrics) {
        this.writer = writer;
        this.wake = wake;
        this.metrics = metrics;
    }

    void write(PartitionState state, ConsumerRecord<String, byte[]> record, String reason, String message) {
        log.error("outbound record {}@{} cannot be delivered ({}): moving it to the dead-letter topic",
                state.partition(), record.offset(), reason);
        Pending pending = new Pending(record, reason, message);
        state.deadLetters().put(record.offset(), pending);
        send(state, pending);
    }

    private void send(PartitionState state, Pending pending) {
        pending.retryAt = 0;
        long offset = pending.record.offset();
        writer.write(pending.record, pending.reason, pending.message, error -> {
            results.add(new Result(state, offset, error));
            wake.run();
        });
    }

    /** Applies acknowledgements and failures; {@code current} tells whether a partition state is still owned. */
    void applyResults(Map<?, PartitionState> current, long tickNow) {
        Result r;
        while ((r = results.poll()) != null) {
            if (current.get(r.state().partition()) != r.state()) {
                continue; // given away meanwhile: the new owner reads the record again
            }
            Pending pending = r.state().deadLetters().get(r.offset());
            if (pending == null) {
                continue;
            }
            if (r.error() == null) {
                r.state().deadLetters().remove(r.offset());
                metrics.deadLettered(pending.reason);
            } else {
                pending.failures++;
                long delay = Backoff.DEAD_LETTER.nanosAfter(pending.failures);
                pending.retryAt = tickNow + delay;
                log.warn("could not write the dead letter of {}@{} (attempt {}), retrying in {} ms: {}",
                        r.state().partition(), r.offset(), pending.failures, delay / 1_000_000, r.error().toString());
            }
        }
    }

    void retryDue(Iterable<PartitionState> states, long tickNow) {
        for (PartitionState state : states) {
            for (Pending pending : state.deadLetters().values()) {
                if (pending.retryAt != 0 && tickNow - pending.retryAt >= 0) {
                    send(state, pending);
                }
            }
        }
    }
}
