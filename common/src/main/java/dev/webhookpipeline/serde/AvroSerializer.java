package dev.webhookpipeline.serde;

import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a generated Avro record in Confluent's wire format, registering (or looking up) its schema
 * under {@code <topic>-key} or {@code <topic>-value}.
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static {
        SchemaClasses.trust();
    }

    private SchemaRegistryClient registry;
    private boolean autoRegister = true;
    private boolean isKey;

    /** For Kafka's config-driven construction; {@link #configure} must follow. */
    public AvroSerializer() {}

    public AvroSerializer(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            registry = SerdeConfig.client(configs);
            autoRegister = SerdeConfig.autoRegister(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): set " + SerdeConfig.SCHEMA_REGISTRY_URL);
        }
        String subject = topic + (isKey ? "-key" : "-value");
        int id;
        try {
            id = autoRegister ? registry.register(subject, record.getSchema()) : registry.lookup(subject, record.getSchema());
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot serialize " + record.getSchema().getFullName() + " to " + topic
                    + ": " + e.getMessage(), e);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
            WireFormat.writeHeader(header, id);
            out.write(header.array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot serialize " + record.getSchema().getFullName() + " to " + topic
                    + ": " + e.getMessage(), e);
        }
    }
}
