package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.TenantCommand;
import dev.webhookpipeline.schema.TenantCommandType;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators' Retry and Refresh, delivered to whichever instance owns the tenant: any instance's
 * status API writes the command to the control topic, every instance reads it from the end, and
 * each hands it to its dispatcher, where it acts only if the tenant's partition is its own.
 */
public final class ControlChannel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

    private final KafkaProducer<String, TenantCommand> producer;
    private final KafkaConsumer<String, TenantCommand> consumer;
    private final String topic;
    private final Clock clock;
    private final Dispatcher dispatcher;
    private final Thread reader;
    private volatile boolean running = true;

    public ControlChannel(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic,
                          Dispatcher dispatcher, Clock clock) {
        Map<String, Object> producerProps = new HashMap<>(kafkaProperties);
        producerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "dispatcher-control-writer");
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new AvroSerializer<>(registry, true));
        Map<String, Object> consumerProps = new HashMap<>(kafkaProperties);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "dispatcher-control-reader");
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new AvroDeserializer<>(TenantCommand.class, registry));
        this.topic = topic;
        this.clock = clock;
        this.dispatcher = dispatcher;
        this.reader = new Thread(this::run, "control-reader");
        this.reader.setDaemon(true);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions); // commands are for now: none from before this instance started
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
    }

    public void start() {
        reader.start();
    }

    /** Sends a command and waits until Kafka has it. */
    public void send(String tenantId, TenantCommandType command) {
        try {
            producer.send(new ProducerRecord<>(topic, tenantId, new TenantCommand(tenantId, command, clock.instant())))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send " + command + " for tenant " + tenantId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void run() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    TenantCommand command = record.value();
                    if (command == null) {
                        return;
                    }
                    log.info("operator command {} for tenant {}", command.getCommand(), record.key());
                    switch (command.getCommand()) {
                        case RETRY -> dispatcher.retryNow(record.key());
                        case REFRESH -> dispatcher.refresh(record.key());
                    }
                });
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("control reader stopped: Retry and Refresh no longer reach this instance", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(10_000);
        producer.close(Duration.ofSeconds(5));
    }
}
