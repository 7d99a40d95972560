package dev.webhookpipeline.producer;

import dev.webhookpipeline.event.DomainEventRules;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventSubject;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes domain events to the events topic: the library upstream services use.
 *
 * <p>The producer is idempotent with {@code acks=all}, and the key is the tenant id, so a tenant's
 * events keep the order in which {@link #publish} was called, even across retries. Events are
 * checked before sending ({@link DomainEventRules}); a bad one throws {@link InvalidEventException}
 * and nothing is sent. Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, DomainEvent> producer;
    private final String topic;

    public EventPublisher(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        // Order and no loss are not negotiable: these override whatever the caller passed.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // No compression unless the caller asks (compression.type): events go out as they happen, so a
        // batch holds one or two small events, and Kafka's lz4 allocates two 64 KiB blocks per batch —
        // most of what the end-to-end benchmark allocated, for nothing saved. A publisher sending
        // thousands of events per second per partition fills batches and gains from lz4 or zstd.
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "event-publisher");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, true));
        this.topic = topics.events().name();
    }

    public static EventPublisher fromSettings(PipelineSettings settings) {
        return new EventPublisher(settings.kafkaProperties(), settings.registryClient(), settings.topics());
    }

    /**
     * Sends one event. The returned future completes when Kafka has it (all in-sync replicas), or
     * fails with Kafka's error.
     *
     * @throws InvalidEventException when the event breaks a rule; nothing is sent
     */
    public CompletableFuture<PublishedEvent> publish(NewEvent event) {
        DomainEvent record = toRecord(event);
        CompletableFuture<PublishedEvent> result = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, record.getTenantId(), record), (metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(new PublishedEvent(record.getEventId(), record.getTenantId(), metadata.topic(),
                        metadata.partition(), metadata.offset()));
            }
        });
        return result;
    }

    /** The record {@link #publish} would send, with defaults filled in; throws when the event is invalid. */
    public static DomainEvent toRecord(NewEvent event) {
        List<String> problems = new ArrayList<>();
        if (event.type() == null) {
            problems.add("event type is missing");
        }
        if (event.occurredAt() != null) {
            try {
                event.occurredAt().toEpochMilli();
            } catch (ArithmeticException e) {
                problems.add("occurred_at " + event.occurredAt() + " is out of range (epoch milliseconds overflow)");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        DomainEvent record = DomainEvent.newBuilder()
                .setEventId(event.eventId() != null ? event.eventId() : UUID.randomUUID())
                .setTenantId(event.tenantId() == null ? "" : event.tenantId())
                .setType(event.type())
                .setOccurredAt((event.occurredAt() != null ? event.occurredAt() : Instant.now()).truncatedTo(ChronoUnit.MILLIS))
                .setSubject(event.subject() != null ? event.subject() : EventSubject.newBuilder().build())
                .setData(event.data() == null ? "" : event.data())
                .build();
        problems.addAll(DomainEventRules.problems(record));
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        return record;
    }

    /** Blocks until every event sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
