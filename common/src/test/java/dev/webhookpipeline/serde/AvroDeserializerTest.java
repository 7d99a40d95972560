package dev.webhookpipeline.serde;

import static dev.webhookpipeline.testing.HostileRecords.concat;
import static dev.webhookpipeline.testing.HostileRecords.eventAvro;
import static dev.webhookpipeline.testing.HostileRecords.framed;
import static dev.webhookpipeline.testing.HostileRecords.uuid;
import static dev.webhookpipeline.testing.HostileRecords.varint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDecodeException.Reason;
import dev.webhookpipeline.testing.FakeSchemaRegistry;
import dev.webhookpipeline.testing.HostileRecords;
import dev.webhookpipeline.testsupport.SampleRecords;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deserializer's contract, on a fake registry (fast, no broker): every problem with a record's
 * content is an {@link AvroDecodeException} with a reason; a plain {@link SerializationException}
 * only ever means the registry could not be used (an outage). The dispatcher and the router rely on it.
 */
class AvroDeserializerTest {

    static final String TOPIC = "events";

    FakeSchemaRegistry fake;
    SchemaRegistryClient registry;
    AvroDeserializer<DomainEvent> events;
    int eventSchemaId;

    @BeforeEach
    void start() {
        fake = FakeSchemaRegistry.start();
        registry = fake.client();
        events = new AvroDeserializer<>(DomainEvent.class, registry);
        eventSchemaId = registry.register("events-value", DomainEvent.getClassSchema());
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static void assertBadInput(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOf(AvroDecodeException.class)
                .extracting(e -> ((AvroDecodeException) e).reason()).isEqualTo(reason);
    }

    static void assertOutage(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SerializationException.class).isNotInstanceOf(AvroDecodeException.class);
    }

    byte[] validEvent() {
        return new AvroSerializer<DomainEvent>(registry, true).serialize(TOPIC,
                SampleRecords.event("acme", EventType.TASK_CREATED, 1));
    }

    @Test
    void aValidRecordDecodes() {
        DomainEvent event = SampleRecords.event("acme", EventType.TASK_CREATED, 1);
        byte[] bytes = new AvroSerializer<DomainEvent>(registry, true).serialize(TOPIC, event);
        assertThat(events.deserialize(TOPIC, bytes)).isEqualTo(event);
    }

    @Test
    void aNegativeStringLengthIsMalformedAvro() {
        // event_id is the first field: its length -1 (zig-zag 0x01) instead of 36.
        byte[] bytes = validEvent();
        bytes[5] = 0x01;
        assertBadInput(() -> events.deserialize(TOPIC, bytes), Reason.MALFORMED_AVRO);
    }

    @Test
    void anOversizedStringLengthIsMalformedAvro() {
        byte[] bytes = framed(eventSchemaId, concat(varint(1L << 40), new byte[] {1, 2, 3}));
        assertBadInput(() -> events.deserialize(TOPIC, bytes), Reason.MALFORMED_AVRO);
        byte[] longerThanTheRecord = framed(eventSchemaId, concat(varint(Integer.MAX_VALUE - 100), new byte[] {1}));
        assertBadInput(() -> events.deserialize(TOPIC, longerThanTheRecord), Reason.MALFORMED_AVRO);
    }

    @Test
    void anEventIdThatIsNotAUuidIsBadInput() {
        // Avro's uuid logical type is converted by UUID.fromString while the record is read.
        byte[] bytes = framed(eventSchemaId, eventAvro("not-a-uuid", "acme", EventType.TASK_CREATED, "{}"));
        assertBadInput(() -> events.deserialize(TOPIC, bytes), Reason.MALFORMED_AVRO);
        byte[] overflowing = framed(eventSchemaId, eventAvro("1-2-3-4-99999999999999999999", "acme",
                EventType.TASK_CREATED, "{}"));
        assertBadInput(() -> events.deserialize(TOPIC, overflowing), Reason.MALFORMED_AVRO);
    }

    @Test
    void anEnumIndexOutOfRangeAndATruncatedRecordAreMalformedAvro() {
        byte[] good = framed(eventSchemaId, eventAvro(uuid(), "acme", EventType.TASK_CREATED, "{}"));
        byte[] truncated = Arrays.copyOf(good, good.length - 2);
        assertBadInput(() -> events.deserialize(TOPIC, truncated), Reason.MALFORMED_AVRO);
        byte[] trailing = concat(good, new byte[] {0});
        assertBadInput(() -> events.deserialize(TOPIC, trailing), Reason.MALFORMED_AVRO);
        byte[] badEnum = framed(eventSchemaId, concat(varint(36), uuid().getBytes(), varint(4), "acme".getBytes(),
                varint(999)));
        assertBadInput(() -> events.deserialize(TOPIC, badEnum), Reason.MALFORMED_AVRO);
    }

