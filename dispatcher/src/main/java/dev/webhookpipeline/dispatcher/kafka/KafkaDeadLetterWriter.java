package dev.webhookpipeline.dispatcher.kafka;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.dispatcher.engine.DeadLetterWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes undeliverable outbound records, with the reason headers, to the dead-letter topic (idempotent, acks=all). */
public final class KafkaDeadLetterWriter implements DeadLetterWriter, AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public KafkaDeadLetterWriter(Map<String, Object> kafkaProperties, String topic) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "dispatcher-dead-letters");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    @Override
    public void write(ConsumerRecord<String, byte[]> record, String reason, String message, Consumer<Exception> onDone) {
        var headers = DeadLetterHeaders.describe(record.headers(), reason, message, record.topic(), record.partition(),
                record.offset(), "dispatcher");
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null,
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                DeadLetterHeaders.valueThatFits(record.value(), headers), headers);
        try {
            producer.send(out, (metadata, error) -> onDone.accept(error));
        } catch (RuntimeException e) { // e.g. the record is too large, or the producer is closed
            onDone.accept(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
