package dev.webhookpipeline.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes could not be turned into the expected Avro type. {@link #reason()} says why in a
 * stable code that the router writes to the dead-letter topic's headers.
 */
public class AvroDecodeException extends SerializationException {

    public enum Reason {
        /** Fewer than 5 bytes: not framed as Confluent Avro. */
        TOO_SHORT,
        /** First byte is not 0: not framed as Confluent Avro. */
        BAD_MAGIC_BYTE,
        /** The registry does not know the schema id in the frame. */
        UNKNOWN_SCHEMA_ID,
        /** The writer's schema cannot be read as the reader's (incompatible evolution). */
        INCOMPATIBLE_SCHEMA,
        /** The Avro binary does not match its own schema (truncated or corrupt). */
        MALFORMED_AVRO,
        /** The decoded record breaks a rule of the pipeline (e.g. a key that disagrees with its value). */
        INVALID_CONTENT
    }

    private final Reason reason;

    public AvroDecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
