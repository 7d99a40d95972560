package dev.webhookpipeline.serde;

import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroTypeException;
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
 * <p>Bytes that are not ours fail with an {@link AvroDecodeException} naming the reason. A registry
 * that cannot be reached fails with a plain {@link SerializationException} instead: that is an outage
 * to wait out, not bad data.
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
        } catch (IOException | AvroTypeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new AvroDecodeException(AvroDecodeException.Reason.MALFORMED_AVRO, "cannot decode a "
                    + type.getSimpleName() + " from " + topic + " (schema id " + id + "): " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new AvroDecodeException(AvroDecodeException.Reason.UNKNOWN_SCHEMA_ID, "schema id " + id
                        + " is unknown to the schema registry " + registry.url()
                        + ": the record was written against another registry, or its schema was deleted", e);
            }
            throw new SerializationException("cannot decode a " + type.getSimpleName() + ": " + e.getMessage(), e);
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
}
