package dev.webhookpipeline.router;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testing.PipelineFixture.Reader;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The router ITs' pipeline: a {@link PipelineFixture} with a producer of raw records (so tests can
 * write bad bytes too) and read_committed readers of what the router writes.
 */
final class TestPipeline implements AutoCloseable {

    final PipelineFixture fixture;
    final TestServices services;
    final PipelineTopics topics;
    final SchemaRegistryClient registry;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<DomainEvent> events;
    private final AvroSerializer<WebhookConfig> configs;

    TestPipeline(TestServices services, String name, int partitions) {
        this.fixture = PipelineFixture.create(services, name, partitions);
        this.services = services;
        this.topics = fixture.topics;
        this.registry = fixture.registry;
        this.producer = fixture.rawProducer();
        this.events = fixture.avroSerializer();
        this.configs = fixture.avroSerializer();
    }

    /** The settings a router for these topics needs, with quick commits and failure detection for tests. */
    Map<String, String> routerSettings() {
        return fixture.routerSettings();
    }

    byte[] encode(DomainEvent event) {
        return events.serialize(topics.events().name(), event);
    }

    void sendEvent(DomainEvent event) {
        sendEvent(event.getTenantId(), encode(event), null);
    }

    void sendEvent(String key, byte[] value, Long timestamp) {
        producer.send(new ProducerRecord<>(topics.events().name(), null, timestamp, key, value));
    }

    void sendConfig(WebhookConfig config, Long timestamp) {
        sendConfig(config.getTenantId(), encode(config), timestamp);
    }

    /** Any bytes (or none) to the config topic, as a foreign client could write them. */
    void sendConfig(String key, byte[] value, Long timestamp) {
        producer.send(new ProducerRecord<>(topics.tenantConfig().name(), null, timestamp, key, value));
    }

    byte[] encode(WebhookConfig config) {
        return configs.serialize(topics.tenantConfig().name(), config);
    }

    void flush() {
        producer.flush();
    }

    /** A read_committed reader of the outbound topic from its beginning. */
    Reader<OutboundWebhook> outbound() {
        return fixture.reader(topics.outbound(), fixture.avroDeserializer(OutboundWebhook.class));
    }

    Reader<byte[]> deadLetters() {
        return fixture.reader(topics.deadLetter(), new ByteArrayDeserializer());
    }

    @Override
    public void close() throws Exception {
        fixture.close();
    }
}
