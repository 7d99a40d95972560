package dev.webhookpipeline.dispatcher.engine;

import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Writes a record that cannot be delivered to the dead-letter topic, asynchronously. */
@FunctionalInterface
public interface DeadLetterWriter {
    /** @param onDone called once, on any thread, with null when the write is acknowledged, or the error */
    void write(ConsumerRecord<String, byte[]> record, String reason, String message, Consumer<Exception> onDone);
}
