package dev.webhookpipeline.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Waiting for Kafka to acknowledge a write, with one wording for each way it can fail. */
public final class Acknowledgement {

    private Acknowledgement() {}

    /**
     * Waits for {@code sent}, a write to {@code topic}.
     *
     * @throws IllegalStateException when the write failed, was not acknowledged within {@code timeout},
     *                               or the wait was interrupted (the interrupt flag is set again)
     */
    public static RecordMetadata await(Future<RecordMetadata> sent, String topic, Duration timeout) {
        try {
            return sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the write to " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        }
    }
}
