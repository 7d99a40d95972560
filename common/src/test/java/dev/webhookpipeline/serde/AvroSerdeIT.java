package dev.webhookpipeline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.registry.SchemaRegistryException;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The serde against the real Apicurio registry: round trips and every kind of bad input. */
@ExtendWith(RealServicesExtension.class)
class AvroSerdeIT {

    static String registryUrl;
    static SchemaRegistryClient registry;
    static final String TOPIC = TestServices.uniquePrefix("serde") + "events";

    @BeforeAll
    static void registry(TestServices services) {
        registryUrl = services.schemaRegistryUrl();
        registry = SchemaRegistryClient.builder(registryUrl).build();
    }

    static <T extends SpecificRecord> T roundTrip(T record, Class<T> type) {
        try (var serializer = new AvroSerializer<T>(); var deserializer = new AvroDeserializer<>(type)) {
            Map<String, String> config = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
            serializer.configure(config, false);
            deserializer.configure(config, false);
            byte[] bytes = serializer.serialize(TOPIC, record);
            assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
            assertThat(registry.schemaById(WireFormat.schemaId(bytes))).isEqualTo(record.getSchema());
            return deserializer.deserialize(TOPIC, bytes);
        }
    }

    @Test
    void everySchemaRoundTripsThroughTheRegistry() {
        DomainEvent event = SampleRecords.event("tenant-a", EventType.RISK_LEVEL_CHANGED, 1);
        WebhookConfig config = SampleRecords.config("tenant-a", "https://example.com/hook",
                List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED));
        OutboundWebhook outbound = SampleRecords.outbound("tenant-a", 42, EventType.CHECK_COMPLETED);

        assertThat(roundTrip(event, DomainEvent.class)).isEqualTo(event);
        assertThat(roundTrip(config, WebhookConfig.class)).isEqualTo(config);
        assertThat(roundTrip(outbound, OutboundWebhook.class)).isEqualTo(outbound);
    }

    @Test
    void nullIsATombstoneBothWays() {
        var serializer = new AvroSerializer<WebhookConfig>(registry, true);
        assertThat(serializer.serialize(TOPIC, null)).isNull();
        assertThat(new AvroDeserializer<>(WebhookConfig.class, registry).deserialize(TOPIC, null)).isNull();
    }

    @Test
    void wrongMagicByteIsRejectedWithTheReason() {
        byte[] bytes = new AvroSerializer<DomainEvent>(registry, true)
                .serialize(TOPIC, SampleRecords.event("t", EventType.TASK_CREATED, 1));
        bytes[0] = 7;
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, registry).deserialize(TOPIC, bytes))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("magic byte 0x07")
                .extracting(e -> ((AvroDecodeException) e).reason())
                .isEqualTo(AvroDecodeException.Reason.BAD_MAGIC_BYTE);
    }

    @Test
    void plainJsonIsNotMistakenForAvro() {
        byte[] json = "{\"tenant_id\":\"t\"}".getBytes();
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, registry).deserialize(TOPIC, json))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("magic byte 0x7b");
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, registry).deserialize(TOPIC, new byte[] {0, 1}))
                .isInstanceOf(AvroDecodeException.class)
                .extracting(e -> ((AvroDecodeException) e).reason())
                .isEqualTo(AvroDecodeException.Reason.TOO_SHORT);
    }

    @Test
    void unknownSchemaIdIsRejectedWithTheReason() {
        byte[] bytes = ByteBuffer.allocate(8).put((byte) 0).putInt(987_654_321).put(new byte[] {2, 4, 6}).array();
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, registry).deserialize(TOPIC, bytes))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("schema id 987654321 is unknown")
                .extracting(e -> ((AvroDecodeException) e).reason())
                .isEqualTo(AvroDecodeException.Reason.UNKNOWN_SCHEMA_ID);
    }

    @Test
    void corruptAvroBodyIsRejectedWithTheReason() {
        byte[] good = new AvroSerializer<DomainEvent>(registry, true)
                .serialize(TOPIC, SampleRecords.event("t", EventType.TASK_CREATED, 1));
        byte[] truncated = Arrays.copyOf(good, 12);
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, registry).deserialize(TOPIC, truncated))
                .isInstanceOf(AvroDecodeException.class)
                .extracting(e -> ((AvroDecodeException) e).reason())
                .isEqualTo(AvroDecodeException.Reason.MALFORMED_AVRO);
    }

    @Test
    void recordOfAnotherSchemaIsRejectedAsIncompatible() {
        byte[] config = new AvroSerializer<WebhookConfig>(registry, true).serialize(TOPIC + "-other",
                SampleRecords.config("t", "https://example.com", List.of(EventType.TASK_CREATED)));
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, registry).deserialize(TOPIC, config))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("cannot be read as dev.webhookpipeline.schema.DomainEvent")
                .extracting(e -> ((AvroDecodeException) e).reason())
                .isEqualTo(AvroDecodeException.Reason.INCOMPATIBLE_SCHEMA);
    }

    @Test
    void unreachableRegistryFailsAfterBoundedRetriesAndSaysWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient down = SchemaRegistryClient.builder("http://user:pw@127.0.0.1:" + closedPort)
                .maxAttempts(3).retryBackoff(Duration.ofMillis(10)).connectTimeout(Duration.ofSeconds(1)).build();
        var serializer = new AvroSerializer<DomainEvent>(down, true);
        long start = System.nanoTime();
        assertThatThrownBy(() -> serializer.serialize(TOPIC, SampleRecords.event("t", EventType.TASK_CREATED, 1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unreachable")
                .hasMessageContaining("check schema.registry.url")
                .hasMessageNotContaining("pw")
                .cause().isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.isUnavailable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

        byte[] bytes = new AvroSerializer<DomainEvent>(registry, true)
                .serialize(TOPIC, SampleRecords.event("t", EventType.TASK_CREATED, 1));
        assertThatThrownBy(() -> new AvroDeserializer<>(DomainEvent.class, down).deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .isNotInstanceOf(AvroDecodeException.class) // an outage, not bad data: must not be dead-lettered
                .hasMessageContaining("unreachable");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsAClearError() {
        var serializer = new AvroSerializer<DomainEvent>(registry, false);
        assertThatThrownBy(() -> serializer.serialize(TestServices.uniquePrefix("noreg") + "events",
                SampleRecords.event("t", EventType.TASK_CREATED, 1)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("answered 404");
    }

    @Test
    void missingRegistryUrlIsAClearConfigError() {
        assertThatThrownBy(() -> new AvroSerializer<DomainEvent>().configure(Map.of(), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing schema.registry.url");
    }
}
