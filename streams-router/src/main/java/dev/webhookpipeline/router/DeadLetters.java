package dev.webhookpipeline.router;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The dead-letter record the router writes: the input's original bytes with {@link DeadLetterHeaders}. */
final class DeadLetters {
    private DeadLetters() {}

    static Record<byte[], byte[]> of(Record<byte[], byte[]> input, RecordMetadata source, String reason, String message) {
        var headers = DeadLetterHeaders.describe(input.headers(), reason, message, source.topic(), source.partition(),
                source.offset(), "streams-router");
        return new Record<>(input.key(), DeadLetterHeaders.valueThatFits(input.value(), headers), input.timestamp(), headers);
    }
}
