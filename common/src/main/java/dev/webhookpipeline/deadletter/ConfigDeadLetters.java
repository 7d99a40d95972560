package dev.webhookpipeline.deadletter;

import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.registry.SchemaRegistryException;
import dev.webhookpipeline.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * What a dead letter of a tenant-config record may carry. Analysts read the dead-letter topic; a
 * config holds the tenant's secret, which must never reach them.
 *
 * <ul>
 *   <li>Bytes that decode with their own (writer) schema are re-encoded with the same schema id and
 *   every secret field masked as {@value #MASK}: the dead letter stays a readable config.
 *   <li>Bytes that cannot be decoded at all are <em>removed</em> (the dead letter has no value): a
 *   truncated or bit-flipped config still holds its secret in plain text, and there is no way to
 *   tell where. The key (tenant id), the headers and the source topic/partition/offset stay, so
 *   someone allowed to read the config topic can find the original.
 * </ul>
 * Either way {@link DeadLetterHeaders#VALUE} says what was done.
 */
public final class ConfigDeadLetters {

    /** What replaces a secret. */
    public static final String MASK = "***";
    /** {@link DeadLetterHeaders#VALUE} of a dead letter whose secret was masked. */
    public static final String SECRET_MASKED = "secret masked";

    private ConfigDeadLetters() {}

    /** The value to dead-letter, and the {@link DeadLetterHeaders#VALUE} note saying how it differs from the input. */
    public record Redacted(byte[] value, String note) {}

    /**
     * @param value the config record's bytes (Confluent-framed Avro, or anything)
     * @throws SchemaRegistryException only when the registry is unavailable ({@link RecordFailure#isOutage}):
     *         wait, and dead-letter the record once it answers
     */
    public static Redacted redact(byte[] value, SchemaRegistryClient registry) {
        if (value == null) {
            return new Redacted(null, null);
        }
        try {
            int id = WireFormat.schemaId(value);
            Schema writer = registry.schemaById(id);
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.HEADER_SIZE,
                    value.length - WireFormat.HEADER_SIZE, null);
            Object datum = new GenericDatumReader<>(writer).read(null, decoder);
            if (!decoder.isEnd() || !(datum instanceof GenericRecord record) || !mask(record)) {
                return removed(value, "it does not decode as a record whose secrets can be masked");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(value.length);
            out.write(value, 0, WireFormat.HEADER_SIZE);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
            encoder.flush();
            return new Redacted(out.toByteArray(), SECRET_MASKED);
        } catch (SchemaRegistryException e) {
            if (RecordFailure.isRegistryOutage(e.status())) {
                throw e;
            }
            return removed(value, "its schema id is unknown");
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return removed(value, "it cannot be decoded");
        }
    }

    private static Redacted removed(byte[] value, String why) {
        return new Redacted(null, "removed: the " + value.length + " bytes may hold a secret and " + why);
    }

    /** Masks every secret field, also in nested records; false when one cannot be masked (not a string). */
    private static boolean mask(GenericRecord record) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (isSecret(field.name())) {
                if (value instanceof CharSequence) {
                    record.put(field.pos(), MASK);
                } else if (value instanceof ByteBuffer) {
                    record.put(field.pos(), ByteBuffer.wrap(MASK.getBytes(StandardCharsets.UTF_8)));
                } else if (value != null) {
                    return false;
                }
            } else if (!maskWithin(value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean maskWithin(Object value) {
        if (value instanceof GenericRecord nested) {
            return mask(nested);
        }
        if (value instanceof Collection<?> items) {
            return items.stream().allMatch(ConfigDeadLetters::maskWithin);
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().allMatch(ConfigDeadLetters::maskWithin);
        }
        return true;
    }

    /** {@code secret} and any future field (or header) named like one; {@code secret_header} only names a header. */
    public static boolean isSecret(String fieldName) {
        String name = fieldName.toLowerCase(Locale.ROOT);
        return name.contains("secret") && !name.equals("secret_header");
    }
}
