package dev.webhookpipeline.testing;

import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Building blocks of bad input, written the way a foreign client could write them: Confluent frames
 * around hand-made Avro binary, records whose fields break the schema's logical types, and hostile
 * JSON for event data. Shared by the fuzz tests of every module (common's test jar).
 */
public final class HostileRecords {

    private HostileRecords() {}

    /** Confluent framing: magic byte 0, schema id, then the Avro binary. */
    public static byte[] framed(int schemaId, byte[] avro) {
        return ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(schemaId).put(avro).array();
    }

    /** The Avro binary of a record of {@code schema} holding {@code values} in field order, written generically. */
    public static byte[] avro(Schema schema, Object... values) {
        GenericRecord record = new GenericData.Record(schema);
        for (int i = 0; i < values.length; i++) {
            record.put(i, values[i]);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Avro's zig-zag varint of a long: how lengths, counts and enum indexes are written. */
    public static byte[] varint(long value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeLong(value);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * The Avro binary of a DomainEvent written generically, so any text can stand in the uuid
     * {@code event_id} and any JSON text in {@code data}.
     */
    public static byte[] eventAvro(String eventId, String tenant, EventType type, String data) {
        Schema schema = DomainEvent.getClassSchema();
        GenericRecord subject = new GenericData.Record(schema.getField("subject").schema());
        return avro(schema, eventId, tenant, new GenericData.EnumSymbol(schema.getField("type").schema(), type.name()),
                Instant.now().toEpochMilli(), subject, data);
    }

    /** The Avro binary of a WebhookConfig written generically (any tenant id, any secret). */
    public static byte[] configAvro(String tenant, String secret) {
        Schema schema = WebhookConfig.getClassSchema();
        Schema types = schema.getField("enabled_events").schema();
        long now = Instant.now().toEpochMilli();
        return avro(schema, tenant, true, false, "https://example.com/hook", secret,
                new GenericData.Array<>(types, List.of(new GenericData.EnumSymbol(types.getElementType(), "TASK_CREATED"))),
                null, now, now);
    }

    /** A valid event id: most hostile records keep it, to test the other fields. */
    public static String uuid() {
        return UUID.randomUUID().toString();
    }

    // ---- hostile JSON for event data ----

    public static String deeplyNested(int depth) {
        return "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    public static String longNumber(int digits) {
        return "{\"n\":" + "7".repeat(digits) + "}";
    }

    /** A string value with an unpaired surrogate, raw (not escaped): invalid UTF-16 that Avro writes as '?'. */
    public static String loneSurrogate() {
        return "{\"s\":\"a\uD800b\",\"t\":\"\\udc00\"}";
    }

    public static String hugeString(int chars) {
        return "{\"s\":\"" + "x".repeat(chars) + "\"}";
    }
}