    @Test
    void framingProblemsHaveTheirReasons() {
        assertBadInput(() -> events.deserialize(TOPIC, new byte[0]), Reason.TOO_SHORT);
        assertBadInput(() -> events.deserialize(TOPIC, new byte[] {1, 0, 0, 0, 1, 2}), Reason.BAD_MAGIC_BYTE);
        assertBadInput(() -> events.deserialize(TOPIC, framed(4242, new byte[] {2})), Reason.UNKNOWN_SCHEMA_ID);
        assertBadInput(() -> events.deserialize(TOPIC, framed(-7, new byte[] {2})), Reason.UNKNOWN_SCHEMA_ID);
        assertBadInput(() -> events.deserialize(TOPIC, framed(0, new byte[] {2})), Reason.UNKNOWN_SCHEMA_ID);
    }

    @Test
    void aSchemaIdOfAnotherTypeIsAnIncompatibleSchema() {
        byte[] config = new AvroSerializer<WebhookConfig>(registry, true).serialize("tenant-config",
                SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED)));
        assertBadInput(() -> events.deserialize(TOPIC, config), Reason.INCOMPATIBLE_SCHEMA);
    }

    @Test
    void aSchemaIdThatIsNotAnAvroSchemaIsAnIncompatibleSchema() {
        int notAvro = fake.registerRaw("syntax = \"proto3\"; message Foo {}");
        int emptyRecord = fake.registerRaw(Schema.createRecord("Other", null, "x", false, List.of()).toString());
        assertBadInput(() -> events.deserialize(TOPIC, framed(notAvro, new byte[] {2})), Reason.INCOMPATIBLE_SCHEMA);
        assertBadInput(() -> events.deserialize(TOPIC, framed(emptyRecord, new byte[0])), Reason.INCOMPATIBLE_SCHEMA);
    }

    @Test
    void aRegistryThatAnswersABadRequestForTheIdIsAnUnknownSchemaId() {
        fake.answerEverythingWith(422);
        assertBadInput(() -> events.deserialize(TOPIC, framed(99, new byte[] {2})), Reason.UNKNOWN_SCHEMA_ID);
        fake.answerEverythingWith(400);
        assertBadInput(() -> events.deserialize(TOPIC, framed(98, new byte[] {2})), Reason.UNKNOWN_SCHEMA_ID);
    }

    @Test
    void aRegistryOutageIsAPlainSerializationException() {
        fake.answerEverythingWith(503);
        assertOutage(() -> events.deserialize(TOPIC, framed(77, new byte[] {2})));
        fake.answerEverythingWith(500);
        assertOutage(() -> events.deserialize(TOPIC, framed(77, new byte[] {2})));
        fake.answerEverythingWith(429);
        assertOutage(() -> events.deserialize(TOPIC, framed(77, new byte[] {2})));
        fake.answerEverythingWith(401); // our credentials, not the record: wait for the operator, do not dead-letter
        assertOutage(() -> events.deserialize(TOPIC, framed(77, new byte[] {2})));
        fake.answerEverythingWith(0);
        fake.close();
        assertOutage(() -> events.deserialize(TOPIC, framed(77, new byte[] {2})));
    }

    @Test
    void aRecordOfAKnownSchemaStillDecodesWhileTheRegistryIsDown() {
        byte[] bytes = validEvent();
        events.deserialize(TOPIC, bytes);
        fake.close();
        assertThat(events.deserialize(TOPIC, bytes).getTenantId()).isEqualTo("acme");
        byte[] broken = bytes.clone();
        broken[5] = 0x01;
        assertBadInput(() -> events.deserialize(TOPIC, broken), Reason.MALFORMED_AVRO);
    }

    @Test
    void hostileDataIsStillWellFormedAvro() {
        // The JSON rules are the router's business (DomainEventRules): the deserializer only reads.
        byte[] bytes = framed(eventSchemaId, eventAvro(uuid(), "acme", EventType.TASK_CREATED,
                HostileRecords.deeplyNested(5_000)));
        assertThat(events.deserialize(TOPIC, bytes).getData()).startsWith("{\"a\":[[[[");
    }
}
