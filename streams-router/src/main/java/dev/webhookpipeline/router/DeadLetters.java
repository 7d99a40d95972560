package dev.webhookpipeline.router;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The dead-letter record the router writes: the input's original key and value bytes, its original
 * headers, plus headers saying why and where it came from. Values are UTF-8 text.
 */
public final class DeadLetters {
    /** Reason code: an {@link dev.webhookpipeline.serde.AvroDecodeException.Reason} name. */
    public static final String REASON = "dlq.reason";
    /** Human-readable explanation (never holds record content such as a secret). */
    public static final String MESSAGE = "dlq.message";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** Which component dead-lettered it. */
    public static final String COMPONENT = "dlq.component";

    private static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetters() {}

    static Record<byte[], byte[]> of(Record<byte[], byte[]> input, RecordMetadata source, String reason, String message) {
        Headers headers = new RecordHeaders(input.headers().toArray());
        put(headers, REASON, reason);
        put(headers, MESSAGE, message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message);
        put(headers, SOURCE_TOPIC, source.topic());
        put(headers, SOURCE_PARTITION, Integer.toString(source.partition()));
        put(headers, SOURCE_OFFSET, Long.toString(source.offset()));
        put(headers, COMPONENT, "streams-router");
        return new Record<>(input.key(), input.value(), input.timestamp(), headers);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name); // a record that was dead-lettered before keeps only the newest reason
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one of these headers back, for tests and tools; null when absent. */
    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
