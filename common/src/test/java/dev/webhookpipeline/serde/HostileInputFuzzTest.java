package dev.webhookpipeline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.event.DomainEventRules;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testing.FakeSchemaRegistry;
import dev.webhookpipeline.testing.HostileArbitraries;
import dev.webhookpipeline.testing.HostileArbitraries.Mutation;
import dev.webhookpipeline.testing.HostileRecords;
import dev.webhookpipeline.testsupport.SampleRecords;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Fuzzing the readers' contract (no broker; a fake registry): valid records mutated at random and
 * hostile JSON data only ever make {@link AvroDeserializer} throw {@link AvroDecodeException}, the
 * event rules list problems instead of throwing, and {@link RecordFailure} calls all of it bad input.
 */
class HostileInputFuzzTest {

    static FakeSchemaRegistry fake;
    static SchemaRegistryClient registry;
    static int eventSchemaId;

    @BeforeContainer
    static void start() {
        fake = FakeSchemaRegistry.start();
        registry = fake.client();
        eventSchemaId = registry.register("events-value", DomainEvent.getClassSchema());
        registry.register("tenant-config-value", WebhookConfig.getClassSchema());
    }

    @AfterContainer
    static void stop() {
        fake.close();
    }

    /** Reads like the router does; returns normally or with bad input, never with anything else. */
    static <T extends SpecificRecord> T read(Class<T> type, byte[] bytes) {
        try {
            return new AvroDeserializer<>(type, registry).deserialize("topic", bytes);
        } catch (AvroDecodeException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            assertThat(RecordFailure.classify(e)).isInstanceOf(RecordFailure.BadInput.class);
            return null;
        }
        // anything else (RuntimeException, a plain SerializationException = "outage") fails the property
    }

    static void check(DomainEvent event) {
        if (event != null) {
            List<String> problems = DomainEventRules.problems(event); // must not throw
            assertThat(problems).doesNotContainNull();
            if (problems.isEmpty()) {
                assertThat(WebhookPayload.body(1, event.getEventId(), event.getType(), event.getOccurredAt(),
                        event.getData())).startsWith("{\"id\":1,");
            }
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return HostileArbitraries.mutations();
    }

    @Provide
    Arbitrary<String> hostileData() {
        return HostileArbitraries.hostileData();
    }

    @Provide
    Arbitrary<String> hostileEventIds() {
        return HostileArbitraries.hostileEventIds();
    }

    @Property(tries = 400)
    void aMutatedEventIsReadOrRejectedWithAReason(@ForAll("mutations") Mutation mutation,
            @ForAll("hostileData") String data) {
        byte[] valid = new AvroSerializer<DomainEvent>(registry, true).serialize("events",
                DomainEvent.newBuilder(SampleRecords.event("acme", EventType.TASK_CREATED, 1)).setData(data).build());
        check(read(DomainEvent.class, mutation.apply(valid)));
    }

    @Property(tries = 300)
    void aMutatedConfigIsReadOrRejectedWithAReason(@ForAll("mutations") Mutation mutation) {
        byte[] valid = new AvroSerializer<WebhookConfig>(registry, true).serialize("tenant-config",
                SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED)));
        read(WebhookConfig.class, mutation.apply(valid));
    }

    @Property(tries = 300)
    void hostileContentInWellFormedAvroIsReadOrRejectedWithAReason(@ForAll("hostileEventIds") String eventId,
            @ForAll("hostileData") String data) {
        byte[] bytes = HostileRecords.framed(eventSchemaId,
                HostileRecords.eventAvro(eventId, "acme", EventType.TASK_CREATED, data));
        DomainEvent event = read(DomainEvent.class, bytes);
        check(event);
        if (event != null) {
            // Avro only accepts what UUID.fromString does: anything else was rejected above.
            assertThat(event.getEventId()).isNotNull();
        }
    }

    @Property(tries = 300)
    void theEventRulesNeverThrowAndTheParserOnlyRejectsWithIllegalArgument(@ForAll("hostileData") String data) {
        DomainEvent event = DomainEvent.newBuilder(SampleRecords.event("acme", EventType.TASK_CREATED, 1)).setData(data)
                .build();
        List<String> problems = DomainEventRules.problems(event);
        try {
            WebhookPayload.parseObject(data);
            assertThat(problems).noneMatch(p -> p.startsWith("event data is not") || p.startsWith("event data must"));
        } catch (IllegalArgumentException e) {
            assertThat(problems).isNotEmpty();
            assertThat(RecordFailure.classify(e)).isInstanceOf(RecordFailure.BadInput.class);
        }
    }
}
