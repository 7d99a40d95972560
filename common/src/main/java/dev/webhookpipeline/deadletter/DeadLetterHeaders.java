package dev.webhookpipeline.deadletter;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead-letter record, written the same way by every component: the input's own
 * headers, plus why it could not be processed and where it came from. Values are UTF-8 text. The
 * record's key and value stay the original bytes, except where a value could carry a secret (a
 * tenant config: {@link ConfigDeadLetters}), which {@link #VALUE} then says.
 */
public final class DeadLetterHeaders {
    /** Reason code, e.g. an {@link dev.webhookpipeline.serde.AvroDecodeException.Reason} name. */
    public static final String REASON = "dlq.reason";
    /** Human-readable explanation; never holds record content such as a secret. */
    public static final String MESSAGE = "dlq.message";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** Which component dead-lettered it: streams-router, dispatcher. */
    public static final String COMPONENT = "dlq.component";
    /**
     * Present only when the value is not the original bytes: how it was changed, e.g. a config's
     * secret masked, or the value removed ({@link ConfigDeadLetters}).
     */
    public static final String VALUE = "dlq.value";
    /**
     * On a record written back to its source topic by {@code webhookctl dead-letters requeue}: the
     * dead letter it came from, as topic/partition/offset. Not a {@code dlq.*} header: it stays if the
     * record is dead-lettered again.
     */
    public static final String REQUEUED_FROM = "requeued-from";

    private static final int MAX_MESSAGE_CHARS = 1000;
    /**
     * The largest original value a dead letter carries. A producer refuses a record over
     * {@code max.request.size} (1 MiB by default), so an input near that size plus the headers above
     * would fail to be dead-lettered — and a failed dead letter must never stop a reader or be
     * skipped. Larger values are left out; the source headers say where the original is.
     */
    public static final int MAX_VALUE_BYTES = 1024 * 1024 - 64 * 1024;

    private DeadLetterHeaders() {}

    /** The original headers with the dead-letter ones added (replacing those of an earlier dead-lettering). */
    public static Headers describe(Headers original, String reason, String message, String topic, int partition,
                                   long offset, String component) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.remove(VALUE); // from an earlier dead-lettering: only the one who changes the value sets it
        String text = message == null ? "" : message;
        put(headers, REASON, reason);
        put(headers, MESSAGE, text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "..." : text);
        put(headers, SOURCE_TOPIC, topic);
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
        put(headers, COMPONENT, component);
        return headers;
    }

    /** Adds {@link #VALUE} (when {@code note} is not null) to headers made by {@link #describe}. */
    public static Headers noteValue(Headers headers, String note) {
        if (note != null) {
            put(headers, VALUE, note);
        }
        return headers;
    }

    /**
     * The value a dead letter of {@code original} can carry: the original itself, or null (noted in
     * {@link #VALUE}) when it is larger than {@link #MAX_VALUE_BYTES}.
     */
    public static byte[] valueThatFits(byte[] original, Headers headers) {
        if (original == null || original.length <= MAX_VALUE_BYTES) {
            return original;
        }
        noteValue(headers, "removed: " + original.length + " bytes is too large for a dead letter; the original is at "
                + SOURCE_TOPIC + "/" + SOURCE_PARTITION + "/" + SOURCE_OFFSET + " until its retention ends");
        return null;
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one of these headers back, for tests and tools; null when absent. */
    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
