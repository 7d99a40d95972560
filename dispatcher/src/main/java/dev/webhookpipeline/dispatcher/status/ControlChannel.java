package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.dispatcher.kafka.TopicReader;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.TenantCommand;
import dev.webhookpipeline.schema.TenantCommandType;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators' Retry and Refresh, delivered to whichever instance owns the tenant: any instance's
 * status API writes the command to the control topic, every instance reads it from the end, and
 * each hands it to its dispatcher, where it acts only if the tenant's partition is its own.
 *
 * <p>The reader survives what it can ({@link TopicReader}): a command that cannot be decoded is
 * skipped with a warning, a registry outage or a transient broker error is waited out. Should it
 * still stop, {@link #isReading()} turns false: Retry and Refresh no longer reach this instance,
 * and the instance reports itself unhealthy.
 */
public final class ControlChannel implements AutoCloseable {

    /** Where the commands for this instance go: the dispatcher, which acts on the tenants it owns. */
    public interface Commands {
        void retryNow(String tenantId);

        void refresh(String tenantId);
    }

    private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);

    private final KafkaProducer<String, TenantCommand> producer;
    private final TopicReader<TenantCommand> reader;
    private final String topic;
    private final Clock clock;

    public ControlChannel(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic,
                          Dispatcher dispatcher, Clock clock) {
        this(kafkaProperties, registry, topic, new Commands() {
            @Override
            public void retryNow(String tenantId) {
                dispatcher.retryNow(tenantId);
            }

            @Override
            public void refresh(String tenantId) {
                dispatcher.refresh(tenantId);
            }
        }, clock);
    }

    public ControlChannel(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic,
                          Commands commands, Clock clock) {
        Map<String, Object> producerProps = new HashMap<>(kafkaProperties);
        producerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "dispatcher-control-writer");
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new AvroSerializer<>(registry, true));
        // From the end: commands are for now, none from before this instance started.
        this.reader = new TopicReader<>("operator commands", kafkaProperties,
                new AvroDeserializer<>(TenantCommand.class, registry), topic, "dispatcher-control-reader",
                TopicReader.From.END, (key, command) -> Optional.empty(), (key, command) -> {
                    if (command == null) {
                        return;
                    }
                    log.info("operator command {} for tenant {}", command.getCommand(), key);
                    switch (command.getCommand()) {
                        case RETRY -> commands.retryNow(key);
                        case REFRESH -> commands.refresh(key);
                    }
                });
        this.topic = topic;
        this.clock = clock;
    }

    public void start() {
        reader.start();
    }

    /** Waits until the reader is positioned at the end: every command sent after this is read. False on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return reader.awaitReady(timeout);
    }

    /** Whether commands are still being read; false once the reader stopped (Retry and Refresh no longer reach this instance). */
    public boolean isReading() {
        return reader.isReading();
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

    @Override
    public void close() throws InterruptedException {
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
