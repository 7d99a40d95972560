package dev.webhookpipeline.serde;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka {@link Serde}s for the pipeline's Avro types, sharing one registry client. */
public final class AvroSerdes {
    private AvroSerdes() {}

    public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, SchemaRegistryClient registry, boolean isKey) {
        AvroSerializer<T> serializer = new AvroSerializer<>(registry, true);
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type, registry);
        Serde<T> serde = Serdes.serdeFrom(serializer, deserializer);
        serde.configure(Map.of(), isKey);
        return serde;
    }

    public static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, SchemaRegistryClient registry) {
        return serde(type, registry, false);
    }
}
