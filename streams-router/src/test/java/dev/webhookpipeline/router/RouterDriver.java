package dev.webhookpipeline.router;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testing.FakeSchemaRegistry;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The router's topology on {@link TopologyTestDriver} with an in-process fake registry: no broker,
 * no registry process, so property tests can pipe thousands of records quickly.
 */
final class RouterDriver implements AutoCloseable {

    final FakeSchemaRegistry fake = FakeSchemaRegistry.start();
    final SchemaRegistryClient registry = fake.client();
    final PipelineTopics topics = PipelineTopics.builder().prefix("fast.").partitions(1).build();
    final RouterCounters counters = new RouterCounters();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> events;
    final TestInputTopic<String, byte[]> configs;
    final TestOutputTopic<String, OutboundWebhook> outbound;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final AvroSerializer<DomainEvent> eventSerializer = new AvroSerializer<>(registry, true);
    final AvroSerializer<WebhookConfig> configSerializer = new AvroSerializer<>(registry, true);

    RouterDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, RouterSettings.applicationId(topics));
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("router-fast").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(RouterTopology.build(topics, registry, RoutingRules.withoutCutover(), counters),
                props);
        events = driver.createInputTopic(topics.events().name(), new StringSerializer(), new ByteArraySerializer());
        configs = driver.createInputTopic(topics.tenantConfig().name(), new StringSerializer(), new ByteArraySerializer());
        outbound = driver.createOutputTopic(topics.outbound().name(), new StringDeserializer(),
                new AvroDeserializer<>(OutboundWebhook.class, registry));
        deadLetters = driver.createOutputTopic(topics.deadLetter().name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    int eventSchemaId() {
        return registry.register(topics.events().name() + "-value", DomainEvent.getClassSchema());
    }

    int configSchemaId() {
        return registry.register(topics.tenantConfig().name() + "-value", WebhookConfig.getClassSchema());
    }

    byte[] encode(DomainEvent event) {
        return eventSerializer.serialize(topics.events().name(), event);
    }

    byte[] encode(WebhookConfig config) {
        return configSerializer.serialize(topics.tenantConfig().name(), config);
    }

    void configure(WebhookConfig config) {
        configs.pipeInput(config.getTenantId(), encode(config));
    }

    DomainEvent send(DomainEvent event) {
        events.pipeInput(event.getTenantId(), encode(event));
        return event;
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        return DeadLetterHeaders.header(record.headers(), name);
    }

    static EventType anyType() {
        return EventType.TASK_CREATED;
    }

    @Override
    public void close() {
        driver.close();
        fake.close();
    }
}
