package dev.webhookpipeline.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicInitializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealServicesExtension.class)
class EventPublisherIT {

    @Test
    void everyEventArrivesInPerTenantOrderWhereThePublisherSaid(TestServices services) throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("publisher")).partitions(6).build();
        try (var admin = services.kafka().admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        Map<String, Object> props = Map.of("bootstrap.servers", services.bootstrapServers());

        Random random = new Random(7);
        Map<String, List<UUID>> sentByTenant = new LinkedHashMap<>();
        List<CompletableFuture<PublishedEvent>> results = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(props, registry, topics)) {
            for (int i = 0; i < 2_000; i++) {
                String tenant = "tenant-" + random.nextInt(20);
                EventType type = EventType.values()[random.nextInt(EventType.values().length)];
                UUID id = UUID.randomUUID();
                results.add(publisher.publish(NewEvent.of(tenant, type, "{\"i\":" + i + "}").withEventId(id)));
                sentByTenant.computeIfAbsent(tenant, t -> new ArrayList<>()).add(id);
            }
            publisher.flush();
        }
        Map<UUID, PublishedEvent> landed = new HashMap<>();
        for (var result : results) {
            PublishedEvent event = result.join();
            landed.put(event.eventId(), event);
        }

        Map<String, List<UUID>> readByTenant = new LinkedHashMap<>();
        Map<String, Object> consumerProps = new HashMap<>(props);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new AvroDeserializer<>(DomainEvent.class, registry))) {
            consumer.subscribe(List.of(topics.events().name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int read = 0;
            while (read < results.size() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    assertThat(record.key()).isEqualTo(record.value().getTenantId());
                    PublishedEvent where = landed.get(record.value().getEventId());
                    assertThat(where.partition()).isEqualTo(record.partition());
                    assertThat(where.offset()).isEqualTo(record.offset());
                    readByTenant.computeIfAbsent(record.key(), t -> new ArrayList<>()).add(record.value().getEventId());
                }
            }
        }
        assertThat(readByTenant).isEqualTo(sentByTenant);
    }

    @Test
    void anInvalidEventIsRefusedAndNothingIsSent(TestServices services) {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("refused")).build();
        SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        try (EventPublisher publisher = new EventPublisher(Map.of("bootstrap.servers", services.bootstrapServers()),
                registry, topics)) {
            assertThatThrownBy(() -> publisher.publish(NewEvent.of("", EventType.TASK_CREATED, "{}")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("tenant id is missing");
            assertThatThrownBy(() -> publisher.publish(NewEvent.of("acme", null, "{}")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("event type is missing");
            assertThatThrownBy(() -> publisher.publish(NewEvent.of("acme", EventType.TASK_CREATED, "not json")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("not valid JSON");
            assertThatThrownBy(() -> publisher.publish(NewEvent.of("acme", EventType.TASK_CREATED,
                    "{\"x\":\"" + "a".repeat(70_000) + "\"}")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("more than the limit of 65536");
        }
        // The topic was never even created: nothing reached Kafka.
        try (var admin = services.kafka().admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topics.events().name());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
