package dev.webhookpipeline.serde;

import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro into a generated class, resolving the writer's schema (fetched by id)
 * against the class's own schema, so records written with an older schema read with the newest.
 *
 * <p>The contract every reader relies on ({@link dev.webhookpipeline.failure.RecordFailure}):
 * <ul>
 *   <li>any problem with the record's content — framing, an unknown or unusable schema id, Avro
 *   binary that does not match its schema (negative or oversized lengths, truncation, trailing
 *   bytes, an enum index out of range), a value its logical type rejects (an {@code event_id} that
 *   is not a UUID) — throws an {@link AvroDecodeException} with its {@link AvroDecodeException.Reason};
 *   <li>a plain {@link SerializationException} (never an AvroDecodeException) means only that the
 *   registry could not be used: unreachable, timed out, 5xx, 408/429, or refusing our credentials
 *   (401/403/407). That is an outage to wait out, not bad data.
 * </ul>
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        SchemaClasses.trust();
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private SchemaRegistryClient registry;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    public AvroDeserializer(Class<T> type) {
        this(type, null);
    }

    public AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(): set " + SerdeConfig.SCHEMA_REGISTRY_URL);
        }
        int id = WireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED_AVRO, "record of schema id " + id
                        + " has trailing bytes after the " + type.getSimpleName() + ": corrupt or not this schema", null);
            }
            return record;
        } catch (AvroDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Reading only looks at the bytes (the schemas are already at hand): whatever fails here is
            // the content — AvroRuntimeException for a negative length, UnsupportedOperationException
            // for an oversized one, EOFException for a truncated record, IllegalArgumentException from
            // a logical type's conversion (UUID.fromString), AvroTypeException, IndexOutOfBounds...
            throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED_AVRO, "cannot decode a "
                    + type.getSimpleName() + " from " + topic + " (schema id " + id + "): " + e, e);
        } catch (StackOverflowError e) {
            // A recursive schema's bytes can nest as deep as they like.
            throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED_AVRO, "cannot decode a "
                    + type.getSimpleName() + " from " + topic + " (schema id " + id + "): nested too deep", null);
        }
    }

    private SpecificDatumReader<T> readerFor(int id) {
        if (id <= 0) {
            // Registries number schemas from 1; no need to ask (and some answer odd ids with a 5xx).
            throw new AvroDecodeException(AvroDecodeException.Reason.UNKNOWN_SCHEMA_ID, "schema id " + id
                    + " is not a schema registry id: the record was not written by a schema-registry Avro serializer",
                    null);
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (isAboutTheId(e)) {
                throw new AvroDecodeException(AvroDecodeException.Reason.UNKNOWN_SCHEMA_ID, "schema id " + id
                        + " is unknown to the schema registry " + registry.url()
                        + ": the record was written against another registry, or its schema was deleted"
                        + (e.isNotFound() ? "" : " (answered " + e.status() + ")"), e);
            }
            throw new SerializationException("cannot decode a " + type.getSimpleName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // The registry answered, but what it holds under this id is not an Avro schema (a registry
            // may hold JSON Schema or Protobuf too): the record names a schema we cannot read it with.
            throw new AvroDecodeException(AvroDecodeException.Reason.INCOMPATIBLE_SCHEMA, "schema id " + id
                    + " is not an Avro schema this reader can use: " + e.getClass().getSimpleName(), e);
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new AvroDecodeException(AvroDecodeException.Reason.INCOMPATIBLE_SCHEMA, "schema id " + id + " ("
                    + writer.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
                    + compatibility.getDescription(), null);
        }
        return new SpecificDatumReader<>(writer, readerSchema);
    }

    /**
     * The registry's answer is about the id the record carries (not found, or refused as a bad
     * request), not about the registry or our access to it. 401/403/407 (credentials), 408/429
     * (timeout, rate limit) and 5xx or no answer are outages.
     */
    private static boolean isAboutTheId(SchemaRegistryException e) {
        int status = e.status();
        return status >= 400 && status < 500 && status != 401 && status != 403 && status != 407 && status != 408
                && status != 429;
    }
}
