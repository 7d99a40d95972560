package dev.webhookpipeline.webhookctl.audit;

import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.kafka.Acknowledgement;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.OperatorAction;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.webhookctl.inspect.RangeBound;
import dev.webhookpipeline.webhookctl.inspect.TopicRangeReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The operator-log topic: an append-only record of what operators and analysts did to the
 * pipeline's data (requeued dead letters), kept forever, keyed by tenant.
 */
public final class OperatorLog implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafkaProperties;
    private final SchemaRegistryClient registry;
    private final String topic;
    private KafkaProducer<String, OperatorAction> producer;

    public OperatorLog(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.registry = registry;
        this.topic = topics.operatorLog().name();
    }

    /** Every action recorded so far, in order per partition (a tenant's in the order they were recorded). */
    public List<OperatorAction> all() {
        AvroDeserializer<OperatorAction> decoder = new AvroDeserializer<>(OperatorAction.class, registry);
        List<OperatorAction> actions = new ArrayList<>();
        try (TopicRangeReader reader = new TopicRangeReader(kafkaProperties)) {
            reader.read(topic, new TopicRangeReader.Range(new RangeBound.Beginning(), null, null, null, false), record -> {
                try {
                    actions.add(decoder.deserialize(record.topic(), record.value()));
                } catch (RuntimeException e) {
                    if (RecordFailure.isOutage(e)) {
                        throw e;
                    }
                    // Not written by this tool: not an action we know of.
                }
                return true;
            }, progress -> {}, () -> false);
        }
        return actions;
    }

    /** Appends the action and waits for Kafka's acknowledgement. */
    public RecordMetadata append(OperatorAction action) {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafkaProperties);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
            producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, true));
        }
        return Acknowledgement.await(producer.send(new ProducerRecord<>(topic, action.getTenantId(), action)), topic, TIMEOUT);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
